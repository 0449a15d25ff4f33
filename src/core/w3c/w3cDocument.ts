// The editor's view of a W3C log held as a string: per line its kind, layout and field spans in
// character (UTF-16) columns, plus the analysis - from ONE scan with the same byte scanner as the
// CLI. Line numbers in this API are 1-based like findings; columns are 0-based UTF-16 offsets
// within the line (what LSP positions use).
import type { W3cAnalysis, W3cAnalyzeOptions } from './w3cFindings';
import { detectLineEnds } from '../files/textEncoding';
import { W3cAnalyzer } from './w3cFindings';
import type { W3cLayout } from './w3cFields';
import { W3cScanner, MAX_TOKENS, type W3cRecord, type W3cScanHandler } from './w3cScanner';
import { W3cTee } from './w3cAnalyze';

export const enum W3cLineKind {
  Blank = 0,
  Directive = 1,
  Record = 2,
  Malformed = 3,
}

export interface W3cDirective {
  line: number;
  name: string;
  value: string;
  /** Set on `#Fields` lines. */
  layout: W3cLayout | null;
}

export interface W3cFieldSpan {
  /** Token index in the line (= field index in the layout for records). */
  index: number;
  /** Field name from the layout; '' for tokens beyond the layout (malformed lines). */
  name: string;
  /** 0-based UTF-16 columns within the line, end exclusive. */
  start: number;
  end: number;
  /** The token as written (W3C quotes kept). */
  raw: string;
}

export class W3cDocumentModel {
  /** Per line (index = line - 1). */
  readonly kind: Uint8Array;
  readonly layoutIndex: Int32Array;
  private readonly tokOffset: Int32Array;
  private readonly tokCount: Int32Array;
  private readonly lineStart: Int32Array;

  constructor(
    readonly text: string,
    readonly lineCount: number,
    kind: Uint8Array,
    layoutIndex: Int32Array,
    tokOffset: Int32Array,
    tokCount: Int32Array,
    lineStart: Int32Array,
    private readonly spans: Int32Array,
    readonly layouts: W3cLayout[],
    readonly directives: W3cDirective[],
    /** 1-based line -> why it is malformed. */
    readonly malformed: Map<number, string>,
    readonly analysis: W3cAnalysis,
  ) {
    this.kind = kind;
    this.layoutIndex = layoutIndex;
    this.tokOffset = tokOffset;
    this.tokCount = tokCount;
    this.lineStart = lineStart;
  }

  layoutOf(line: number): W3cLayout | null {
    const i = this.layoutIndex[line - 1];
    return i === undefined || i < 0 ? null : (this.layouts[i] ?? null);
  }

  lineKind(line: number): W3cLineKind {
    return (this.kind[line - 1] ?? W3cLineKind.Blank) as W3cLineKind;
  }

  /** Text of a line without CR/LF. */
  lineText(line: number): string {
    if (line < 1 || line > this.lineCount) return '';
    const s = this.lineStart[line - 1];
    let e = line < this.lineCount ? this.lineStart[line] - 1 : this.text.length;
    // the last line keeps its terminator in the text (IIS ends every line with CRLF, the last one too)
    if (line === this.lineCount && e > s && this.text.charCodeAt(e - 1) === 10) e--;
    if (e > s && this.text.charCodeAt(e - 1) === 13) e--;
    return this.text.slice(s, Math.max(s, e));
  }

  /** Field spans of a data line (records and malformed lines); [] for directives and blank lines. */
  fields(line: number): W3cFieldSpan[] {
    const k = this.kind[line - 1];
    if (k !== W3cLineKind.Record && k !== W3cLineKind.Malformed) return [];
    const n = this.tokCount[line - 1],
      off = this.tokOffset[line - 1];
    const lay = this.layoutOf(line);
    const base = this.lineStart[line - 1];
    const out: W3cFieldSpan[] = [];
    for (let i = 0; i < n; i++) {
      const start = this.spans[off + 2 * i],
        end = this.spans[off + 2 * i + 1];
      out.push({ index: i, name: lay?.fields[i] ?? '', start, end, raw: this.text.slice(base + start, base + end) });
    }
    return out;
  }

  /** The field under a 0-based character column, if any. */
  fieldAt(line: number, character: number): W3cFieldSpan | undefined {
    return this.fields(line).find((f) => character >= f.start && character < f.end);
  }

  /** Value of a named field on a record line ('' when absent). */
  value(line: number, fieldName: string): string {
    const lay = this.layoutOf(line);
    if (!lay) return '';
    const i = lay.lower.indexOf(fieldName.toLowerCase());
    if (i < 0) return '';
    return this.fields(line)[i]?.raw ?? '';
  }
}

class ModelBuilder implements W3cScanHandler {
  kind: Uint8Array;
  layoutIndex: Int32Array;
  tokOffset: Int32Array;
  tokCount: Int32Array;
  spans: Int32Array;
  nSpans = 0;
  readonly directives: W3cDirective[] = [];
  readonly malformed = new Map<number, string>();

  constructor(
    private readonly text: string,
    private readonly charStart: Int32Array,
    private readonly byteStart: Int32Array,
    lines: number,
  ) {
    this.kind = new Uint8Array(lines);
    this.layoutIndex = new Int32Array(lines).fill(-1);
    this.tokOffset = new Int32Array(lines);
    this.tokCount = new Int32Array(lines);
    this.spans = new Int32Array(Math.max(64, lines * 32));
  }

  onDirective(rec: W3cRecord, name: string, value: string, layout: W3cLayout | null): void {
    const i = rec.line - 1;
    this.kind[i] = W3cLineKind.Directive;
    this.layoutIndex[i] = rec.layout ? rec.layout.index : -1;
    this.directives.push({ line: rec.line, name, value, layout });
  }

  onRecord(rec: W3cRecord): void {
    this.tokens(rec, W3cLineKind.Record);
  }

  onMalformed(rec: W3cRecord, reason: string): void {
    this.tokens(rec, W3cLineKind.Malformed);
    this.malformed.set(rec.line, reason);
  }

  private tokens(rec: W3cRecord, kind: W3cLineKind): void {
    const i = rec.line - 1;
    this.kind[i] = kind;
    this.layoutIndex[i] = rec.layout ? rec.layout.index : -1;
    const n = Math.min(rec.count, MAX_TOKENS);
    if (this.nSpans + 2 * n > this.spans.length) {
      const bigger = new Int32Array(Math.max(this.spans.length * 2, this.nSpans + 2 * n));
      bigger.set(this.spans);
      this.spans = bigger;
    }
    this.tokOffset[i] = this.nSpans;
    this.tokCount[i] = n;
    // byte columns equal character columns when the line is ASCII (its byte and char lengths agree)
    const cs = this.charStart[i];
    const charLen = (i + 1 < this.charStart.length ? this.charStart[i + 1] : this.text.length) - cs;
    const byteLen = (i + 1 < this.byteStart.length ? this.byteStart[i + 1] : -1) - this.byteStart[i];
    const ascii = byteLen === charLen;
    const s0 = rec.start;
    for (let k = 0; k < n; k++) {
      let a = rec.starts[k] - s0,
        b = rec.ends[k] - s0;
      if (!ascii) {
        a = rec.buf.toString('utf8', s0, rec.starts[k]).length;
        b = a + rec.buf.toString('utf8', rec.starts[k], rec.ends[k]).length;
      }
      this.spans[this.nSpans++] = a;
      this.spans[this.nSpans++] = b;
    }
  }
}

/** Parse and analyze a document's text in one scan. */
export function parseW3cDocument(text: string, opts?: W3cAnalyzeOptions): W3cDocumentModel {
  // CR-only line ends (old Mac exports) are line ends to the editor: read them as LF (same length,
  // so every position stays), as the file pipeline does on disk (core/files/textEncoding.ts)
  if (detectLineEnds(text.slice(0, 1 << 16)) === 'cr') text = text.replace(/\r(?!\n)/g, '\n');
  // line starts in characters (after a BOM on line 1, which the scanner skips too)
  const starts: number[] = [text.charCodeAt(0) === 0xfeff ? 1 : 0];
  for (let p = text.indexOf('\n'); p >= 0 && p + 1 <= text.length; p = text.indexOf('\n', p + 1)) {
    if (p + 1 < text.length) starts.push(p + 1);
  }
  if (text.length === 0) starts.length = 0;
  const lines = starts.length;
  const charStart = Int32Array.from(starts);
  const buf = Buffer.from(text, 'utf8');
  // byte starts, for the ASCII test per line (one extra entry: the end)
  const byteStart = new Int32Array(lines + 1);
  {
    let li = 0;
    byteStart[0] = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    for (let p = buf.indexOf(10); p >= 0; p = buf.indexOf(10, p + 1)) {
      if (++li <= lines) byteStart[li] = p + 1;
    }
    if (li < lines) byteStart[lines] = buf.length;
    else byteStart[lines] = buf.length;
  }
  const charStartWithEnd = new Int32Array(lines + 1);
  charStartWithEnd.set(charStart);
  charStartWithEnd[lines] = text.length;
  const mb = new ModelBuilder(text, charStartWithEnd, byteStart, lines);
  const an = new W3cAnalyzer(opts);
  const sc = new W3cScanner(new W3cTee([an, mb]));
  sc.push(buf);
  sc.end();
  const analysis = an.finishAnalysis(sc.bytes, sc.lines);
  return new W3cDocumentModel(
    text,
    lines,
    mb.kind,
    mb.layoutIndex,
    mb.tokOffset,
    mb.tokCount,
    charStart,
    mb.spans,
    sc.layouts,
    mb.directives,
    mb.malformed,
    analysis,
  );
}
