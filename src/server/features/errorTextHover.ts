// The hover on a recognised error text: the chain from the text to its cause, and actions -
// probe the endpoint (not for Hybrid Agent URLs), find the IIS log lines, copy the remediation.
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import * as l10n from '@vscode/l10n';
import type { Feature } from '../context';
import type { ExplainMatch } from '../../core/explain/explainText';
import { mdBold, mdCode, mdCommandLink, mdFence, mdText } from '../../core/markdown';
import { allMatchesOf, commandArgs, wantsErrorTexts } from './errorTextShared';

/**
 * The hover's Markdown. Everything taken from the document (time, endpoint, the header the server
 * offered) is escaped text or inline code; the only links are the three actions built here, and the
 * probe action carries nothing but the endpoint URL, which only pre-fills the probe's own prompts.
 */
export function hoverMarkdown(uri: string, m: ExplainMatch): string {
  const args = commandArgs(uri, m);
  const parts: string[] = [`${mdBold(l10n.t(m.title))} ${mdCode(m.code)}`];
  const facts: string[] = [];
  if (m.time) facts.push(mdText(l10n.t('time {0}', m.time)));
  if (m.url) facts.push(l10n.t('endpoint {0}', mdCode(m.url)));
  if (m.header) facts.push(l10n.t('server offered {0}', mdCode(m.header)));
  if (facts.length) parts.push(facts.join(' · '));
  const actions: string[] = [];
  if (m.next.includes('probe') && m.url && !m.hybridAgent) {
    actions.push(mdCommandLink(l10n.t('Probe this endpoint'), 'iisAuthLens.probeMrsEndpoint', [m.url]));
  }
  if (m.next.includes('find-iis-lines')) {
    actions.push(mdCommandLink(l10n.t('Find matching IIS log lines'), 'iisAuthLens.findMatchingIisLines', [args]));
  }
  actions.push(mdCommandLink(l10n.t('Explain in a document'), 'iisAuthLens.explainError', [args]));
  parts.push(actions.join(' · '));
  parts.push(m.explanation);
  if (m.hybridAgent) {
    parts.push(
      l10n.t(
        "*No probe from outside:* the `*.msappproxy.net` URL is Microsoft's Azure App Proxy in front of the Hybrid Agent; a request to it from your machine tests Microsoft's proxy, not your Exchange server. On the Exchange server, check Extended Protection (`-ShowExtendedProtection`) and the IIS log of `/EWS/mrsproxy.svc` at the time of the error.",
      ),
    );
  }
  if (m.remediation.length) {
    parts.push(`**${l10n.t('Remediation')}**`);
    for (const r of m.remediation) {
      parts.push(
        `- ${mdText(r.label)}` +
          (r.command ? ` ${mdCommandLink(l10n.t('Copy'), 'iisAuthLens.copyRemediation', [r.command])}\n\n${mdFence(r.command, 'powershell')}` : ''),
      );
    }
  }
  return parts.join('\n\n');
}

export const errorTextHover: Feature = {
  register(ctx) {
    ctx.hover.push({
      provideHover(doc, position): Hover | null {
        if (!wantsErrorTexts(doc)) return null;
        const offset = doc.offsetAt(position);
        const m = allMatchesOf(doc).find((x) => x.start <= offset && offset < x.end);
        if (!m) return null;
        return {
          contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(doc.uri, m) },
          range: { start: doc.positionAt(m.start), end: doc.positionAt(m.end) },
        };
      },
    });
  },
};
