// Outline of a FREB trace: the request, then the event tree (X_START ... X_END pairs enclose the
// events between them), each symbol named by its event and the data that tells it apart.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature } from '../context';
import { frebSummaryLine } from '../../core/freb/frebAnalyze';
import { buildEventTree, eventLabel, type FrebNode } from '../../core/freb/frebTree';
import { frebAnalysisOf } from './frebDocument';

function range(doc: TextDocument, from: number, to: number): DocumentSymbol['range'] {
  const end = Math.min(Math.max(to, from), doc.lineCount) - 1;
  const endText = doc.getText({ start: { line: end, character: 0 }, end: { line: end + 1, character: 0 } }).replace(/\r?\n$/, '');
  return { start: { line: from - 1, character: 0 }, end: { line: end, character: endText.length } };
}

function toSymbol(doc: TextDocument, n: FrebNode, failLine: number | null): DocumentSymbol {
  const last = n.end ?? n.event;
  const r = range(doc, n.event.line, last.endLine);
  const level = n.event.levelName && n.event.level !== null && n.event.level <= 3 ? ` [${n.event.levelName}]` : '';
  const dur = n.durationMs !== null && n.end ? `${n.durationMs} ms` : undefined;
  return {
    name: eventLabel(n.event),
    detail: [dur, level.trim() || undefined].filter(Boolean).join(' '),
    kind: n.event.line === failLine ? SymbolKind.Event : n.children.length ? SymbolKind.Namespace : SymbolKind.Field,
    range: r,
    selectionRange: range(doc, n.event.line, n.event.line),
    children: n.children.map((c) => toSymbol(doc, c, failLine)),
  };
}

export const frebSymbols: Feature = {
  register(ctx) {
    ctx.symbols.push({
      provideSymbols(doc) {
        const a = frebAnalysisOf(doc);
        if (!a) return [];
        const tree = buildEventTree(a.trace.events);
        const root = a.trace.rootLine;
        return [
          {
            name: frebSummaryLine(a),
            detail: `${a.trace.events.length} events`,
            kind: SymbolKind.Module,
            range: range(doc, root, a.trace.lines),
            selectionRange: range(doc, root, root),
            children: tree.map((n) => toSymbol(doc, n, a.failure?.event.line ?? null)),
          },
        ];
      },
    });
  },
};
