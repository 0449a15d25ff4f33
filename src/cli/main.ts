// iis-auth-lens: the analysis core on a terminal. Contract: docs/cli.md.
import { subcommands, type Subcommand } from './commands';
import { EXIT_INPUT, EXIT_USAGE, InputError, UsageError, oneLine, terminalSafe, type CliIo } from './io';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

function mainUsage(): string {
  const width = Math.max(...subcommands.map((s) => s.name.length));
  return [
    'Usage: iis-auth-lens <command> [options]',
    '',
    'Find why Windows authentication (NTLM, Negotiate, Extended Protection) fails on IIS and Exchange.',
    '',
    'Commands:',
    ...subcommands.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    '',
    'Every command takes --json (one JSON document on stdout) and --help.',
    'Exit codes: 0 done (findings and every probe verdict are results), 1 an input could not be read or parsed, 2 usage error.',
    '',
    'Run `iis-auth-lens <command> --help` for the options of a command.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? subcommands.find((s) => s.name === rest[0]) : undefined;
    io.stdout.write((target ? (await target.load()).usage : mainUsage()) + '\n');
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = subcommands.find((s) => s.name === name);
  if (!entry) {
    io.stderr.write(`iis-auth-lens: unknown command '${terminalSafe(name)}'\n\n${mainUsage()}\n`);
    return EXIT_USAGE;
  }
  let cmd: Subcommand | undefined;
  try {
    cmd = await entry.load();
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError && cmd) {
      io.stderr.write(`iis-auth-lens ${entry.name}: ${terminalSafe(err.message)}\nUsage: ${cmd.usage}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof InputError) {
      io.stderr.write(`iis-auth-lens ${entry.name}: ${terminalSafe(oneLine(err))}\n`);
      return EXIT_INPUT;
    }
    io.stderr.write(`iis-auth-lens ${entry.name}: internal error: ${terminalSafe(oneLine(err))}\n`);
    return EXIT_INPUT;
  }
}

if (require.main === module) {
  // stdin and stderr are opened only when used: creating process.stdin's stream costs ~2 ms
  // (it loads fs/net streams), and most runs never read it.
  const io: CliIo = {
    stdout: process.stdout,
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    get stdinIsTTY() {
      return !!process.stdin.isTTY;
    },
  };
  // EPIPE on stdout (e.g. `| head`): the reader has what it wanted, end quietly. Any other write
  // error (ENOSPC on `> /dev/full`, EIO) means the result is lost: say so and exit 1 at once,
  // instead of analyzing on and exiting 0 with nothing written.
  let writeFailed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    if (writeFailed) return;
    writeFailed = true;
    process.stderr.write(`iis-auth-lens: cannot write the output to stdout: ${oneLine(e)}\n`, () => process.exit(EXIT_INPUT));
    process.exitCode = EXIT_INPUT;
  });
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = writeFailed ? EXIT_INPUT : code;
    },
    (err) => {
      process.stderr.write(`iis-auth-lens: internal error: ${oneLine(err)}\n`);
      process.exitCode = EXIT_INPUT;
    },
  );
}
