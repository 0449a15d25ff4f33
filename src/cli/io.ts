// Shared plumbing for the CLI subcommands: exit codes, output streams and error reporting.
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

export async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
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
