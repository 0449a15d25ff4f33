// Findings and statistics over a W3C log, fed line by line by the scanner (W3cAnalyzer is a
// W3cScanHandler). Memory stays flat: counters, the findings themselves, and the handshakes that
// are still open within the time window.
//
// HANDSHAKE_INCOMPLETE, how legs are grouped: a "leg" is a 401 with substatus 2 (the anonymous
// first request) or a 401.1 whose win32 is an SSPI status (0x8009xxxx, e.g. 2148074254 the NTLM
// challenge, or 3221226331). Legs are grouped per (c-ip, cs-uri-stem) as long as each leg follows
// the previous one of its group within the window (default 120 s). A non-401 response to the same
// (c-ip, cs-uri-stem) within the window completes the group. A 401.1 with a final SSPI verdict
// (any SSPI code but 2148074254, the challenge: e.g. BAD_BINDINGS, LOGON_DENIED) ends its group at
// once, so every failed attempt counts. A group that ends (final verdict, window passes, file
// ends, or a new leg comes after the window) without a non-401 and that has at least one SSPI
// 401.1 leg is one HANDSHAKE_INCOMPLETE finding at its last leg, with the other legs as
// relatedLines - unless its final verdict is itself a finding (BAD_BINDINGS, INVALID_TOKEN,
// LOGON_DENIED): then that finding alone says how the handshake ended, and carries the other legs. Groups of 401.2 legs only are not reported: they tell nothing about the scheme
// (Basic clients and probes also get 401.2). Other 401s (401.1 1326, 401.3) neither extend nor
// complete a group.
import {
  DEFAULT_HANDSHAKE_WINDOW_SECONDS, findingOfWin32, renderFindingMessage, SEC_E_NO_CREDENTIALS, severityOf, W3C_FINDING_ORDER,
  type Finding, type FindingCode, type FindingFacts,
} from '../findings';
import type { W3cSummary } from '../analyzeResult';
import { describeWin32, isSspiFailure } from '../win32Status';
import type { W3cLayout } from './w3cFields';
import type { W3cRecord, W3cScanHandler } from './w3cScanner';
import { countReason, withHttpErrCounts } from './w3cHttpErrCounts';

export { W3C_FINDING_ORDER };

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

export interface W3cTop {
  value: string;
  count: number;
}

/** Statistics of one #Fields block (from its header to the next #Fields), for CodeLens and Outline. */
export interface W3cBlockStats {
  layoutIndex: number;
  /** 1-based line of the #Fields directive (0: implicit default layout). */
  fieldsLine: number;
  /** 1-based first line of the header block. */
  headerLine: number;
  /** 1-based last line that belongs to the block. */
  lastLine: number;
  fieldCount: number;
  requests: number;
  malformed: number;
  status401: number;
  badBindings: number;
  /** Failed authentications: 401s other than the normal handshake legs (401.2, 401.1 SEC_E_NO_CREDENTIALS). */
  failures: number;
  topFailingUri: W3cTop | null;
  topFailingClient: W3cTop | null;
  /** Lines of the failed authentications (at most 1000). */
  failureLines: number[];
}

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

const MAX_FAILURE_LINES = 1000;
const MAX_LEGS = 64;
const TABLE_SIZE = 1 << 15;
const TABLE_MASK = TABLE_SIZE - 1;

interface OpenGroup {
  /** 32-bit hash of the key bytes; `keyBuf` = c-ip bytes, a space, cs-uri-stem bytes. */
  hash: number;
  keyBuf: Buffer;
  /** Bytes of the key in keyBuf (groups are reused: keyBuf may be longer). */
  keyLen: number;
  ipLen: number;
  ipHash: number;
  /** Next group with the same hash (collisions). */
  next: OpenGroup | null;
  /** Neighbours in the list of all open groups (a sweep walks the open groups, not the table). */
  prevOpen: OpenGroup | null;
  nextOpen: OpenGroup | null;
  /** Lines of the legs (only when findings are kept: counting needs none). */
  legs: number[] | null;
  legCount: number;
  lastTime: number;
  sspi: boolean;
  /** The last leg, kept cheap (no object per leg): strings are built only when the group becomes a finding. */
  lastLine: number;
  lastEpoch: number;
  lastUser: string | null;
  lastSub: number;
  lastWin32: number;
}

interface BlockAcc {
  stats: W3cBlockStats;
  uris: Map<string, number>;
  clients: Map<string, number>;
}

/** The message of a W3C finding (English, for the CLI JSON): the findings table's wording. */
export function findingMessage(facts: FindingFacts): string {
  return renderFindingMessage(facts);
}

/** Key of a failure status for the failing-request counters (everything but the normal legs). */
function isFailure(status: number, sub: number, win32: number): boolean {
  if (status !== 401) return false;
  if (sub === 2) return false;
  if (sub === 1 && win32 === SEC_E_NO_CREDENTIALS) return false;
  return true;
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
  /** Open handshake groups in buckets by key hash, chained through `next` (no strings, no Map churn on the hot path). */
  private readonly table: (OpenGroup | null)[] = new Array<OpenGroup | null>(TABLE_SIZE).fill(null);
  private openCount = 0;
  /** The open groups, oldest first (linked through nextOpen): a sweep ends them in the order they began. */
  private openHead: OpenGroup | null = null;
  private openTail: OpenGroup | null = null;
  /** Closed groups to reuse. */
  private readonly pool: OpenGroup[] = [];
  /** How many open groups per hash bucket of the client IP: lets most lines skip building a key. */
  private readonly ipBuckets = new Int32Array(65536);
  private readonly layouts: W3cLayout[] = [];
  private readonly blocks: BlockAcc[] = [];
  private block: BlockAcc | null = null;
  private readonly finishOpen: boolean;

  constructor(opts: W3cAnalyzeOptions = {}) {
    this.collect = opts.collectFindings !== false;
    this.maxPerCode = opts.maxFindingsPerCode ?? Infinity;
    this.maxMalformed = opts.maxMalformedFindings ?? Infinity;
    this.window = opts.handshakeWindowSeconds ?? DEFAULT_HANDSHAKE_WINDOW_SECONDS;
    this.finishOpen = opts.finishOpenAtEnd !== false;
    this.maxOpen = opts.maxOpenHandshakes ?? MAX_OPEN_HANDSHAKES;
  }

  private readonly maxOpen: number;
  private notTracked = 0;

  onDirective(rec: W3cRecord, _name: string, _value: string, layout: W3cLayout | null): void {
    this.lines = rec.line;
    if (layout) this.startBlock(layout);
  }

  onBlank(rec: W3cRecord): void {
    this.lines = rec.line;
    if (this.block) this.block.stats.lastLine = rec.line;
  }

  onMalformed(rec: W3cRecord, reason: string): void {
    this.lines = rec.line;
    const b = this.blockFor(rec);
    if (b) { b.stats.malformed++; b.stats.lastLine = rec.line; }
    this.add('MALFORMED_LINE', rec.line, () => ({ message: findingMessage({ code: 'MALFORMED_LINE', reason }) }));
  }

  onRecord(rec: W3cRecord): void {
    this.lines = rec.line;
    this.requests++;
    if (this.trackMin) this.trackTime(rec);
    const lay = rec.layout!;
    const col = lay.columns;
    const b = this.block && this.block.stats.layoutIndex === lay.index ? this.block : this.blockFor(rec);
    if (b) { b.stats.requests++; b.stats.lastLine = rec.line; }
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
    } else if (this.openCount > 0 && status >= 0) {
      const ipHash = hashToken(rec, col.cIp);
      if (this.ipBuckets[ipHash] > 0) {
        const uriI = col.uriStem >= 0 ? col.uriStem : col.uri;
        const g = this.find(rec, col.cIp, uriI, keyHash(rec, col.cIp, uriI));
        if (g) {
          const t = rec.epochSeconds();
          // a late success still closes the group, but the earlier attempt counts as incomplete
          if (!(t - g.lastTime <= this.window)) this.finish(g);
          this.close(g);
        }
      }
    }
    // the sweep points depend on the line alone (not on how many lines came before), so a part of
    // the file read on its own sweeps where the whole file does
    if (this.openCount > 0 && this.atSweepPoint(rec)) this.sweep(rec.epochSeconds());
  }

  private on401(rec: W3cRecord, b: BlockAcc | null, win32: number): void {
    const col = rec.layout!.columns;
    const sub = rec.num(col.substatus);
    if (b) {
      b.stats.status401++;
      if (isFailure(401, sub, win32)) {
        b.stats.failures++;
        if (b.stats.failureLines.length < MAX_FAILURE_LINES) b.stats.failureLines.push(rec.line);
        const u = rec.str(col.uriStem >= 0 ? col.uriStem : col.uri);
        b.uris.set(u, (b.uris.get(u) ?? 0) + 1);
        const c = rec.str(col.cIp);
        b.clients.set(c, (b.clients.get(c) ?? 0) + 1);
      }
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
    const sspi = sub === 1 && win32 >= 0 && isSspiFailure(win32);
    if (sub !== 2 && !sspi) return;
    const t = rec.epochSeconds();
    const uriI = col.uriStem >= 0 ? col.uriStem : col.uri;
    const h = keyHash(rec, col.cIp, uriI);
    let g = this.find(rec, col.cIp, uriI, h);
    if (g && !(t - g.lastTime <= this.window)) {
      this.finish(g);
      this.close(g);
      g = null;
    }
    if (!g) {
      if (this.openCount >= this.maxOpen && this.openHead) {
        // the memory bound: the oldest open handshake goes, without a verdict, and is counted
        this.close(this.openHead);
        this.notTracked++;
      }
      const ipHash = hashToken(rec, col.cIp);
      const b = rec.buf;
      const ipOk = col.cIp >= 0 && col.cIp < rec.count, uriOk = uriI >= 0 && uriI < rec.count;
      const is = ipOk ? rec.starts[col.cIp] : 0, ie = ipOk ? rec.ends[col.cIp] : 0;
      const us = uriOk ? rec.starts[uriI] : 0, ue = uriOk ? rec.ends[uriI] : 0;
      const keyLen = ie - is + 1 + ue - us;
      // closed groups are reused (no allocation per handshake on a busy log)
      const reuse = this.pool.pop();
      const keyBuf = reuse && reuse.keyBuf.length >= keyLen ? reuse.keyBuf : Buffer.allocUnsafe(Math.max(keyLen, 64));
      let o = 0;
      for (let p = is; p < ie; p++) keyBuf[o++] = b[p];
      keyBuf[o++] = 32;
      for (let p = us; p < ue; p++) keyBuf[o++] = b[p];
      const next = this.table[h & TABLE_MASK];
      if (reuse) {
        g = reuse;
        g.hash = h; g.keyBuf = keyBuf; g.keyLen = keyLen; g.ipLen = ie - is; g.ipHash = ipHash; g.next = next; g.prevOpen = null; g.nextOpen = null; g.legs = this.collect ? [] : null; g.legCount = 0;
        g.lastTime = t; g.sspi = false; g.lastLine = 0; g.lastEpoch = NaN; g.lastUser = null; g.lastSub = -1; g.lastWin32 = -1;
      } else {
        g = {
          hash: h, keyBuf, keyLen, ipLen: ie - is, ipHash, next, prevOpen: null, nextOpen: null, legs: this.collect ? [] : null, legCount: 0, lastTime: t, sspi: false,
          lastLine: 0, lastEpoch: NaN, lastUser: null, lastSub: -1, lastWin32: -1,
        };
      }
      this.table[h & TABLE_MASK] = g;
      g.prevOpen = this.openTail;
      if (this.openTail) this.openTail.nextOpen = g; else this.openHead = g;
      this.openTail = g;
      this.openCount++;
      this.ipBuckets[ipHash]++;
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
    if (sspi && win32 !== SEC_E_NO_CREDENTIALS) {
      if (code) this.relateLegs(rec.line, code, g);
      else this.finish(g);
      this.close(g);
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
    if (n > this.maxPerCode || (code === 'MALFORMED_LINE' && n > this.maxMalformed)) { this.omitted++; return; }
    this.findings.push({ line, code, severity: severityOf(code), ...rest() });
  }

  private finish(g: OpenGroup): void {
    if (!g.sspi) return;
    const lastLine = g.lastLine, lastEpoch = g.lastEpoch, lastUser = g.lastUser;
    const w = g.lastWin32 >= 0 ? g.lastWin32 : null;
    const status = g.lastSub >= 0 ? `401.${g.lastSub}` : '401';
    const lastLeg = w !== null && w !== 0 ? `${status} ${describeWin32(w)?.name ?? w}` : status;
    this.add('HANDSHAKE_INCOMPLETE', lastLine, () => ({
      message: findingMessage({ code: 'HANDSHAKE_INCOMPLETE', status, win32: w, legs: g.legs ? g.legs.length : g.legCount, lastLeg }),
      time: Number.isNaN(lastEpoch) ? null : new Date(lastEpoch * 1000).toISOString().slice(0, 19) + 'Z',
      clientIp: unquoteW3c(g.keyBuf.toString('utf8', 0, g.ipLen)) || null, user: lastUser, uri: unquoteW3c(g.keyBuf.toString('utf8', g.ipLen + 1, g.keyLen)) || null, status, win32: w,
      relatedLines: (g.legs ?? []).filter((l) => l !== lastLine),
    }));
  }

  private find(rec: W3cRecord, ipI: number, uriI: number, h: number): OpenGroup | null {
    let g = this.table[h & TABLE_MASK];
    while (g && !(g.hash === h && keyEquals(g, rec, ipI, uriI))) g = g.next;
    return g;
  }

  private close(g: OpenGroup): void {
    const slot = g.hash & TABLE_MASK;
    const head = this.table[slot];
    if (head === g) {
      this.table[slot] = g.next;
    } else {
      let p = head;
      while (p && p.next !== g) p = p.next;
      if (p) p.next = g.next;
    }
    g.next = null;
    if (g.prevOpen) g.prevOpen.nextOpen = g.nextOpen; else this.openHead = g.nextOpen;
    if (g.nextOpen) g.nextOpen.prevOpen = g.prevOpen; else this.openTail = g.prevOpen;
    g.prevOpen = null;
    g.nextOpen = null;
    this.openCount--;
    this.ipBuckets[g.ipHash]--;
    if (this.pool.length < 1024) this.pool.push(g);
  }

  private openGroups(): OpenGroup[] {
    const all: OpenGroup[] = [];
    for (let g = this.openHead; g; g = g.nextOpen) all.push(g);
    return all;
  }

  private sweep(now: number): void {
    if (Number.isNaN(now)) return;
    for (let g = this.openHead; g;) {
      const next = g.nextOpen;
      if (now - g.lastTime > this.window) { this.finish(g); this.close(g); }
      g = next;
    }
  }

  private startBlock(layout: W3cLayout): void {
    this.layouts.push(layout);
    // the previous block ends right before this block's header
    if (this.block && layout.headerLine - 1 >= this.block.stats.fieldsLine) this.block.stats.lastLine = layout.headerLine - 1;
    const acc: BlockAcc = {
      stats: {
        layoutIndex: layout.index, fieldsLine: layout.fieldsLine, headerLine: layout.headerLine, lastLine: layout.fieldsLine,
        fieldCount: layout.fields.length, requests: 0, malformed: 0, status401: 0, badBindings: 0, failures: 0,
        topFailingUri: null, topFailingClient: null, failureLines: [],
      },
      uris: new Map(), clients: new Map(),
    };
    this.blocks.push(acc);
    this.block = acc;
  }

  private blockFor(rec: W3cRecord): BlockAcc | null {
    const lay = rec.layout;
    if (lay && (!this.block || this.block.stats.layoutIndex !== lay.index || lay.fieldsLine === 0)) {
      if (lay.fieldsLine === 0 && !this.layouts.includes(lay)) { this.startBlock(lay); this.block!.stats.headerLine = rec.line; }
    }
    return this.block;
  }

  /** Close open handshakes and build the result; call once after the scanner's end(). */
  finishAnalysis(bytes: number, lines: number): W3cAnalysis {
    if (this.finishOpen) for (const g of this.openGroups().sort((a, b) => a.lastLine - b.lastLine)) { this.finish(g); this.close(g); }
    this.bytes = bytes;
    this.lines = lines;
    const status = histogram(this.statusSmall, this.statusBig);
    const win32 = histogram(this.win32Small, this.win32Big);
    const order = W3C_FINDING_ORDER;
    const findingsCount: Partial<Record<FindingCode, number>> = {};
    for (const c of order) if (this.counts[c]) findingsCount[c] = this.counts[c];
    this.findings.sort((a, b) => a.line - b.line || order.indexOf(a.code) - order.indexOf(b.code));
    const blocks = this.blocks.map((b) => {
      b.stats.topFailingUri = top(b.uris);
      b.stats.topFailingClient = top(b.clients);
      return b.stats;
    });
    const summary = withHttpErrCounts({ status, win32, findings: findingsCount }, this.statusDash, this.reasons);
    const result: W3cAnalysis = { lines, requests: this.requests, bytes, summary, findings: this.findings, findingsOmitted: this.omitted, layouts: this.layouts, blocks };
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
    return this.openGroups().filter((g) => g.sspi).map((g) => `${g.keyBuf.toString('latin1', 0, g.keyLen)}\u0000${g.lastTime}`).sort();
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
    this.layouts.length = 0;
    this.blocks.length = 0;
    this.block = null;
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

function top(m: Map<string, number>): W3cTop | null {
  let best: W3cTop | null = null;
  for (const [value, count] of m) if (!best || count > best.count || (count === best.count && value < best.value)) best = { value, count };
  return best;
}


/** FNV-1a of c-ip bytes, a space, cs-uri-stem bytes, folded to 30 bits. */
function keyHash(rec: W3cRecord, ipI: number, uriI: number): number {
  const b = rec.buf;
  let h = 0x811c9dc5;
  if (ipI >= 0 && ipI < rec.count) for (let p = rec.starts[ipI], e = rec.ends[ipI]; p < e; p++) h = Math.imul(h ^ b[p], 16777619);
  h = Math.imul(h ^ 32, 16777619);
  if (uriI >= 0 && uriI < rec.count) for (let p = rec.starts[uriI], e = rec.ends[uriI]; p < e; p++) h = Math.imul(h ^ b[p], 16777619);
  return h & 0x3fffffff; // a small integer: Map keys without a boxed number
}

/** A token's text without its W3C quotes (IIS Advanced Logging quotes c-ip and strings), as W3cRecord.str gives it. */
function unquoteW3c(t: string): string {
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

function keyEquals(g: OpenGroup, rec: W3cRecord, ipI: number, uriI: number): boolean {
  const k = g.keyBuf, b = rec.buf;
  const is = ipI >= 0 && ipI < rec.count ? rec.starts[ipI] : 0, ie = ipI >= 0 && ipI < rec.count ? rec.ends[ipI] : 0;
  const us = uriI >= 0 && uriI < rec.count ? rec.starts[uriI] : 0, ue = uriI >= 0 && uriI < rec.count ? rec.ends[uriI] : 0;
  if (ie - is !== g.ipLen || ue - us !== g.keyLen - g.ipLen - 1) return false;
  for (let i = 0; i < g.ipLen; i++) if (k[i] !== b[is + i]) return false;
  for (let i = 0, o = g.ipLen + 1; i < ue - us; i++) if (k[o + i] !== b[us + i]) return false;
  return true;
}

/**
 * 16-bit hash of token i from its length and its last four bytes (where client addresses differ):
 * a quick filter before the full key is hashed, read on every line.
 */
function hashToken(rec: W3cRecord, i: number): number {
  if (i < 0 || i >= rec.count) return 0;
  const b = rec.buf;
  const s = rec.starts[i], e = rec.ends[i], n = e - s;
  if (n <= 0) return 0;
  const w = n >= 4 ? b[e - 1] | (b[e - 2] << 8) | (b[e - 3] << 16) | (b[e - 4] << 24) : b[e - 1] | (b[s] << 8);
  const h = Math.imul(w ^ Math.imul(n, 0x9e3779b1), 0x85ebca6b);
  return (h ^ (h >>> 16)) & 0xffff;
}
