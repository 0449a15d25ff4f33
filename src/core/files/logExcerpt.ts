// The excerpt of a log around one line, for logs too large for the editor: the header block
// (`#Software` ... `#Fields`) that governs the line and the lines around it, each with its real
// 1-based line number. Fed line by line (the node side streams the file through the pipeline), so
// any file size needs memory only for the header and the window.
import { compareFindings, type Finding } from '../findings';
import type { W3cBlockStats } from '../w3c/w3cDocumentAnalysis';

export interface ExcerptLine {
  /** 1-based line number in the file. */
  n: number;
  text: string;
}

export interface LogExcerpt {
  /** The header block in force at the focus line (empty when the log has none before it). */
  header: ExcerptLine[];
  /** The lines around the focus line (fewer at the start or end of the file). */
  lines: ExcerptLine[];
  /** The line asked for. */
  focus: number;
}

/** A header directive line of a W3C log. */
const isDirective = (s: string): boolean => s.charCodeAt(0) === 35; /* # */
/** A line a long window of text must not carry into the excerpt unbounded. */
const MAX_LINE_CHARS = 64 * 1024;
const clip = (s: string): string => (s.length > MAX_LINE_CHARS ? `${s.slice(0, MAX_LINE_CHARS)}…` : s);

/** Collects an excerpt; `push` returns false once every line it needs has been seen. */
export class ExcerptCollector {
  private readonly first: number;
  private readonly last: number;
  /** The run of directive lines being read, and the last complete one that had a #Fields. */
  private run: ExcerptLine[] = [];
  private runHasFields = false;
  private header: ExcerptLine[] = [];
  private readonly lines: ExcerptLine[] = [];
  private n = 0;

  constructor(
    private readonly focus: number,
    before = 10,
    after = 10,
  ) {
    this.first = Math.max(1, focus - before);
    this.last = focus + after;
  }

  /** Whether the next line's text matters when it is not a directive (readers may pass '' for the others). */
  wantsText(): boolean {
    return this.n + 1 >= this.first;
  }

  /** The next line of the file (without its line end); false when the excerpt is complete. */
  push(text: string): boolean {
    const n = ++this.n;
    if (n > this.last) return false;
    if (n <= this.focus) {
      // the header in force at the focus line: the last run of directives that holds a #Fields
      if (isDirective(text)) {
        if (this.run.length === 0 || this.run[this.run.length - 1]!.n !== n - 1) {
          this.run = [];
          this.runHasFields = false;
        }
        this.run.push({ n, text: clip(text) });
        if (/^#Fields:/i.test(text)) {
          this.runHasFields = true;
          this.header = this.run;
        }
      } else if (this.runHasFields) {
        this.run = [];
        this.runHasFields = false;
      }
    }
    if (n >= this.first) this.lines.push({ n, text: clip(text) });
    return n < this.last;
  }

  result(): LogExcerpt {
    // header lines already inside the window are shown there, not twice
    const header = this.header.filter((h) => h.n < this.first);
    return { header, lines: this.lines, focus: this.focus };
  }
}

/** The excerpt of a log held in memory (tests, small inputs). */
export function excerptOfText(text: string, focus: number, before = 10, after = 10): LogExcerpt {
  const c = new ExcerptCollector(focus, before, after);
  for (const line of text.split(/\r?\n/)) if (!c.push(line)) break;
  return c.result();
}

export interface ExcerptDocument {
  /** The document text: a title line, the header block, the lines around the focus. */
  text: string;
  /** Real 1-based line number of each document line (0 for the title line). */
  lineNumbers: number[];
  /** 0-based document line of the focus line (-1 when the file is shorter). */
  focusIndex: number;
}

/**
 * The read-only document of an excerpt: the first line says which lines of which file it shows (a
 * `#` directive line, so it reads as part of the log), then the header block, then the window.
 */
export function excerptDocument(ex: LogExcerpt, fileName: string, title: (first: number, last: number, file: string) => string): ExcerptDocument {
  const first = ex.lines[0]?.n ?? ex.focus;
  const last = ex.lines[ex.lines.length - 1]?.n ?? ex.focus;
  const out: string[] = [`#${title(first, last, fileName)}`];
  const numbers: number[] = [0];
  for (const l of [...ex.header, ...ex.lines]) {
    out.push(l.text);
    numbers.push(l.n);
  }
  return { text: out.join('\n') + '\n', lineNumbers: numbers, focusIndex: numbers.indexOf(ex.focus) };
}

/** The findings of each block (blocks in file order), in the one order of the findings table: errors first (BAD_BINDINGS leading), then warnings, by code, then line. */
export function findingsByBlock(blocks: W3cBlockStats[], findings: Finding[]): Array<{ block: W3cBlockStats; findings: Finding[] }> {
  const sorted = [...blocks].sort((a, b) => (a.headerLine || a.fieldsLine) - (b.headerLine || b.fieldsLine));
  const out = sorted.map((block) => ({ block, findings: [] as Finding[] }));
  for (const f of findings) {
    // the last block that starts at or before the line
    let lo = 0,
      hi = out.length - 1,
      at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((out[mid]!.block.headerLine || 1) <= f.line) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at >= 0) out[at]!.findings.push(f);
  }
  for (const o of out) o.findings.sort(compareFindings);
  return out;
}
