// Outline / Go to Symbol for IIS W3C logs: one symbol per #Fields block named by its time range,
// with its requests and findings, and as children its directives and its findings (errors first).
import * as l10n from '@vscode/l10n';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { blockOfLine, docLine, type W3cBlockStats, type W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { W3cLineKind } from '../../core/w3c/w3cDocument';
import { compareFindings, type Finding } from '../../core/findings';
import { findingsLabel, requestsLabel } from './w3cCodeLens';
import { w3cFindingRange } from './w3cDiagnostics';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';

const fmt = (n: number): string => n.toLocaleString('en-US');

function lineRange(a: W3cDocumentAnalysis, line1: number) {
  const l = docLine(a, line1);
  return { start: { line: l, character: 0 }, end: { line: l, character: a.model.lineText(line1).length } };
}

/** Findings listed under a block in the Outline (Problems has them all). */
const MAX_FINDING_SYMBOLS = 200;

/** "2026-11-21 10:00:01–10:14:59" (the date again when the block spans midnight), or null without request times. */
function timeRange(a: W3cDocumentAnalysis, b: W3cBlockStats): string | null {
  const m = a.model;
  const start = (b.fieldsLine || b.headerLine) + 1;
  const at = (line: number): string => `${m.value(line, 'date')} ${m.value(line, 'time')}`.trim();
  let first = 0,
    last = 0;
  for (let l = start; l <= b.endLine; l++)
    if (m.lineKind(l) === W3cLineKind.Record) {
      first = l;
      break;
    }
  for (let l = b.endLine; l >= start && first; l--)
    if (m.lineKind(l) === W3cLineKind.Record) {
      last = l;
      break;
    }
  if (!first || !at(first)) return null;
  const from = at(first),
    to = at(last);
  const [d1] = from.split(' '),
    [d2, t2] = to.split(' ');
  return from === to ? from : `${from}–${d1 === d2 && t2 ? t2 : to}`;
}

function findingSymbol(a: W3cDocumentAnalysis, f: Finding): DocumentSymbol {
  const range = w3cFindingRange(a, f);
  return {
    name: `${f.code} · ${l10n.t('line {0}', fmt(f.line))}`,
    detail: [f.clientIp, f.uri, f.user].filter((x) => x && x !== '-').join(' · '),
    kind: f.code === 'BAD_BINDINGS' || f.code === 'INVALID_TOKEN' ? SymbolKind.Event : SymbolKind.Key,
    range: { start: { line: range.start.line, character: 0 }, end: range.end },
    selectionRange: range,
  };
}

export function w3cSymbols(a: W3cDocumentAnalysis): DocumentSymbol[] {
  const m = a.model;
  const byBlock = new Map<number, Finding[]>();
  for (const f of a.findings) {
    const i = blockOfLine(a.blocks, f.line)?.index;
    if (i === undefined) continue;
    const list = byBlock.get(i) ?? [];
    list.push(f);
    byBlock.set(i, list);
  }
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
    const findings = (byBlock.get(b.index) ?? []).sort(compareFindings);
    for (const f of findings.slice(0, MAX_FINDING_SYMBOLS)) children.push(findingSymbol(a, f));
    const time = timeRange(a, b);
    const detail = [requestsLabel(b.requests)];
    if (b.badBindings) detail.push(l10n.t('{0} BAD_BINDINGS', fmt(b.badBindings)));
    if (b.findings) detail.push(findingsLabel(b.findings));
    detail.push(l10n.t('{0} fields', b.fields.length));
    return {
      name: time ? l10n.t('Block {0} · {1}', b.index, time) : l10n.t('Block {0} · line {1}', b.index, fmt(b.fieldsLine || b.headerLine)),
      detail: detail.join(' · '),
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
