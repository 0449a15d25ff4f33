// What the editor features need of an open W3C log, built in one pass of the shared scanner
// (w3cScanner.ts): per line its kind and layout and the spans of its fields, so that hovers,
// semantic tokens and diagnostics map a line and column to a field without parsing again.
// Byte offsets come from the scanner; they are turned into UTF-16 columns only where asked.
import { W3cScanner, type W3cRecord, type W3cScanHandler } from './w3cScanner';
import type { W3cLayout } from './w3cFields';

export const LineKind = { Blank: 0, Directive: 1, Record: 2, Malformed: 3 } as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

/** A growable Int32 array (no per-line allocation while scanning). */
class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) { this.data = new Int32Array(capacity); }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  trim(): Int32Array { return this.data.subarray(0, this.length); }
}

export interface W3cEditorModel {
  /** UTF-8 bytes of the text (the scanner works on bytes). */
  readonly buf: Buffer;
  /** True when every character is one byte, so byte columns are UTF-16 columns. */
  readonly ascii: boolean;
  /** Number of lines the scanner saw (LF-separated). */
  readonly lineCount: number;
  readonly layouts: W3cLayout[];
  /** Kind of each 0-based line. */
  readonly lineKind: Uint8Array;
  /** Layout index of each 0-based line (data, malformed and `#Fields` lines); -1 when none. */
  readonly lineLayout: Int32Array;
  /** Byte offset where each 0-based line starts in `buf` (BOM included in line 0); length lineCount + 1. */
  readonly lineStart: Int32Array;
  /** Index of the first field span of each line in tokStart/tokEnd; length lineCount + 1. */
  readonly tokIndex: Int32Array;
  /** Field spans as byte offsets into `buf`. For `#Fields` lines: the spans of the field names. */
  readonly tokStart: Int32Array;
  readonly tokEnd: Int32Array;
  /** Malformed lines (1-based) with the scanner's reason. */
  readonly malformed: Map<number, string>;
  /** Directive lines (1-based) with name and value. */
  readonly directives: Array<{ line: number; name: string; value: string }>;
  /** Document line (0-based) of each scanner line, only when the text has lone CRs (which editors count as line breaks). */
  readonly docLineOf?: Int32Array;
}

/**
 * Scans text once and records the per-line model. `inner` (e.g. the findings analyzer) receives
 * every scanner callback too, so one pass serves both.
 */
export function buildW3cEditorModel(text: string | Buffer, inner?: W3cScanHandler): W3cEditorModel {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const ascii = typeof text === 'string' ? buf.length === text.length : !buf.some((b) => b >= 0x80);
  // Sized from typical IIS lines (~280 bytes, ~18 bytes per field) so large logs rarely regrow.
  const estLines = Math.max(1024, Math.ceil(buf.length / 200));
  const estTokens = Math.max(4096, Math.ceil(buf.length / 16));
  const kinds = new IntList(estLines);
  const lays = new IntList(estLines);
  const starts = new IntList(estLines);
  const tokIndex = new IntList(estLines);
  const tokStart = new IntList(estTokens);
  const tokEnd = new IntList(estTokens);
  const malformed = new Map<number, string>();
  const directives: Array<{ line: number; name: string; value: string }> = [];

  const begin = (r: W3cRecord, kind: LineKind, layout: W3cLayout | null): void => {
    // Lines the scanner skipped cannot exist (every LF is a line), but keep the arrays aligned.
    while (starts.length < r.line - 1) { kinds.push(LineKind.Blank); lays.push(-1); starts.push(r.fileOffset); tokIndex.push(tokStart.length); }
    kinds.push(kind);
    lays.push(layout ? layout.index : -1);
    starts.push(r.line === 1 ? 0 : r.fileOffset);
    tokIndex.push(tokStart.length);
  };
  const spans = (r: W3cRecord): void => {
    const base = r.fileOffset - r.start;
    const n = Math.min(r.count, r.starts.length);
    for (let i = 0; i < n; i++) {
      tokStart.push(base + r.starts[i]!);
      tokEnd.push(base + r.ends[i]!);
    }
  };

  const handler: W3cScanHandler = {
    onDirective(r, name, value, layout) {
      begin(r, LineKind.Directive, layout);
      directives.push({ line: r.line, name, value });
      if (layout) {
        // spans of the field names after "#Fields:"
        const b = r.buf;
        const base = r.fileOffset - r.start;
        let i = b.indexOf(58 /* : */, r.start);
        if (i < 0 || i >= r.end) i = r.end; else i++;
        while (i < r.end) {
          while (i < r.end && (b[i] === 32 || b[i] === 9)) i++;
          const s = i;
          while (i < r.end && b[i] !== 32 && b[i] !== 9) i++;
          if (i > s) { tokStart.push(base + s); tokEnd.push(base + i); }
        }
      }
      inner?.onDirective?.(r, name, value, layout);
    },
    onRecord(r) {
      begin(r, LineKind.Record, r.layout);
      spans(r);
      inner?.onRecord(r);
    },
    onMalformed(r, reason) {
      begin(r, LineKind.Malformed, r.layout);
      spans(r);
      malformed.set(r.line, reason);
      inner?.onMalformed(r, reason);
    },
    onBlank(r) {
      begin(r, LineKind.Blank, r.layout);
      inner?.onBlank?.(r);
    },
  };
  const sc = new W3cScanner(handler);
  sc.push(buf);
  sc.end();
  const lineCount = sc.lines;
  while (starts.length < lineCount) { kinds.push(LineKind.Blank); lays.push(-1); starts.push(buf.length); tokIndex.push(tokStart.length); }
  starts.push(buf.length);
  tokIndex.push(tokStart.length);

  let docLineOf: Int32Array | undefined;
  if (buf.indexOf(13) >= 0 && /\r(?!\n)/.test(typeof text === 'string' ? text : buf.toString('latin1'))) {
    docLineOf = new Int32Array(lineCount);
    const st = starts.trim();
    let docLine = 0;
    for (let l = 0; l < lineCount; l++) {
      docLineOf[l] = docLine;
      // lone CRs inside this line start new editor lines
      for (let p = st[l]!; p < st[l + 1]! - 1; p++) if (buf[p] === 13 && buf[p + 1] !== 10) docLine++;
      docLine++;
    }
  }

  return {
    buf, ascii, lineCount, layouts: sc.layouts,
    lineKind: Uint8Array.from(kinds.trim()),
    lineLayout: lays.trim().slice(),
    lineStart: starts.trim().slice(),
    tokIndex: tokIndex.trim().slice(),
    tokStart: tokStart.trim().slice(),
    tokEnd: tokEnd.trim().slice(),
    malformed, directives,
    ...(docLineOf ? { docLineOf } : {}),
  };
}

/** UTF-16 column of byte offset `byte` on 0-based line `line`. */
export function columnOf(m: W3cEditorModel, line: number, byte: number): number {
  const s = m.lineStart[line]!;
  if (m.ascii) return byte - s;
  return m.buf.toString('utf8', s, byte).length;
}

/** Byte offset of UTF-16 column `col` on 0-based line `line` (clamped to the line). */
export function byteOf(m: W3cEditorModel, line: number, col: number): number {
  const s = m.lineStart[line]!;
  const e = m.lineStart[line + 1]!;
  if (m.ascii) return Math.min(s + col, e);
  const prefix = m.buf.toString('utf8', s, e).slice(0, col);
  return s + Buffer.byteLength(prefix, 'utf8');
}

/** Index of the field span of 0-based line that contains byte offset b (or -1). */
export function fieldAt(m: W3cEditorModel, line: number, b: number): number {
  const from = m.tokIndex[line]!, to = m.tokIndex[line + 1]!;
  for (let i = from; i < to; i++) {
    if (b >= m.tokStart[i]! && b < m.tokEnd[i]!) return i - from;
    if (b < m.tokStart[i]!) break;
  }
  return -1;
}

/** Text of field i of a 0-based line. */
export function fieldText(m: W3cEditorModel, line: number, i: number): string {
  const k = m.tokIndex[line]! + i;
  if (k >= m.tokIndex[line + 1]!) return '';
  return m.buf.toString('utf8', m.tokStart[k]!, m.tokEnd[k]!);
}

/** Number of field spans recorded for a 0-based line. */
export function fieldCount(m: W3cEditorModel, line: number): number {
  return m.tokIndex[line + 1]! - m.tokIndex[line]!;
}

/** The layout of a 0-based line, or null. */
export function layoutOf(m: W3cEditorModel, line: number): W3cLayout | null {
  const i = m.lineLayout[line]!;
  return i >= 0 ? m.layouts[i] ?? null : null;
}

/** Text of a 0-based line (without CR/LF). */
export function lineText(m: W3cEditorModel, line: number): string {
  let e = m.lineStart[line + 1]!;
  const s = m.lineStart[line]!;
  if (e > s && m.buf[e - 1] === 10) e--;
  if (e > s && m.buf[e - 1] === 13) e--;
  return m.buf.toString('utf8', s, e);
}

/** Editor line (0-based) of scanner line (1-based). */
export function docLine(m: W3cEditorModel, line1: number): number {
  return m.docLineOf ? m.docLineOf[line1 - 1] ?? line1 - 1 : line1 - 1;
}
