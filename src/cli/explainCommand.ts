// `iis-auth-lens explain [--json] FILE|-`: the error texts an admin meets first, explained.
import { readFile, stat } from 'node:fs/promises';
import type { Subcommand } from './commands';
import { InputError, UsageError, readStdin, writeJson, type CliIo } from './io';
import { explainText, type ExplainMatch } from '../core/explain/explainText';
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
  'probe': (m) => `probe the endpoint: iis-auth-lens probe ${m.url ?? 'https://<public host>/EWS/mrsproxy.svc'} --user DOMAIN\\USER --password-stdin`,
  'find-iis-lines': (m) => `find the IIS log lines of /EWS/mrsproxy.svc${m.time ? ` around ${m.time}` : ''} on the Exchange server (iis-auth-lens analyze u_ex*.log)`,
  'show-extended-protection': () => 'show the Extended Protection settings: .\\ExchangeExtendedProtectionManagement.ps1 -ShowExtendedProtection',
  'compare-certificates': () => 'compare the certificates: iis-auth-lens cbt <public host>:443 and iis-auth-lens cbt <exchange server>:443',
  'check-credentials': () => 'check the account and password stored on the migration endpoint',
};

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) { lines.push(indent + cur); cur = w; } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(indent + cur);
  return lines.join('\n');
}

function human(source: string, matches: ExplainMatch[]): string {
  if (matches.length === 0) {
    return `${source}: no known error text found (looked for MRS/HCW/WCF 401 texts and SSPI codes).`;
  }
  const out: string[] = [`${source}: ${matches.length} recognised text${matches.length === 1 ? '' : 's'}`];
  for (const m of matches) {
    out.push('');
    out.push(`line ${m.line}${m.endLine !== m.line ? `-${m.endLine}` : ''}: ${m.title} [${m.code}]`);
    out.push(`  text: ${m.text.length > 160 ? m.text.slice(0, 157) + '...' : m.text}`);
    if (m.time) out.push(`  time: ${m.time}`);
    if (m.url) out.push(`  endpoint: ${m.url}${m.hybridAgent ? ' (Hybrid Agent / Azure App Proxy)' : ''}`);
    if (m.header) out.push(`  server offered: ${m.header}`);
    out.push(wrap(m.explanation, 100, '  '));
    if (m.next.length) {
      out.push('  next:');
      for (const n of m.next) out.push(`    - ${NEXT_TEXT[n](m)}`);
    }
    if (m.remediation.length) {
      out.push('  remediation:');
      for (const r of m.remediation) {
        out.push(wrap(r.label, 96, '    - ').replace(/\n {4}- /g, '\n      '));
        if (r.command) out.push(`      PS> ${r.command}`);
      }
    }
  }
  return out.join('\n');
}

export const explainCommand: Subcommand = {
  name: 'explain',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    const positional: string[] = [];
    for (const a of argv) {
      if (a === '--help' || a === '-h') { io.stdout.write(HELP + '\n'); return 0; }
      if (a === '--json') json = true;
      else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
      else positional.push(a);
    }
    if (positional.length === 0) throw new UsageError('missing FILE (or - for stdin)');
    if (positional.length > 1) throw new UsageError(`expected one FILE, got ${positional.length}`);
    const file = positional[0]!;
    let text: string;
    let source: string;
    if (file === '-') {
      if (io.stdinIsTTY) throw new UsageError("'-' reads the text from stdin, but nothing is piped in");
      text = await readStdin(io);
      source = 'stdin';
    } else {
      let buf: Buffer;
      try {
        const st = await stat(file);
        if (st.isDirectory()) throw new InputError(`${file}: is a directory, expected a text file`);
        buf = await readFile(file);
      } catch (err) {
        if (err instanceof InputError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
        throw new InputError(`${file}: cannot read: ${why}`);
      }
      text = decodeText(buf);
      source = file;
    }
    if (text.includes('\u0000')) {
      throw new InputError(`${source}: offset ${text.indexOf('\u0000')}: binary data (NUL byte), expected a text file (UTF-8 or UTF-16)`);
    }
    const matches = explainText(text);
    if (json) {
      writeJson(io, {
        matches: matches.map((m) => {
          const { start: _s, end: _e, ...rest } = m;
          void _s; void _e;
          return rest;
        }),
      });
    } else {
      io.stdout.write(human(source, matches) + '\n');
    }
    return 0;
  },
};
