// `iis-auth-lens explain [--json] FILE|-`: the error texts an admin meets first, explained.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Subcommand } from './commands';
import { InputError, UsageError, oneLine, requireRegularFile, terminalSafe, writeJson, type CliIo } from './io';
import type { ExplainMatch } from '../core/explain/explainText';
import { ExplainStream } from '../core/explain/explainStream';
import { ExplainGroups, lineRanges } from '../core/explain/explainGroups';
import type { NextStep } from '../core/explain/catalog';

const USAGE = 'iis-auth-lens explain [--json] FILE|-';

const HELP = [
  `Usage: ${USAGE}`,
  '',
  'Recognises the error texts of a failed mailbox migration or Hybrid Configuration Wizard run',
  '(MRS and migration-batch errors, HCW logs, Test-MigrationServerAvailability output, the WCF 401',
  'text in English, German and French, SSPI codes such as 2148074310 / 0x80090346 / 0xC000035B /',
  'SEC_E_BAD_BINDINGS) and explains the cause and the next steps. Lines may be wrapped anywhere.',
  '',
  '  FILE     a text file: pasted error output, an HCW log, a log excerpt (UTF-8 or UTF-16 with BOM)',
  '  -        read the text from stdin',
  '  --json   print {"matches": [{line, code, title, explanation, url, time, next, ...}]}',
  '',
  'Exit codes: 0 done (also when nothing was recognised), 1 the input could not be read, 2 usage error.',
].join('\n');

/** Text of a file as Windows tools write it: UTF-8 (with or without BOM) or UTF-16 with BOM. */
export function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2, buf.length - (buf.length % 2)));
    return swapped.swap16().toString('utf16le');
  }
  // UTF-16LE without BOM (ASCII text with a NUL after every byte).
  if (buf.length >= 4 && buf[0] !== 0 && buf[1] === 0 && buf[2] !== 0 && buf[3] === 0) return buf.toString('utf16le');
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

const NEXT_TEXT: Record<NextStep, (m: ExplainMatch) => string> = {
  probe: (m) => `probe the endpoint: iis-auth-lens probe ${m.url ?? 'https://<public host>/EWS/mrsproxy.svc'} --user DOMAIN\\USER --password-stdin`,
  'find-iis-lines': (m) =>
    `find the IIS log lines of /EWS/mrsproxy.svc${m.time ? ` around ${m.time}` : ''} on the Exchange server (iis-auth-lens analyze u_ex*.log)`,
  'show-extended-protection': () => 'show the Extended Protection settings: .\\ExchangeExtendedProtectionManagement.ps1 -ShowExtendedProtection',
  'check-epconfig': () =>
    "or read them from a copy of each server's C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config: iis-auth-lens epconfig FOLDER (Default Web Site/EWS at Allow or Require is what fails behind a TLS-terminating device)",
  'compare-certificates': () => 'compare the certificates: iis-auth-lens cbt <public host>:443 and iis-auth-lens cbt <exchange server>:443',
  'check-credentials': () => 'check the account and password stored on the migration endpoint',
};

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(indent + cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(indent + cur);
  return lines.join('\n');
}

/** One occurrence: where, what text, when, which endpoint (all escaped: they come from the input). */
function occurrence(m: ExplainMatch): string[] {
  const out = [`line ${m.line}${m.endLine !== m.line ? `-${m.endLine}` : ''}: ${m.title} [${m.code}]`];
  out.push(`  text: ${terminalSafe(m.text.length > 160 ? m.text.slice(0, 157) + '...' : m.text)}`);
  if (m.time) out.push(`  time: ${terminalSafe(m.time)}`);
  if (m.url) out.push(`  endpoint: ${terminalSafe(m.url)}${m.hybridAgent ? ' (Hybrid Agent / Azure App Proxy)' : ''}`);
  if (m.header) out.push(`  server offered: ${terminalSafe(m.header)}`);
  return out;
}

/** Each kind once: its first occurrences, the lines of the others, then the explanation and the next steps. */
function human(source: string, found: ExplainGroups): string {
  const name = terminalSafe(source);
  if (found.count === 0) {
    return `${name}: no known error text found (looked for MRS/HCW/WCF 401 texts and SSPI codes).`;
  }
  const groups = found.groups;
  const kinds = new Set(groups.map((g) => g.code)).size;
  const out: string[] = [`${name}: ${found.count} recognised text${found.count === 1 ? '' : 's'}${kinds > 1 ? ` of ${kinds} kinds` : ''}`];
  for (const g of groups) {
    out.push('');
    if (g.count > 1)
      out.push(
        `${g.title} [${g.code}]${g.hybridAgent ? ' (Hybrid Agent endpoint)' : ''}: ${g.count} times, lines ${lineRanges(g.lines)}${g.linesTruncated ? ' (the first ' + g.lines.length + ' lines listed)' : ''}`,
      );
    for (const m of g.examples) out.push(...occurrence(m));
    if (g.count > g.examples.length) out.push(`  ... and ${g.count - g.examples.length} more of this kind (lines above)`);
    const first = g.examples.find((m) => m.url) ?? g.examples[0]!;
    out.push(wrap(g.explanation, 100, '  '));
    if (g.next.length) {
      out.push('  next:');
      for (const n of g.next) out.push(`    - ${terminalSafe(NEXT_TEXT[n](first))}`);
    }
    if (g.remediation.length) {
      out.push('  remediation:');
      for (const r of g.remediation) {
        out.push(wrap(r.label, 96, '    - ').replace(/\n {4}- /g, '\n      '));
        if (r.command) out.push(`      PS> ${r.command}`);
      }
    }
  }
  return out.join('\n');
}

/** Bytes to text as Windows tools write it (UTF-8 with or without BOM, UTF-16 with BOM or plain UTF-16LE), piece by piece. */
async function* decodeChunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let head = Buffer.alloc(0);
  for await (const c of chunks) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    if (!decoder) {
      head = Buffer.concat([head, b]);
      if (head.length < 4) continue;
      decoder = new TextDecoder(encodingOf(head));
      yield decoder.decode(head, { stream: true });
      continue;
    }
    yield decoder.decode(b, { stream: true });
  }
  if (!decoder) {
    decoder = new TextDecoder(encodingOf(head));
    yield decoder.decode(head, { stream: true });
  }
  yield decoder.decode();
}

function encodingOf(head: Buffer): string {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  // UTF-16LE without BOM (ASCII text with a NUL after every byte).
  if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) return 'utf-16le';
  return 'utf-8';
}

/** Explains a text read piece by piece: memory stays bounded whatever its size (a 500 MB log ran out of heap). */
async function explainChunks(source: string, chunks: AsyncIterable<Buffer | string>): Promise<ExplainGroups> {
  const found = new ExplainGroups();
  const stream = new ExplainStream((m) => found.add(m));
  let offset = 0;
  for await (const text of decodeChunks(chunks)) {
    const nul = text.indexOf('\u0000');
    if (nul >= 0) throw new InputError(`${source}: offset ${offset + nul}: binary data (NUL byte), expected a text file (UTF-8 or UTF-16)`);
    offset += text.length;
    stream.push(text);
  }
  stream.end();
  return found;
}

/** The JSON document: the contract's per-match list (the first MAX_LISTED_MATCHES), the exact count, and each kind once with its lines. */
function jsonDocument(found: ExplainGroups): unknown {
  const strip = (m: ExplainMatch): Omit<ExplainMatch, 'start' | 'end'> => {
    const { start: _s, end: _e, ...rest } = m;
    void _s;
    void _e;
    return rest;
  };
  const doc: Record<string, unknown> = {
    matches: found.matches.map(strip),
    matchCount: found.count,
    groups: found.groups.map(({ examples: _x, ...g }) => {
      void _x;
      return g;
    }),
  };
  if (found.matchesTruncated) {
    doc.matchesTruncated = true;
    doc.note = `${found.count} matches: the first ${found.matches.length} are listed in "matches"; "groups" counts every one and lists the lines of each kind`;
  }
  return doc;
}

async function isFifo(path: string): Promise<boolean> {
  return stat(path).then(
    (st) => st.isFIFO(),
    () => false,
  );
}

export const explainCommand: Subcommand = {
  name: 'explain',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    const positional: string[] = [];
    for (const a of argv) {
      if (a === '--help' || a === '-h') {
        io.stdout.write(HELP + '\n');
        return 0;
      }
      if (a === '--json') json = true;
      else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
      else positional.push(a);
    }
    if (positional.length === 0) throw new UsageError('missing FILE (or - for stdin)');
    if (positional.length > 1) throw new UsageError(`expected one FILE, got ${positional.length}`);
    const file = positional[0]!;
    let found: ExplainGroups;
    if (file === '-') {
      if (io.stdinIsTTY) throw new UsageError("'-' reads the text from stdin, but nothing is piped in");
      try {
        found = await explainChunks('stdin', io.stdin as AsyncIterable<Buffer | string>);
      } finally {
        io.stdin.destroy();
      }
    } else if (await isFifo(file)) {
      // a pipe such as `explain <(Get-Content ... )`: read once as a stream; open() never blocks,
      // and a FIFO nobody writes to is given up after a while (openStreamInput)
      let input;
      try {
        // loaded only here: the file pipeline is not needed for a plain file or stdin
        input = await (await import('../node/logFiles.js')).openStreamInput(file);
      } catch (err) {
        throw new InputError(`${file}: ${oneLine(err)}`);
      }
      try {
        found = await explainChunks(file, input.stream as AsyncIterable<Buffer | string>);
      } finally {
        input.stream.destroy();
      }
    } else {
      await requireRegularFile(file, 'a text file');
      const input = createReadStream(file, { highWaterMark: 1 << 20 });
      try {
        found = await explainChunks(file, input);
      } catch (err) {
        if (err instanceof InputError) throw err;
        throw new InputError(`${file}: cannot read: ${oneLine(err)}`);
      } finally {
        input.destroy();
      }
    }
    if (json) writeJson(io, jsonDocument(found));
    else io.stdout.write(human(file === '-' ? 'stdin' : file, found) + '\n');
    return 0;
  },
};
