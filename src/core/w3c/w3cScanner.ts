// The one W3C extended log scanner: bytes in (Buffer chunks, any size), lines out, no per-line
// allocation on the hot path. Used by the CLI (streaming), the large-file worker and the language
// server (a whole document as one Buffer).
//
// Tokenizing rule (the one the counts in test/fixtures/w3c follow): split on LF, drop one CR before
// it; a data token is a run of non-blanks (blank = space or tab), so a run of two blanks does NOT
// make an empty field; a token that starts with `"` runs to the matching closing `"` (W3C quoting,
// `""` inside is a literal quote) when that quote is followed by a blank or the line end, else the
// quote is an ordinary character. A data line whose token count differs from the number of fields
// of its `#Fields` layout is malformed. Blank lines are neither requests nor malformed.
import { IIS_DEFAULT_FIELDS, makeLayout, type W3cLayout } from './w3cFields';
import type { W3cKernel } from './w3cKernel';

/**
 * Token positions kept per line for an ordinary layout; more tokens are counted but not kept (such a
 * line is malformed anyway). A `#Fields` layout with more fields is read with its own, larger
 * tables in TypeScript (the WebAssembly kernel's tables hold MAX_TOKENS), so a c-ip, cs-uri-stem or
 * sc-status beyond field 1024 is read like any other.
 */
export const MAX_TOKENS = 1024;
/** A line longer than this (without its LF) is malformed; split across chunks, it is not kept whole. */
export const MAX_LINE_BYTES = 1 << 20;

const SP = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const QUOTE = 34;
const HASH = 35;

/** One line while it is being handed out; the object is reused, copy what you keep. */
export class W3cRecord {
  /** 1-based line number in the file as stored. */
  line = 0;
  /** Layout the line is read with; null when no #Fields was seen and the default did not fit. */
  layout: W3cLayout | null = null;
  buf: Buffer = Buffer.alloc(0);
  /** Byte range of the line in `buf`, without CR/LF. */
  start = 0;
  end = 0;
  /** Byte offset of the line start in the whole input (for large files: where to seek). */
  fileOffset = 0;
  /** Number of tokens (may exceed MAX_TOKENS; positions beyond it are not kept). */
  count = 0;
  /** Token positions in `buf` (the WebAssembly kernel's tables when the scanner has one). */
  constructor(
    readonly starts: Int32Array<ArrayBufferLike> = new Int32Array(MAX_TOKENS),
    readonly ends: Int32Array<ArrayBufferLike> = new Int32Array(MAX_TOKENS),
  ) {}

  /** Token i as text (UTF-8), W3C quotes removed; '' when out of range. */
  str(i: number): string {
    if (i < 0 || i >= this.count || i >= this.starts.length) return '';
    const s = this.starts[i],
      e = this.ends[i];
    const b = this.buf;
    if (b[s] === QUOTE && e - s >= 2 && b[e - 1] === QUOTE) return b.toString('utf8', s + 1, e - 1).replace(/""/g, '"');
    return b.toString('utf8', s, e);
  }

  /** Token i as a non-negative integer (W3C quotes removed); -1 for '-', missing or not all digits. Values above 2^32 stay as they are. */
  num(i: number): number {
    if (i < 0 || i >= this.count || i >= this.starts.length) return -1;
    const b = this.buf;
    let s = this.starts[i];
    let e = this.ends[i];
    // a W3C-quoted value ("200") is its content, as str() gives it
    if (e - s >= 2 && b[s] === QUOTE && b[e - 1] === QUOTE) {
      s++;
      e--;
    }
    if (e - s > 15) return e - s < 300 && /^\d+$/.test(b.toString('latin1', s, e)) ? Number(b.toString('latin1', s, e)) : -1;
    let v = 0;
    if (s === e) return -1;
    for (; s < e; s++) {
      const c = b[s] - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    return v;
  }

  /** Whether token i is exactly "-" (W3C: empty). */
  isDash(i: number): boolean {
    return i >= 0 && i < this.count && i < this.starts.length && this.ends[i] - this.starts[i] === 1 && this.buf[this.starts[i]] === 45;
  }

  /** Token i equals the ASCII string s (no allocation). */
  equals(i: number, s: string): boolean {
    if (i < 0 || i >= this.count || i >= this.starts.length) return false;
    const st = this.starts[i];
    if (this.ends[i] - st !== s.length) return false;
    for (let k = 0; k < s.length; k++) if (this.buf[st + k] !== s.charCodeAt(k)) return false;
    return true;
  }

  /** Seconds since 1970 of the date + time fields (or the layout's #Date when there is no date field); NaN when unknown. */
  epochSeconds(): number {
    const lay = this.layout;
    if (!lay) return NaN;
    const ti = lay.columns.time;
    if (ti < 0 || ti >= this.count) return NaN;
    const t = this.hms(ti);
    if (t < 0) return NaN;
    const di = lay.columns.date;
    let days: number;
    if (di >= 0 && di < this.count) days = this.ymdDays(di);
    else days = lay.date ? dateDays(lay.date) : 0;
    if (Number.isNaN(days)) return NaN;
    return days * 86400 + t;
  }

  /** "2026-11-21T10:00:00Z" from the date/time fields (or #Date); null when unknown. */
  isoTime(): string | null {
    const lay = this.layout;
    if (!lay) return null;
    const ti = lay.columns.time;
    if (ti < 0 || ti >= this.count) return null;
    const di = lay.columns.date;
    const date = di >= 0 && di < this.count ? this.str(di) : lay.date;
    const time = this.str(ti);
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{1,2}:\d{2}:\d{2}(\.\d+)?$/.test(time)) return null;
    return `${date}T${time.length === 7 ? '0' + time : time}Z`;
  }

  /** The whole line as text. */
  text(): string {
    return this.buf.toString('utf8', this.start, this.end);
  }

  private hms(i: number): number {
    const b = this.buf;
    const s = this.starts[i],
      e = this.ends[i];
    // H:MM:SS or HH:MM:SS, optional fraction ignored
    let p = s,
      h = 0;
    while (p < e && b[p] !== 58) {
      const c = b[p] - 48;
      if (c < 0 || c > 9) return -1;
      h = h * 10 + c;
      p++;
    }
    if (p + 6 > e || b[p + 3] !== 58) return -1;
    const m = (b[p + 1] - 48) * 10 + (b[p + 2] - 48),
      sec = (b[p + 4] - 48) * 10 + (b[p + 5] - 48);
    if (!(m >= 0 && m < 60 && sec >= 0 && sec < 62)) return -1;
    return h * 3600 + m * 60 + sec;
  }

  private lastDateKey = -1;
  private lastDateDays = NaN;
  private ymdDays(i: number): number {
    const b = this.buf;
    const s = this.starts[i];
    if (this.ends[i] - s !== 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return NaN;
    const y = (b[s] - 48) * 1000 + (b[s + 1] - 48) * 100 + (b[s + 2] - 48) * 10 + (b[s + 3] - 48);
    const mo = (b[s + 5] - 48) * 10 + (b[s + 6] - 48),
      d = (b[s + 8] - 48) * 10 + (b[s + 9] - 48);
    const key = y * 10000 + mo * 100 + d;
    if (key === this.lastDateKey) return this.lastDateDays;
    this.lastDateKey = key;
    this.lastDateDays = y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 ? Date.UTC(y, mo - 1, d) / 86400000 : NaN;
    return this.lastDateDays;
  }
}

/** Days since 1970 of a #Date value (NaN when it does not start with yyyy-mm-dd). */
export function dateDays(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86400000 : NaN;
}

export interface W3cScanHandler {
  /** A directive line (`#Software:`, `#Fields:`, `#Remark:` ...). For `#Fields`, `layout` is the new layout. */
  onDirective?(rec: W3cRecord, name: string, value: string, layout: W3cLayout | null): void;
  /** A data line that fits its layout. */
  onRecord(rec: W3cRecord): void;
  /** A data line that does not fit its layout (or has none): reason is one line for the admin. */
  onMalformed(rec: W3cRecord, reason: string): void;
  /** A line with only blanks. */
  onBlank?(rec: W3cRecord): void;
  /**
   * A handler that counts in WebAssembly (W3cCounter) names its kernel here; when it is the
   * scanner's kernel, the scanner hands it whole runs of lines through countLines.
   */
  readonly countingKernel?: W3cKernel;
  /**
   * Counts the complete lines of `layout` from address s of the kernel's memory up to limit (the
   * first at file offset fileOffset) without handing them out. Returns where it stopped (limit, or
   * the start of a line left to the scanner); the kernel's countedLines tells how many it consumed.
   */
  countLines?(layout: W3cLayout, s: number, limit: number, fileOffset: number): number;
}

export interface DirectivesSeen {
  fields: boolean;
  date: boolean;
  software: boolean;
  fieldsWithoutDate: boolean;
  fieldsWithoutSoftware: boolean;
}

/**
 * Push-style scanner: `push(chunk)` as often as needed, then `end()`. Line numbers, layouts and
 * byte offsets carry across chunks. Keeps only the unfinished last line between chunks.
 */
export class W3cScanner {
  readonly layouts: W3cLayout[] = [];
  lines = 0;
  bytes = 0;
  private readonly rec: W3cRecord;
  /** With a kernel, lines in its chunk buffer are tokenized by WebAssembly SIMD (w3cKernel.ts). */
  private readonly kernelMem: ArrayBuffer | null;
  private carry: Buffer[] = [];
  private carryLen = 0;
  private carryKept = 0;
  private carryStart = 0;
  private layout: W3cLayout | null = null;
  private defaultLayout: W3cLayout | null = null;
  private date: string | null = null;
  private software: string | null = null;
  /** First directive line of the header block being read (0 when the last line was data). */
  private headerLine = 0;
  private first = true;
  private offset = 0;

  /** Whether the handler counts runs of lines itself (W3cCounter with this scanner's kernel). */
  private readonly counting: boolean;

  /** The record for layouts of more than MAX_TOKENS fields (created at the first such line). */
  private wide: W3cRecord | null = null;

  private wideRecord(fields: number): W3cRecord {
    if (!this.wide || this.wide.starts.length < fields + 1) this.wide = new W3cRecord(new Int32Array(fields + 1), new Int32Array(fields + 1));
    return this.wide;
  }

  constructor(
    private readonly handler: W3cScanHandler,
    private readonly kernel: W3cKernel | null = null,
  ) {
    this.rec = kernel ? new W3cRecord(kernel.starts, kernel.ends) : new W3cRecord();
    this.kernelMem = kernel ? kernel.memory.buffer : null;
    this.counting = kernel !== null && handler.countingKernel === kernel && typeof handler.countLines === 'function';
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.first && buf.length > 0) {
      this.first = false;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        buf = buf.subarray(3);
        this.offset = 3;
        this.bytes += 3;
      }
    }
    this.bytes += buf.length;
    let pos = 0;
    if (this.carryLen > 0) {
      const lf = buf.indexOf(LF);
      if (lf < 0) {
        this.addCarry(buf);
        this.offset += buf.length;
        return;
      }
      this.addCarry(buf.subarray(0, lf));
      this.flushCarry();
      pos = lf + 1;
    }
    const n = buf.length;
    const base = this.offset;
    // the tokenizer reads 4 bytes at a time through this view (offsets relative to the chunk)
    const dv = n >= 64 ? new DataView(buf.buffer, buf.byteOffset, n) : null;
    if (buf.buffer === this.kernelMem) {
      // the kernel finds each line's end and its tokens in one pass
      const k = this.kernel!,
        o = buf.byteOffset,
        le = k.lineEnd;
      while (pos < n) {
        if (this.counting && this.layout) {
          // the handler counts every line it can in one call; the line it stops at comes below
          const stop = this.handler.countLines!(this.layout, o + pos, o + n, base + pos);
          const counted = k.countedLines[0];
          if (counted > 0) {
            this.lines += counted;
            this.headerLine = 0;
          }
          pos = stop - o;
          if (pos >= n) break;
        }
        const cnt = k.line(o, o + pos, o + n);
        const lf = cnt >= 0 ? (le[0] - o < n ? le[0] - o : -1) : buf.indexOf(LF, pos);
        if (lf < 0) {
          this.carryStart = base + pos;
          this.addCarry(buf.subarray(pos));
          break;
        }
        this.line(buf, pos, lf, base + pos, dv, cnt);
        pos = lf + 1;
      }
      this.offset += n;
      return;
    }
    while (pos < n) {
      const lf = buf.indexOf(LF, pos);
      if (lf < 0) {
        this.carryStart = base + pos;
        this.addCarry(buf.subarray(pos));
        break;
      }
      this.line(buf, pos, lf, base + pos, dv);
      pos = lf + 1;
    }
    this.offset += n;
  }

  /**
   * The next push continues the file at byte `offset` (a line start): no BOM check, file offsets
   * from there. For a parallel worker that reads a part of a file after a primed header.
   */
  continueAt(offset: number): void {
    if (this.carryLen > 0) throw new Error('continueAt inside a line');
    this.first = false;
    this.offset = offset;
  }

  /**
   * Directives since the last markDirectives(): whether a #Fields, a #Date, a #Software came, and
   * whether a #Fields came before any #Date / #Software (its layout took them from before). A
   * parallel range tells with these which parts of its start state its counts depend on.
   */
  readonly seen: DirectivesSeen = { fields: false, date: false, software: false, fieldsWithoutDate: false, fieldsWithoutSoftware: false };

  markDirectives(): void {
    const seen = this.seen;
    seen.fields = seen.date = seen.software = seen.fieldsWithoutDate = seen.fieldsWithoutSoftware = false;
  }

  /** What the directives seen so far decide about the lines to come (layout, #Date, #Software), as text. */
  directiveState(): string {
    const l = this.layout;
    return JSON.stringify([l ? l.fields : null, l ? l.date : null, l ? l.software : null, this.date, this.software]);
  }

  /** Flush the last line when the input did not end with LF. */
  end(): void {
    if (this.carryLen > 0) this.flushCarry();
  }

  /** Keeps the unfinished line; beyond MAX_LINE_BYTES only its length is counted (memory stays bounded). */
  private addCarry(part: Buffer): void {
    if (part.length === 0) return;
    const room = MAX_LINE_BYTES - this.carryKept;
    if (room > 0) {
      const keep = part.length <= room ? part : part.subarray(0, room);
      this.carry.push(Buffer.from(keep));
      this.carryKept += keep.length;
    }
    this.carryLen += part.length;
  }

  private flushCarry(): void {
    const line = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry);
    const total = this.carryLen;
    this.carry = [];
    this.carryLen = 0;
    this.carryKept = 0;
    if (total <= MAX_LINE_BYTES) {
      this.line(line, 0, line.length, this.carryStart);
      return;
    }
    this.lines++;
    this.overlong(line, 0, total, this.carryStart);
  }

  /** A line longer than MAX_LINE_BYTES (without its LF) is malformed; its first 256 bytes stand for it. */
  private overlong(buf: Buffer, s: number, total: number, fileOffset: number): void {
    const r = this.rec;
    r.line = this.lines;
    r.buf = buf;
    r.start = s;
    r.end = s + Math.min(total, 256, buf.length - s);
    r.fileOffset = fileOffset;
    r.count = 0;
    r.layout = this.layout;
    this.headerLine = 0;
    this.handler.onMalformed(r, `a line of ${total} bytes, longer than ${MAX_LINE_BYTES / 1048576} MiB: not a W3C log line`);
  }

  /** `pre`: the kernel's token count of [s, e) with a CR before the LF still in (-1: a quote, tokenize here; -2: not counted). */
  private line(buf: Buffer, s: number, e: number, fileOffset: number, dv: DataView | null = null, pre = -2): void {
    this.lines++;
    let r = this.rec;
    if (e - s > MAX_LINE_BYTES) {
      // the same verdict whether the line lies in one chunk or was split across several
      this.overlong(buf, s, e - s, fileOffset);
      return;
    }
    let cr = false;
    if (e > s && buf[e - 1] === CR) {
      e--;
      cr = true;
    }
    r.line = this.lines;
    r.buf = buf;
    r.start = s;
    r.end = e;
    r.fileOffset = fileOffset;
    if (e > s && buf[s] === HASH) {
      r.count = 0;
      r.layout = this.layout;
      this.directive(r, buf, s, e);
      return;
    }
    // tokenize: runs of non-blanks, W3C quoting at token start
    const wideLayout = this.layout;
    if (wideLayout && wideLayout.fields.length > MAX_TOKENS) {
      // a layout wider than the kernel's tables: positions in a record of its own, tokenized here
      r = this.wideRecord(wideLayout.fields.length);
      r.line = this.lines;
      r.buf = buf;
      r.start = s;
      r.end = e;
      r.fileOffset = fileOffset;
      pre = -1;
    }
    const starts = r.starts,
      ends = r.ends;
    let n = 0,
      i = s;
    if (pre >= 0) {
      // the kernel counted the CR as (part of) a token: take it off
      n = pre;
      if (cr) {
        if (e === s || buf[e - 1] === SP || buf[e - 1] === TAB) n--;
        else if (n - 1 < MAX_TOKENS) ends[n - 1] = e;
      }
      i = e;
    } else if (pre === -2 && buf.buffer === this.kernelMem) {
      const o = buf.byteOffset;
      n = this.kernel!.tok(o, o + s, o + e);
      // -1: a quote in the line, the loop below decides
      if (n >= 0) i = e;
      else n = 0;
    }
    while (i < e) {
      let c = buf[i];
      while (c === SP || c === TAB) {
        if (++i >= e) break;
        c = buf[i];
      }
      if (i >= e) break;
      const ts = i;
      if (c === QUOTE) i = quotedEnd(buf, i, e);
      else {
        i++;
        if (dv !== null) {
          // 4 bytes at a time while none of them is a blank (long user-agent and query tokens)
          while (i + 4 <= e) {
            const w = dv.getUint32(i, true);
            const x = w ^ 0x20202020,
              y = w ^ 0x09090909;
            if ((((x - 0x01010101) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) break;
            i += 4;
          }
        }
        while (i < e) {
          c = buf[i];
          if (c === SP || c === TAB) break;
          i++;
        }
      }
      if (n < starts.length) {
        starts[n] = ts;
        ends[n] = i;
      }
      n++;
    }
    r.count = n;
    this.headerLine = 0;
    if (n === 0) {
      r.layout = this.layout;
      this.handler.onBlank?.(r);
      return;
    }
    let lay = this.layout;
    if (!lay) {
      if (!this.defaultLayout) this.defaultLayout = makeLayout(0, 0, 0, IIS_DEFAULT_FIELDS, this.date, this.software);
      lay = this.defaultLayout;
      r.layout = lay;
      if (n !== lay.fields.length || !looksLikeDateTime(buf, starts[0], ends[0], starts[1], ends[1])) {
        r.layout = null;
        this.handler.onMalformed(
          r,
          `no #Fields directive before this line, and it does not fit the IIS default layout (${n} fields, default has ${lay.fields.length} starting with date and time)`,
        );
        return;
      }
      if (!this.layouts.includes(lay)) this.layouts.push(lay);
      this.handler.onRecord(r);
      return;
    }
    r.layout = lay;
    if (n !== lay.fields.length) {
      let hint = '';
      for (let k = this.layouts.length - 1; k >= 0; k--) {
        const o = this.layouts[k];
        if (o !== lay && o.fields.length === n && o.fieldsLine > 0) {
          hint = ` (it fits the earlier #Fields line ${o.fieldsLine})`;
          break;
        }
      }
      this.handler.onMalformed(r, `${n} fields where the #Fields line ${lay.fieldsLine} declares ${lay.fields.length}${hint}`);
      return;
    }
    this.handler.onRecord(r);
  }

  private directive(r: W3cRecord, buf: Buffer, s: number, e: number): void {
    const text = buf.toString('utf8', s + 1, e);
    const colon = text.indexOf(':');
    const name = (colon >= 0 ? text.slice(0, colon) : text).trim();
    const value = colon >= 0 ? text.slice(colon + 1).trim() : '';
    if (!this.headerLine) this.headerLine = r.line;
    const lname = name.toLowerCase();
    let layout: W3cLayout | null = null;
    const seen = this.seen;
    if (lname === 'software') {
      this.software = value;
      seen.software = true;
    } else if (lname === 'date') {
      if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
        this.date = value.slice(0, 10);
        seen.date = true;
      }
    } else if (lname === 'fields') {
      seen.fields = true;
      if (!seen.date) seen.fieldsWithoutDate = true;
      if (!seen.software) seen.fieldsWithoutSoftware = true;
      const fields = value.split(/[ \t]+/).filter((f) => f.length > 0);
      layout = makeLayout(this.layouts.length, r.line, this.headerLine, fields, this.date, this.software);
      this.layouts.push(layout);
      this.layout = layout;
      r.layout = layout;
    }
    this.handler.onDirective?.(r, name, value, layout);
  }
}

/** "2026-11-21" "10:00:00": what the IIS default layout starts with. */
function looksLikeDateTime(b: Buffer, ds: number, de: number, ts: number, te: number): boolean {
  const digit = (i: number): boolean => b[i] >= 48 && b[i] <= 57;
  return (
    de - ds === 10 &&
    b[ds + 4] === 45 &&
    b[ds + 7] === 45 &&
    digit(ds) &&
    digit(ds + 9) &&
    te - ts >= 8 &&
    b[ts + 2] === 58 &&
    b[ts + 5] === 58 &&
    digit(ts) &&
    digit(ts + 7)
  );
}

/** End of a quoted token starting at q; falls back to a plain token when the quote does not close. */
function quotedEnd(buf: Buffer, q: number, e: number): number {
  let i = q + 1;
  while (i < e) {
    if (buf[i] === QUOTE) {
      if (i + 1 < e && buf[i + 1] === QUOTE) {
        i += 2;
        continue;
      }
      if (i + 1 === e || buf[i + 1] === SP || buf[i + 1] === TAB) return i + 1;
    }
    i++;
  }
  // no closing quote: an ordinary token
  i = q + 1;
  while (i < e && buf[i] !== SP && buf[i] !== TAB) i++;
  return i;
}

/** Scan a whole buffer (a document, a test file). */
export function scanW3cBuffer(buf: Buffer, handler: W3cScanHandler): W3cScanner {
  const sc = new W3cScanner(handler);
  sc.push(buf);
  sc.end();
  return sc;
}
