// Folding for IIS W3C logs: one range per header block + its lines (until the next header).
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { docLine } from '../../core/w3c/w3cEditorModel';
import type { W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';

export function w3cFoldingRanges(a: W3cDocumentAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const b of a.blocks) {
    const start = docLine(a.model, b.headerLine);
    // a trailing empty line (the file ends with CRLF) is not part of the block
    let end = b.endLine;
    while (end > b.headerLine && a.model.lineKind[end - 1] === 0 && a.model.lineStart[end]! - a.model.lineStart[end - 1]! <= 2) end--;
    const endDoc = docLine(a.model, end);
    if (endDoc > start) out.push({ startLine: start, endLine: endDoc, kind: FoldingRangeKind.Region });
    // the directives of the header block on their own
    const fields = b.fieldsLine ? docLine(a.model, b.fieldsLine) : start;
    if (b.fieldsLine && fields > start) out.push({ startLine: start, endLine: fields, kind: FoldingRangeKind.Comment });
  }
  return out;
}

export const w3cFolding: Feature = {
  register(ctx: ServerContext) {
    ctx.folding.push({
      provideFoldingRanges(doc: TextDocument): FoldingRange[] {
        if (!isW3cDocument(doc)) return [];
        return w3cFoldingRanges(w3cAnalysis(doc, ctx.settings().handshakeWindowSeconds));
      },
    });
  },
};
