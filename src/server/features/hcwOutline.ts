// HCW log outline: one symbol per cmdlet invocation (START..FINISH), failed ones marked, and
// folding for invocations and multi-line entries (exception texts).
import { SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver/node';
import type { Feature } from '../context';
import { forgetHcw, hcwLogOf, isHcwDocument } from './hcwDocument';

export const hcwOutline: Feature = {
  register(ctx) {
    ctx.documents.onDidClose((e) => forgetHcw(e.document.uri));
    ctx.symbols.push({
      provideSymbols(doc) {
        if (!isHcwDocument(doc)) return [];
        const out: DocumentSymbol[] = [];
        for (const inv of hcwLogOf(doc).invocations) {
          const first = inv.start ?? inv.finish!;
          const last = inv.finish ?? inv.start!;
          const endOffset = last.index + doc.getText().slice(last.index, last.end).replace(/\s+$/, '').length;
          const range = { start: doc.positionAt(first.index), end: doc.positionAt(Math.max(endOffset, first.index)) };
          const sel = { start: doc.positionAt(first.keywordIndex), end: doc.positionAt(first.keywordIndex + first.keywordLength) };
          const detail = [inv.durationMs !== null ? `${inv.durationMs} ms` : inv.finish ? '' : 'no FINISH', inv.failed ? 'failed' : '', first.time.slice(11)]
            .filter(Boolean)
            .join(' · ');
          out.push({
            name: inv.failed ? `${inv.cmdlet} ✗` : inv.cmdlet,
            detail,
            kind: inv.failed ? SymbolKind.Event : SymbolKind.Function,
            range,
            selectionRange: sel,
          });
        }
        return out;
      },
    });
    ctx.folding.push({
      provideFoldingRanges(doc) {
        if (!isHcwDocument(doc)) return [];
        const ranges: FoldingRange[] = [];
        const log = hcwLogOf(doc);
        for (const inv of log.invocations) {
          if (inv.start && inv.finish && inv.finish.endLine > inv.start.line) {
            ranges.push({ startLine: inv.start.line - 1, endLine: inv.finish.endLine - 1 });
          }
        }
        for (const e of log.entries) {
          if (e.endLine > e.line) ranges.push({ startLine: e.line - 1, endLine: e.endLine - 1, kind: 'region' });
        }
        return ranges;
      },
    });
  },
};
