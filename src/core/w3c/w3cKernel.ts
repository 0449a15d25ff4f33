// Loads the W3C WebAssembly kernel (source: src/wasm/w3cKernel.ts, AssemblyScript, compiled by
// esbuild.mjs to dist/w3cKernel.wasm next to the bundles). It tokenizes lines with SIMD for the
// scanner and counts whole chunks for `analyze --summary` (w3cCounter.ts). Where the file or
// WebAssembly SIMD is missing, createW3cKernel returns null and the JavaScript path runs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_TOKENS } from './w3cScanner';

/** Bytes of each read chunk in the kernel's memory. */
export const KERNEL_CHUNK = 1 << 22;

/** The counting exports of the module (see src/wasm/w3cKernel.ts). */
export interface W3cKernelCount {
  reset(): void;
  /** Tests only: a small arena for open handshakes (0: the whole memory again). */
  limitArena(bytes: number): void;
  configure(fields: number, status: number, sub: number, win32: number, ip: number, uri: number, date: number, time: number, days: number): void;
  setWindow(seconds: number): void;
  count(s: number, limit: number, fileOffset: number): number;
  resetCounts(): void;
  finishOpen(): void;
  requestCount(): number;
  /** Lines whose sc-status is `-`. */
  statusDashCount(): number;
  isOverflowed(): number;
  openFirst(): number;
  openNext(g: number): number;
  groupSspi(g: number): number;
  groupKey(g: number): number;
  groupKeyLength(g: number): number;
  groupLastTime(g: number): number;
  trackingMinTime(): number;
  minTimeSeen(): number;
}

/** Where the kernel hands rare values to JavaScript (set by the counter using it). */
export interface W3cKernelSink {
  bigStatus(v: number): void;
  bigWin32(v: number): void;
}

export interface W3cKernel {
  memory: WebAssembly.Memory;
  /** The read buffer (KERNEL_CHUNK bytes) inside the module's memory. */
  chunk: Buffer;
  /** Two read buffers (the first is `chunk`), for reading ahead. */
  chunks: [Buffer, Buffer];
  starts: Int32Array;
  ends: Int32Array;
  /** Tokens of the bytes [s, e) (addresses in memory), positions written relative to base; -1 when the line has a quote. */
  tok(base: number, s: number, e: number): number;
  /**
   * Tokens of the line from s to the next LF before limit (CR included: the caller takes it off);
   * the LF's address (limit when there is none) is then `lineEnd[0]`. -1 when the line has a
   * quote (lineEnd is not set: find the LF yourself).
   */
  line(base: number, s: number, limit: number): number;
  lineEnd: Int32Array;
  /** The counting API, with views on its results. */
  counter: W3cKernelCount;
  /** Lines the last `count` consumed. */
  countedLines: Int32Array;
  /** BAD_BINDINGS, INVALID_TOKEN, LOGON_DENIED, HANDSHAKE_INCOMPLETE counts. */
  findings: Float64Array;
  statusCounts: Float64Array;
  win32Counts: Float64Array;
  /** win32 codes of 65536 and more: (code, count) pairs, count 0 for an empty slot. */
  bigWin32: Float64Array;
  /** A line buffer (MAX_LINE_BYTES + LF) for lines that arrive outside the chunks. */
  scratch: Buffer;
  sink: W3cKernelSink | null;
}

const WASM_NAME = 'w3cKernel.wasm';

/** The compiled module beside this bundle (dist/), or the build output when running from source (tests). */
function wasmPath(): string | null {
  const candidates = [join(__dirname, WASM_NAME), join(__dirname, '..', '..', '..', 'dist', WASM_NAME)];
  return candidates.find((p) => existsSync(p)) ?? null;
}

let compiled: WebAssembly.Module | null | undefined;
let problem: string | null = null;

function compile(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  const path = wasmPath();
  if (!path) {
    problem = `${WASM_NAME} not found beside ${__dirname} (run npm run build)`;
    compiled = null;
    return null;
  }
  try {
    compiled = new WebAssembly.Module(readFileSync(path));
  } catch (e) {
    problem = `${path}: ${e instanceof Error ? e.message : String(e)}`;
    compiled = null;
  }
  return compiled;
}

/** A kernel with its own memory; null where the module or WebAssembly SIMD is not available (then the JavaScript path runs). */
export function createW3cKernel(): W3cKernel | null {
  if (process.env.IIS_AUTH_LENS_NO_WASM) return null;
  const mod = compile();
  if (!mod) return null;
  let kernel: W3cKernel | null = null;
  let mem: Buffer | null = null;
  const imports = {
    env: {
      bigNum(s: number, e: number): number {
        const t = mem!.toString('latin1', s, e);
        return e - s < 300 && /^\d+$/.test(t) ? Number(t) : -1;
      },
      bigStatus(v: number): void {
        kernel!.sink?.bigStatus(v);
      },
      bigWin32(v: number): void {
        kernel!.sink?.bigWin32(v);
      },
    },
  };
  const inst = new WebAssembly.Instance(mod, imports);
  const x = inst.exports as unknown as W3cKernelCount & Record<string, (...a: number[]) => number> & { memory: WebAssembly.Memory };
  x.init();
  const memory = x.memory;
  mem = Buffer.from(memory.buffer);
  const chunkAt = x.chunkAt(),
    chunkSize = x.chunkSize();
  if (chunkSize !== KERNEL_CHUNK) throw new Error(`${WASM_NAME}: chunks of ${chunkSize} bytes, expected ${KERNEL_CHUNK}`);
  const chunks: [Buffer, Buffer] = [Buffer.from(memory.buffer, chunkAt, chunkSize), Buffer.from(memory.buffer, chunkAt + chunkSize, chunkSize)];
  kernel = {
    memory,
    chunk: chunks[0],
    chunks,
    starts: new Int32Array(memory.buffer, x.startsAt(), MAX_TOKENS),
    ends: new Int32Array(memory.buffer, x.endsAt(), MAX_TOKENS),
    tok: x.tok,
    line: x.line,
    lineEnd: new Int32Array(memory.buffer, x.lineEndAt(), 1),
    counter: x,
    countedLines: new Int32Array(memory.buffer, x.linesAt(), 1),
    findings: new Float64Array(memory.buffer, x.findingsAt(), 4),
    statusCounts: new Float64Array(memory.buffer, x.statusAt(), 1000),
    win32Counts: new Float64Array(memory.buffer, x.win32At(), 65536),
    bigWin32: new Float64Array(memory.buffer, x.bigAt(), x.bigSlots() * 2),
    scratch: Buffer.from(memory.buffer, x.scratchAt(), chunkAt - x.scratchAt()),
    sink: null,
  };
  if (x.isOverflowed()) {
    problem = `${WASM_NAME}: no room for the handshake arena`;
    return null;
  }
  return kernel;
}

/** Kernels given back by releaseW3cKernel, reused: a new one costs a few ms (its memory), a reset well under one. */
const idle: W3cKernel[] = [];

/** A kernel for one file or range: a released one, reset, or a new one (null: the JavaScript path). */
export function acquireW3cKernel(): W3cKernel | null {
  const k = idle.pop();
  if (!k) return createW3cKernel();
  k.counter.reset();
  k.sink = null;
  return k;
}

/** Gives a kernel back when nothing uses it or its buffers any more. */
export function releaseW3cKernel(k: W3cKernel | null): void {
  if (k && idle.length < 2 && !idle.includes(k)) idle.push(k);
}

/** Why the kernel is not used, or null when it is (for tests and logs). */
export function w3cKernelProblem(): string | null {
  if (process.env.IIS_AUTH_LENS_NO_WASM) return 'IIS_AUTH_LENS_NO_WASM is set';
  try {
    // the kernel made for the check is the first one the pool hands out
    const k = acquireW3cKernel();
    releaseW3cKernel(k);
    return k ? null : (problem ?? 'unknown');
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
