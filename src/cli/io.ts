// Shared plumbing for the CLI subcommands: exit codes, output streams and error reporting.
import { open, stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** Whether stdin is a terminal (then `-` and --password-stdin have nothing piped in). */
  stdinIsTTY: boolean;
}

/** Thrown for a usage error: main prints the message and the subcommand's usage, exit 2. */
export class UsageError extends Error {}

/** Thrown for an input that could not be read or parsed: one line naming where and why, exit 1. */
export class InputError extends Error {}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/**
 * All of stdin as UTF-8, at most maxBytes: past the limit reading stops at once (stdin is left
 * unread) and an InputError says so. Reading everything first and checking after let 2 GB of
 * stdin abort the process in Buffer.concat.
 */
export async function readStdin(io: CliIo, maxBytes: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let len = 0;
  for await (const c of io.stdin) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    len += b.length;
    if (len > maxBytes) {
      io.stdin.destroy();
      throw new InputError(`stdin: more than ${formatBytes(maxBytes)}: ${what}`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Largest certificate file read (cbt FILE, decode --cert): a certificate is a few KB, a PEM chain a few tens. */
export const MAX_CERT_BYTES = 1 << 20;

export function formatBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)} GiB`;
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

/**
 * Checks that path is a regular file before it is opened: a FIFO blocks open() until a writer
 * comes, and a device such as /dev/zero never ends. Throws InputError naming the file.
 */
export async function requireRegularFile(path: string, what: string, cannotRead = (why: string) => `${path}: cannot read: ${why}`): Promise<{ size: number }> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw new InputError(cannotRead(errnoText(err)));
  }
  if (st.isDirectory()) throw new InputError(`${path}: is a directory, expected ${what}`);
  if (!st.isFile()) throw new InputError(`${path}: not a regular file (a device, pipe or socket), expected ${what}; pipe a stream on stdin instead`);
  return { size: st.size };
}

/** A regular file of at most maxBytes (checked before reading, and again while reading, as it may grow). */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  what: string,
  cannotRead = (why: string) => `${path}: cannot read: ${why}`,
): Promise<Buffer> {
  const { size } = await requireRegularFile(path, what, cannotRead);
  if (size > maxBytes) throw new InputError(`${path}: ${formatBytes(size)} is more than ${formatBytes(maxBytes)}: too large for ${what}`);
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new InputError(cannotRead(errnoText(err)));
  }
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let len = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, len, buf.length - len, null);
      if (bytesRead === 0) break;
      len += bytesRead;
      if (len > maxBytes) throw new InputError(`${path}: more than ${formatBytes(maxBytes)}: too large for ${what}`);
    }
    return buf.subarray(0, len);
  } finally {
    await fh.close();
  }
}

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : oneLine(err);
}

/**
 * Text from the input (file names, token user names, URLs, log excerpts) made safe for a terminal:
 * C0/C1 control characters, DEL, bidi overrides and Unicode line separators are written as
 * \xHH / \uHHHH escapes, so input cannot move the cursor, recolour the screen or forge lines.
 */
export function terminalSafe(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/**
 * The first line of stdin without its CR/LF, read without waiting for the end of input (a writer
 * that keeps the pipe open does not block us); null when more than maxBytes come without a line end.
 */
export async function readStdinLine(io: CliIo, maxBytes = 1 << 16): Promise<string | null> {
  const chunks: Buffer[] = [];
  let len = 0;
  for await (const c of io.stdin) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    const lf = b.indexOf(10);
    chunks.push(lf >= 0 ? b.subarray(0, lf) : b);
    len += lf >= 0 ? lf : b.length;
    if (len > maxBytes) return null;
    if (lf >= 0) break;
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
}

/** A one-line description of any error, without a stack. */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*\r?\n\s*/g, ' ').trim();
}
