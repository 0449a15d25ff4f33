// One byte range of a plain W3C log counted for `analyze --summary` (by w3cSummaryUnits.ts on the
// main thread and in worker threads, or in-thread by tests). Synchronous reads: each thread counts
// on its own. A range may grow while it is counted: `next` hands it the following unit of the file
// when this thread could claim it (then no lead-in is needed for that unit).
import { closeSync, openSync, readSync } from 'node:fs';
import { W3cAnalyzer } from './w3cFindings';
import { W3cScanner, type DirectivesSeen } from './w3cScanner';
import { acquireW3cKernel, releaseW3cKernel, KERNEL_CHUNK, type W3cKernel } from './w3cKernel';
import { W3cCounter, type W3cCounting } from './w3cCounter';
import { STATUS_DASH } from './w3cHttpErrCounts';

export interface SummaryRangeJob {
  path: string;
  /** First byte of the lead-in (a line start); equals `start` for the first range. */
  leadStart: number;
  /** First byte of the range (a line start). */
  start: number;
  /** End of the range (exclusive; a line start or the file size). */
  end: number;
  /** True for the range that ends the file: it flushes a last line without LF and ends the open handshakes. */
  last: boolean;
  handshakeWindowSeconds: number;
  /** Bytes looked back from the lead-in for the directives in force (default HEADER_LOOKBACK). */
  headerLookback?: number;
  /** The directive lines in force at the lead-in, when known (then the file is not looked back into). */
  header?: string[];
  /**
   * A guess of the directive lines in force somewhat before the look-back (the state another
   * thread counts with just before this range), instead of the file's first header block.
   */
  guess?: string[];
}

export interface RangeState {
  /** W3cScanner.directiveState() */
  dir: string;
  /** W3cAnalyzer.handshakeState() */
  hs: string[];
}

export interface SummaryRangeResult {
  /** The bytes counted: [start, end) (end grows with each unit `next` handed out). */
  start: number;
  end: number;
  /** The lead-in the range started with, and whether it ended the file (for counting it again). */
  leadStart: number;
  last: boolean;
  /** The thread that counted it (0: the main thread), when counted by w3cSummaryUnits.ts. */
  thread?: number;
  lines: number;
  requests: number;
  status: [number, number][];
  /** Lines with sc-status `-` (not in `status`). */
  statusDash: number;
  /** s-reason counts (HTTPERR). */
  reason: [string, number][];
  win32: [number, number][];
  findings: Record<string, number>;
  /** #Fields blocks that start in the range; line numbers relative to the range (1 = its first line). */
  layouts: { fieldsLine: number; headerLine: number; fields: string[]; date: string | null; software: string | null }[];
  /** State rebuilt from the lead-in at `start` (null for the first range). */
  atStart: RangeState | null;
  /** State at `end` (handshakes still open are not ended unless `last`). */
  atEnd: RangeState;
  /** Directives of the range itself (after the lead-in): which parts of the start state its counts depend on. */
  seen: DirectivesSeen;
  /** W3cAnalyzer.minTimeToSweep from `start` (null for the first range, or when unknown). */
  minTimeToSweep: number | null;
  /** When the range was started and done (ms since the epoch, fractional; for traces). */
  startedAt: number;
  doneAt: number;
}

/** Now in ms since the epoch, comparable across threads. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

const CHUNK = KERNEL_CHUNK;
/**
 * Bytes per read (at most KERNEL_CHUNK). A read that is not the range's last is cut at its last LF
 * and the next read starts there, so no line is split between two reads (no carried line through
 * the scanner's JavaScript path).
 */
export const READ_BYTES = 1 << 20;
/**
 * How far back from the lead-in a middle range looks for the directives in force. Short: the
 * thread before it tells the state a little further back, and lines that do not fit the guessed
 * #Fields send the range back to the last #Fields (directivesSinceLastFields); what is left (a
 * restart block further back that changes the #Date of a layout without a date column) is caught
 * by the main thread's check.
 */
export const HEADER_LOOKBACK = 4 << 20;

function readAt(fd: number, buf: Buffer, len: number, pos: number): number {
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Directive lines (text, no CR/LF) in buf, skipping a partial first line when `partial`. */
function directiveLines(buf: Buffer, partial: boolean, stopAtData: boolean): string[] {
  const out: string[] = [];
  let p = 0;
  if (partial) {
    const lf = buf.indexOf(10);
    if (lf < 0) return out;
    p = lf + 1;
  } else if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
  while (p < buf.length) {
    let lf = buf.indexOf(10, p);
    if (lf < 0) lf = buf.length;
    if (buf[p] === 35) {
      let e = lf;
      if (e > p && buf[e - 1] === 13) e--;
      out.push(buf.toString('utf8', p, e));
    } else if (stopAtData && lf > p) {
      break;
    }
    if (!stopAtData && lf < buf.length) {
      // jump to the next directive: a line that starts with '#'
      const next = buf.indexOf('\n#', lf);
      if (next < 0) break;
      p = next + 1;
      continue;
    }
    p = lf + 1;
  }
  return out;
}

/** The next '#' at a line start at or after i (memchr for '#', then a look at the byte before). */
function nextDirective(b: Buffer, i: number): number {
  for (;;) {
    i = b.indexOf(35, i);
    if (i <= 0) return i;
    if (b[i - 1] === 10) return i;
    i++;
  }
}

/**
 * Directive lines (text, no CR/LF) of the file between `from` (inside a line unless 0) and `to` (a
 * line start), read piece by piece into `buf`: no window-sized allocation (a fresh 16 MiB buffer
 * costs its page faults on every worker start), and '#' found with memchr instead of a two-byte
 * search, about 20 times faster over data lines.
 */
function directivesBetween(fd: number, from: number, to: number, buf: Buffer): string[] {
  const out: string[] = [];
  const push = (line: Buffer): void => {
    out.push(line.toString('utf8', 0, line.length > 0 && line[line.length - 1] === 13 ? line.length - 1 : line.length));
  };
  let carry: Buffer | null = null;
  let atLineStart = from === 0;
  for (let pos = from; pos < to;) {
    const n = readAt(fd, buf, Math.min(buf.length, to - pos), pos);
    if (n === 0) break;
    const b = buf.subarray(0, n);
    pos += n;
    let p = 0;
    if (carry) {
      const lf = b.indexOf(10);
      if (lf < 0) {
        carry = Buffer.concat([carry, b]);
        continue;
      }
      push(Buffer.concat([carry, b.subarray(0, lf)]));
      carry = null;
      p = lf + 1;
    } else if (!atLineStart) {
      const lf = b.indexOf(10);
      if (lf < 0) continue;
      p = lf + 1;
    } else if (pos === n && n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      p = 3; // the file's BOM
    }
    atLineStart = b[n - 1] === 10;
    for (let h = p < n && b[p] === 35 ? p : nextDirective(b, p); h >= 0 && h < n; h = nextDirective(b, h + 1)) {
      const lf = b.indexOf(10, h);
      if (lf < 0) {
        carry = Buffer.from(b.subarray(h));
        break;
      }
      push(b.subarray(h, lf));
    }
  }
  if (carry) push(carry);
  return out;
}

/**
 * The directive lines that set up the state at `at`: the file's first header block and every
 * directive in the HEADER_LOOKBACK bytes before `at`. If a directive that matters lies further
 * back, the state check of the main thread sees it. `buf` is read into piece by piece (the
 * kernel's chunk buffer, which the range reads into anyway).
 */
export function headerBefore(fd: number, at: number, lookback = HEADER_LOOKBACK, buf: Buffer = Buffer.allocUnsafe(1 << 20), guess?: string[]): string[] {
  if (at <= 0) return [];
  const from = Math.max(0, at - lookback);
  const lines = directivesBetween(fd, from, at, buf);
  if (from === 0) return lines;
  if (guess) return [...guess, ...lines];
  const headLen = Math.min(1 << 16, from);
  const head = buf.length >= headLen ? buf : Buffer.allocUnsafe(headLen);
  const hn = readAt(fd, head, headLen, 0);
  return [...directiveLines(head.subarray(0, hn), false, true), ...lines];
}

/**
 * Whether the first data lines at `at` have as many fields as the last #Fields of `header` (a quick
 * look, W3C quoting aside: the state check of the main thread decides). True when there is no
 * #Fields or no data line to look at.
 */
export function linesFit(fd: number, at: number, header: string[], buf: Buffer): boolean {
  let fields = -1;
  for (const h of header)
    if (/^#Fields:/i.test(h))
      fields = h
        .slice(8)
        .split(/[ \t]+/)
        .filter((f) => f.length > 0).length;
  if (fields < 0) return true;
  const n = readAt(fd, buf, Math.min(buf.length, 1 << 16), at);
  let fit = 0,
    misfit = 0;
  for (let p = 0; p < n && fit + misfit < 8;) {
    const lf = buf.indexOf(10, p);
    if (lf < 0 || lf >= n) break;
    if (buf[p] !== 35) {
      const tokens = buf
        .toString('latin1', p, lf)
        .split(/[ \t\r]+/)
        .filter((t) => t.length > 0).length;
      if (tokens === fields) fit++;
      else if (tokens > 0) misfit++;
    }
    p = lf + 1;
  }
  return fit >= misfit;
}

/**
 * The directive lines in force at `at` (a line start), found by reading backwards piece by piece
 * into buf to the last `#Fields` line: the file's first header block and the directives just before
 * that #Fields (its header block), then it and every directive line after it. Null when there is
 * no #Fields before `at`.
 */
export function directivesSinceLastFields(fd: number, at: number, buf: Buffer): string[] | null {
  const tag = Buffer.from('#Fields');
  // every line that starts with '#' from the last #Fields on (a data line never does)
  const since = new Set<number>();
  let fields = -1;
  for (let end = at; end > 0 && fields < 0;) {
    const from = Math.max(0, end - buf.length);
    const n = readAt(fd, buf, end - from, from);
    for (let i = n; i > 0;) {
      const h = buf.lastIndexOf(35, i - 1);
      if (h < 0) break;
      if (h === 0 ? from === 0 : buf[h - 1] === 10) {
        since.add(from + h);
        if (h + tag.length <= n && buf.compare(tag, 0, tag.length, h, h + tag.length) === 0) {
          fields = from + h;
          break;
        }
      }
      i = h;
    }
    // the next piece overlaps this one by a few bytes: a '#Fields' cut at its start is seen whole
    const next = from + tag.length + 1;
    end = from > 0 && next < end ? next : from;
  }
  if (fields < 0) return null;
  const out = headerBefore(fd, fields, 1 << 16, buf);
  const line = Buffer.allocUnsafe(1 << 16);
  for (const p of [...since].filter((x) => x >= fields).sort((x, y) => x - y)) {
    const n = readAt(fd, line, Math.min(line.length, at - p), p);
    let e = line.subarray(0, n).indexOf(10);
    if (e < 0) e = n;
    if (e > 0 && line[e - 1] === 13) e--;
    out.push(line.toString('utf8', 0, e));
  }
  return out;
}

/**
 * Directive lines that rebuild a W3cScanner.directiveState() (the #Fields layout with its #Date
 * and #Software, then the #Date / #Software in force after it); null when there is no layout.
 */
export function headerForState(dir: string): string[] | null {
  const [fields, layDate, laySoftware, date, software] = JSON.parse(dir) as [string[] | null, string | null, string | null, string | null, string | null];
  if (!fields || fields.length === 0) return null;
  const out: string[] = [];
  if (laySoftware !== null) out.push(`#Software: ${laySoftware}`);
  if (layDate !== null) out.push(`#Date: ${layDate}`);
  out.push(`#Fields: ${fields.join(' ')}`);
  if (software !== null && software !== laySoftware) out.push(`#Software: ${software}`);
  if (date !== null && date !== layDate) out.push(`#Date: ${date}`);
  return out;
}

/** The end of the unit this thread claimed next (and whether it ends the file), or null when another thread has it. */
export type NextUnit = () => { end: number; last: boolean } | null;

/**
 * Counts [job.start, job.end) after the lead-in [job.leadStart, job.start); then, while `next`
 * hands it the following unit, that one too (the range grows; its state carries on).
 */
export function runSummaryRange(
  job: SummaryRangeJob,
  onProgress?: (bytes: number) => void,
  next?: NextUnit,
  readBytes = READ_BYTES,
  onState?: (dir: string) => void,
): SummaryRangeResult {
  const startedAt = epochMs();
  const fd = openSync(job.path, 'r');
  let kernel: W3cKernel | null = null;
  try {
    kernel = acquireW3cKernel();
    // the kernel counts whole chunks; without it (no WebAssembly SIMD) W3cAnalyzer counts line by line
    const opts = { collectFindings: false, handshakeWindowSeconds: job.handshakeWindowSeconds, finishOpenAtEnd: job.last };
    const an: W3cCounting = kernel ? new W3cCounter(kernel, opts) : new W3cAnalyzer(opts);
    const sc = new W3cScanner(an, kernel);
    // only the first readBytes of the chunk are touched: a fresh page costs a fault (on a VM, µs each)
    const buf = (kernel ? kernel.chunk : Buffer.allocUnsafe(CHUNK)).subarray(0, Math.min(CHUNK, readBytes));
    let reported = 0;
    let told = '';
    const feed = (from: number, to: number): void => {
      for (let pos = from; pos < to;) {
        const want = Math.min(readBytes, to - pos);
        let n = readAt(fd, buf, want, pos);
        if (n === 0) throw new Error(`${job.path}: the file ended at byte ${pos}, expected ${to} (changed while being read?)`);
        if (n === want && pos + n < to) {
          // end this read at its last LF (the rest is read again next time), unless the line is longer than the read
          const lf = buf.lastIndexOf(10, n - 1);
          if (lf >= 0) n = lf + 1;
        }
        sc.push(buf.subarray(0, n));
        pos += n;
        if (onState) {
          const d = sc.directiveState();
          if (d !== told) onState((told = d));
        }
        if (onProgress && pos - reported >= 1 << 26) {
          onProgress(pos - reported);
          reported = pos;
        }
      }
    };
    let atStart: RangeState | null = null;
    let linesBefore = 0;
    if (job.start > 0) {
      let header = job.header ?? headerBefore(fd, job.leadStart, job.headerLookback, buf, job.guess);
      if (!job.header && !linesFit(fd, job.leadStart, header, buf)) {
        // the lines do not fit the guessed layout: a #Fields further back than the look-back; find the last one
        header = directivesSinceLastFields(fd, job.leadStart, buf) ?? header;
      }
      if (header.length) sc.push(Buffer.from(header.join('\n') + '\n', 'utf8'));
      sc.continueAt(job.leadStart);
      reported = job.start;
      feed(job.leadStart, job.start);
      an.resetCounts();
      atStart = { dir: sc.directiveState(), hs: an.handshakeState() };
      linesBefore = sc.lines;
    } else {
      reported = 0;
    }
    sc.markDirectives();
    let end = job.end,
      last = job.last;
    feed(job.start, end);
    for (let u = next && !last ? next() : null; u; u = u.last ? null : next!()) {
      feed(end, u.end);
      end = u.end;
      last = u.last;
    }
    if (last) sc.end();
    an.finishOpenAtEnd = last;
    if (onProgress && end > reported) onProgress(end - reported);
    const lines = sc.lines - linesBefore;
    const atEnd: RangeState = { dir: sc.directiveState(), hs: last ? [] : an.handshakeState() };
    const r = an.finishAnalysis(0, lines);
    const num = (m: Record<string, number>): [number, number][] =>
      Object.entries(m)
        .filter(([k]) => k !== STATUS_DASH)
        .map(([k, v]) => [Number(k), v]);
    return {
      start: job.start,
      end,
      leadStart: job.leadStart,
      last,
      lines,
      requests: r.requests,
      status: num(r.summary.status),
      statusDash: r.summary.status[STATUS_DASH] ?? 0,
      reason: Object.entries(r.summary.reason ?? {}),
      win32: num(r.summary.win32),
      findings: { ...r.summary.findings } as Record<string, number>,
      layouts: r.layouts.map((l) => ({
        fieldsLine: l.fieldsLine > 0 ? l.fieldsLine - linesBefore : 0,
        headerLine: l.headerLine - linesBefore,
        fields: l.fields,
        date: l.date,
        software: l.software,
      })),
      atStart,
      atEnd,
      seen: { ...sc.seen },
      minTimeToSweep: atStart ? an.minTimeToSweep : null,
      startedAt,
      doneAt: epochMs(),
    };
  } finally {
    closeSync(fd);
    releaseW3cKernel(kernel);
  }
}
