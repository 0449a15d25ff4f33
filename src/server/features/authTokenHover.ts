// Hover on Authorization / WWW-Authenticate / Proxy-Authorization values and bare NTLM, SPNEGO,
// Kerberos and JWT tokens: a compact table with the channel-binding line first.
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import * as l10n from '@vscode/l10n';
import type { Feature } from '../context';
import { decodeToken, type DecodeResult } from '../../core/authHeader';
import { findTokenAt } from '../../core/tokenLocate';
import { decodeMarkdown } from '../../core/tokenReport';
import { mdBold, mdCommandLink, mdText } from '../../core/markdown';

function title(r: DecodeResult): string {
  const scheme = r.scheme ? ` · ${mdText(r.scheme)}` : '';
  const spnego = r.spnego ? ' (SPNEGO)' : '';
  if (r.ntlm) return `${mdBold(`NTLM ${r.ntlm.messageTypeName}`)}${spnego}${scheme}`;
  if (r.kerberos) return `${mdBold(`Kerberos ${r.kerberos.messageType}`)}${spnego}${scheme}`;
  if (r.basic) return `${mdBold('Basic')}${scheme}`;
  if (r.jwt) return `${mdBold('JWT')}${scheme}`;
  return `${mdBold(r.mechanism)}${scheme}`;
}

export function tokenHoverMarkdown(text: string): string | null {
  const r = decodeToken(text);
  if (r.error) {
    // A bare base64 run that is no token at all is not worth a hover; a broken header value is.
    if (!/^(?:[\w-]+:\s*)?(?:Negotiate|NTLM|Kerberos|Basic|Bearer)\b/i.test(text) && r.errorKind === 'not-base64') return null;
    return `${l10n.t('**Authorization token could not be decoded:**')} ${mdText(r.error)}`;
  }
  if (r.mechanism === 'unknown' && !r.header) return null;
  const parts = [title(r), decodeMarkdown(r)];
  const decodeLabel = l10n.t('Decode in a document');
  const checkLabel = l10n.t('Check channel bindings against a certificate…');
  const links = [mdCommandLink(decodeLabel, 'iisAuthLens.decodeAuthorizationHeader', [text], decodeLabel)];
  if (r.ntlm?.messageType === 3) links.push(mdCommandLink(checkLabel, 'iisAuthLens.checkChannelBindings', [text], checkLabel));
  parts.push(links.join(' · '));
  return parts.join('\n\n');
}

export const authTokenHover: Feature = {
  register(ctx) {
    ctx.hover.push({
      provideHover(doc, position): Hover | null {
        if (!ctx.settings().decodeLanguages.includes(doc.languageId)) return null;
        const line = doc.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } }).replace(/\r?\n$/, '');
        const found = findTokenAt(line, position.character);
        if (!found) return null;
        const md = tokenHoverMarkdown(found.text);
        if (!md) return null;
        return {
          contents: { kind: MarkupKind.Markdown, value: md },
          range: { start: { line: position.line, character: found.start }, end: { line: position.line, character: found.end } },
        };
      },
    });
  },
};
