// Outline for IIS W3C logs: one symbol per #Fields block with its directives as children.
import * as l10n from '@vscode/l10n';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { docLine, type W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';

const fmt = (n: number): string => n.toLocaleString('en-US');

function lineRange(a: W3cDocumentAnalysis, line1: number) {
  const l = docLine(a, line1);
  return { start: { line: l, character: 0 }, end: { line: l, character: a.model.lineText(line1).length } };
}

export function w3cSymbols(a: W3cDocumentAnalysis): DocumentSymbol[] {
  const m = a.model;
  return a.blocks.map((b) => {
    const sel = lineRange(a, b.fieldsLine || b.headerLine);
    const lastLine = Math.max(b.headerLine, b.endLine);
    const last = lineRange(a, lastLine);
    const children: DocumentSymbol[] = m.directives
      .filter((d) => d.line >= b.headerLine && d.line <= lastLine && d.line <= (b.fieldsLine || lastLine))
      .map((d) => ({
        name: `#${d.name}`,
        detail: d.name.toLowerCase() === 'fields' ? l10n.t('{0} fields', b.fields.length) : d.value,
        kind: d.name.toLowerCase() === 'fields' ? SymbolKind.Struct : SymbolKind.Property,
        range: lineRange(a, d.line),
        selectionRange: lineRange(a, d.line),
      }));
    return {
      name: l10n.t('Block {0} · line {1} · {2} fields · {3} requests', b.index, fmt(b.fieldsLine || b.headerLine), b.fields.length, fmt(b.requests)),
      detail: b.badBindings ? l10n.t('{0} BAD_BINDINGS', fmt(b.badBindings)) : b.findings ? l10n.t('{0} findings', fmt(b.findings)) : '',
      kind: SymbolKind.Namespace,
      range: { start: lineRange(a, b.headerLine).start, end: last.end },
      selectionRange: sel,
      children,
    };
  });
}

export const w3cSymbolsFeature: Feature = {
  register(ctx: ServerContext) {
    ctx.symbols.push({
      provideSymbols(doc: TextDocument): DocumentSymbol[] {
        if (!isW3cDocument(doc)) return [];
        return w3cSymbols(w3cAnalysis(doc, ctx.settings(doc.uri).handshakeWindowSeconds));
      },
    });
  },
};
