// Folding for IIS W3C logs: one range per header block + its lines (until the next header).
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { docLine, type W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';

export function w3cFoldingRanges(a: W3cDocumentAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const b of a.blocks) {
    const start = docLine(a, b.headerLine);
    let end = b.endLine;
    // blank lines at the end of a block (before the next header) stay outside the fold
    while (end > b.headerLine && a.model.lineText(end).trim() === '') end--;
    if (docLine(a, end) > start) out.push({ startLine: start, endLine: docLine(a, end), kind: FoldingRangeKind.Region });
    // the directives of the header block on their own
    if (b.fieldsLine && b.fieldsLine > b.headerLine) out.push({ startLine: start, endLine: docLine(a, b.fieldsLine), kind: FoldingRangeKind.Comment });
  }
  return out;
}

export const w3cFolding: Feature = {
  register(ctx: ServerContext) {
    ctx.folding.push({
      provideFoldingRanges(doc: TextDocument): FoldingRange[] {
        if (!isW3cDocument(doc)) return [];
        return w3cFoldingRanges(w3cAnalysis(doc, ctx.settings(doc.uri).handshakeWindowSeconds));
      },
    });
  },
};
