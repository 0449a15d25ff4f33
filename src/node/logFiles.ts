// The one Node I/O layer for logs and traces on disk: what a file is (sniffFile), its text as the
// W3C scanner reads it (openLogStream: gzip by magic bytes, UTF-16 with or without BOM, CR-only
// line ends), pipes and FIFOs read as streams that never block forever (openStreamInput), and the
// one folder walk (walkFolder: byte-exact names, an unreadable subfolder reported by its own path).
import * as fsp from 'node:fs/promises';
import { constants, createReadStream, openSync, closeSync, fstatSync, type Dirent, type PathLike, type Stats } from 'node:fs';
import { isatty } from 'node:tty';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import { sep } from 'node:path';
import { detectFileKind, type FileKind, type FileKindResult, type KindMode, kindByName } from '../core/files/fileKind';
import { W3cScanner, type W3cScanHandler } from '../core/w3c/w3cScanner';
import { decodeHead, isGzipMagic, LogTextDecoder, type LineEnds, type TextEncodingInfo } from '../core/files/textEncoding';

export const HEAD_BYTES = 8192;

/** The file system calls the walk and the sniffer make; tests replace them (e.g. to make a folder unreadable as root). */
export interface LogFs {
  readdir(path: PathLike, opts: { withFileTypes: true; encoding: 'buffer' }): Promise<Dirent[]>;
  stat(path: PathLike): Promise<Stats>;
  open(path: PathLike, flags: string | number): Promise<fsp.FileHandle>;
}

export const nodeLogFs: LogFs = {
  readdir: (p, o) => fsp.readdir(p, o) as unknown as Promise<Dirent[]>,
  stat: (p) => fsp.stat(p),
  open: (p, f) => fsp.open(p, f),
};

/** A file found or named: the path to show (valid text) and the path to open (bytes when the name is not UTF-8). */
export interface FileRef {
  path: string;
  fsPath: string | Buffer;
}

/** A name's bytes as text: UTF-8 when valid, otherwise each byte above 0x7f as \xNN (shown, never used to open). */
export function displayName(name: Buffer): string {
  const s = name.toString('utf8');
  if (Buffer.from(s, 'utf8').equals(name)) return s;
  let out = '';
  for (const b of name) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

function joinRef(dir: FileRef, name: Buffer, sep: string): FileRef {
  const shown = displayName(name);
  const slash = dir.path.endsWith(sep) ? '' : sep;
  const path = dir.path + slash + shown;
  if (typeof dir.fsPath === 'string' && Buffer.from(shown, 'utf8').equals(name)) return { path, fsPath: dir.fsPath + slash + shown };
  const base = typeof dir.fsPath === 'string' ? Buffer.from(dir.fsPath, 'utf8') : dir.fsPath;
  return { path, fsPath: Buffer.concat([base, slash ? Buffer.from(sep) : Buffer.alloc(0), name]) };
}

/** Folders no walk descends into. */
export const SKIP_DIRS = new Set(['node_modules', '.git', '$RECYCLE.BIN', 'System Volume Information']);

export interface WalkResult {
  /** Files below the folder, sorted by path (names compared bytewise), symlinked files included. */
  files: FileRef[];
  /** Folders (the top one included) that could not be listed, each by its own path. */
  errors: Array<{ path: string; error: NodeJS.ErrnoException }>;
}

export interface WalkOptions {
  fs?: LogFs;
  /** The separator joining a folder and a name: the platform's by default (path.win32.sep walks a Windows tree on any platform, as the tests do). */
  sep?: string;
  /** Checked between folders; when it returns true the walk stops with what it has. */
  cancelled?: () => boolean;
}

/**
 * Every file below dir, recursively; symlinked folders are not followed, folders in SKIP_DIRS are
 * not entered. A folder that cannot be listed is reported and the walk goes on with the others.
 */
export async function walkFolder(dir: string, opts: WalkOptions = {}): Promise<WalkResult> {
  const fs = opts.fs ?? nodeLogFs;
  const out: WalkResult = { files: [], errors: [] };
  const walk = async (d: FileRef): Promise<void> => {
    if (opts.cancelled?.()) return;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(d.fsPath, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      out.errors.push({ path: d.path, error: err as NodeJS.ErrnoException });
      return;
    }
    const names = entries.map((e) => ({ e, name: e.name as unknown as Buffer }));
    names.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const { e, name } of names) {
      const ref = joinRef(d, name, opts.sep ?? sep);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(displayName(name))) await walk(ref);
      } else if (e.isFile()) out.files.push(ref);
      else if (e.isSymbolicLink()) {
        const st = await fs.stat(ref.fsPath).catch(() => null);
        if (st?.isFile()) out.files.push(ref);
      }
    }
  };
  await walk({ path: dir, fsPath: dir });
  return out;
}

/** One line for a file or folder that cannot be read: `<path>: cannot read: <why>`. */
export function readError(path: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why =
    e?.code === 'ENOENT'
      ? 'no such file or folder'
      : e?.code === 'EACCES'
        ? 'permission denied'
        : e?.code === 'EISDIR'
          ? 'is a folder'
          : String(e?.message ?? err)
              .replace(/\s*\r?\n\s*/g, ' ')
              .trim();
  return `${path}: cannot read: ${why}`;
}

/** What a file is and how it is stored. */
export interface SniffedFile extends FileKindResult {
  gzip: boolean;
  /** The decoded head (BOM removed, lone CRs as LF). */
  text: string;
  encoding: TextEncodingInfo | null;
  lineEnds: LineEnds;
}

/** Kind and storage of a file from the first 8 KiB of its bytes (gunzipped when gzip). */
export function sniffBytes(raw: Buffer, name: string, mode: KindMode): SniffedFile {
  let head = raw;
  const gzip = isGzipMagic(raw);
  if (gzip) {
    try {
      // a partial gzip member: decompress what the head holds
      head = gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      const kind = mode === 'named' ? kindByName(name) : 'unknown';
      return { kind, reason: 'gzip data that does not decompress', gzip, text: '', encoding: null, lineEnds: 'none' };
    }
  }
  const d = decodeHead(head.subarray(0, gzip ? HEAD_BYTES * 4 : HEAD_BYTES));
  const k = detectFileKind(d.text, name, mode);
  // a *.gz stored plain is read as it is; when it is no log either, the name may be why
  if (!gzip && k.kind === 'unknown' && /\.gz$/i.test(name)) k.reason = `named .gz but not gzip data (no gzip header), and ${k.reason}`;
  return { ...k, gzip, text: d.text, encoding: d.encoding, lineEnds: d.lineEnds };
}

/** Reads the first bytes of a regular file. */
export async function readHead(fsPath: PathLike, bytes = HEAD_BYTES, fs: LogFs = nodeLogFs): Promise<Buffer> {
  const fh = await fs.open(fsPath, 'r');
  try {
    const b = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Kind of a regular file from its head; throws when it cannot be read. `name` is the path shown
 * (its base name counts in 'named' mode: a file the user named).
 */
export async function sniffFile(fsPath: PathLike, name: string, mode: KindMode, fs: LogFs = nodeLogFs): Promise<SniffedFile> {
  return sniffBytes(await readHead(fsPath, HEAD_BYTES, fs), name, mode);
}

/** One file of a folder scan: a W3C log or FREB trace, or something that could not be read (error set). */
export interface FolderEntry extends FileRef {
  kind: FileKind;
  error?: string;
}

export interface FolderScan {
  /** W3C logs and FREB traces by content, sorted by path; then what could not be read (subfolders included), each by its own path. */
  entries: FolderEntry[];
  /** Files that are neither (other programs' logs, READMEs, binaries). */
  skipped: string[];
}

/**
 * The one folder scan: every file below dir (walkFolder) taken by its content alone (a folder is
 * not the user naming each file): W3C logs and FREB traces whose root element is <failedRequest>.
 * A file that cannot be read counts when its name says log or trace; a subfolder that cannot be
 * listed is an entry of its own. The CLI, Analyze Folder and the tests use this.
 */
export async function scanFolder(dir: string, opts: WalkOptions = {}): Promise<FolderScan> {
  const fs = opts.fs ?? nodeLogFs;
  const walk = await walkFolder(dir, opts);
  const out: FolderScan = { entries: [], skipped: [] };
  for (const f of walk.files) {
    if (opts.cancelled?.()) break;
    try {
      const k = (await sniffFile(f.fsPath, f.path, 'content', fs)).kind;
      if (k !== 'unknown') out.entries.push({ ...f, kind: k });
      else out.skipped.push(f.path);
    } catch (err) {
      const k = kindByName(f.path);
      if (k !== 'unknown') out.entries.push({ ...f, kind: k, error: readError(f.path, err) });
    }
  }
  for (const e of walk.errors) out.entries.push({ path: e.path, fsPath: e.path, kind: 'unknown', error: readError(e.path, e.error) });
  return out;
}

/** True for what can only be read once, front to back (a pipe, FIFO, socket or terminal). */
export function isStreamOnly(st: Stats): boolean {
  return st.isFIFO() || st.isSocket() || st.isCharacterDevice();
}

export class NoDataError extends Error {}

/** A source read once: its first bytes (for sniffing) and the stream of all of it, head included. */
export interface StreamInput {
  head: Buffer;
  stream: Readable;
}

/**
 * Opens a FIFO or pipe (`<(zcat log.gz)`, /dev/stdin) for reading without ever blocking at open: a
 * FIFO nobody writes to is refused after `timeoutMs` with a message that says so. The head is the
 * first HEAD_BYTES (or all of a shorter input).
 */
export async function openStreamInput(fsPath: PathLike, timeoutMs = 10_000): Promise<StreamInput> {
  // O_NONBLOCK: open() of a FIFO without a writer returns at once; libuv then polls the pipe
  const fd = openSync(fsPath, constants.O_RDONLY | constants.O_NONBLOCK);
  let src: Readable;
  try {
    const st = fstatSync(fd);
    if (st.isCharacterDevice()) {
      // a device (/dev/zero, /dev/null) reads at once; a terminal would wait for typing
      if (isatty(fd)) throw new Error('a terminal, not a log (pipe one in or name a file)');
      src = createReadStream('', { fd, highWaterMark: 1 << 20 });
    } else {
      src = new Socket({ fd, readable: true, writable: false });
    }
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  const wait = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
  return peekStream(src, timeoutMs, `nothing was written to it within ${wait} (a FIFO without a writer?)`);
}

/**
 * Takes the head of a stream (at least `want` bytes unless it ends first, waiting at most timeoutMs
 * for the first ones) and gives back the whole.
 */
export async function peekStream(src: Readable, timeoutMs: number, noDataMessage = 'no data', want = HEAD_BYTES): Promise<StreamInput> {
  const it = src[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let len = 0;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    while (len < want) {
      const next =
        len === 0
          ? await Promise.race([
              it.next(),
              new Promise<'timeout'>((r) => {
                timer = setTimeout(() => r('timeout'), timeoutMs);
              }),
            ])
          : await it.next();
      clearTimeout(timer);
      timer = undefined;
      if (next === 'timeout') {
        src.destroy();
        throw new NoDataError(noDataMessage);
      }
      if (next.done) {
        done = true;
        break;
      }
      const b = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
      chunks.push(b);
      len += b.length;
    }
  } catch (err) {
    src.destroy();
    throw err;
  } finally {
    // a stream that fails while we wait must not leave the timer holding the process
    clearTimeout(timer);
  }
  const head = Buffer.concat(chunks);
  const stream = Readable.from(
    (async function* (): AsyncGenerator<Buffer> {
      if (head.length) yield head;
      if (done) return;
      for (let n = await it.next(); !n.done; n = await it.next()) yield typeof n.value === 'string' ? Buffer.from(n.value, 'utf8') : n.value;
    })(),
    { objectMode: false },
  );
  return { head: head.subarray(0, HEAD_BYTES), stream };
}

export function gzipError(e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'Z_DATA_ERROR' || err?.code === 'Z_BUF_ERROR' || /unexpected end of file|incorrect header check/i.test(String(err?.message))) {
    return new Error(`gzip data is corrupt or truncated (${err.message})`);
  }
  return err;
}

/** Gunzips a stream when its first bytes are gzip (stdin, a pipe, a file whatever its name). */
export async function gunzipIfGzip(src: Readable): Promise<{ stream: Readable; gzip: boolean }> {
  // two bytes tell; a slow writer (`tail -f u_ex.log | iis-auth-lens analyze -`) is not waited for
  const { head, stream } = await peekStream(src, 2_147_483_647, 'no data', 2);
  if (!isGzipMagic(head)) return { stream, gzip: false };
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  stream.on('error', (e) => gunzip.destroy(e));
  stream.pipe(gunzip);
  return { stream: gunzip, gzip: true };
}

export interface LogStreamOptions {
  signal?: AbortSignal;
  /** Raw bytes read so far from the source (compressed bytes for gzip). */
  onRawBytes?: (bytesRead: number) => void;
}

/**
 * The text of a log as the W3C scanner reads it (UTF-8, LF or CRLF), from a file or a stream:
 * gzip by magic bytes, UTF-16 LE/BE with or without BOM transcoded, lone CRs turned into LF.
 */
export async function* logChunks(source: PathLike | Readable, opts: LogStreamOptions = {}): AsyncGenerator<Buffer> {
  const raw = source instanceof Readable ? source : createReadStream(source, { highWaterMark: 1 << 20 });
  if (opts.onRawBytes) {
    let n = 0;
    raw.on('data', (c: Buffer) => {
      n += c.length;
      opts.onRawBytes!(n);
    });
  }
  const { stream } = await gunzipIfGzip(raw);
  const dec = new LogTextDecoder();
  try {
    for await (const c of stream) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      const out = dec.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : (c as Buffer));
      if (out.length) yield out;
    }
  } catch (e) {
    throw gzipError(e);
  } finally {
    raw.destroy();
  }
  const last = dec.end();
  if (last.length) yield last;
}

/** The whole of a (small) file or stream, decoded as logChunks does (UTF-8); refused above maxBytes. */
export async function readLogBytes(source: PathLike | Readable, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of logChunks(source)) {
    n += c.length;
    if (n > maxBytes) throw new Error(`larger than ${Math.round(maxBytes / 1048576)} MiB`);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

/** The same as text, BOM removed. */
export async function readLogText(source: PathLike | Readable, maxBytes: number): Promise<string> {
  const text = (await readLogBytes(source, maxBytes)).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Runs a W3C log (file or stream, any storage logChunks reads) through a scan handler, streaming. */
export async function scanW3cLog(source: PathLike | Readable, handler: W3cScanHandler, opts: LogStreamOptions = {}): Promise<{ bytes: number; lines: number }> {
  const sc = new W3cScanner(handler);
  for await (const c of logChunks(source, opts)) sc.push(c);
  sc.end();
  return { bytes: sc.bytes, lines: sc.lines };
}
