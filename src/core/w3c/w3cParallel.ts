// `analyze --summary` of a large plain W3C log on several cores: the file is cut at line starts
// into units of about 16 MiB that the main thread and worker threads (w3cSummaryWorker.ts) claim
// as they go (w3cSummaryUnits.ts: a self-balancing split, so a worker that starts late or a busy
// core does not leave the others waiting), and the counts of the ranges are added up. Exact, not
// approximate: a range that starts after byte 0 first reads a lead-in (the bytes just before it)
// to rebuild the #Fields layout and the open NTLM/Negotiate handshakes in force at its start. Its
// result is used only when that state agrees with the state the range before ended with: the same
// layout, the same open handshakes that can still become findings, except ones the lead-in never
// saw that provably end late (a finding each, added here). Otherwise (a handshake longer than the
// lead-in, a #Fields further back than the look-back, a failing worker) the caller runs the one
// sequential pass. The range that reaches the end of the file ends the handshakes still open.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { detectLineEndsBytes, detectTextEncoding, isGzipMagic } from '../files/textEncoding';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { makeLayout, type W3cLayout } from './w3cFields';
import { histogram, W3C_FINDING_ORDER, type W3cAnalysis } from './w3cFindings';
import type { FindingCode } from '../findings';
import { headerForState, runSummaryRange, type SummaryRangeResult } from './w3cSummaryRange';
import type { DirectivesSeen } from './w3cScanner';
import { countClaimedUnits, joinedOrLate, newShared, UNIT_BYTES, unitStarts, type SummaryPlan } from './w3cSummaryUnits';
import { withHttpErrCounts } from './w3cHttpErrCounts';
import { DEFAULT_HANDSHAKE_WINDOW_SECONDS } from '../findings';

/** Smallest file worth a worker thread: below it, starting one costs more than it counts. */
export const PARALLEL_MIN_BYTES = 64 << 20;

export interface ParallelOptions {
  handshakeWindowSeconds?: number;
  /** Threads (default summaryThreads()): this one counts too (blocking it), the others are workers. */
  workers?: number;
  /** Smallest file worth cutting (default PARALLEL_MIN_BYTES); smaller files return null. */
  minBytes?: number;
  /** Bytes of a unit the threads claim (default UNIT_BYTES). */
  unitBytes?: number;
  /** Bytes of lead-in read before a range that starts after byte 0 (default 8 MiB). */
  leadBytes?: number;
  /** Bytes a range looks back from its lead-in for the directives in force (default HEADER_LOOKBACK). */
  headerLookbackBytes?: number;
  /** Bytes per read (default READ_BYTES). */
  readBytes?: number;
  /** Tests: the unit each thread starts with (this thread: 0), claimed up front; then no thread takes another range. */
  firstUnits?: number[];
  /** Told when a range is counted again on this thread with the directives in force at its start (its look-back missed them). */
  onRecount?: (range: number, why: string) => void;
  /** The worker script (default: w3cSummaryWorker.js next to this bundle; from TypeScript, the .ts run with tsx). */
  workerPath?: string;
  onProgress?: (p: { bytesRead: number }) => void;
  signal?: AbortSignal;
  /** Told why the parallel result was not used (for logs and tests). */
  onFallback?: (reason: string) => void;
  /** Told, when the parallel result is used, how many threads were started, how many of them counted, and how many ranges. */
  onRanges?: (r: { threads: number; counting: number; ranges: number }) => void;
  /** Told when a worker failed before it took a unit (the others counted its share; the result stands). */
  onWorkerLost?: (why: string) => void;
  /**
   * Told when each range was started and done, in ms after `since` (ms since the epoch), its bytes
   * and its thread (0: this one).
   */
  onTiming?: (t: { range: number; thread: number; bytes: number; startedMs: number; doneMs: number }[]) => void;
  since?: number;
}

/**
 * CPUs the process may use by its cgroup's CPU quota (cgroup v2 `cpu.max`, v1
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us`), rounded up; Infinity when there is none. A container
 * limited to 2 CPUs on a larger host still sees all the host's cores in availableParallelism()
 * (Node 20), and every worker beyond the quota costs a start-up (tens of ms of CPU) and time slices.
 */
export function cgroupCpuLimit(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): number {
  let cgroups: string;
  try {
    cgroups = read('/proc/self/cgroup');
  } catch {
    return Infinity;
  }
  const limit = (quota: number, period: number): number => (quota > 0 && period > 0 ? Math.max(1, Math.ceil(quota / period)) : Infinity);
  for (const line of cgroups.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const dir = m[2] === '/' ? '' : m[2];
    try {
      if (m[1] === '') {
        const [quota, period] = read(`/sys/fs/cgroup${dir}/cpu.max`).trim().split(/\s+/);
        if (quota !== 'max') return limit(Number(quota), Number(period));
      } else if (m[1].split(',').includes('cpu')) {
        const base = `/sys/fs/cgroup/${m[1]}${dir}`;
        return limit(Number(read(`${base}/cpu.cfs_quota_us`)), Number(read(`${base}/cpu.cfs_period_us`)));
      }
    } catch {
      // no such file: no limit at this level
    }
  }
  return Infinity;
}

let quotaCpus: number | undefined;

/**
 * Threads for a parallel summary: the cores, at most the cgroup's CPU quota, at most 8, at most
 * IIS_AUTH_LENS_THREADS (1: the sequential pass).
 */
export function summaryThreads(): number {
  const env = Number(process.env.IIS_AUTH_LENS_THREADS);
  quotaCpus ??= cgroupCpuLimit();
  return Math.min(8, availableParallelism(), quotaCpus, Number.isInteger(env) && env > 0 ? env : 8);
}

interface WorkerScript {
  path: string;
  ts: boolean;
}

function defaultWorker(): WorkerScript | null {
  const js = join(__dirname, 'w3cSummaryWorker.js');
  if (existsSync(js)) return { path: js, ts: false };
  const ts = join(__dirname, 'w3cSummaryWorker.ts');
  if (existsSync(ts)) return { path: ts, ts: true };
  return null;
}

/** A worker for the bundled script, or (tests, from TypeScript) the .ts file through tsx's require hook. */
function startWorker(w: WorkerScript): Worker {
  if (!w.ts) return new Worker(w.path);
  const tsx = createRequire(__filename).resolve(['tsx', 'cjs'].join('/'));
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(w.path)});`, { eval: true });
}

/** A worker thread that waits for jobs; unref'd while idle, so it never holds the process. */
interface PooledWorker {
  worker: Worker;
  script: string;
  /** Why it cannot take a job (it failed or stopped). */
  dead: Error | null;
}

const idle: PooledWorker[] = [];

function spawn(w: WorkerScript): PooledWorker {
  const p: PooledWorker = { worker: startWorker(w), script: w.path, dead: null };
  p.worker.unref();
  const gone = (e: Error): void => {
    p.dead ??= e;
    const i = idle.indexOf(p);
    if (i >= 0) idle.splice(i, 1);
  };
  p.worker.on('error', gone);
  p.worker.on('exit', (code) => gone(new Error(`worker stopped (exit code ${code})`)));
  return p;
}

/**
 * Starts the workers of a parallel summary ahead of time, while the caller still reads its
 * arguments and sniffs the file (a worker takes tens of ms of CPU to start): the CLI calls this
 * when a large file is named. Unused, they never hold the process.
 */
export function prestartSummaryWorkers(count = summaryThreads() - 1, workerPath?: string): void {
  const w = workerPath ? { path: workerPath, ts: workerPath.endsWith('.ts') } : defaultWorker();
  if (!w) return;
  while (idle.filter((p) => p.script === w.path).length < count) idle.push(spawn(w));
}

function takeWorkers(w: WorkerScript, n: number): PooledWorker[] {
  const out: PooledWorker[] = [];
  for (let i = 0; i < idle.length && out.length < n;) {
    const p = idle[i];
    if (p.script === w.path && !p.dead) {
      idle.splice(i, 1);
      out.push(p);
    } else i++;
  }
  while (out.length < n) out.push(spawn(w));
  return out;
}

/** Posts the job and resolves with the worker's ranges; the worker goes back to the idle pool after. */
function runJob(p: PooledWorker, job: object, onBytes: (n: number) => void, stop: AbortSignal): Promise<SummaryRangeResult[]> {
  return new Promise((resolve, reject) => {
    const worker = p.worker;
    if (p.dead) {
      reject(p.dead);
      return;
    }
    let settled = false;
    const finish = (ok: boolean, f: () => void): void => {
      if (settled) return;
      settled = true;
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      stop.removeEventListener('abort', onAbort);
      if (ok) {
        worker.unref();
        idle.push(p);
      } else {
        void worker.terminate();
      }
      f();
    };
    const onMessage = (m: { type: string; bytes?: number; ranges?: SummaryRangeResult[]; message?: string }): void => {
      if (m.type === 'progress') onBytes(m.bytes ?? 0);
      else if (m.type === 'done') finish(true, () => resolve(m.ranges ?? []));
      else if (m.type === 'error') finish(false, () => reject(new Error(m.message)));
    };
    const onError = (e: Error): void => finish(false, () => reject(e));
    const onExit = (code: number): void => finish(false, () => reject(new Error(`worker stopped (exit code ${code})`)));
    const onAbort = (): void => finish(false, () => reject(new Error('cancelled')));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    stop.addEventListener('abort', onAbort, { once: true });
    worker.ref();
    worker.postMessage(job);
  });
}

/**
 * Summary counts of a plain (not gzip, not UTF-16) W3C log on several cores; null when the file
 * is too small, there is one core, no worker script, or the ranges' states disagree (then run the
 * sequential analyzeW3cFile). `findings` and `blocks` are empty: counts only.
 */
export async function analyzeW3cSummaryParallel(path: string, opts: ParallelOptions = {}): Promise<W3cAnalysis | null> {
  const fallback = (why: string): null => {
    opts.onFallback?.(why);
    return null;
  };
  const n0 = opts.workers ?? summaryThreads();
  if (n0 < 2) return fallback('one thread');
  // synchronous: this thread counts right after (an fs round trip through the thread pool costs ms on a busy machine)
  const size = statSync(path).size;
  if (size < (opts.minBytes ?? PARALLEL_MIN_BYTES)) return fallback('small file');
  const w = opts.workerPath ? { path: opts.workerPath, ts: opts.workerPath.endsWith('.ts') } : defaultWorker();
  if (!w) return fallback('no worker script');
  const head = Buffer.alloc(4096);
  const fd = openSync(path, 'r');
  let bytesRead: number;
  try {
    bytesRead = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const h = head.subarray(0, bytesRead);
  if (detectTextEncoding(h).encoding !== 'utf-8') return fallback('UTF-16');
  if (isGzipMagic(h)) return fallback('gzip');
  if (detectLineEndsBytes(h) === 'cr') return fallback('CR-only line ends');
  const starts = unitStarts(path, size, opts.unitBytes ?? UNIT_BYTES);
  // a worker takes a span of two units or more, leaving the lower half to the thread counting towards it
  const threads = opts.firstUnits ? Math.min(n0, opts.firstUnits.length) : Math.min(n0, 1 + ((starts.length - 1) >> 1));
  if (threads < 2) return fallback('no line start to cut at');
  const window = opts.handshakeWindowSeconds ?? DEFAULT_HANDSHAKE_WINDOW_SECONDS;
  const plan: SummaryPlan = {
    path,
    size,
    starts,
    threads,
    handshakeWindowSeconds: window,
    leadBytes: opts.leadBytes ?? 8 << 20,
    ...(opts.headerLookbackBytes !== undefined ? { headerLookback: opts.headerLookbackBytes } : {}),
    ...(opts.firstUnits ? { firstUnits: opts.firstUnits } : {}),
    ...(opts.readBytes !== undefined ? { readBytes: opts.readBytes } : {}),
  };
  const shared = newShared(plan);
  const claims = new Int32Array(shared.claims);
  let done = 0;
  const onBytes = (b: number): void => {
    done += b;
    opts.onProgress?.({ bytesRead: done });
  };
  // one failing worker stops the others; the caller's cancel stops all
  if (opts.signal?.aborted) throw new Error('cancelled');
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let results: SummaryRangeResult[];
  try {
    const pool = takeWorkers(w, threads - 1);
    const jobs = pool.map((p, i) => {
      const job = runJob(p, { type: 'job', plan, shared, thread: i + 1 }, onBytes, stop.signal);
      job.catch(() => undefined); // awaited below when the worker joined; otherwise only told
      return job;
    });
    // this thread counts from unit 0 meanwhile
    let mine: SummaryRangeResult[];
    try {
      mine = countClaimedUnits(plan, shared, 0, onBytes);
    } catch (err) {
      stop.abort();
      await Promise.allSettled(jobs);
      throw err;
    }
    // wait for the workers that joined; one that had not yet will take nothing (it is not waited for)
    const waited: Promise<SummaryRangeResult[]>[] = [];
    pool.forEach((p, i) => {
      if (joinedOrLate(claims, i + 1)) waited.push(jobs[i]);
      else {
        p.worker.unref();
        if (opts.onWorkerLost) jobs[i].catch((e: unknown) => opts.onWorkerLost!(e instanceof Error ? e.message : String(e)));
      }
    });
    results = [...mine, ...(await Promise.all(waited)).flat()].sort((a, b) => a.start - b.start);
    if (opts.signal?.aborted) throw new Error('cancelled');
  } catch (err) {
    stop.abort();
    if (opts.signal?.aborted) throw new Error('cancelled');
    // the one sequential pass reads the file again and names a read error precisely
    return fallback(`a worker failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  for (let k = 0, at = 0; k <= results.length; k++) {
    const s = k < results.length ? results[k].start : size;
    if (s !== at) return fallback(`the ranges do not cover byte ${at}`);
    if (k < results.length) at = results[k].end;
  }
  let lateFinds = 0;
  // the directive state in force at the end of each range, as the whole file's reading has it
  let inForce = results[0].atEnd.dir;
  for (let k = 1; k < results.length; k++) {
    const a = { dir: inForce, hs: results[k - 1].atEnd.hs };
    let b = results[k].atStart!;
    const cut = results[k].start;
    if (!sameCounts(a.dir, b.dir, results[k].seen)) {
      // the look-back missed a header block (a #Fields further back): count this range again here,
      // now that the range before tells the directives in force (the others stay as they are)
      const why = `the #Fields layout at byte ${cut} lies before the look-back`;
      const header = headerForState(a.dir);
      if (!header) return fallback(`range ${k + 1}: ${why}`);
      opts.onRecount?.(k + 1, why);
      const r = results[k];
      try {
        results[k] = {
          ...runSummaryRange({ path, leadStart: r.leadStart, start: r.start, end: r.end, last: r.last, handshakeWindowSeconds: window, header }),
          thread: 0,
        };
      } catch (err) {
        return fallback(`range ${k + 1}: counting it again failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      b = results[k].atStart!;
      if (a.dir !== b.dir) return fallback(`range ${k + 1}: ${why}`);
    }
    inForce = stateAtEnd(a.dir, results[k]);
    const inA = new Set(a.hs);
    if (b.hs.some((x) => !inA.has(x))) return fallback(`range ${k + 1}: a handshake open at byte ${cut} began before the lead-in`);
    const inB = new Set(b.hs);
    for (const x of a.hs) {
      if (inB.has(x)) continue;
      // open in the whole file's reading, silent in the lead-in: it ends late (one finding) when
      // every line up to the range's first sweep point is past its window
      const last = Number(x.slice(x.lastIndexOf('\u0000') + 1));
      const min = results[k].minTimeToSweep;
      if (min === null || !(min - last > window)) return fallback(`range ${k + 1}: a handshake open at byte ${cut} began before the lead-in`);
      lateFinds++;
    }
  }
  opts.onRanges?.({ threads, counting: new Set(results.map((r) => r.thread ?? 0)).size, ranges: results.length });
  if (opts.onTiming) {
    const since = opts.since ?? performance.timeOrigin;
    opts.onTiming(
      results.map((r, k) => ({
        range: k,
        thread: r.thread ?? 0,
        bytes: r.end - r.start,
        startedMs: r.startedAt - since,
        doneMs: r.doneAt - since,
      })),
    );
  }
  return merge(results, size, lateFinds);
}

type DirState = [string[] | null, string | null, string | null, string | null, string | null];

/**
 * Whether a range that started with directive state `guessed` (W3cScanner.directiveState) counted
 * what it would have counted starting with `actual`: the same #Fields; the same #Date of the layout
 * when it has no date column (the date of its lines); and the same #Date / #Software in force when
 * the range read a #Fields before its own #Date / #Software (its layouts take them). A restart's
 * header block further back than the look-back differs in its #Date only, which counts nothing.
 */
function sameCounts(actual: string, guessed: string, seen: DirectivesSeen): boolean {
  if (actual === guessed) return true;
  const [af, ald, , ad, as] = JSON.parse(actual) as DirState;
  const [gf, gld, , gd, gs] = JSON.parse(guessed) as DirState;
  if (!af || !gf || af.join(' ') !== gf.join(' ')) return false;
  if (!af.some((f) => f.toLowerCase() === 'date') && ald !== gld) return false;
  if (seen.fieldsWithoutDate && ad !== gd) return false;
  if (seen.fieldsWithoutSoftware && as !== gs) return false;
  return true;
}

/** The directive state at the end of range r that started in `actual`: its own directives over those in force before it. */
function stateAtEnd(actual: string, r: SummaryRangeResult): string {
  if (r.atStart && r.atStart.dir === actual) return r.atEnd.dir;
  const a = JSON.parse(actual) as DirState;
  const e = JSON.parse(r.atEnd.dir) as DirState;
  const s = r.seen;
  return JSON.stringify([...(s.fields ? e.slice(0, 3) : a.slice(0, 3)), s.date ? e[3] : a[3], s.software ? e[4] : a[4]]);
}

function merge(results: SummaryRangeResult[], size: number, lateFinds: number): W3cAnalysis {
  let lines = 0,
    requests = 0;
  const status = new Map<number, number>(),
    win32 = new Map<number, number>();
  const reason = new Map<string, number>();
  let statusDash = 0;
  const counts: Record<string, number> = {};
  const layouts: W3cLayout[] = [];
  let defaultSeen = false;
  for (const r of results) {
    for (const l of r.layouts) {
      if (l.fieldsLine === 0) {
        if (defaultSeen) continue;
        defaultSeen = true;
      }
      layouts.push(makeLayout(layouts.length, l.fieldsLine > 0 ? l.fieldsLine + lines : 0, l.headerLine + lines, l.fields, l.date, l.software));
    }
    lines += r.lines;
    requests += r.requests;
    for (const [k, v] of r.status) status.set(k, (status.get(k) ?? 0) + v);
    statusDash += r.statusDash;
    for (const [k, v] of r.reason) reason.set(k, (reason.get(k) ?? 0) + v);
    for (const [k, v] of r.win32) win32.set(k, (win32.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(r.findings)) counts[k] = (counts[k] ?? 0) + v;
  }
  if (lateFinds) counts.HANDSHAKE_INCOMPLETE = (counts.HANDSHAKE_INCOMPLETE ?? 0) + lateFinds;
  const order = W3C_FINDING_ORDER;
  const findings: Partial<Record<FindingCode, number>> = {};
  for (const c of order) if (counts[c]) findings[c] = counts[c];
  for (const c of Object.keys(counts)) if (!order.includes(c as FindingCode) && counts[c]) findings[c as FindingCode] = counts[c];
  const summary = withHttpErrCounts({ status: histogram([], status), win32: histogram([], win32), findings }, statusDash, reason);
  return { lines, requests, bytes: size, summary, findings: [], findingsOmitted: 0, layouts, blocks: [] };
}
