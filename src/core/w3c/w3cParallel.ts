// `analyze --summary` of a large plain W3C log on several cores: the file is cut at line starts
// into one byte range per core, counted by worker threads (w3cSummaryWorker.ts; the first range on
// the calling thread), and the counts are added up. Exact, not approximate: a middle range first
// reads a lead-in (the bytes just before it) to rebuild the #Fields layout and the open
// NTLM/Negotiate handshakes in force at its start. Its result is used only when that state agrees
// with the state the range before ended with: the same layout, the same open handshakes that can
// still become findings, except ones the lead-in never saw that provably end late (a finding each,
// added here). Otherwise (a handshake longer than the lead-in, a #Fields further back than the
// look-back, a failing worker) the caller runs the one sequential pass. The last range ends the
// handshakes still open at the end of the file.
import { existsSync } from 'node:fs';
import { detectLineEndsBytes, detectTextEncoding, isGzipMagic } from '../files/textEncoding';
import { createRequire } from 'node:module';
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { makeLayout, type W3cLayout } from './w3cFields';
import { histogram, W3C_FINDING_ORDER, type W3cAnalysis } from './w3cFindings';
import type { FindingCode } from '../findings';
import { headerForState, runSummaryRange, type SummaryRangeJob, type SummaryRangeResult } from './w3cSummaryRange';
import { withHttpErrCounts } from './w3cHttpErrCounts';
import { DEFAULT_HANDSHAKE_WINDOW_SECONDS } from '../findings';

export interface ParallelOptions {
  handshakeWindowSeconds?: number;
  /** Number of ranges (default: the cores, at most 8): the first is counted on this thread (blocking it), the others in workers. */
  workers?: number;
  /** Smallest file worth cutting (default 64 MiB); smaller files return null. */
  minBytes?: number;
  /** Bytes of lead-in read before a middle range (default 8 MiB). */
  leadBytes?: number;
  /** Bytes a middle range looks back from its lead-in for the directives in force (default 16 MiB). */
  headerLookbackBytes?: number;
  /** Told when a range is counted again on this thread with the directives in force at its start (its look-back missed them). */
  onRecount?: (range: number, why: string) => void;
  /**
   * Bytes the first range (this thread) counts beyond an equal share, or fewer when negative
   * (default HEAD_START_BYTES; at most a quarter of a share either way).
   */
  headStartBytes?: number;
  /** The worker script (default: w3cSummaryWorker.js next to this bundle; from TypeScript, the .ts run with tsx). */
  workerPath?: string;
  onProgress?: (p: { bytesRead: number }) => void;
  signal?: AbortSignal;
  /** Told why the parallel result was not used (for logs and tests). */
  onFallback?: (reason: string) => void;
  /** Told how many ranges (threads) counted the file when the parallel result is used. */
  onRanges?: (ranges: number) => void;
  /** Told when each range (0: this thread) was started and done, in ms after `since` (ms since the epoch), and its bytes. */
  onTiming?: (t: { range: number; bytes: number; startedMs: number; doneMs: number }[]) => void;
  since?: number;
}

/**
 * Equal shares: the workers start about 25 ms later (thread start, lead-in), but this thread counts
 * a little slower, and with the kernel counting whole chunks equal shares end within about 20 ms
 * of each other on 2 cores (measured with IIS_AUTH_LENS_TRACE on the 1 GiB bench log; a head
 * start of +16 MiB ended about 40 ms apart).
 */
export const HEAD_START_BYTES = 0;

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
function startWorker(w: WorkerScript, job: SummaryRangeJob): Worker {
  if (!w.ts) return new Worker(w.path, { workerData: job });
  const tsx = createRequire(__filename).resolve(['tsx', 'cjs'].join('/'));
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(w.path)});`, { eval: true, workerData: job });
}

/** The first line start at or after `pos` (the file size when there is none). */
async function lineStartAtOrAfter(fh: import('node:fs/promises').FileHandle, pos: number, size: number): Promise<number> {
  if (pos <= 0) return 0;
  const buf = Buffer.allocUnsafe(1 << 16);
  for (let p = pos - 1; p < size; p += buf.length) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, p);
    if (bytesRead === 0) break;
    const lf = buf.subarray(0, bytesRead).indexOf(10);
    if (lf >= 0) return p + lf + 1;
  }
  return size;
}

function runWorker(w: WorkerScript, job: SummaryRangeJob, onBytes: (n: number) => void, stop: AbortSignal): Promise<SummaryRangeResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(w, job);
    let settled = false;
    const abort = (): void => {
      void worker.terminate();
      if (!settled) {
        settled = true;
        reject(new Error('cancelled'));
      }
    };
    stop.addEventListener('abort', abort, { once: true });
    worker.on('message', (m: { type: string; bytes?: number; result?: SummaryRangeResult; message?: string }) => {
      if (m.type === 'progress') onBytes(m.bytes ?? 0);
      else if (m.type === 'done' && !settled) {
        settled = true;
        resolve(m.result!);
      } else if (m.type === 'error' && !settled) {
        settled = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    worker.on('exit', (code) => {
      stop.removeEventListener('abort', abort);
      if (!settled) {
        settled = true;
        reject(new Error(`worker stopped (exit code ${code})`));
      }
    });
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
  // IIS_AUTH_LENS_THREADS caps the threads (1: the sequential pass; for measuring and for shared machines)
  const env = Number(process.env.IIS_AUTH_LENS_THREADS);
  const n0 = opts.workers ?? Math.min(8, availableParallelism(), Number.isInteger(env) && env > 0 ? env : 8);
  if (n0 < 2) return fallback('one thread');
  const size = (await stat(path)).size;
  if (size < (opts.minBytes ?? 64 << 20)) return fallback('small file');
  const w = opts.workerPath ? { path: opts.workerPath, ts: opts.workerPath.endsWith('.ts') } : defaultWorker();
  if (!w) return fallback('no worker script');
  const fh = await open(path, 'r');
  const starts: number[] = [0];
  const leads: number[] = [0];
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const h = head.subarray(0, bytesRead);
    if (detectTextEncoding(h).encoding !== 'utf-8') return fallback('UTF-16');
    if (isGzipMagic(h)) return fallback('gzip');
    if (detectLineEndsBytes(h) === 'cr') return fallback('CR-only line ends');
    const lead = opts.leadBytes ?? 8 << 20;
    const quarter = Math.floor(size / n0 / 4);
    const first = Math.floor(size / n0) + Math.max(-quarter, Math.min(opts.headStartBytes ?? HEAD_START_BYTES, quarter));
    for (let k = 1; k < n0; k++) {
      const s = await lineStartAtOrAfter(fh, first + Math.floor(((size - first) * (k - 1)) / (n0 - 1)), size);
      if (s <= starts[starts.length - 1] || s >= size) continue;
      starts.push(s);
      leads.push(await lineStartAtOrAfter(fh, Math.max(starts[starts.length - 2], s - lead), size));
    }
  } finally {
    await fh.close();
  }
  if (starts.length < 2) return fallback('no line start to cut at');
  const window = opts.handshakeWindowSeconds ?? DEFAULT_HANDSHAKE_WINDOW_SECONDS;
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
  let jobs: SummaryRangeJob[];
  try {
    jobs = starts.map((s, k): SummaryRangeJob => ({
      path,
      leadStart: Math.min(leads[k], s),
      start: s,
      end: k + 1 < starts.length ? starts[k + 1] : size,
      last: k === starts.length - 1,
      handshakeWindowSeconds: window,
      ...(opts.headerLookbackBytes !== undefined ? { headerLookback: opts.headerLookbackBytes } : {}),
    }));
    // the other ranges in workers; the first one here, meanwhile (one thread fewer to start)
    const others = jobs.slice(1).map((j) => runWorker(w, j, onBytes, stop.signal));
    const settledOthers = Promise.allSettled(others);
    let first: SummaryRangeResult;
    try {
      first = runSummaryRange(jobs[0], onBytes);
    } catch (err) {
      stop.abort();
      await settledOthers;
      throw err;
    }
    results = [first, ...(await Promise.all(others))];
    if (opts.signal?.aborted) throw new Error('cancelled');
  } catch (err) {
    stop.abort();
    if (opts.signal?.aborted) throw new Error('cancelled');
    // the one sequential pass reads the file again and names a read error precisely
    return fallback(`a worker failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  let lateFinds = 0;
  for (let k = 1; k < results.length; k++) {
    const a = results[k - 1].atEnd;
    let b = results[k].atStart!;
    if (a.dir !== b.dir) {
      // the look-back missed a header block (a #Fields further back): count this range again here,
      // now that the range before tells the directives in force (the others stay as they are)
      const why = `the #Fields layout at byte ${starts[k]} lies before the look-back`;
      const header = headerForState(a.dir);
      if (!header) return fallback(`range ${k + 1}: ${why}`);
      opts.onRecount?.(k + 1, why);
      try {
        results[k] = runSummaryRange({ ...jobs[k], header });
      } catch (err) {
        return fallback(`range ${k + 1}: counting it again failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      b = results[k].atStart!;
      if (a.dir !== b.dir) return fallback(`range ${k + 1}: ${why}`);
    }
    const inA = new Set(a.hs);
    if (b.hs.some((x) => !inA.has(x))) return fallback(`range ${k + 1}: a handshake open at byte ${starts[k]} began before the lead-in`);
    const inB = new Set(b.hs);
    for (const x of a.hs) {
      if (inB.has(x)) continue;
      // open in the whole file's reading, silent in the lead-in: it ends late (one finding) when
      // every line up to the range's first sweep point is past its window
      const last = Number(x.slice(x.lastIndexOf('\u0000') + 1));
      const min = results[k].minTimeToSweep;
      if (min === null || !(min - last > window)) return fallback(`range ${k + 1}: a handshake open at byte ${starts[k]} began before the lead-in`);
      lateFinds++;
    }
  }
  opts.onRanges?.(results.length);
  if (opts.onTiming) {
    const since = opts.since ?? performance.timeOrigin;
    opts.onTiming(
      results.map((r, k) => ({
        range: k,
        bytes: (k + 1 < starts.length ? starts[k + 1] : size) - starts[k],
        startedMs: r.startedAt - since,
        doneMs: r.doneAt - since,
      })),
    );
  }
  return merge(results, size, lateFinds);
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
