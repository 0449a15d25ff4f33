// The CLI's main() run in this process with captured streams: what a terminal would see on stdout
// and stderr, and the exit code. One helper for every test that runs the CLI without a process.
import { PassThrough, type Readable } from 'node:stream';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';

export interface CapturedIo {
  io: CliIo;
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/**
 * Streams for main(): stdout and stderr captured. stdin is the given text (ended; a pipe, so not a
 * TTY unless `stdinIsTTY` says so), the given stream (a TTY unless told otherwise), or, without
 * one, an empty terminal that never ends (a TTY: commands must not wait for it).
 */
export function cliIo(stdin?: string | Readable, stdinIsTTY?: boolean): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let input: Readable;
  let tty: boolean;
  if (typeof stdin === 'string') {
    const pipe = new PassThrough();
    pipe.end(stdin);
    input = pipe;
    tty = stdinIsTTY ?? false;
  } else {
    input = stdin ?? new PassThrough();
    tty = stdinIsTTY ?? true;
  }
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer | string) => {
    o += String(d);
  });
  stderr.on('data', (d: Buffer | string) => {
    e += String(d);
  });
  return { io: { stdout, stderr, stdin: input, stdinIsTTY: tty }, out: () => o, err: () => e };
}

/** Runs `iis-auth-lens ...args` in process (stdin as for cliIo) and returns its exit code and output. */
export async function runCli(args: string[], stdin?: string | Readable, stdinIsTTY?: boolean): Promise<{ code: number; out: string; err: string }> {
  const t = cliIo(stdin, stdinIsTTY);
  const code = await main(args, t.io);
  return { code, out: t.out(), err: t.err() };
}
