// How a log or trace is stored: gzip (by its magic bytes, never the name), UTF-8 with or without
// BOM, UTF-16 LE/BE with or without BOM, and LF, CRLF or CR-only line ends. Every reader (CLI,
// language server, large files, folder analysis, timeline, matching lines, evidence links) asks
// here, and turns what it reads into UTF-8 with LF or CRLF line ends through LogTextDecoder.

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';
export type LineEnds = 'lf' | 'crlf' | 'cr' | 'none';

export interface TextEncodingInfo {
  encoding: TextEncodingName;
  /** Length of the byte order mark (0, 2 or 3). */
  bom: number;
  /** Why, in a few words (for traces and messages). */
  why: string;
}

/** True when the first bytes are a gzip member header. */
export function isGzipMagic(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * The encoding of a text from its first bytes. Without a BOM, UTF-16 is told by where the NUL
 * bytes fall: a log is ASCII nearly throughout, so in UTF-16LE every odd byte is 0, in UTF-16BE
 * every even one. Anything else is read as UTF-8.
 */
export function detectTextEncoding(head: Uint8Array): TextEncodingInfo {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3, why: 'UTF-8 with BOM' };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2, why: 'UTF-16LE with BOM' };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2, why: 'UTF-16BE with BOM' };
  const n = Math.min(head.length, 1024) & ~1;
  if (n >= 4) {
    let evenNul = 0,
      oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul >= pairs * 0.7 && evenNul <= pairs * 0.05) return { encoding: 'utf-16le', bom: 0, why: 'UTF-16LE without BOM (NUL in every other byte)' };
    if (evenNul >= pairs * 0.7 && oddNul <= pairs * 0.05) return { encoding: 'utf-16be', bom: 0, why: 'UTF-16BE without BOM (NUL in every other byte)' };
  }
  return { encoding: 'utf-8', bom: 0, why: 'UTF-8' };
}

/** The line ends of a text, from its first line end: 'cr' only when the first one is a lone CR. */
export function detectLineEnds(text: string): LineEnds {
  const cr = text.indexOf('\r');
  const lf = text.indexOf('\n');
  if (cr < 0 && lf < 0) return 'none';
  if (cr < 0 || (lf >= 0 && lf < cr)) return 'lf';
  if (text.charCodeAt(cr + 1) === 10) return 'crlf';
  // a CR as the very last character may be the first half of a CRLF cut off by the head
  return cr + 1 < text.length ? 'cr' : 'none';
}

/** The same for bytes (ASCII line ends are the same bytes in UTF-8). */
export function detectLineEndsBytes(buf: Uint8Array): LineEnds {
  const cr = buf.indexOf(13);
  const lf = buf.indexOf(10);
  if (cr < 0 && lf < 0) return 'none';
  if (cr < 0 || (lf >= 0 && lf < cr)) return 'lf';
  if (buf[cr + 1] === 10) return 'crlf';
  return cr + 1 < buf.length ? 'cr' : 'none';
}

/** Decodes the head of a file (already gunzipped) to a string, BOM removed, lone CRs as LF. */
export function decodeHead(head: Uint8Array): { text: string; encoding: TextEncodingInfo; lineEnds: LineEnds } {
  const encoding = detectTextEncoding(head);
  const body = head.subarray(encoding.bom);
  let text: string;
  if (encoding.encoding === 'utf-8') text = new TextDecoder('utf-8').decode(body);
  else text = new TextDecoder(encoding.encoding).decode(body.subarray(0, body.length & ~1));
  const lineEnds = detectLineEnds(text);
  if (lineEnds === 'cr') text = text.replace(/\r(?!\n)/g, '\n');
  return { text, encoding, lineEnds };
}

/**
 * A streaming decoder to what the W3C scanner reads: UTF-8 bytes with LF or CRLF line ends.
 * UTF-8 input passes unchanged (its BOM too: the scanner skips it) unless its line ends are lone
 * CRs, which become LF (same length, so offsets and line numbers stay those of the file).
 * UTF-16 is transcoded. The encoding and line ends are decided from the first bytes.
 */
export class LogTextDecoder {
  encoding: TextEncodingInfo | null = null;
  lineEnds: LineEnds = 'none';
  private utf16: TextDecoder | null = null;
  /** A lone CR at the end of a chunk waits for the next byte (it may start a CRLF). */
  private pendingCr = false;
  private headBytes: Buffer | null = null;

  /** Decoded bytes of this chunk (possibly empty while the encoding is still undecided). */
  push(chunk: Uint8Array): Buffer {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.encoding) {
      // two bytes decide a BOM; without one, look at up to 64 bytes for the NUL pattern
      const head = this.headBytes ? Buffer.concat([this.headBytes, buf]) : buf;
      if (head.length < 64 && !(head.length >= 2 && (head[0] === 0xff || head[0] === 0xfe || head[0] === 0xef))) {
        this.headBytes = Buffer.from(head);
        return Buffer.alloc(0);
      }
      this.headBytes = null;
      this.encoding = detectTextEncoding(head);
      if (this.encoding.encoding !== 'utf-8') this.utf16 = new TextDecoder(this.encoding.encoding);
      buf = head;
    }
    if (this.utf16) buf = Buffer.from(this.utf16.decode(buf, { stream: true }), 'utf8');
    return this.lineEndsOf(buf, false);
  }

  /** What is left at the end of the input. */
  end(): Buffer {
    let rest: Buffer = Buffer.alloc(0);
    if (!this.encoding && this.headBytes) {
      const head = this.headBytes;
      this.headBytes = null;
      this.encoding = detectTextEncoding(head);
      if (this.encoding.encoding !== 'utf-8') this.utf16 = new TextDecoder(this.encoding.encoding);
      rest = this.utf16 ? Buffer.from(this.utf16.decode(head, { stream: true }), 'utf8') : head;
    }
    if (this.utf16) rest = Buffer.concat([rest, Buffer.from(this.utf16.decode(), 'utf8')]);
    return this.lineEndsOf(rest, true);
  }

  private lineEndsOf(buf: Buffer, last: boolean): Buffer {
    if (this.pendingCr) {
      this.pendingCr = false;
      buf = Buffer.concat([Buffer.from([13]), buf]);
    }
    if (this.lineEnds === 'none') {
      this.lineEnds = detectLineEndsBytes(buf);
      if (this.lineEnds === 'none' && buf.length > 0 && buf[buf.length - 1] === 13 && !last) {
        // undecided: the CR may be the first half of a CRLF
        this.pendingCr = true;
        return buf.subarray(0, buf.length - 1);
      }
    }
    if (this.lineEnds !== 'cr') return buf;
    if (buf.length > 0 && buf[buf.length - 1] === 13 && !last) {
      this.pendingCr = true;
      buf = buf.subarray(0, buf.length - 1);
    }
    let out: Buffer | null = null;
    for (let i = buf.indexOf(13); i >= 0; i = buf.indexOf(13, i + 1)) {
      if (buf[i + 1] === 10) continue;
      out ??= Buffer.from(buf);
      out[i] = 10;
    }
    return out ?? buf;
  }
}

/**
 * An editor document's text as the W3C scanner reads it (UTF-8; lone CRs, which the editor
 * counts as line ends, as LF), so an open document gives the lines and counts its file gives.
 */
export function scannerBytes(text: string): Buffer {
  const buf = Buffer.from(text, 'utf8');
  if (detectLineEnds(text.slice(0, 1 << 16)) !== 'cr') return buf;
  for (let i = buf.indexOf(13); i >= 0; i = buf.indexOf(13, i + 1)) if (buf[i + 1] !== 10) buf[i] = 10;
  return buf;
}
