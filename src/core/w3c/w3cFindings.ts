// Findings and statistics over a W3C log, fed line by line by the scanner (W3cAnalyzer is a
// W3cScanHandler). Memory stays flat: counters, the findings themselves, and the handshakes that
// are still open within the time window.
//
// How the lines are read (what a leg is, which verdict ends an attempt, the grouping rules) is
// w3cRules.ts; the open handshakes live in w3cHandshakeTable.ts, the per-block statistics in
// w3cBlockStats.ts. This file is the scan handler that ties them together.
import { DEFAULT_HANDSHAKE_WINDOW_SECONDS, findingOfWin32, severityOf, W3C_FINDING_ORDER, type Finding, type FindingCode } from '../findings';
import type { W3cSummary } from '../analyzeResult';
import { describeWin32 } from '../win32Status';
import type { W3cLayout } from './w3cFields';
import type { W3cRecord, W3cScanHandler } from './w3cScanner';
import { countReason, withHttpErrCounts } from './w3cHttpErrCounts';
import { endsAttempt, findingMessage, isFailure, isSspiLeg } from './w3cRules';
import { HandshakeTable, hashToken, keyHash, MAX_LEGS, unquoteW3c, type OpenGroup } from './w3cHandshakeTable';
import { BlockStatsBuilder, countFailure, type BlockAcc, type W3cBlockStats } from './w3cBlockStats';

export { W3C_FINDING_ORDER, findingMessage };
export type { W3cBlockStats, W3cTop } from './w3cBlockStats';

export interface W3cAnalyzeOptions {
  /** Seconds between two legs of one handshake (default 120). */
  handshakeWindowSeconds?: number;
  /** Keep Finding objects (false: only count them, for `analyze --summary`). Default true. */
  collectFindings?: boolean;
  /** Keep at most this many findings per code (counts stay exact). Default unlimited. */
  maxFindingsPerCode?: number;
  /** Keep at most this many MALFORMED_LINE findings (a binary file has one per "line"). Default unlimited. */
  maxMalformedFindings?: number;
  /**
   * Whether finishAnalysis ends the handshakes still open (default true). A parallel worker that
   * reads a middle part of a file leaves them open: the next part continues them.
   */
  finishOpenAtEnd?: boolean;
  /** Open handshakes tracked at once (default MAX_OPEN_HANDSHAKES); past it the oldest is let go without a verdict, and counted. */
  maxOpenHandshakes?: number;
}

/**
 * Open handshakes (distinct c-ip + cs-uri-stem keys) tracked at once: about what the WebAssembly
 * kernel's 128 MiB arena holds (128-byte blocks for ordinary keys), and a few hundred MB here.
 * 2M distinct keys took 1.8 GB before; past the bound the oldest open handshake is dropped without
 * a verdict and the result says how many were (handshakesNotTracked).
 */
export const MAX_OPEN_HANDSHAKES = 1 << 20;

/** Open handshakes are swept (ended when their window has passed) at each data line that crosses a multiple of this many bytes of the file. */
export const SWEEP_BYTES = 1 << 21;

export interface W3cAnalysis {
  lines: number;
  requests: number;
  bytes: number;
  summary: W3cSummary;
  findings: Finding[];
  /** Findings counted in the summary but not kept (over the limits of the options). */
  findingsOmitted: number;
  layouts: W3cLayout[];
  blocks: W3cBlockStats[];
  /** Handshakes let go without a verdict because more than maxOpenHandshakes were open at once (absent when none). */
  handshakesNotTracked?: number;
}

export class W3cAnalyzer implements W3cScanHandler {
  lines = 0;
  requests = 0;
  bytes = 0;
  readonly findings: Finding[] = [];
  private readonly collect: boolean;
  private readonly maxPerCode: number;
  private readonly maxMalformed: number;
  private omitted = 0;
  private readonly window: number;
  private readonly statusSmall = new Float64Array(1000);
  private readonly statusBig = new Map<number, number>();
  private statusDash = 0;
  private readonly reasons = new Map<string, number>();
  private readonly win32Small = new Float64Array(65536);
  private readonly win32Big = new Map<number, number>();
  private readonly counts: Partial<Record<FindingCode, number>> = {};
  /** The handshakes still open within the window. */
  private readonly open: HandshakeTable;
  /** Statistics per #Fields block. */
  private readonly blocks = new BlockStatsBuilder();
  /** Whether finishAnalysis ends the handshakes still open (false for a range that does not end the file; set until then). */
  finishOpenAtEnd: boolean;

  constructor(opts: W3cAnalyzeOptions = {}) {
    this.collect = opts.collectFindings !== false;
    this.maxPerCode = opts.maxFindingsPerCode ?? Infinity;
    this.maxMalformed = opts.maxMalformedFindings ?? Infinity;
    this.window = opts.handshakeWindowSeconds ?? DEFAULT_HANDSHAKE_WINDOW_SECONDS;
    this.finishOpenAtEnd = opts.finishOpenAtEnd !== false;
    this.open = new HandshakeTable(this.collect);
    this.maxOpen = opts.maxOpenHandshakes ?? MAX_OPEN_HANDSHAKES;
  }

  private readonly maxOpen: number;
  private notTracked = 0;

  onDirective(rec: W3cRecord, _name: string, _value: string, layout: W3cLayout | null): void {
    this.lines = rec.line;
    if (layout) this.blocks.start(layout);
  }

  onBlank(rec: W3cRecord): void {
    this.lines = rec.line;
    if (this.blocks.current) this.blocks.current.stats.lastLine = rec.line;
  }

  onMalformed(rec: W3cRecord, reason: string): void {
    this.lines = rec.line;
    const b = this.blocks.forRecord(rec);
    if (b) {
      b.stats.malformed++;
      b.stats.lastLine = rec.line;
    }
    this.add('MALFORMED_LINE', rec.line, () => ({ message: findingMessage({ code: 'MALFORMED_LINE', reason }) }));
  }

  onRecord(rec: W3cRecord): void {
    this.lines = rec.line;
    this.requests++;
    if (this.trackMin) this.trackTime(rec);
    const lay = rec.layout!;
    const col = lay.columns;
    const cur = this.blocks.current;
    const b = cur && cur.stats.layoutIndex === lay.index ? cur : this.blocks.forRecord(rec);
    if (b) {
      b.stats.requests++;
      b.stats.lastLine = rec.line;
    }
    const status = rec.num(col.status);
    if (status >= 0) {
      if (status < 1000) this.statusSmall[status]++;
      else this.statusBig.set(status, (this.statusBig.get(status) ?? 0) + 1);
    } else if (rec.isDash(col.status)) {
      this.statusDash++;
    }
    if (col.reason >= 0) countReason(this.reasons, rec.str(col.reason));
    const win32 = rec.num(col.win32);
    if (win32 >= 0) {
      if (win32 < 65536) this.win32Small[win32]++;
      else this.win32Big.set(win32, (this.win32Big.get(win32) ?? 0) + 1);
    }
    if (status === 401) {
      this.on401(rec, b, win32);
    } else if (this.open.count > 0 && status >= 0) {
      if (this.open.mayHaveIp(hashToken(rec, col.cIp))) {
        const uriI = col.uriStem >= 0 ? col.uriStem : col.uri;
        const g = this.open.find(rec, col.cIp, uriI, keyHash(rec, col.cIp, uriI));
        if (g) {
          const t = rec.epochSeconds();
          // a late success still closes the group, but the earlier attempt counts as incomplete
          if (!(t - g.lastTime <= this.window)) this.finish(g);
          this.open.close(g);
        }
      }
    }
    // the sweep points depend on the line alone (not on how many lines came before), so a part of
    // the file read on its own sweeps where the whole file does
    if (this.open.count > 0 && this.atSweepPoint(rec)) this.sweep(rec.epochSeconds());
  }

  private on401(rec: W3cRecord, b: BlockAcc | null, win32: number): void {
    const col = rec.layout!.columns;
    const sub = rec.num(col.substatus);
    if (b) {
      b.stats.status401++;
      if (isFailure(401, sub, win32)) countFailure(b, rec);
    }
    const code = findingOfWin32(win32);
    if (code === 'BAD_BINDINGS' && b) b.stats.badBindings++;
    if (code) {
      this.add(code, rec.line, () => {
        const statusText = sub >= 0 ? `401.${sub}` : '401';
        return { message: findingMessage({ code, status: statusText, win32 }), ...this.context(rec), status: statusText, win32 };
      });
    }
    // handshake legs
    const sspi = isSspiLeg(sub, win32);
    if (sub !== 2 && !sspi) return;
    const t = rec.epochSeconds();
    const uriI = col.uriStem >= 0 ? col.uriStem : col.uri;
    const h = keyHash(rec, col.cIp, uriI);
    let g = this.open.find(rec, col.cIp, uriI, h);
    if (g && !(t - g.lastTime <= this.window)) {
      this.finish(g);
      this.open.close(g);
      g = null;
    }
    if (!g) {
      if (this.open.count >= this.maxOpen && this.open.head) {
        // the memory bound: the oldest open handshake goes, without a verdict, and is counted
        this.open.close(this.open.head);
        this.notTracked++;
      }
      g = this.open.add(rec, col.cIp, uriI, h, t);
    }
    if (g.legs && g.legs.length < MAX_LEGS) g.legs.push(rec.line);
    g.legCount++;
    g.lastTime = Number.isNaN(t) ? g.lastTime : t;
    g.lastLine = rec.line;
    g.lastEpoch = t;
    g.lastUser = this.collect && col.user >= 0 && !rec.isDash(col.user) ? rec.str(col.user) : null;
    g.lastSub = sub;
    g.lastWin32 = win32;
    if (sspi) g.sspi = true;
    // a final SSPI verdict (anything but the SEC_E_NO_CREDENTIALS challenge) ends this attempt: the
    // client's next try starts a new handshake, so each failed attempt is one finding
    if (sspi && endsAttempt(win32)) {
      if (code) this.relateLegs(rec.line, code, g);
      else this.finish(g);
      this.open.close(g);
    }
  }

  /** The handshake's other legs become the related lines of the specific finding that ended it (when that finding was kept). */
  private relateLegs(line: number, code: FindingCode, g: OpenGroup): void {
    const f = this.findings[this.findings.length - 1];
    if (f && f.line === line && f.code === code && g.legs && g.legs.length > 1) f.relatedLines = g.legs.filter((l) => l !== line);
  }

  private context(rec: W3cRecord): { time: string | null; clientIp: string | null; user: string | null; uri: string | null } {
    const col = rec.layout!.columns;
    const opt = (i: number): string | null => (i < 0 || rec.isDash(i) ? null : rec.str(i));
    return { time: rec.isoTime(), clientIp: opt(col.cIp), user: opt(col.user), uri: opt(col.uriStem >= 0 ? col.uriStem : col.uri) };
  }

  /** Counts a finding and keeps it (within the limits), with the findings table's severity. */
  private add(code: FindingCode, line: number, rest: () => Partial<Finding> & { message: string }): void {
    const n = (this.counts[code] ?? 0) + 1;
    this.counts[code] = n;
    if (!this.collect) return;
    if (n > this.maxPerCode || (code === 'MALFORMED_LINE' && n > this.maxMalformed)) {
      this.omitted++;
      return;
    }
    this.findings.push({ line, code, severity: severityOf(code), ...rest() });
  }

  private finish(g: OpenGroup): void {
    if (!g.sspi) return;
    const lastLine = g.lastLine,
      lastEpoch = g.lastEpoch,
      lastUser = g.lastUser;
    const w = g.lastWin32 >= 0 ? g.lastWin32 : null;
    const status = g.lastSub >= 0 ? `401.${g.lastSub}` : '401';
    const lastLeg = w !== null && w !== 0 ? `${status} ${describeWin32(w)?.name ?? w}` : status;
    this.add('HANDSHAKE_INCOMPLETE', lastLine, () => ({
      message: findingMessage({ code: 'HANDSHAKE_INCOMPLETE', status, win32: w, legs: g.legs ? g.legs.length : g.legCount, lastLeg }),
      time: Number.isNaN(lastEpoch) ? null : new Date(lastEpoch * 1000).toISOString().slice(0, 19) + 'Z',
      clientIp: unquoteW3c(g.keyBuf.toString('utf8', 0, g.ipLen)) || null,
      user: lastUser,
      uri: unquoteW3c(g.keyBuf.toString('utf8', g.ipLen + 1, g.keyLen)) || null,
      status,
      win32: w,
      relatedLines: (g.legs ?? []).filter((l) => l !== lastLine),
    }));
  }

  private sweep(now: number): void {
    if (Number.isNaN(now)) return;
    for (let g = this.open.head; g;) {
      const next = g.nextOpen;
      if (now - g.lastTime > this.window) {
        this.finish(g);
        this.open.close(g);
      }
      g = next;
    }
  }

  /** Close open handshakes and build the result; call once after the scanner's end(). */
  finishAnalysis(bytes: number, lines: number): W3cAnalysis {
    if (this.finishOpenAtEnd)
      for (const g of this.open.all().sort((a, b) => a.lastLine - b.lastLine)) {
        this.finish(g);
        this.open.close(g);
      }
    this.bytes = bytes;
    this.lines = lines;
    const status = histogram(this.statusSmall, this.statusBig);
    const win32 = histogram(this.win32Small, this.win32Big);
    const order = W3C_FINDING_ORDER;
    const findingsCount: Partial<Record<FindingCode, number>> = {};
    for (const c of order) if (this.counts[c]) findingsCount[c] = this.counts[c];
    this.findings.sort((a, b) => a.line - b.line || order.indexOf(a.code) - order.indexOf(b.code));
    const blocks = this.blocks.result();
    const summary = withHttpErrCounts({ status, win32, findings: findingsCount }, this.statusDash, this.reasons);
    const result: W3cAnalysis = {
      lines,
      requests: this.requests,
      bytes,
      summary,
      findings: this.findings,
      findingsOmitted: this.omitted,
      layouts: this.blocks.layouts,
      blocks,
    };
    if (this.notTracked > 0) result.handshakesNotTracked = this.notTracked;
    return result;
  }

  /**
   * The open handshakes that can still become a finding (those with an SSPI leg) as text, one
   * `key NUL lastTime` each, sorted. Groups without an SSPI leg never change a count (whatever
   * ends them, and a group that extends one of them counts as the new group alone would), so two
   * readers of the same file count alike from a line on when these sets are equal there.
   */
  handshakeState(): string[] {
    return this.open
      .all()
      .filter((g) => g.sspi)
      .map((g) => `${g.keyBuf.toString('latin1', 0, g.keyLen)}\u0000${g.lastTime}`)
      .sort();
  }

  /**
   * Lowest time of the data lines from now up to and including the first one at a sweep point
   * (null while there was none, or when a line had no readable time). A handshake open in the
   * whole file's reading but unknown to a part's lead-in ends late (a finding) when this is past
   * its window.
   */
  get minTimeToSweep(): number | null {
    return this.trackMin ? null : this.minTime;
  }

  /** The SWEEP_BYTES block [sweepLo, sweepHi) of the file the last line started in. */
  private sweepLo = 0;
  private sweepHi = 0;

  /** Whether the line crosses a multiple of SWEEP_BYTES (from its start to its end). */
  private atSweepPoint(rec: W3cRecord): boolean {
    const f = rec.fileOffset;
    if (f < this.sweepLo || f >= this.sweepHi) {
      this.sweepLo = Math.floor(f / SWEEP_BYTES) * SWEEP_BYTES;
      this.sweepHi = this.sweepLo + SWEEP_BYTES;
    }
    return f + rec.end - rec.start >= this.sweepHi;
  }

  private trackMin = false;
  private minTime: number | null = Infinity;

  private trackTime(rec: W3cRecord): void {
    const t = rec.epochSeconds();
    if (Number.isNaN(t)) this.minTime = null;
    else if (this.minTime !== null && t < this.minTime) this.minTime = t;
    if (this.atSweepPoint(rec)) this.trackMin = false;
  }

  /** Forget every count and finding but keep the open handshakes (a parallel worker after its lead-in). */
  resetCounts(): void {
    this.requests = 0;
    this.findings.length = 0;
    this.omitted = 0;
    this.statusSmall.fill(0);
    this.statusBig.clear();
    this.statusDash = 0;
    this.reasons.clear();
    this.win32Small.fill(0);
    this.win32Big.clear();
    for (const k of Object.keys(this.counts)) delete this.counts[k as FindingCode];
    this.blocks.reset();
    this.trackMin = true;
    this.minTime = Infinity;
  }
}

/** A summary histogram: the values counted in `small` (indexed by value), then the larger ones in `big`, ascending; no zero counts. */
export function histogram(small: ArrayLike<number>, big: Iterable<[number, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < small.length; i++) if (small[i]) out[String(i)] = small[i];
  for (const [k, v] of [...big].sort((a, b) => a[0] - b[0])) if (v) out[String(k)] = v;
  return out;
}
