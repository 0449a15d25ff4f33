// `iis-auth-lens epconfig [--json] [--exchange-version 15.2.1118.29] PATH...` (docs/cli.md):
// Extended Protection as IIS applies it, per <location>, judged against Exchange's expected table;
// with several servers' configs, one table across them with the rows where they disagree.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Subcommand } from './commands';
import { EXIT_INPUT, EXIT_OK, UsageError, oneLine, writeJson, type CliIo } from './io';
import { IisConfigFormatError, analyzeEpConfig, stateCounts, webConfigLocationFromPath, type EpConfigReport } from '../core/iisConfig/epConfig';
import { parseExchangeBuild, type ExchangeBuild } from '../core/iisConfig/exchangeEpTable';
import { buildEpMatrix, serverNameFromPath, type EpMatrix } from '../core/iisConfig/epServers';
import { CMD_SHOW_EP } from '../core/iisConfig/epCommands';

const USAGE = 'iis-auth-lens epconfig [--json] [--exchange-version 15.2.1118.29] PATH...';
const HELP = `Usage: ${USAGE}

Reads IIS applicationHost.config files (C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config,
or a folder holding one per server) or the web.config of one virtual directory, and reports
Extended Protection as IIS applies it per <location> (tokenChecking with inheritance, flags, SPNs,
Windows-auth providers, sslFlags), judged against Exchange's expected value per virtual directory
(what ${CMD_SHOW_EP} reports on the server).
With several servers, one table across them flags the virtual directories where they disagree.

  PATH                  applicationHost.config, web.config, or a folder (searched for *.config)
  --exchange-version V  the Exchange build (Get-ExchangeServer AdminDisplayVersion / ExSetup);
                        on a build without Extended Protection support everything is expected None.
                        Without it, a build that supports Extended Protection is assumed.
  --json                one JSON document on stdout (see the CLI contract)

Findings: EP_LESS_SECURE, EP_UNSUPPORTED, EP_MRS_PROXY_RISK, EP_NOT_CONFIGURED.
Exit codes: 0 read (findings are results), 1 a file could not be read or parsed (the others are
still reported), 2 usage error.`;

/** Text of a config as Windows writes it: UTF-8 (with or without BOM) or UTF-16 with BOM. */
function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff)
    return Buffer.from(buf.subarray(2, buf.length - (buf.length % 2)))
      .swap16()
      .toString('utf16le');
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

interface FileResult {
  path: string;
  server: string;
  report?: EpConfigReport;
  error?: string;
}

/** Files under a folder that look like IIS configuration, sorted, at most a few levels deep. */
async function configsIn(dir: string, depth = 0): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory() && depth < 4) out.push(...(await configsIn(p, depth + 1)));
    else if (e.isFile() && /\.config$/i.test(e.name)) out.push(p);
  }
  return out;
}

async function readOne(path: string, build: ExchangeBuild | null): Promise<FileResult> {
  const server = serverNameFromPath(path);
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { path, server, error: `cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : oneLine(err)}` };
  }
  try {
    const isWebConfig = /^web\.config$/i.test(basename(path));
    const report = analyzeEpConfig(decodeText(buf), { build, webConfigLocation: isWebConfig ? webConfigLocationFromPath(path) : undefined });
    return { path, server, report };
  } catch (err) {
    if (err instanceof IisConfigFormatError) return { path, server, error: err.message };
    return { path, server, error: oneLine(err) };
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length);
}

function humanFile(f: FileResult): string[] {
  const r = f.report!;
  const exch = r.locations.filter((l) => l.expected !== null);
  const c = stateCounts(r.locations);
  const out: string[] = [];
  out.push(
    `${f.path} (${r.kind === 'applicationHost' ? 'applicationHost.config' : 'web.config'}): ` +
      (exch.length
        ? `${exch.length} Exchange virtual directories - ${c.expected} expected, ${c['less-secure']} less secure, ${c.unsupported} unsupported`
        : 'no Exchange virtual directories'),
  );
  const rows = exch.length ? exch : r.locations;
  if (rows.length) {
    const w = Math.max(20, ...rows.map((l) => l.location.length)) + 1;
    out.push('  ' + pad('virtual directory', w) + pad('EP', 9) + pad('expected', 10) + pad('state', 13) + pad('providers', 17) + pad('sslFlags', 28) + 'line');
    for (const l of rows) {
      const inherited = l.extendedProtectionLine === null && l.tokenCheckingSetAt ? '*' : '';
      out.push(
        '  ' +
          pad(l.location, w) +
          pad(l.tokenChecking + inherited, 9) +
          pad(l.expected ?? '-', 10) +
          pad(l.state, 13) +
          pad(l.windowsAuthentication ? l.providers.join(',') || '(none)' : 'off', 17) +
          pad(l.sslFlags, 28) +
          l.line,
      );
    }
    if (rows.some((l) => l.extendedProtectionLine === null && l.tokenCheckingSetAt)) out.push('  * inherited from a parent path or the server level');
    const others = r.locations.length - rows.length;
    if (exch.length && others > 0) out.push(`  ${others} other location${others === 1 ? '' : 's'} with Windows authentication settings (see --json)`);
  }
  for (const x of r.findings) {
    out.push(`  line ${x.line}: ${x.code} [${x.severity}] ${x.message}`);
    if (x.fixes) {
      out.push('    fix, in this order:');
      x.fixes.forEach((c, i) => out.push(`      ${i + 1}. ${c}`));
    } else {
      out.push(`    fix: ${x.fix}`);
    }
  }
  return out;
}

function humanMatrix(m: EpMatrix): string[] {
  const w = Math.max(20, ...m.rows.map((r) => r.location.length)) + 1;
  const sw = m.servers.map((s) => Math.max(8, s.length + 1));
  const out = [
    `Extended Protection by virtual directory across ${m.servers.length} servers` +
      (m.disagreements
        ? ` - ${m.disagreements} virtual director${m.disagreements === 1 ? 'y differs' : 'ies differ'} between servers`
        : ' - the servers agree'),
  ];
  out.push('  ' + pad('virtual directory', w) + pad('expected', 10) + m.servers.map((s, i) => pad(s, sw[i]!)).join(''));
  for (const r of m.rows) {
    out.push(
      '  ' +
        pad(r.location, w) +
        pad(r.expected ?? '-', 10) +
        r.cells.map((c, i) => pad(c.tokenChecking ?? '-', sw[i]!)).join('') +
        (r.disagree ? '<- servers disagree' : ''),
    );
  }
  return out;
}

export const epconfigCommand: Subcommand = {
  name: 'epconfig',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    let build: ExchangeBuild | null = null;
    const paths: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--help' || a === '-h') {
        io.stdout.write(HELP + '\n');
        return EXIT_OK;
      }
      if (a === '--json') json = true;
      else if (a === '--exchange-version' || a.startsWith('--exchange-version=')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
        if (v === undefined) throw new UsageError('--exchange-version needs a build number such as 15.2.1118.29');
        build = parseExchangeBuild(v);
        if (!build) throw new UsageError(`--exchange-version: '${v}' is not a build number such as 15.2.1118.29`);
      } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
      else paths.push(a);
    }
    if (paths.length === 0) throw new UsageError('missing PATH (an applicationHost.config, a web.config or a folder)');

    const files: FileResult[] = [];
    for (const p of paths) {
      let isDir = false;
      try {
        isDir = (await stat(p)).isDirectory();
      } catch {
        // readOne names the problem
      }
      if (!isDir) {
        files.push(await readOne(p, build));
        continue;
      }
      const found = await configsIn(p);
      if (found.length === 0) files.push({ path: p, server: serverNameFromPath(p), error: 'no *.config files in this folder' });
      for (const f of found) files.push(await readOne(f, build));
    }
    const failed = files.filter((f) => f.error);
    for (const f of failed) io.stderr.write(`${f.path}: error: ${f.error}\n`);
    const hosts = files.filter((f) => f.report?.kind === 'applicationHost');
    const matrix = hosts.length > 1 ? buildEpMatrix(hosts.map((f) => ({ server: f.server, report: f.report! }))) : null;

    if (json) {
      writeJson(io, {
        files: files.map((f) => (f.error ? { path: f.path, server: f.server, error: f.error } : { path: f.path, server: f.server, ...f.report! })),
        ...(matrix ? { servers: matrix } : {}),
      });
    } else {
      const out: string[] = [];
      for (const f of files) {
        if (f.report) out.push(...humanFile(f), '');
      }
      if (matrix) out.push(...humanMatrix(matrix), '');
      io.stdout.write(out.join('\n').replace(/\n+$/, '') + (out.length ? '\n' : ''));
    }
    return failed.length ? EXIT_INPUT : EXIT_OK;
  },
};
