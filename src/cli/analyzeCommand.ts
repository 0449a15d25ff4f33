// `iis-auth-lens analyze [--json] [--summary] PATH...` (docs/cli.md): W3C logs
// (streamed, .gz transparently), FREB traces and folders of both.
import type { Subcommand } from './commands';
import { EXIT_INPUT, EXIT_OK, UsageError, oneLine, terminalSafe, type CliIo } from './io';
import { ChunkedWriter, jsonPieces } from './jsonStream';
import type { FileEntry, W3cFileEntry } from '../core/analyzeResult';
import { analyzeW3cFile, analyzeW3cStream, type StreamAnalyzeOptions } from '../core/w3c/w3cAnalyze';
import { analyzeW3cSummaryParallel, PARALLEL_MIN_BYTES, prestartSummaryWorkers, summaryThreads } from '../core/w3c/w3cParallel';
import { MAX_OPEN_HANDSHAKES, type W3cAnalysis } from '../core/w3c/w3cFindings';
import { FILTER_HELP, FrebFilterError, frebFilterFromArgs, type FrebFilter } from '../core/freb/frebFilter';
import { describeWin32 } from '../core/win32Status';
import { describeStatus } from '../core/httpStatus';
import { collectInputs, readError, type AnalyzeInput, type SniffedKind } from './analyzeFiles';
import { readLogText } from '../node/logFiles';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { detectTextEncoding, isGzipMagic } from '../core/files/textEncoding';
import { DEFAULT_HANDSHAKE_WINDOW_SECONDS } from '../core/findings';

const USAGE = 'iis-auth-lens analyze [--json] [--summary] [--window SECONDS] [--filter KEY=VALUE]... PATH...';
const HELP = `${USAGE}

Analyze IIS W3C logs (u_ex*.log, HTTPERR, any W3C extended log), FREB traces (fr*.xml) and folders
of them (searched recursively) for Windows-authentication failures. .gz files are read transparently.

  --json            one JSON document on stdout (see the CLI contract)
  --summary         counts only, no list of findings
  --window SECONDS  time window grouping the legs of one NTLM/Negotiate handshake (default ${DEFAULT_HANDSHAKE_WINDOW_SECONDS})
  --filter KEY=VALUE  keep only the FREB traces that match (repeatable, all must match; W3C logs
                    are analyzed as usual) - what the article's Copy-FREBEvents script selects
  -                 read one W3C log from stdin
  --help            this text

${FILTER_HELP}

Findings: BAD_BINDINGS, INVALID_TOKEN, LOGON_DENIED, HANDSHAKE_INCOMPLETE, MALFORMED_LINE.
Exit codes: 0 analyzed (findings are results), 1 a file could not be read or parsed (the others are
still analyzed), 2 usage error.`;

/** Findings kept per file (the summary counts stay exact): a binary file has a MALFORMED_LINE per "line". */
const MAX_MALFORMED = 10000;
const MAX_PER_CODE = 200000;

interface Options {
  json: boolean;
  summary: boolean;
  window: number;
  paths: string[];
  frebFilter: FrebFilter | null;
}

function parseArgs(argv: string[]): Options | 'help' {
  let frebFilter: FrebFilter | null;
  try {
    ({ filter: frebFilter, rest: argv } = frebFilterFromArgs(argv));
  } catch (err) {
    if (err instanceof FrebFilterError) throw new UsageError(err.message);
    throw err;
  }
  const o: Options = { json: false, summary: false, window: DEFAULT_HANDSHAKE_WINDOW_SECONDS, paths: [], frebFilter };
  let rest = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (rest || a === '-' || !a.startsWith('-')) {
      o.paths.push(a);
      continue;
    }
    if (a === '--') rest = true;
    else if (a === '--json') o.json = true;
    else if (a === '--summary') o.summary = true;
    else if (a === '--help' || a === '-h') return 'help';
    else if (a === '--window' || a.startsWith('--window=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      const n = Number(v);
      if (v === undefined || !Number.isFinite(n) || n <= 0) throw new UsageError(`--window needs a positive number of seconds, got '${v ?? ''}'`);
      o.window = n;
    } else throw new UsageError(`unknown option '${a}'`);
  }
  if (o.paths.length === 0) throw new UsageError('no PATH given');
  return o;
}

function errorEntry(path: string, kind: SniffedKind, error: string): FileEntry {
  return { path, kind, error } as FileEntry;
}

/** The entry of one file; null for a FREB trace that --filter leaves out. */
async function analyzeOne(f: AnalyzeInput, o: Options, io: CliIo): Promise<FileEntry | null> {
  const { path, kind, why } = f;
  if ((f.input && kind === 'w3c') || path === '-') {
    // a W3C log piped in (e.g. `zcat u_ex*.log.gz | iis-auth-lens analyze -`, gzip told by its magic
    // bytes) or a pipe or FIFO (`<(zcat u_ex*.log.gz)`): read once, as a stream
    if (!f.input && io.stdinIsTTY) return errorEntry('-', 'w3c', '-: nothing piped in on stdin');
    try {
      return w3cEntry(path, await analyzeW3cStream(f.input ? f.input.stream : io.stdin, w3cOptions(o)), o.summary);
    } catch (err) {
      return errorEntry(path, 'w3c', `${path}: ${oneLine(err)}`);
    }
  }
  if (kind === 'freb') {
    // loaded at the first FREB trace: fast-xml-parser and the token decoders cost a W3C-only run ~5 ms
    if (f.input || typeof f.fsPath !== 'string') {
      let text: string;
      try {
        text = await readLogText(f.input ? f.input.stream : f.fsPath, 64 << 20);
      } catch (err) {
        return errorEntry(path, 'freb', readError(path, err));
      }
      if (o.frebFilter) return (await import('../core/freb/frebSearch.js')).analyzeFrebTextFiltered(text, path, o.frebFilter);
      return (await import('../core/freb/frebAnalyze.js')).analyzeFrebText(text, path);
    }
    if (o.frebFilter) return (await import('../core/freb/frebSearch.js')).analyzeFrebFileFiltered(path, o.frebFilter);
    return (await import('../core/freb/frebAnalyze.js')).analyzeFrebFile(path);
  }
  if (kind === 'unknown')
    return errorEntry(path, 'unknown', `${path}: ${why ?? 'not an IIS W3C log or FREB trace (no #Fields/#Software directive, no <failedRequest>)'}`);
  try {
    // --summary of a large plain log: the cores share it (exact; null when it does not apply)
    // (IIS_AUTH_LENS_TRACE=1 says on stderr how the file was read)
    const trace = process.env.IIS_AUTH_LENS_TRACE
      ? (m: string): void => {
          io.stderr.write(`iis-auth-lens analyze: ${path}: ${m}\n`);
        }
      : undefined;
    const par =
      o.summary && typeof f.fsPath === 'string' && !path.toLowerCase().endsWith('.gz')
        ? await analyzeW3cSummaryParallel(f.fsPath, {
            handshakeWindowSeconds: o.window,
            onFallback: trace && ((why) => trace(`one thread (${why})`)),
            onRanges: trace && ((r) => trace(`${r.threads} threads: ${r.ranges} ranges counted by ${r.counting} of them`)),
            onWorkerLost: trace && ((why) => trace(`a worker failed before it took a part, the others counted its share: ${why}`)),
            onRecount: trace && ((k, why) => trace(`range ${k} counted again on the main thread (${why})`)),
            onTiming:
              trace &&
              ((ts) => {
                for (const t of ts)
                  trace(
                    `range ${t.range + 1} (${t.thread ? `worker ${t.thread}` : 'main thread'}): ${(t.bytes / 1048576).toFixed(0)} MiB, ${t.startedMs.toFixed(0)}-${t.doneMs.toFixed(0)} ms after start`,
                  );
              }),
          })
        : null;
    const r = par ?? (await analyzeW3cFile(f.fsPath, w3cOptions(o)));
    return w3cEntry(path, r, o.summary);
  } catch (err) {
    return errorEntry(path, 'w3c', /gzip/.test(oneLine(err)) ? `${path}: ${oneLine(err)}` : readError(path, err));
  }
}

/**
 * --summary naming a large plain file: the worker threads start now and boot while the arguments
 * are read and the file is sniffed (tens of ms of CPU each); whatever they are not given to count
 * does not hold the process. Not for gzip or UTF-16 (told by the first bytes), which are read on
 * one thread.
 */
function prestartForLargeFile(paths: string[]): void {
  if (summaryThreads() < 2) return;
  for (const p of paths) {
    if (p === '-' || p.toLowerCase().endsWith('.gz')) continue;
    try {
      const st = statSync(p);
      if (!st.isFile() || st.size < PARALLEL_MIN_BYTES) continue;
      const head = Buffer.alloc(512);
      const fd = openSync(p, 'r');
      let n = 0;
      try {
        n = readSync(fd, head, 0, head.length, 0);
      } finally {
        closeSync(fd);
      }
      const h = head.subarray(0, n);
      if (isGzipMagic(h) || detectTextEncoding(h).encoding !== 'utf-8') continue;
      prestartSummaryWorkers();
      return;
    } catch {
      // collectInputs reports it
    }
  }
}

/** What the W3C analysis of a file or a stream is asked for. */
function w3cOptions(o: { summary: boolean; window: number }): StreamAnalyzeOptions {
  return { collectFindings: !o.summary, handshakeWindowSeconds: o.window, maxMalformedFindings: MAX_MALFORMED, maxFindingsPerCode: MAX_PER_CODE };
}

/** The contract's entry of an analyzed W3C log, from a file or stdin alike. */
function w3cEntry(path: string, r: W3cAnalysis, summary: boolean): W3cFileEntry & { findingsOmitted?: number; handshakesNotTracked?: number } {
  const entry: W3cFileEntry & { findingsOmitted?: number; handshakesNotTracked?: number } = {
    path,
    kind: 'w3c',
    lines: r.lines,
    requests: r.requests,
    bytes: r.bytes,
    summary: r.summary,
  };
  if (r.handshakesNotTracked) entry.handshakesNotTracked = r.handshakesNotTracked;
  if (!summary) {
    entry.findings = r.findings;
    if (r.findingsOmitted > 0) entry.findingsOmitted = r.findingsOmitted;
  }
  return entry;
}

function fmtCounts(m: Record<string, number>, label: (k: string) => string): string {
  const e = Object.entries(m).sort((a, b) => b[1] - a[1]);
  return e.length ? e.map(([k, v]) => `${label(k)} ${v}`).join(', ') : '-';
}

/** Human output of one entry. Paths, URLs, user names and messages come from the input: escaped for the terminal. */
async function human(out: ChunkedWriter, e: FileEntry, summary: boolean): Promise<void> {
  const path = terminalSafe(e.path);
  if (e.error) {
    // the error line names the file already (it is also the stderr line)
    const error = e.error.startsWith(`${e.path}: `) ? e.error.slice(e.path.length + 2) : e.error;
    await out.write(`${path}: error: ${terminalSafe(error)}\n`);
    return;
  }
  if (e.kind === 'w3c') {
    await out.write(`${path} (W3C log): ${e.lines} lines, ${e.requests} requests, ${e.bytes} bytes\n`);
    await out.write(`  status:   ${terminalSafe(fmtCounts(e.summary.status, (k) => (k === '-' ? '- (none: connection-level)' : k)))}\n`);
    await out.write(
      `  win32:    ${terminalSafe(
        fmtCounts(e.summary.win32, (k) => {
          const d = describeWin32(k);
          return d ? `${k} (${d.name})` : k;
        }),
      )}\n`,
    );
    if (e.summary.reason) await out.write(`  s-reason: ${terminalSafe(fmtCounts(e.summary.reason, (k) => k))}\n`);
    await out.write(`  findings: ${fmtCounts(e.summary.findings as Record<string, number>, (k) => k)}\n`);
    const dropped = (e as { handshakesNotTracked?: number }).handshakesNotTracked;
    if (dropped)
      await out.write(
        `  note:     ${dropped} NTLM/Negotiate handshakes not followed to the end: more than ${MAX_OPEN_HANDSHAKES} were open at once (the memory bound); HANDSHAKE_INCOMPLETE may be undercounted\n`,
      );
  } else if (e.kind === 'freb') {
    const st = e.statusCode !== null ? describeStatus(e.statusCode, e.subStatusCode ?? undefined).code : '-';
    const w = e.win32Status !== null ? ` ${e.win32Status}${describeWin32(e.win32Status) ? ' (' + describeWin32(e.win32Status)!.name + ')' : ''}` : '';
    await out.write(
      `${path} (FREB trace): ${terminalSafe(e.verb ?? '-')} ${terminalSafe(e.url ?? '-')} -> ${st}${w}, ${e.events} events, auth ${terminalSafe(e.authType ?? '-')}\n`,
    );
  }
  if (!summary && 'findings' in e && e.findings) {
    for (const f of e.findings) await out.write(`${path}:${f.line} ${f.code} ${terminalSafe(f.message)}\n`);
    const omitted = (e as { findingsOmitted?: number }).findingsOmitted;
    if (omitted) await out.write(`${path}: ${omitted} more findings not listed (see the counts above)\n`);
  }
}

export const analyzeCommand: Subcommand = {
  name: 'analyze',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const o = parseArgs(argv);
    if (o === 'help') {
      io.stdout.write(HELP + '\n');
      return EXIT_OK;
    }
    if (o.summary) prestartForLargeFile(o.paths);
    const skipped: string[] = [];
    const files = await collectInputs(o.paths, skipped);
    // Files in a folder that are neither W3C logs nor FREB traces are passed over, but said so.
    if (skipped.length) {
      const shown = skipped.slice(0, 3).join(', ') + (skipped.length > 3 ? `, and ${skipped.length - 3} more` : '');
      io.stderr.write(
        `iis-auth-lens analyze: skipped ${skipped.length} file(s) in folders that are neither IIS W3C logs nor FREB traces: ${terminalSafe(shown)}\n`,
      );
    }
    // Each file's entry is written as soon as it is analyzed and then let go: the document is the
    // one JSON.stringify({files, filteredOut}, null, 2) would give, without ever being one string.
    const out = new ChunkedWriter(io.stdout);
    let written = 0;
    let filteredOut = 0;
    let failed = false;
    for (const f of files) {
      const entry = f.error ? errorEntry(f.path, f.kind, f.error) : await analyzeOne(f, o, io);
      if (entry === null) {
        filteredOut++;
        continue;
      }
      if (entry.kind === 'freb' && o.summary) delete entry.findings;
      if (entry.error) {
        failed = true;
        io.stderr.write(`iis-auth-lens analyze: ${terminalSafe(entry.error)}\n`);
      }
      if (o.json) {
        await out.write(written === 0 ? '{\n  "files": [\n    ' : ',\n    ');
        await out.writeAll(jsonPieces(entry, 2, 4));
      } else {
        await human(out, entry, o.summary);
      }
      written++;
    }
    if (o.json) {
      await out.write(written === 0 ? '{\n  "files": []' : '\n  ]');
      if (o.frebFilter) await out.write(`,\n  "filteredOut": ${filteredOut}`);
      await out.write('\n}\n');
    } else if (files.length === 0) await out.write('No IIS W3C logs or FREB traces found.\n');
    else if (filteredOut) await out.write(`${filteredOut} FREB traces did not match the filter.\n`);
    await out.flush();
    return failed ? EXIT_INPUT : EXIT_OK;
  },
};
