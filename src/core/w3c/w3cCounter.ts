// `analyze --summary` counting in WebAssembly: the scanner hands whole chunks to the kernel's
// `count` (src/wasm/w3cKernel.ts), which counts every data line that fits the layout in force
// (requests, status, win32, the auth findings, HANDSHAKE_INCOMPLETE) without a JavaScript call per
// line. The lines it leaves to the scanner (directives, lines that do not fit, lines split across
// chunks) come back here as scanner events. The counts equal W3cAnalyzer's (w3cFindings.ts) in its
// counting mode, which stays the reference and the path without WebAssembly:
// test/unit/w3cCounter.test.ts compares both on real and generated logs. Lines of a layout with an
// s-reason column (HTTPERR) are left to the scanner one by one: the kernel counts their status and
// handshakes from a copy, and the reason is counted here from the scanner's tokens.
import type { FindingCode } from '../findings';
import type { W3cLayout } from './w3cFields';
import { histogram, W3C_FINDING_ORDER, type W3cAnalysis } from './w3cFindings';
import type { W3cKernel, W3cKernelCount } from './w3cKernel';
import { dateDays, MAX_TOKENS, type W3cRecord, type W3cScanHandler } from './w3cScanner';
import { countReason, withHttpErrCounts } from './w3cHttpErrCounts';
import { DEFAULT_HANDSHAKE_WINDOW_SECONDS } from '../findings';

/** What runSummaryRange needs of a counting handler (W3cAnalyzer in its counting mode, or W3cCounter). */
export interface W3cCounting extends W3cScanHandler {
  resetCounts(): void;
  handshakeState(): string[];
  /** Whether finishAnalysis ends the handshakes still open (a range learns at its end whether it ends the file). */
  finishOpenAtEnd: boolean;
  readonly minTimeToSweep: number | null;
  finishAnalysis(bytes: number, lines: number): W3cAnalysis;
}

export interface W3cCounterOptions {
  handshakeWindowSeconds?: number;
  /** Whether finishAnalysis ends the handshakes still open (default true; false for a middle range). */
  finishOpenAtEnd?: boolean;
}

/** The kernel's arena for open handshakes is full (then count with W3cAnalyzer instead). */
export class KernelArenaFull extends Error {
  constructor() {
    super('too many NTLM/Negotiate handshakes open at once for the counting kernel');
  }
}

/**
 * A `#Fields` layout with a column the kernel reads (date, time, c-ip, cs-uri-stem, sc-status,
 * sc-substatus, sc-win32-status) beyond its MAX_TOKENS token tables: the layout goes back to the
 * TypeScript path, which W3cAnalyzer counts exactly (analyzeW3cFile reads the file again).
 */
export class KernelLayoutTooWide extends KernelArenaFull {
  constructor(readonly column: number) {
    super();
    this.message = `a #Fields layout with a column the counting kernel reads at field ${column + 1} (it keeps ${MAX_TOKENS})`;
  }
}

export class W3cCounter implements W3cCounting {
  private readonly k: W3cKernelCount;
  private configured: W3cLayout | null = null;
  private readonly statusBig = new Map<number, number>();
  private readonly win32Big = new Map<number, number>();
  private malformed = 0;
  private readonly reasons = new Map<string, number>();
  private readonly layouts: W3cLayout[] = [];
  /** Whether finishAnalysis ends the handshakes still open (false for a range that does not end the file; set until then). */
  finishOpenAtEnd: boolean;

  constructor(
    readonly countingKernel: W3cKernel,
    opts: W3cCounterOptions = {},
  ) {
    this.k = countingKernel.counter;
    this.finishOpenAtEnd = opts.finishOpenAtEnd !== false;
    const add = (m: Map<number, number>, v: number): void => {
      m.set(v, (m.get(v) ?? 0) + 1);
    };
    countingKernel.sink = { bigStatus: (v) => add(this.statusBig, v), bigWin32: (v) => add(this.win32Big, v) };
    this.k.setWindow(opts.handshakeWindowSeconds ?? DEFAULT_HANDSHAKE_WINDOW_SECONDS);
  }

  onDirective(_rec: W3cRecord, _name: string, _value: string, layout: W3cLayout | null): void {
    if (layout) this.layouts.push(layout);
  }

  onMalformed(): void {
    this.malformed++;
  }

  /** A record the scanner read itself (split across chunks, or in the IIS default layout): counted from a copy in the kernel's scratch line. */
  onRecord(rec: W3cRecord): void {
    const lay = rec.layout!;
    if (lay.fieldsLine === 0 && !this.layouts.includes(lay)) this.layouts.push(lay);
    if (lay.columns.reason >= 0) countReason(this.reasons, rec.str(lay.columns.reason));
    this.configure(lay);
    const scratch = this.countingKernel.scratch;
    const len = rec.end - rec.start;
    if (len + 1 > scratch.length) throw new Error(`line ${rec.line}: ${len} bytes do not fit the kernel's line buffer`);
    rec.buf.copy(scratch, 0, rec.start, rec.end);
    scratch[len] = 10;
    const at = scratch.byteOffset;
    const stop = this.k.count(at, at + len + 1, rec.fileOffset);
    if (stop !== at + len + 1 || this.countingKernel.countedLines[0] !== 1)
      throw new Error(`line ${rec.line}: the counting kernel did not take a record the scanner read`);
    if (this.k.isOverflowed()) throw new KernelArenaFull();
  }

  /**
   * Counts the complete lines of `layout` from address s of the kernel's memory up to limit (the
   * first at file offset fileOffset). Returns where it stopped; the kernel's countedLines tells
   * how many lines it consumed.
   */
  countLines(layout: W3cLayout, s: number, limit: number, fileOffset: number): number {
    if (layout.columns.reason >= 0) {
      // the s-reason values are strings the kernel does not count: the scanner reads these lines
      this.countingKernel.countedLines[0] = 0;
      return s;
    }
    this.configure(layout);
    const stop = this.k.count(s, limit, fileOffset);
    if (this.k.isOverflowed()) throw new KernelArenaFull();
    return stop;
  }

  private configure(lay: W3cLayout): void {
    if (lay === this.configured) return;
    this.configured = lay;
    const c = lay.columns;
    const col = (i: number): number => (i >= 0 && i < MAX_TOKENS ? i : -1);
    const uri = c.uriStem >= 0 ? c.uriStem : c.uri;
    const widest = Math.max(c.status, c.substatus, c.win32, c.cIp, uri, c.date, c.time);
    if (widest >= MAX_TOKENS) throw new KernelLayoutTooWide(widest);
    // -2: a date column that cannot be read (the time is then unknown); -1: none, the #Date counts
    const date = c.date < 0 ? -1 : c.date < MAX_TOKENS ? c.date : -2;
    this.k.configure(
      lay.fields.length,
      col(c.status),
      col(c.substatus),
      col(c.win32),
      col(c.cIp),
      col(uri),
      date,
      col(c.time),
      lay.date ? dateDays(lay.date) : 0,
    );
  }

  resetCounts(): void {
    this.k.resetCounts();
    this.statusBig.clear();
    this.win32Big.clear();
    this.malformed = 0;
    this.reasons.clear();
    this.layouts.length = 0;
  }

  handshakeState(): string[] {
    const mem = Buffer.from(this.countingKernel.memory.buffer);
    const out: string[] = [];
    for (let g = this.k.openFirst(); g !== 0; g = this.k.openNext(g)) {
      if (!this.k.groupSspi(g)) continue;
      const key = this.k.groupKey(g);
      out.push(`${mem.toString('latin1', key, key + this.k.groupKeyLength(g))}\u0000${this.k.groupLastTime(g)}`);
    }
    return out.sort();
  }

  get minTimeToSweep(): number | null {
    if (this.k.trackingMinTime()) return null;
    const t = this.k.minTimeSeen();
    return Number.isNaN(t) ? null : t;
  }

  finishAnalysis(bytes: number, lines: number): W3cAnalysis {
    const kn = this.countingKernel;
    if (this.finishOpenAtEnd) kn.counter.finishOpen();
    // win32 codes of 65536 and more: the kernel's table, and what overflowed it into JavaScript
    const big = new Map(this.win32Big);
    for (let i = 0; i < kn.bigWin32.length; i += 2) if (kn.bigWin32[i + 1]) big.set(kn.bigWin32[i], (big.get(kn.bigWin32[i]) ?? 0) + kn.bigWin32[i + 1]);
    const status = histogram(kn.statusCounts, this.statusBig);
    const win32 = histogram(kn.win32Counts, big);
    // the kernel counts the first four codes in W3C_FINDING_ORDER; MALFORMED_LINE is counted here
    const counts = [...kn.findings, this.malformed];
    const findings: Partial<Record<FindingCode, number>> = {};
    W3C_FINDING_ORDER.forEach((c, i) => {
      if (counts[i]) findings[c] = counts[i];
    });
    const summary = withHttpErrCounts({ status, win32, findings }, kn.counter.statusDashCount(), this.reasons);
    return { lines, requests: kn.counter.requestCount(), bytes, summary, findings: [], findingsOmitted: 0, layouts: this.layouts, blocks: [] };
  }
}
