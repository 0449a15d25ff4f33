// The W3C tokenizer's hot loop as a small hand-written WebAssembly SIMD module: 32 bytes at a time
// it finds the blanks (space, tab) of a line and writes where each token starts and ends, the
// same rule as the JavaScript tokenizer in w3cScanner.ts (a token is a run of non-blanks). A line
// with a `"` is left to the JavaScript tokenizer (W3C quoting), which the module says by -1.
//
// The module is written here instruction by instruction (no compiler, no binary in the repo). It
// owns one memory: token starts at byte 0, token ends at byte 4096 (1024 entries each, as
// MAX_TOKENS), and two read buffers from byte 65536 (KERNEL_CHUNK bytes each). The scanner uses the module only
// for lines that lie in that buffer; everything else takes the JavaScript path.
import { MAX_TOKENS } from './w3cScanner';

export const KERNEL_CHUNK = 1 << 22;
const STARTS = 0;
const ENDS = 4096;
/** Where `line` leaves the address of the LF that ended the line (or its limit). */
const LINE_END = 8192;
const CHUNK_AT = 65536;
/** Pages of 64 KiB: the tables, two chunks (one is read while the other is scanned), and room for the last 32-byte load past the end. */
const PAGES = (CHUNK_AT + 2 * KERNEL_CHUNK) / 65536 + 1;

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
}

// ---- a few opcodes (WebAssembly core 2.0 and fixed-width SIMD)
const I32 = 0x7f, V128 = 0x7b, VOID = 0x40;
const op = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, select: 0x1b,
  get: 0x20, set: 0x21, tee: 0x22, store: 0x36, const: 0x41,
  eqz: 0x45, ltU: 0x49, geU: 0x4f, ctz: 0x68, add: 0x6a, sub: 0x6b, and: 0x71, or: 0x72, xor: 0x73, shl: 0x74, shrU: 0x76,
};
const simd = { load: 0x00, splat: 0x0f, eq: 0x23, or: 0x50, bitmask: 0x64 };

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
function uleb(n: number): number[] {
  const out: number[] = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// locals: 0 base, 1 s, 2 e (params); 3 p, 4 n, 5 m, 6 valid, 7 bl, 8 nb, 9 st, 10 en, 11 prev, 12 rem, 13 x; 14 v, 15 v2 (32 bytes a step)
const [BASE, , E, P, N, M, VALID, BL, NB, ST, EN, PREV, REM, X, V, V2] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
// `line` only: 16 lf mask, 17 line end, 18 done
const [LFM, LEND, DONE] = [16, 17, 18];
const get = (i: number): number[] => [op.get, i];
const set = (i: number): number[] => [op.set, i];
const c = (n: number): number[] => [op.const, ...sleb(n)];
const sx = (o: number): number[] => [0xfd, ...uleb(o)];

/** Write each set bit of `mask` (lowest first) as (p + bit - base) into table[counter] (while counter < 1024), counting. */
function drain(mask: number, counter: number, table: number): number[] {
  return [
    op.block, VOID, op.loop, VOID,
    ...get(mask), op.eqz, op.brIf, 1,
    ...get(counter), ...c(MAX_TOKENS), op.ltU, op.if, VOID,
    ...get(counter), ...c(2), op.shl,
    ...get(P), ...get(mask), op.ctz, op.add, ...get(BASE), op.sub,
    op.store, 2, ...uleb(table),
    op.end,
    ...get(counter), ...c(1), op.add, ...set(counter),
    ...get(mask), ...get(mask), ...c(1), op.sub, op.and, ...set(mask),
    op.br, 0,
    op.end, op.end,
  ];
}

/**
 * `tok(base, s, e)`: the tokens of [s, e). `line(base, s, limit)` (lineMode): the tokens of the
 * line from s to the next LF (or limit), whose address it stores at LINE_END: one pass finds the
 * line and its tokens.
 */
function body(lineMode: boolean): number[] {
  // the four byte values to compare with, splat once per call into v128 locals after the others
  const k0 = lineMode ? 19 : 16;
  const K: Record<number, number> = { 32: k0, 9: k0 + 1, 34: k0 + 2, 10: k0 + 3 };
  const splat = (b: number): number[] => get(K[b]);
  const code = [
    ...[32, 9, 34, 10].flatMap((b) => [...c(b), ...sx(simd.splat), ...set(K[b])]),
    // p = s
    ...get(1), ...set(P),
    ...(lineMode ? [...get(E), ...set(LEND)] : []),
    op.block, VOID, op.loop, VOID,
    ...get(P), ...get(E), op.geU, op.brIf, 1,
    // v, v2 = the 32 bytes at p
    ...get(P), ...sx(simd.load), 0, 0, ...set(V),
    ...get(P), ...sx(simd.load), 0, 16, ...set(V2),
    // valid = e - p >= 32 ? all : (1 << (e - p)) - 1
    ...c(-1), ...c(1), ...get(E), ...get(P), op.sub, op.tee, REM, op.shl, ...c(1), op.sub, ...get(REM), ...c(32), op.geU, op.select, ...set(VALID),
    // lineMode: an LF in these bytes ends the line there
    ...(lineMode ? [
      ...get(V), ...splat(10), ...sx(simd.eq), ...sx(simd.bitmask),
      ...get(V2), ...splat(10), ...sx(simd.eq), ...sx(simd.bitmask), ...c(16), op.shl, op.or,
      ...get(VALID), op.and, op.tee, LFM, op.if, VOID,
      ...c(1), ...get(LFM), op.ctz, op.shl, ...c(1), op.sub, ...set(VALID),
      ...get(P), ...get(LFM), op.ctz, op.add, ...set(LEND),
      ...c(1), ...set(DONE),
      op.end,
    ] : []),
    // a quote anywhere: the JavaScript tokenizer decides
    ...get(V), ...splat(34), ...sx(simd.eq), ...sx(simd.bitmask),
    ...get(V2), ...splat(34), ...sx(simd.eq), ...sx(simd.bitmask), ...c(16), op.shl, op.or,
    ...get(VALID), op.and, op.if, VOID, ...c(-1), op.return, op.end,
    // bl = blanks, nb = non-blanks (within the line)
    ...get(V), ...splat(32), ...sx(simd.eq), ...get(V), ...splat(9), ...sx(simd.eq), ...sx(simd.or), ...sx(simd.bitmask),
    ...get(V2), ...splat(32), ...sx(simd.eq), ...get(V2), ...splat(9), ...sx(simd.eq), ...sx(simd.or), ...sx(simd.bitmask), ...c(16), op.shl, op.or,
    ...get(VALID), op.and, op.tee, BL, ...get(VALID), op.xor, ...set(NB),
    // x = non-blank one byte earlier; token starts = nb & ~x, token ends (the blank after) = bl & x
    ...get(NB), ...c(1), op.shl, ...get(PREV), op.or, ...set(X),
    ...get(NB), ...get(X), ...c(-1), op.xor, op.and, ...set(ST),
    ...get(BL), ...get(X), op.and, ...set(EN),
    ...drain(ST, N, STARTS),
    ...drain(EN, M, ENDS),
    ...get(NB), ...c(31), op.shrU, ...set(PREV),
    ...(lineMode ? [...get(DONE), op.brIf, 1] : []),
    ...get(P), ...c(32), op.add, ...set(P),
    op.br, 0,
    op.end, op.end,
    // the last token runs to the line end
    ...get(M), ...get(N), op.ltU, op.if, VOID,
    ...get(M), ...c(MAX_TOKENS), op.ltU, op.if, VOID,
    ...get(M), ...c(2), op.shl, ...get(lineMode ? LEND : E), ...get(BASE), op.sub, op.store, 2, ...uleb(ENDS),
    op.end, op.end,
    ...(lineMode ? [...c(0), ...get(LEND), op.store, 2, ...uleb(LINE_END)] : []),
    ...get(N),
    op.end,
  ];
  const locals = vec([[...uleb(11), I32], [...uleb(2), V128], ...(lineMode ? [[...uleb(3), I32]] : []), [...uleb(4), V128]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32]]), ...vec([[I32]])]])),
    ...section(3, vec([[0], [0]])),
    ...section(5, vec([[0x01, ...uleb(PAGES), ...uleb(PAGES)]])),
    ...section(7, vec([[...str('tok'), 0x00, 0], [...str('line'), 0x00, 1], [...str('mem'), 0x02, 0]])),
    ...section(10, vec([body(false), body(true)])),
  ];
  return new Uint8Array(bytes);
}

let compiled: WebAssembly.Module | null | undefined;

/** A tokenizer kernel with its own memory; null where WebAssembly SIMD is not available (then the JavaScript path runs). */
export function createW3cKernel(): W3cKernel | null {
  if (process.env.IIS_AUTH_LENS_NO_WASM) return null;
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  const inst = new WebAssembly.Instance(compiled, {});
  const memory = inst.exports.mem as WebAssembly.Memory;
  return {
    memory,
    chunk: Buffer.from(memory.buffer, CHUNK_AT, KERNEL_CHUNK),
    chunks: [Buffer.from(memory.buffer, CHUNK_AT, KERNEL_CHUNK), Buffer.from(memory.buffer, CHUNK_AT + KERNEL_CHUNK, KERNEL_CHUNK)],
    starts: new Int32Array(memory.buffer, STARTS, MAX_TOKENS),
    ends: new Int32Array(memory.buffer, ENDS, MAX_TOKENS),
    tok: inst.exports.tok as (base: number, s: number, e: number) => number,
    line: inst.exports.line as (base: number, s: number, limit: number) => number,
    lineEnd: new Int32Array(memory.buffer, LINE_END, 1),
  };
}

/** Why the kernel is not used, or null when it is (for tests and logs). */
export function w3cKernelProblem(): string | null {
  try {
    new WebAssembly.Module(moduleBytes());
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
