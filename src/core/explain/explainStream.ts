// explainText over a text of any size, fed in pieces: a 500 MB log cannot be one string (V8 stops
// near 512M characters, and explainText's offset tables cost several bytes per character). The
// text is cut into segments at line ends; each segment is explained together with up to CONTEXT
// characters before and after it, so a text wrapped across the cut, its entry's timestamp and the
// endpoint URL named near it are still found, and only matches that start inside the segment count.
import { explainText, type ExplainMatch, type ExplainOptions } from './explainText';

/** Characters explained at a time (a few tens of MB of working memory). */
export const SEGMENT = 2 * 1024 * 1024;
/** Characters of context on each side: more than explainText looks around a text (URL window 6000, 40-line entries). */
export const CONTEXT = 64 * 1024;

function countNewlines(s: string, from = 0, to = s.length): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export class ExplainStream {
  /** Text before the pending segment that is kept as context (starts at a line start when it can). */
  private before = '';
  /** Text not yet explained. */
  private pending = '';
  /** Newlines and characters before `pending`. */
  private linesBefore = 0;
  private charsBefore = 0;
  private ended = false;

  constructor(
    private readonly onMatch: (m: ExplainMatch) => void,
    private readonly opts: ExplainOptions = {},
  ) {}

  /** Characters held (context and text not yet explained): bounded by SEGMENT + 2 * CONTEXT plus the last push. */
  get buffered(): number {
    return this.before.length + this.pending.length;
  }

  push(text: string): void {
    if (this.ended) throw new Error('ExplainStream: push after end');
    this.pending += text;
    while (this.pending.length >= SEGMENT + CONTEXT) this.segment(this.cutAt());
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    while (this.pending.length > 0) this.segment(this.pending.length > SEGMENT + CONTEXT ? this.cutAt() : this.pending.length);
  }

  /** Length of the next segment: up to the last line end within SEGMENT, or SEGMENT when a line is longer. */
  private cutAt(): number {
    const nl = this.pending.lastIndexOf('\n', SEGMENT - 1);
    return nl >= 0 ? nl + 1 : SEGMENT;
  }

  private segment(length: number): void {
    const seg = this.pending.slice(0, length);
    const after = this.pending.slice(length, length + CONTEXT);
    const window = this.before + seg + after;
    const from = this.before.length;
    const to = from + seg.length;
    const lineShift = this.linesBefore - countNewlines(this.before);
    const charShift = this.charsBefore - this.before.length;
    for (const m of explainText(window, this.opts)) {
      if (m.start < from || m.start >= to) continue;
      this.onMatch({ ...m, line: m.line + lineShift, endLine: m.endLine + lineShift, start: m.start + charShift, end: m.end + charShift });
    }
    this.linesBefore += countNewlines(seg);
    this.charsBefore += seg.length;
    const kept = this.before + seg;
    let cut = Math.max(0, kept.length - CONTEXT);
    const nl = kept.indexOf('\n', cut);
    if (cut > 0 && nl >= 0) cut = nl + 1;
    this.before = kept.slice(cut);
    this.pending = this.pending.slice(length);
  }
}

/** All matches of a text explained in segments, as explainText(text) finds them. */
export function explainInSegments(text: string, opts: ExplainOptions = {}): ExplainMatch[] {
  const out: ExplainMatch[] = [];
  const s = new ExplainStream((m) => out.push(m), opts);
  for (let i = 0; i < text.length; i += 1 << 20) s.push(text.slice(i, i + (1 << 20)));
  s.end();
  return out;
}
