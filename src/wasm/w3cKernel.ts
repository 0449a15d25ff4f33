// AssemblyScript (compiled by esbuild.mjs with asc to dist/w3cKernel.wasm; loaded by
// src/core/w3c/w3cKernel.ts). Two jobs over W3C log lines in this module's memory:
//
// 1. `tok` / `line`: the tokenizer's hot loop for the JavaScript scanner (w3cScanner.ts), 64 bytes
//    a step with SIMD: where each token of a line starts and ends. A line with a `"` returns -1
//    (the JavaScript tokenizer applies W3C quoting).
// 2. `count`: `analyze --summary` in one call per chunk. It reads every complete data line of the
//    layout set by `configure` and counts what W3cAnalyzer (w3cFindings.ts) counts in its
//    counting mode: requests, status and win32 histograms, BAD_BINDINGS / INVALID_TOKEN /
//    LOGON_DENIED, and HANDSHAKE_INCOMPLETE with the same grouping of NTLM/Negotiate legs per
//    client and URL, time window, sweep points and lead-in state. It stops at a line it leaves to
//    JavaScript (a directive, a line that does not fit the layout, the last line without LF):
//    the scanner handles that one line and calls again. test/unit/w3cCounter.test.ts checks that
//    both count alike.
//
// Memory (fixed addresses below MEMORY_BASE; asc's static data starts there): token tables,
// histograms, the handshake hash table, a scratch line, two read chunks; above the static data,
// an arena for open handshake groups (fixed size: the memory never grows, so the JavaScript views
// on it stay valid).

// ---- memory map (shared with the loader through the exported functions at the end)
const STARTS: usize = 0; // i32[1024] token starts
const ENDS: usize = 4096; // i32[1024] token ends
const LINE_END: usize = 8192; // i32: the LF address `line` found (or its limit)
const OUT_LINES: usize = 8196; // i32: lines `count` consumed
const MAX_TOKENS: i32 = 1024;
const MAX_LINE_BYTES: usize = 1048576; // w3cScanner.ts: a longer line is malformed (the scanner says so)
const FINDINGS: usize = 8448; // f64[4]: BAD_BINDINGS, INVALID_TOKEN, LOGON_DENIED, HANDSHAKE_INCOMPLETE
const FREE: usize = 8704; // i32[32]: free lists of arena blocks by size class
const NEED: usize = 8832; // i32[8]: the columns `count` reads, ascending, then a large sentinel
const SPLATS: usize = 8960; // v128[4]: LF, quote, space, tab in every byte (init)
const STATUS_HIST: usize = 16384; // f64[1000]
const TABLE: usize = 32768; // i32[32768]: open groups by key hash
const TABLE_MASK: i32 = 32767;
const IPB: usize = 163840; // i32[65536]: open groups per client-address hash
const WIN32_HIST: usize = 425984; // f64[65536]
const BIG: usize = 950272; // win32 >= 65536: BIG_SLOTS of (f64 key, f64 count), open addressing
const BIG_SLOTS: i32 = 4096;
const ALL_COLUMNS: usize = 1015808; // i32[1024 + 1]: 0..1023, then the sentinel (the scanner wants every token)
const SCRATCH: usize = 1048576; // one line copied here (up to 1 MiB + LF)
const CHUNK_SIZE: usize = 4194304;
const CHUNK0: usize = 4194304; // two read chunks: [4 MiB, 12 MiB), then 64 bytes for the last 32-byte load
const ARENA_PAGES: i32 = 2048; // 128 MiB of virtual memory for open groups (touched as used)

// ---- imports: rare values that JavaScript handles exactly
/** Token [s, e) (over 15 bytes) as a number the way JavaScript's Number() reads digits; -1 when not all digits. */
@external("env", "bigNum") declare function bigNum(s: usize, e: usize): f64;
/** A status code of 1000 or more. */
@external("env", "bigStatus") declare function bigStatus(v: f64): void;
/** A win32 code of 65536 or more that no longer fits the table. */
@external("env", "bigWin32") declare function bigWin32(v: f64): void;

// ---- the layout of the lines being counted (configure)
let fieldCount: i32 = 0;
let colStatus: i32 = -1;
let colSub: i32 = -1;
let colWin32: i32 = -1;
let colIp: i32 = -1;
let colUri: i32 = -1;
let colDate: i32 = -1;
let colTime: i32 = -1;
let layoutDays: f64 = 0;
let windowSeconds: f64 = 120;

// ---- counting state
let requests: f64 = 0;
/** sc-status `-` (HTTPERR's connection-level entries such as Timer_ConnectionIdle). */
let statusDash: f64 = 0;
let bigUsed: i32 = 0;
let openCount: i32 = 0;
let openHead: usize = 0;
let openTail: usize = 0;
let arenaTop: usize = 0;
let arenaEnd: usize = 0;
let overflowed: i32 = 0;
let trackMin: bool = false;
let minTime: f64 = Infinity; // NaN: a line without a readable time (null in JavaScript)
let sweepLo: f64 = 0;
let sweepHi: f64 = 0;
const SWEEP_BYTES: f64 = 2097152; // W3cAnalyzer's SWEEP_BYTES
let lastDateKey: i32 = -1;
let lastDateDays: f64 = NaN;

const WIN32_BAD_BINDINGS: f64 = 2148074310;
const NTSTATUS_BAD_BINDINGS: f64 = 3221226331;
const WIN32_INVALID_TOKEN: f64 = 2148074248;
const WIN32_LOGON_DENIED: f64 = 2148074252;
const WIN32_NO_CREDENTIALS: f64 = 2148074254;

// ---- tokenizer

/** mask without its k lowest set bits (k < popcnt(mask)): ctz of it is the k-th set bit. */
@inline function nthBit(mask: u64, k: i64): u64 {
  while (k > 0) { mask &= mask - 1; k--; }
  return mask;
}

@inline function mask16(v: v128, a: v128, b: v128): u64 {
  return <u64>i8x16.bitmask(v128.or(i8x16.eq(v, a), i8x16.eq(v, b)));
}

/**
 * The tokens of the line from s to the next LF before e (lineMode; the LF's address, e when there
 * is none, goes to LINE_END) or of all of [s, e), 64 bytes a step. Returns the token count and
 * writes the start and end (minus base) of the tokens listed at `need` (ascending, then a large
 * sentinel): ALL_COLUMNS for the JavaScript scanner, NEED for `count`, which reads no others.
 * -1 when the bytes hold a quote (W3C quoting: the caller reads that line byte by byte).
 */
@inline function scan(base: usize, s: usize, e: usize, lineMode: bool, need: usize): i32 {
  // loaded, not constants: asc folds a constant into every use, and V8 builds each one again inside the loop
  const lf = v128.load(SPLATS), quote = v128.load(SPLATS, 16), sp = v128.load(SPLATS, 32), tab = v128.load(SPLATS, 48);
  let p = s;
  let n: i64 = 0, m: i64 = 0, prev: u64 = 0;
  let lend = e;
  let ns = need, ne = need;
  let needS = <i64>load<i32>(need), needE = needS;
  while (p < e) {
    const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
    const rem = e - p;
    let valid: u64 = rem >= 64 ? <u64>-1 : (<u64>1 << <u64>rem) - 1;
    let done = false;
    // an LF or a quote in these 64 bytes (one test for both: rare)
    const special = lineMode
      ? v128.or(v128.or(v128.or(i8x16.eq(v0, lf), i8x16.eq(v0, quote)), v128.or(i8x16.eq(v1, lf), i8x16.eq(v1, quote))),
        v128.or(v128.or(i8x16.eq(v2, lf), i8x16.eq(v2, quote)), v128.or(i8x16.eq(v3, lf), i8x16.eq(v3, quote))))
      : v128.or(v128.or(i8x16.eq(v0, quote), i8x16.eq(v1, quote)), v128.or(i8x16.eq(v2, quote), i8x16.eq(v3, quote)));
    if (v128.any_true(special)) {
      const lfm = lineMode ? (<u64>i8x16.bitmask(i8x16.eq(v0, lf)) | (<u64>i8x16.bitmask(i8x16.eq(v1, lf)) << 16) |
        (<u64>i8x16.bitmask(i8x16.eq(v2, lf)) << 32) | (<u64>i8x16.bitmask(i8x16.eq(v3, lf)) << 48)) & valid : 0;
      if (lfm != 0) {
        const k = ctz(lfm);
        valid = (<u64>1 << k) - 1;
        lend = p + <usize>k;
        done = true;
      }
      const qm = <u64>i8x16.bitmask(i8x16.eq(v0, quote)) | (<u64>i8x16.bitmask(i8x16.eq(v1, quote)) << 16) |
        (<u64>i8x16.bitmask(i8x16.eq(v2, quote)) << 32) | (<u64>i8x16.bitmask(i8x16.eq(v3, quote)) << 48);
      if ((qm & valid) != 0) return -1;
    }
    const bl = (mask16(v0, sp, tab) | (mask16(v1, sp, tab) << 16) | (mask16(v2, sp, tab) << 32) | (mask16(v3, sp, tab) << 48)) & valid;
    const nb = bl ^ valid;
    const x = (nb << 1) | prev;
    const st = nb & ~x, en = bl & x;
    const ps = <i64>popcnt(st), pe = <i64>popcnt(en);
    while (needS < n + ps) {
      store<i32>(STARTS + (<usize>needS << 2), <i32>(p + <usize>ctz(nthBit(st, needS - n)) - base));
      ns += 4;
      needS = <i64>load<i32>(ns);
    }
    while (needE < m + pe) {
      store<i32>(ENDS + (<usize>needE << 2), <i32>(p + <usize>ctz(nthBit(en, needE - m)) - base));
      ne += 4;
      needE = <i64>load<i32>(ne);
    }
    n += ps;
    m += pe;
    prev = nb >> 63;
    if (done) break;
    p += 64;
  }
  // the last token runs to the line end
  if (m < n && m == needE) store<i32>(ENDS + (<usize>m << 2), <i32>(lend - base));
  if (lineMode) store<i32>(LINE_END, <i32>lend);
  return n > 0x7fffffff ? 0x7fffffff : <i32>n;
}

/** Tokens of [s, e) at addresses s..e, positions minus base (the first MAX_TOKENS kept); -1 when there is a quote. */
export function tok(base: usize, s: usize, e: usize): i32 {
  return scan(base, s, e, false, ALL_COLUMNS);
}

/** Tokens of the line from s to the next LF before limit (CR included); the LF's address (limit when none) goes to LINE_END; -1 for a quote (LINE_END not set). */
export function line(base: usize, s: usize, limit: usize): i32 {
  return scan(base, s, limit, true, ALL_COLUMNS);
}

/** Address of the first LF in [s, limit), or limit. */
function findLf(s: usize, limit: usize): usize {
  const lf = i8x16.splat(10);
  for (let p = s; p < limit; p += 16) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(p), lf));
    if (m != 0) {
      const q = p + <usize>ctz(m);
      return q < limit ? q : limit;
    }
  }
  return limit;
}

/** End of a quoted token that starts at q (W3C: `""` is a quote, the closing quote is followed by a blank or the end); a plain token when it does not close. */
function quotedEnd(q: usize, e: usize): usize {
  let i = q + 1;
  while (i < e) {
    if (load<u8>(i) == 34) {
      if (i + 1 < e && load<u8>(i + 1) == 34) { i += 2; continue; }
      if (i + 1 == e || load<u8>(i + 1) == 32 || load<u8>(i + 1) == 9) return i + 1;
    }
    i++;
  }
  i = q + 1;
  while (i < e) { const c = load<u8>(i); if (c == 32 || c == 9) break; i++; }
  return i;
}

/** The scanner's rule byte by byte, with W3C quoting (lines with a `"`): tokens of [s, e) at their addresses. */
function scalarTokens(s: usize, e: usize): i32 {
  let n: i32 = 0;
  let i = s;
  while (i < e) {
    let c = load<u8>(i);
    while (c == 32 || c == 9) { if (++i >= e) break; c = load<u8>(i); }
    if (i >= e) break;
    const ts = i;
    if (c == 34) i = quotedEnd(i, e);
    else {
      i++;
      while (i < e) { c = load<u8>(i); if (c == 32 || c == 9) break; i++; }
    }
    if (n < MAX_TOKENS) { store<i32>(STARTS + (<usize>n << 2), <i32>ts); store<i32>(ENDS + (<usize>n << 2), <i32>i); }
    n++;
  }
  return n;
}

@inline function tokS(i: i32): usize { return <usize>load<i32>(STARTS + (<usize>i << 2)); }
@inline function tokE(i: i32): usize { return <usize>load<i32>(ENDS + (<usize>i << 2)); }

// ---- values of a record (W3cRecord's num, epochSeconds)

/** Token i as a non-negative integer (W3C quotes removed); -1 for '-', absent or not all digits. */
@inline function num(i: i32): f64 {
  if (i < 0) return -1;
  let s = tokS(i);
  let e = tokE(i);
  // a W3C-quoted value ("200", as IIS Advanced Logging and other W3C writers may quote) is its content
  if (e - s >= 2 && load<u8>(s) == 34 && load<u8>(e - 1) == 34) { s++; e--; }
  if (e - s > 15) return bigNum(s, e);
  if (s == e) return -1;
  let v: i64 = 0;
  for (; s < e; s++) {
    const c = <u32>load<u8>(s) - 48;
    if (c > 9) return -1;
    v = v * 10 + <i64>c;
  }
  return <f64>v;
}

/** H:MM:SS seconds of token i (fraction ignored), -1 when unreadable: the same arithmetic as W3cRecord.hms. */
function hms(i: i32): f64 {
  const s = tokS(i), e = tokE(i);
  let p = s;
  let h: f64 = 0;
  while (p < e && load<u8>(p) != 58) {
    const c = <i32>load<u8>(p) - 48;
    if (c < 0 || c > 9) return -1;
    h = h * 10 + <f64>c;
    p++;
  }
  if (p + 6 > e || load<u8>(p + 3) != 58) return -1;
  const m = (<i32>load<u8>(p + 1) - 48) * 10 + (<i32>load<u8>(p + 2) - 48);
  const sec = (<i32>load<u8>(p + 4) - 48) * 10 + (<i32>load<u8>(p + 5) - 48);
  if (!(m >= 0 && m < 60 && sec >= 0 && sec < 62)) return -1;
  return h * 3600 + <f64>(m * 60 + sec);
}

/** Days since 1970 of a proleptic Gregorian date (JavaScript's Date.UTC, which maps the years 0-99 to 1900-1999, divided by a day). */
function civilDays(y: i32, mo: i32, d: i32): f64 {
  if (y >= 0 && y <= 99) y += 1900;
  const yy = mo <= 2 ? y - 1 : y;
  const era = (yy >= 0 ? yy : yy - 399) / 400;
  const yoe = yy - era * 400;
  const doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return <f64>(era * 146097 + doe - 719468);
}

/** Days of a yyyy-mm-dd token i: W3cRecord.ymdDays (NaN when not a date). */
function ymdDays(i: i32): f64 {
  const s = tokS(i);
  if (tokE(i) - s != 10 || load<u8>(s + 4) != 45 || load<u8>(s + 7) != 45) return NaN;
  const y = (<i32>load<u8>(s) - 48) * 1000 + (<i32>load<u8>(s + 1) - 48) * 100 + (<i32>load<u8>(s + 2) - 48) * 10 + (<i32>load<u8>(s + 3) - 48);
  const mo = (<i32>load<u8>(s + 5) - 48) * 10 + (<i32>load<u8>(s + 6) - 48);
  const d = (<i32>load<u8>(s + 8) - 48) * 10 + (<i32>load<u8>(s + 9) - 48);
  const key = y * 10000 + mo * 100 + d;
  if (key == lastDateKey) return lastDateDays;
  lastDateKey = key;
  lastDateDays = y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 ? civilDays(y, mo, d) : NaN;
  return lastDateDays;
}

/** Seconds since 1970 of the record's date and time (the layout's #Date without a date field); NaN when unknown. */
function epochSeconds(): f64 {
  if (colTime < 0) return NaN;
  const t = hms(colTime);
  if (t < 0) return NaN;
  // colDate -1: no date field, the #Date counts; -2: a date field that cannot be read
  const days = colDate >= 0 ? ymdDays(colDate) : colDate == -1 ? layoutDays : NaN;
  if (isNaN(days)) return NaN;
  return days * 86400 + t;
}

// ---- counters

@inline function inc(addr: usize): void {
  store<f64>(addr, load<f64>(addr) + 1);
}

function addWin32(w: f64): void {
  if (w < 65536) { inc(WIN32_HIST + (<usize>(<i32>w) << 3)); return; }
  const key = reinterpret<i64>(w);
  let h = <i32>((key * 0x9e3779b97f4a7c15) >>> 52) & (BIG_SLOTS - 1);
  for (;;) {
    const a = BIG + (<usize>h << 4);
    const c = load<f64>(a, 8);
    if (c == 0) {
      if (bigUsed >= (BIG_SLOTS * 3) / 4) { bigWin32(w); return; }
      bigUsed++;
      store<f64>(a, w);
      store<f64>(a, 1, 8);
      return;
    }
    if (load<f64>(a) == w) { store<f64>(a, c + 1, 8); return; }
    h = (h + 1) & (BIG_SLOTS - 1);
  }
}

@inline function addFinding(k: i32): void {
  inc(FINDINGS + (<usize>k << 3));
}

@inline function isSspiFailure(n: f64): bool {
  return (n >= 0x80090300 && n <= 0x800903ff) || n == 0xc000035b;
}

// ---- open handshake groups: a block of the arena each, the key (c-ip, a space, cs-uri-stem) inline
const G_HASH: usize = 0;
const G_NEXT: usize = 4;
const G_PREV_OPEN: usize = 8;
const G_NEXT_OPEN: usize = 12;
const G_KEYLEN: usize = 16;
const G_IPLEN: usize = 20;
const G_IPHASH: usize = 24;
const G_SSPI: usize = 28;
const G_CLASS: usize = 32;
const G_LASTTIME: usize = 40;
const G_KEY: usize = 48;

/** The arena for open groups begins after asc's static data. */
@inline function arenaStart(): usize {
  return (__heap_base + 15) & ~<usize>15;
}

function alloc(size: usize): usize {
  const cls: i32 = size <= 64 ? 6 : 32 - clz<i32>(<i32>size - 1);
  const head = FREE + (<usize>cls << 2);
  let b = <usize>load<i32>(head);
  if (b != 0) {
    store<i32>(head, load<i32>(b + G_NEXT));
  } else {
    if (arenaTop + (<usize>1 << cls) > arenaEnd) return 0;
    b = arenaTop;
    arenaTop += <usize>1 << cls;
  }
  store<i32>(b + G_CLASS, cls);
  return b;
}

function release(b: usize): void {
  const head = FREE + (<usize>load<i32>(b + G_CLASS) << 2);
  store<i32>(b + G_NEXT, load<i32>(head));
  store<i32>(head, <i32>b);
}

const MIX: u64 = 0x9e3779b97f4a7c15;

/** Mixes the bytes [p, e) into h, 8 at a time (the last word masked: reading past e stays inside the memory). */
@inline function mixBytes(h: u64, p: usize, e: usize): u64 {
  for (; p + 8 <= e; p += 8) h = rotl<u64>((h ^ load<u64>(p)) * MIX, 29);
  const n = e - p;
  if (n != 0) h = rotl<u64>((h ^ (load<u64>(p) & ((<u64>1 << (<u64>n << 3)) - 1)) ^ (<u64>n << 56)) * MIX, 29);
  return h;
}

/** 30-bit hash of the key: c-ip, a space, cs-uri-stem (or cs-uri). */
function keyHash(ipI: i32, uriI: i32): i32 {
  let h: u64 = 0x243f6a8885a308d3;
  if (ipI >= 0) h = mixBytes(h, tokS(ipI), tokE(ipI));
  h = rotl<u64>((h ^ 0x20) * MIX, 29);
  if (uriI >= 0) h = mixBytes(h, tokS(uriI), tokE(uriI));
  h ^= h >> 32;
  h *= MIX;
  return <i32>(h >> 34);
}

/** Whether the n bytes at a and b are equal, 8 at a time. */
@inline function sameBytes(a: usize, b: usize, n: usize): bool {
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  for (; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** 16-bit hash of the client address from its length and last bytes: a quick filter before the key. */
function ipHash(): i32 {
  if (colIp < 0) return 0;
  const s = tokS(colIp), e = tokE(colIp);
  const n = <i32>(e - s);
  if (n <= 0) return 0;
  const w: i32 = n >= 4 ? load<i32>(e - 4) : <i32>load<u8>(e - 1) | (<i32>load<u8>(s) << 8);
  const h = (w ^ (n * 0x9e3779b1)) * 0x85ebca6b;
  return (h ^ <i32>(<u32>h >> 16)) & 0xffff;
}

function keyEquals(g: usize, ipI: i32, uriI: i32): bool {
  const is = ipI >= 0 ? tokS(ipI) : 0, ie = ipI >= 0 ? tokE(ipI) : 0;
  const us = uriI >= 0 ? tokS(uriI) : 0, ue = uriI >= 0 ? tokE(uriI) : 0;
  const ipLen = <i32>(ie - is);
  if (ipLen != load<i32>(g + G_IPLEN) || <i32>(ue - us) != load<i32>(g + G_KEYLEN) - ipLen - 1) return false;
  const k = g + G_KEY;
  return sameBytes(k, is, <usize>ipLen) && sameBytes(k + <usize>ipLen + 1, us, ue - us);
}

function find(h: i32, ipI: i32, uriI: i32): usize {
  let g = <usize>load<i32>(TABLE + (<usize>(h & TABLE_MASK) << 2));
  while (g != 0 && !(load<i32>(g + G_HASH) == h && keyEquals(g, ipI, uriI))) g = <usize>load<i32>(g + G_NEXT);
  return g;
}

function close(g: usize): void {
  const slot = TABLE + (<usize>(load<i32>(g + G_HASH) & TABLE_MASK) << 2);
  const head = <usize>load<i32>(slot);
  if (head == g) {
    store<i32>(slot, load<i32>(g + G_NEXT));
  } else {
    let p = head;
    while (p != 0 && <usize>load<i32>(p + G_NEXT) != g) p = <usize>load<i32>(p + G_NEXT);
    if (p != 0) store<i32>(p + G_NEXT, load<i32>(g + G_NEXT));
  }
  const prev = <usize>load<i32>(g + G_PREV_OPEN), next = <usize>load<i32>(g + G_NEXT_OPEN);
  if (prev != 0) store<i32>(prev + G_NEXT_OPEN, <i32>next); else openHead = next;
  if (next != 0) store<i32>(next + G_PREV_OPEN, <i32>prev); else openTail = prev;
  openCount--;
  const ib = IPB + (<usize>load<i32>(g + G_IPHASH) << 2);
  store<i32>(ib, load<i32>(ib) - 1);
  release(g);
}

/** A group that ends without a non-401 answer is one HANDSHAKE_INCOMPLETE when it had an SSPI leg. */
@inline function finish(g: usize): void {
  if (load<i32>(g + G_SSPI) != 0) addFinding(3);
}

function sweep(now: f64): void {
  if (isNaN(now)) return;
  let g = openHead;
  while (g != 0) {
    const next = <usize>load<i32>(g + G_NEXT_OPEN);
    if (now - load<f64>(g + G_LASTTIME) > windowSeconds) { finish(g); close(g); }
    g = next;
  }
}

/** Whether the line [f, f + len) of the file crosses a multiple of SWEEP_BYTES. */
function atSweepPoint(f: f64, len: f64): bool {
  if (f < sweepLo || f >= sweepHi) {
    sweepLo = Math.floor(f / SWEEP_BYTES) * SWEEP_BYTES;
    sweepHi = sweepLo + SWEEP_BYTES;
  }
  return f + len >= sweepHi;
}

function on401(win32: f64): void {
  const sub = num(colSub);
  let specific = true;
  if (win32 == WIN32_BAD_BINDINGS || win32 == NTSTATUS_BAD_BINDINGS) addFinding(0);
  else if (win32 == WIN32_INVALID_TOKEN) addFinding(1);
  else if (win32 == WIN32_LOGON_DENIED) addFinding(2);
  else specific = false;
  const sspi = sub == 1 && win32 >= 0 && isSspiFailure(win32);
  if (sub != 2 && !sspi) return;
  const t = epochSeconds();
  const uriI = colUri;
  const h = keyHash(colIp, uriI);
  let g = find(h, colIp, uriI);
  if (g != 0 && !(t - load<f64>(g + G_LASTTIME) <= windowSeconds)) {
    finish(g);
    close(g);
    g = 0;
  }
  if (g == 0) {
    const is = colIp >= 0 ? tokS(colIp) : 0, ie = colIp >= 0 ? tokE(colIp) : 0;
    const us = uriI >= 0 ? tokS(uriI) : 0, ue = uriI >= 0 ? tokE(uriI) : 0;
    const keyLen = ie - is + 1 + ue - us;
    g = alloc(G_KEY + keyLen);
    if (g == 0) { overflowed = 1; return; }
    const ih = ipHash();
    store<i32>(g + G_HASH, h);
    const slot = TABLE + (<usize>(h & TABLE_MASK) << 2);
    store<i32>(g + G_NEXT, load<i32>(slot));
    store<i32>(slot, <i32>g);
    store<i32>(g + G_KEYLEN, <i32>keyLen);
    store<i32>(g + G_IPLEN, <i32>(ie - is));
    store<i32>(g + G_IPHASH, ih);
    store<i32>(g + G_SSPI, 0);
    store<f64>(g + G_LASTTIME, t);
    memory.copy(g + G_KEY, is, ie - is);
    store<u8>(g + G_KEY + (ie - is), 32);
    memory.copy(g + G_KEY + (ie - is) + 1, us, ue - us);
    store<i32>(g + G_PREV_OPEN, <i32>openTail);
    store<i32>(g + G_NEXT_OPEN, 0);
    if (openTail != 0) store<i32>(openTail + G_NEXT_OPEN, <i32>g); else openHead = g;
    openTail = g;
    openCount++;
    const ib = IPB + (<usize>ih << 2);
    store<i32>(ib, load<i32>(ib) + 1);
  }
  if (!isNaN(t)) store<f64>(g + G_LASTTIME, t);
  if (sspi) store<i32>(g + G_SSPI, 1);
  // a final SSPI verdict (anything but the SEC_E_NO_CREDENTIALS challenge) ends the attempt; when
  // it is itself a finding (BAD_BINDINGS, INVALID_TOKEN, LOGON_DENIED), that one alone (W3cAnalyzer)
  if (sspi && win32 != WIN32_NO_CREDENTIALS) {
    if (!specific) finish(g);
    close(g);
  }
}

/** One data line that fits the layout: its tokens are in STARTS/ENDS (addresses); f is its file offset, len its length without CR/LF. */
function record(f: f64, len: f64): void {
  requests++;
  if (trackMin) {
    const t = epochSeconds();
    if (isNaN(t)) minTime = NaN;
    else if (!isNaN(minTime) && t < minTime) minTime = t;
    if (atSweepPoint(f, len)) trackMin = false;
  }
  const status = num(colStatus);
  if (status >= 0) {
    if (status < 1000) inc(STATUS_HIST + (<usize>(<i32>status) << 3));
    else bigStatus(status);
  } else if (colStatus >= 0 && tokE(colStatus) - tokS(colStatus) == 1 && load<u8>(tokS(colStatus)) == 45) {
    statusDash++;
  }
  const win32 = num(colWin32);
  if (win32 >= 0) addWin32(win32);
  if (status == 401) {
    on401(win32);
  } else if (openCount > 0 && status >= 0) {
    if (load<i32>(IPB + (<usize>ipHash() << 2)) > 0) {
      const g = find(keyHash(colIp, colUri), colIp, colUri);
      if (g != 0) {
        const t = epochSeconds();
        // a late success still closes the group, but the earlier attempt counts as incomplete
        if (!(t - load<f64>(g + G_LASTTIME) <= windowSeconds)) finish(g);
        close(g);
      }
    }
  }
  if (openCount > 0 && atSweepPoint(f, len)) sweep(epochSeconds());
}

// ---- the exported counting API

/**
 * The layout of the lines to count: its field count and the columns (-1 when absent; the URI is
 * cs-uri-stem, else cs-uri), and the days of its #Date for layouts without a date field.
 */
export function configure(fields: i32, status: i32, sub: i32, win32: i32, ip: i32, uri: i32, date: i32, time: i32, days: f64): void {
  fieldCount = fields;
  colStatus = status;
  colSub = sub;
  colWin32 = win32;
  colIp = ip;
  colUri = uri;
  colDate = date;
  colTime = time;
  layoutDays = days;
  // the columns the scan writes positions for, ascending and distinct, then the sentinel
  let k: usize = 0;
  for (let c: i32 = 0; c < MAX_TOKENS && k < 7; c++) {
    if (c == status || c == sub || c == win32 || c == ip || c == uri || c == date || c == time) {
      store<i32>(NEED + (k << 2), c);
      k++;
    }
  }
  store<i32>(NEED + (k << 2), 0x7fffffff);
}

export function setWindow(seconds: f64): void {
  windowSeconds = seconds;
}

/**
 * Counts the complete lines from s (a line start) up to limit, the first one at file offset f.
 * Returns where it stopped: limit, or the start of a line for JavaScript (a directive, a line
 * that does not fit the layout, a line without LF before limit). OUT_LINES tells how many lines
 * it consumed (records and blank lines).
 */
export function count(s: usize, limit: usize, f: f64): usize {
  let lines: i32 = 0;
  const s0 = s;
  while (s < limit) {
    if (load<u8>(s) == 35) break;
    let n = scan(0, s, limit, true, NEED);
    let lf: usize, e: usize;
    if (n >= 0) {
      lf = <usize>load<i32>(LINE_END);
      if (lf >= limit) break;
      e = lf;
      if (e > s && load<u8>(e - 1) == 13) {
        // the CR before the LF is not part of the line
        e--;
        if (e == s || load<u8>(e - 1) == 32 || load<u8>(e - 1) == 9) n--;
        else if (n - 1 < MAX_TOKENS) store<i32>(ENDS + (<usize>(n - 1) << 2), <i32>e);
      }
    } else {
      lf = findLf(s, limit);
      if (lf >= limit) break;
      e = lf;
      if (e > s && load<u8>(e - 1) == 13) e--;
      n = scalarTokens(s, e);
    }
    if (lf - s > MAX_LINE_BYTES) break;
    if (n != 0) {
      if (n != fieldCount) break;
      record(f + <f64>(s - s0), <f64>(e - s));
    }
    lines++;
    s = lf + 1;
  }
  store<i32>(OUT_LINES, lines);
  return s;
}

/** Forget the counts but keep the open groups (a parallel range after its lead-in); from now on, track the lowest time up to the first sweep point. */
export function resetCounts(): void {
  // the histograms change only with a record (which counts a request): untouched, they are zero
  // still, and filling them would touch 146 fresh pages (a page fault each)
  if (requests != 0 || bigUsed != 0) {
    memory.fill(STATUS_HIST, 0, 8000);
    memory.fill(WIN32_HIST, 0, 65536 * 8);
    memory.fill(BIG, 0, <usize>BIG_SLOTS * 16);
  }
  requests = 0;
  statusDash = 0;
  memory.fill(FINDINGS, 0, 32);
  bigUsed = 0;
  trackMin = true;
  minTime = Infinity;
}

/** Back to the state after init: no counts, no open groups, an empty arena (a kernel reused for the next file). */
export function reset(): void {
  resetCounts();
  trackMin = false;
  memory.fill(FREE, 0, 32 * 4);
  memory.fill(TABLE, 0, <usize>(TABLE_MASK + 1) * 4);
  memory.fill(IPB, 0, 65536 * 4);
  openCount = 0;
  openHead = 0;
  openTail = 0;
  arenaTop = arenaStart();
  overflowed = 0;
  sweepLo = 0;
  sweepHi = 0;
  lastDateKey = -1;
  lastDateDays = NaN;
  windowSeconds = 120;
  fieldCount = 0;
}

/** Tests only: the arena for open groups ends `bytes` after its start (0: the whole memory again); kept across reset. */
export function limitArena(bytes: usize): void {
  const start = arenaStart();
  const end = <usize>memory.size() << 16;
  arenaEnd = bytes == 0 || start + bytes > end ? end : start + bytes;
}

/** End every open group (the end of the file). */
export function finishOpen(): void {
  while (openHead != 0) {
    const g = openHead;
    finish(g);
    close(g);
  }
}

export function requestCount(): f64 { return requests; }
export function statusDashCount(): f64 { return statusDash; }
export function isOverflowed(): i32 { return overflowed; }
export function openFirst(): usize { return openHead; }
export function openNext(g: usize): usize { return <usize>load<i32>(g + G_NEXT_OPEN); }
export function groupSspi(g: usize): i32 { return load<i32>(g + G_SSPI); }
export function groupKey(g: usize): usize { return g + G_KEY; }
export function groupKeyLength(g: usize): i32 { return load<i32>(g + G_KEYLEN); }
export function groupLastTime(g: usize): f64 { return load<f64>(g + G_LASTTIME); }
/** 1 while the lowest time up to the first sweep point is still being tracked. */
export function trackingMinTime(): i32 { return trackMin ? 1 : 0; }
/** That lowest time (NaN: a line had no readable time). */
export function minTimeSeen(): f64 { return minTime; }

// ---- addresses for the loader
export function startsAt(): usize { return STARTS; }
export function endsAt(): usize { return ENDS; }
export function lineEndAt(): usize { return LINE_END; }
export function linesAt(): usize { return OUT_LINES; }
export function findingsAt(): usize { return FINDINGS; }
export function statusAt(): usize { return STATUS_HIST; }
export function win32At(): usize { return WIN32_HIST; }
export function bigAt(): usize { return BIG; }
export function bigSlots(): i32 { return BIG_SLOTS; }
export function scratchAt(): usize { return SCRATCH; }
export function chunkAt(): usize { return CHUNK0; }
export function chunkSize(): usize { return CHUNK_SIZE; }

/** Sets the arena up (once, after instantiation): it runs from the static data to the end of memory. */
export function init(): void {
  v128.store(SPLATS, i8x16.splat(10));
  v128.store(SPLATS, i8x16.splat(34), 16);
  v128.store(SPLATS, i8x16.splat(32), 32);
  v128.store(SPLATS, i8x16.splat(9), 48);
  for (let i: i32 = 0; i < MAX_TOKENS; i++) store<i32>(ALL_COLUMNS + (<usize>i << 2), i);
  store<i32>(ALL_COLUMNS + (<usize>MAX_TOKENS << 2), 0x7fffffff);
  arenaTop = arenaStart();
  arenaEnd = <usize>memory.size() << 16;
  if (arenaEnd - arenaTop < (<usize>ARENA_PAGES << 16) / 2) overflowed = 1;
}
