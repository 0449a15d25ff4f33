// The self-balancing split of the parallel `analyze --summary` (w3cParallel.ts): the file is cut
// at line starts into units of about UNIT_BYTES, and every thread (the main thread and each worker)
// claims units from a table in shared memory as it goes. A thread keeps counting into the next unit
// while that one is free (one range, no lead-in); when its next unit is taken, its range ends and it
// takes the upper half of the largest free span left (a new range with a lead-in). So a worker that
// starts late, or a core that is busy with other work, takes less of the file instead of leaving
// the others waiting for it, and in the usual case each thread counts one or two ranges.
//
// A range that starts after byte 0 guesses the directives in force: the state of the thread
// counting towards it (published in shared memory whenever it changes; the file's first header
// block when there is none) and the directives of its look-back. When its first lines do not fit
// the guessed #Fields, it reads back to the last #Fields line (w3cSummaryRange.ts). The main thread
// checks every guess against the end of the range before (w3cParallel.ts).
//
// Claims (Int32Array over a SharedArrayBuffer): [0, threads) whether each thread joined (JOINED) or
// was told it came too late (LATE); then one owner per unit (0: free, t + 1: taken by thread t).
// States: per thread a sequence number (odd while it writes), a length and the directive lines.
import { closeSync, openSync, readSync } from 'node:fs';
import { headerForState, runSummaryRange, type SummaryRangeResult } from './w3cSummaryRange';

/** Default size of a unit: small enough to balance within a few ms, large enough for few lead-ins. */
export const UNIT_BYTES = 16 << 20;
const JOINED = 1;
const LATE = 2;

/** What every thread needs to count its share of the file (sent to workers as is). */
export interface SummaryPlan {
  path: string;
  size: number;
  /** First byte (a line start) of each unit; unit u ends where unit u + 1 starts (the last at `size`). */
  starts: number[];
  threads: number;
  handshakeWindowSeconds: number;
  /** Bytes of lead-in read before a range that starts after 0. */
  leadBytes: number;
  /** Bytes a range looks back from its lead-in for the directives in force (default HEADER_LOOKBACK). */
  headerLookback?: number;
  /**
   * Tests: the unit each thread starts with, claimed before any thread runs; then a thread takes no
   * other range, and a range guesses the directives in force from the file's head and its look-back
   * (as a fixed split would), not from the thread before it.
   */
  firstUnits?: number[];
  /** Bytes per read (default READ_BYTES). */
  readBytes?: number;
}

/** What the threads of one plan share. */
export interface SummaryShared {
  claims: SharedArrayBuffer;
  states: SharedArrayBuffer;
}

const STATE_BYTES = 16 << 10;
const STATE_SLOT = 8 + STATE_BYTES;

/** The shared memory of a plan; the main thread (0) holds unit 0 and, for tests, each thread its first unit. */
export function newShared(plan: SummaryPlan): SummaryShared {
  const shared = { claims: new SharedArrayBuffer(4 * (plan.threads + plan.starts.length)), states: new SharedArrayBuffer(STATE_SLOT * plan.threads) };
  const claims = new Int32Array(shared.claims);
  claims[0] = JOINED;
  const owners = plan.threads;
  claims[owners] = 1;
  if (plan.firstUnits) {
    // a fixed split: every thread counts its own first unit, so every thread is waited for
    claims.fill(JOINED, 0, plan.threads);
    plan.firstUnits.forEach((u, t) => {
      if (t > 0 && u > 0 && u < plan.starts.length) claims[owners + u] = t + 1;
    });
  }
  return shared;
}

/** A worker joins before it claims anything; false when the main thread has already told it that it came too late. */
export function join(claims: Int32Array, thread: number): boolean {
  const was = Atomics.compareExchange(claims, thread, 0, JOINED);
  return was === 0 || was === JOINED;
}

/** Publishes the directive state a thread counts with (w3cScanner directiveState()). */
function publishState(states: SharedArrayBuffer, thread: number, dir: string): void {
  const head = new Int32Array(states, thread * STATE_SLOT, 2);
  const lines = headerForState(dir);
  const bytes = Buffer.from(lines ? lines.join('\n') : '', 'utf8');
  Atomics.add(head, 0, 1);
  const len = bytes.length <= STATE_BYTES ? bytes.length : 0;
  if (len) bytes.copy(new Uint8Array(states, thread * STATE_SLOT + 8, STATE_BYTES));
  Atomics.store(head, 1, len);
  Atomics.add(head, 0, 1);
}

/** The directive lines thread last published (undefined when none or while it keeps rewriting them). */
function readState(states: SharedArrayBuffer, thread: number): string[] | undefined {
  const head = new Int32Array(states, thread * STATE_SLOT, 2);
  for (let tries = 0; tries < 64; tries++) {
    const seq = Atomics.load(head, 0);
    if (seq & 1) continue;
    const len = Atomics.load(head, 1);
    const text = Buffer.from(new Uint8Array(states, thread * STATE_SLOT + 8, len)).toString('utf8');
    if (Atomics.load(head, 0) === seq) return len ? text.split('\n') : undefined;
  }
  return undefined;
}

/**
 * The main thread, done with its own ranges: whether worker `thread` joined (then wait for its
 * ranges). One that had not is told it came too late and will take no unit.
 */
export function joinedOrLate(claims: Int32Array, thread: number): boolean {
  return Atomics.compareExchange(claims, thread, 0, LATE) === JOINED;
}

/**
 * The first unit of a new range for `thread`: the middle of the largest span of free units (its
 * lower half stays with the thread counting towards it), claimed; -1 when no span of two or more
 * units is left (a single free unit is counted by the thread whose range runs into it).
 */
export function claimSpan(claims: Int32Array, threads: number, thread: number): number {
  for (;;) {
    let bestA = -1,
      bestLen = 0;
    for (let u = threads; u < claims.length;) {
      if (Atomics.load(claims, u) !== 0) {
        u++;
        continue;
      }
      let e = u;
      while (e < claims.length && Atomics.load(claims, e) === 0) e++;
      if (e - u > bestLen) {
        bestA = u;
        bestLen = e - u;
      }
      u = e;
    }
    if (bestLen < 2) return -1;
    const u = bestA + (bestLen >> 1);
    if (Atomics.compareExchange(claims, u, 0, thread + 1) === 0) return u - threads;
  }
}

/** Claims unit u for thread when it is free. */
export function claimUnit(claims: Int32Array, threads: number, thread: number, u: number): boolean {
  return Atomics.compareExchange(claims, threads + u, 0, thread + 1) === 0;
}

/** The first line start at or after `pos` (`size` when there is none); reads from pos - 1 to see whether pos is one. */
export function lineStartAtOrAfter(fd: number, pos: number, size: number, buf: Buffer = Buffer.allocUnsafe(1 << 12)): number {
  if (pos <= 0) return 0;
  for (let p = pos - 1; p < size;) {
    const n = readSync(fd, buf, 0, buf.length, p);
    if (n === 0) break;
    const lf = buf.subarray(0, n).indexOf(10);
    if (lf >= 0) return p + lf + 1;
    p += n;
  }
  return size;
}

/** Unit starts about `unitBytes` apart, at line starts (a file smaller than a unit is one unit). */
export function unitStarts(path: string, size: number, unitBytes: number): number[] {
  const starts = [0];
  if (size <= unitBytes) return starts;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 12);
    for (let k = 1; k * unitBytes < size; k++) {
      const s = lineStartAtOrAfter(fd, k * unitBytes, size, buf);
      if (s > starts[starts.length - 1] && s < size) starts.push(s);
    }
  } finally {
    closeSync(fd);
  }
  return starts;
}

/**
 * Counts the ranges of `thread`: the main thread (0) from unit 0 on, a worker from the span it
 * claims when it joins; each range grows unit by unit while the next one is free, then the thread
 * claims a new span, until none is left. Ranges in the order counted.
 */
export function countClaimedUnits(plan: SummaryPlan, shared: SummaryShared, thread: number, onProgress?: (bytes: number) => void): SummaryRangeResult[] {
  const { starts, size, threads } = plan;
  const claims = new Int32Array(shared.claims);
  const units = starts.length;
  const endOf = (u: number): number => (u + 1 < units ? starts[u + 1] : size);
  const out: SummaryRangeResult[] = [];
  const fixed = plan.firstUnits !== undefined;
  let u = thread === 0 ? 0 : fixed ? (plan.firstUnits![thread] ?? -1) : claimSpan(claims, threads, thread);
  if (fixed && thread > 0 && (u <= 0 || u >= units || Atomics.load(claims, threads + u) !== thread + 1)) u = -1;
  let fd = -1;
  try {
    while (u >= 0) {
      let leadStart = 0;
      let guess: string[] | undefined;
      if (u > 0) {
        if (fd < 0) fd = openSync(plan.path, 'r');
        leadStart = lineStartAtOrAfter(fd, Math.max(0, starts[u] - plan.leadBytes), size);
        // the thread counting towards this unit knows the directives in force a little before it
        const before = Atomics.load(claims, threads + u - 1) - 1;
        if (before >= 0 && before !== thread && !fixed) guess = readState(shared.states, before);
      }
      let at = u;
      const r = runSummaryRange(
        {
          path: plan.path,
          leadStart: Math.min(leadStart, starts[u]),
          start: starts[u],
          end: endOf(u),
          last: u === units - 1,
          handshakeWindowSeconds: plan.handshakeWindowSeconds,
          ...(plan.headerLookback !== undefined ? { headerLookback: plan.headerLookback } : {}),
          ...(guess ? { guess } : {}),
        },
        onProgress,
        () => {
          if (at + 1 >= units || !claimUnit(claims, threads, thread, at + 1)) return null;
          at++;
          return { end: endOf(at), last: at === units - 1 };
        },
        plan.readBytes,
        (dir) => publishState(shared.states, thread, dir),
      );
      r.thread = thread;
      out.push(r);
      u = fixed ? -1 : claimSpan(claims, threads, thread);
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return out;
}
