// CodeLens on each #Fields line of an IIS W3C log: requests, 401s, BAD_BINDINGS and the top
// failing URL and client of the block; a click lists the block's findings (client command
// iisAuthLens.showFindings, which asks the server for them with iisAuthLens/findings).
import * as l10n from '@vscode/l10n';
import type { CodeLens } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { compareFindings, type Finding } from '../../core/findings';
import { blockOfLine, docLine, type W3cBlockStats, type W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';
import { plainLabel } from '../../core/markdown';
import { FindingsRequest, onRequest, type RangedFinding, type ShowFindingsArgs } from '../../protocol/requests';
import { w3cFindingRange } from './w3cDiagnostics';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** "1 request" / "12,345 requests": singular and plural are separate strings (German too). */
export function requestsLabel(n: number): string {
  return n === 1 ? l10n.t('1 request') : l10n.t('{0} requests', fmt(n));
}

export function findingsLabel(n: number): string {
  return n === 1 ? l10n.t('1 finding') : l10n.t('{0} findings', fmt(n));
}

/**
 * The lens of a block: its requests, then only the counts that are not zero (401s, BAD_BINDINGS,
 * findings) and the top failing URL; a clean block says so instead of "0 × 401 · 0 BAD_BINDINGS".
 */
export function w3cBlockLensTitle(b: W3cBlockStats): string {
  const parts = [requestsLabel(b.requests)];
  if (b.status401) parts.push(l10n.t('{0} × 401', fmt(b.status401)));
  if (b.badBindings) parts.push(l10n.t('{0} BAD_BINDINGS', fmt(b.badBindings)));
  if (b.topFailing) {
    const uri = plainLabel(b.topFailing.uri, 80);
    parts.push(b.topFailing.clientIp ? l10n.t('top failing: {0} from {1}', uri, plainLabel(b.topFailing.clientIp, 48)) : l10n.t('top failing: {0}', uri));
  }
  if (b.findings) parts.push(findingsLabel(b.findings));
  else if (!b.status401) parts.push(l10n.t('no authentication failures'));
  return parts.join(' · ');
}

/** One lens per block that has requests or findings (a restart block of directives only gets none). */
export function w3cCodeLenses(a: W3cDocumentAnalysis, uri: string): CodeLens[] {
  return a.blocks
    .filter((b) => b.requests > 0 || b.findings > 0)
    .map((b) => {
      const line = docLine(a, b.fieldsLine || b.headerLine);
      const args: ShowFindingsArgs = { uri, block: b.index, title: l10n.t('Findings of block {0} (line {1})', b.index, fmt(b.fieldsLine || b.headerLine)) };
      return {
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        command: { title: w3cBlockLensTitle(b), command: 'iisAuthLens.showFindings', arguments: [args] },
      };
    });
}

/** Findings of one block (or all), BAD_BINDINGS and the other errors first: the answer to iisAuthLens/findings. */
export function w3cFindingsOf(a: W3cDocumentAnalysis, block?: number): Finding[] {
  const of = block === undefined ? [...a.findings] : a.findings.filter((f) => blockOfLine(a.blocks, f.line)?.index === block);
  return of.sort(compareFindings);
}

export const w3cCodeLens: Feature = {
  register(ctx: ServerContext) {
    ctx.codeLens.push({
      provideCodeLenses(doc: TextDocument): CodeLens[] {
        if (!isW3cDocument(doc)) return [];
        return w3cCodeLenses(w3cAnalysis(doc, ctx.settings(doc.uri).handshakeWindowSeconds), doc.uri);
      },
    });
    onRequest(ctx.connection, FindingsRequest, (p): RangedFinding[] => {
      const doc = ctx.documents.get(p.uri);
      if (!doc || !isW3cDocument(doc)) return [];
      const a = w3cAnalysis(doc, ctx.settings(doc.uri).handshakeWindowSeconds);
      // with the field's range, so a pick reveals the value (sc-win32-status ...), not column 1
      return w3cFindingsOf(a, p.block).map((f) => ({ ...f, range: w3cFindingRange(a, f) }));
    });
  },
};
