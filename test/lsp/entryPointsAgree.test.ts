// One truth through every entry point: each real sample in test/fixtures (IIS W3C and HTTPERR
// logs, FREB traces), and for each log a UTF-16 copy, a gzip copy, a renamed copy and a
// `#Fields`-first copy, give the same counts, codes, lines and severities
//   - in the CLI JSON (`analyze --json`, in-process),
//   - in the language server's diagnostics (the built server over stdio, the document opened with
//     the language and text the editor would give it),
//   - in the large-file path (the server's iisAuthLens/analyzeFile over stdio).
// Build first: `node esbuild.mjs`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable, Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LspClient, fileUri } from './lspClient';
import { analyzeCommand } from '../../src/cli/analyzeCommand';
import type { CliIo } from '../../src/cli/io';
import { detectLanguage } from '../../src/core/documentKind';
import { decodeHead } from '../../src/core/files/textEncoding';
import { ANALYZE_FILE_REQUEST, type AnalyzeFileResult } from '../../src/protocol/requests';

const FIX = join(__dirname, '..', 'fixtures');
const PKG = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { languages: Array<{ id: string; filenamePatterns?: string[]; extensions?: string[]; firstLine?: string }> };
};

/** The real samples (small enough for an open editor). */
const LOGS = [
  ...readdirSync(join(FIX, 'w3c'))
    .filter((n) => n.endsWith('.log'))
    .map((n) => join(FIX, 'w3c', n)),
  join(FIX, 'w3c', 'u_ex241111-crlf-scan.gz'),
  ...readdirSync(join(FIX, 'lsp'))
    .filter((n) => n.endsWith('.log'))
    .map((n) => join(FIX, 'lsp', n)),
  ...readdirSync(join(FIX, 'workspace'))
    .filter((n) => n.endsWith('.log'))
    .map((n) => join(FIX, 'workspace', n)),
  join(FIX, 'explain', 'u_ex241105_mrsproxy_fixed_at_1716.log'),
];
const TRACES = [
  ...readdirSync(join(FIX, 'freb', 'generated'))
    .filter((n) => n.endsWith('.xml'))
    .map((n) => join(FIX, 'freb', 'generated', n)),
  ...readdirSync(join(FIX, 'workspace'))
    .filter((n) => n.endsWith('.xml'))
    .map((n) => join(FIX, 'workspace', n)),
];

type Row = [line: number, code: string, severity: string];
/** The codes of the findings table (not FREB_FAILURE, FREB_PARSE or the error-text codes). */
const FINDING_CODE = /^(BAD_BINDINGS|INVALID_TOKEN|LOGON_DENIED|HANDSHAKE_INCOMPLETE|MALFORMED_LINE|NO_CREDENTIALS|AUTH_FAILED)$/;
const SEVERITY_OF_LSP: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info' };

interface Case {
  name: string;
  path: string;
  /** The text an editor holds for the file (null: an editor does not open it as text, e.g. gzip). */
  editorText: string | null;
  /** The original sample's line of each line of this copy's findings (identity but for #Fields-first). */
  lineOf: (l: number) => number;
}

let dir = '';
let client: LspClient;
const cases: Case[] = [];

function plainText(bytes: Buffer): string {
  const b = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return decodeHead(b).text;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'entry-points-'));
  for (const p of [...LOGS, ...TRACES]) {
    const bytes = readFileSync(p);
    const text = plainText(bytes);
    const stem = basename(p)
      .replace(/\.(log|gz|xml)$/g, '')
      .replace(/\.log$/, '');
    const add = (name: string, data: Buffer | string, editorText: string | null, lineOf: (l: number) => number = (l) => l): void => {
      const path = join(dir, name);
      writeFileSync(path, data);
      cases.push({ name, path, editorText, lineOf });
    };
    if (p.endsWith('.xml')) {
      add(basename(p), bytes, text);
      // renamed as a user saves a trace: not fr*.xml any more, still .xml
      add(`renamed-${stem}.xml`, bytes, text);
      // saved as text: told from its content alone, by the editor as by the CLI
      add(`renamed-${stem}.xml.txt`, bytes, text);
      continue;
    }
    const nl = text.includes('\r\n') ? '\r\n' : '\n';
    add(`${stem}.log`, text, text);
    add(`${stem}.utf16.log`, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), text);
    add(`${stem}.log.gz`, gzipSync(Buffer.from(text, 'utf8')), null);
    add(`renamed-${stem}.txt`, text, text);
    // the #Fields-first copy: the other directives dropped; findings move up by the lines dropped above them
    const lines = text.split(nl);
    const keep = lines.map((l) => !l.startsWith('#') || l.startsWith('#Fields'));
    if (keep.every(Boolean)) continue;
    const back: number[] = [];
    keep.forEach((k, i) => {
      if (k) back.push(i + 1);
    });
    add(`${stem}.fields-first.txt`, lines.filter((_l, i) => keep[i]).join(nl), lines.filter((_l, i) => keep[i]).join(nl), (l) => back[l - 1] ?? -1);
  }
  client = await LspClient.start();
});
after(async () => {
  await client?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function cliEntry(path: string): Promise<{ kind: string; rows: Row[]; messages: string[]; counts: Record<string, number>; requests?: number }> {
  let out = '';
  const w = new Writable({
    write(c, _e, cb) {
      out += String(c);
      cb();
    },
  });
  const io: CliIo = {
    stdout: w,
    stderr: new Writable({
      write(_c, _e, cb) {
        cb();
      },
    }),
    stdin: Readable.from([]),
    stdinIsTTY: false,
  };
  await analyzeCommand.run(['--json', path], io);
  const e = (
    JSON.parse(out) as {
      files: Array<{
        kind: string;
        requests?: number;
        findings?: Array<{ line: number; code: string; severity: string; message: string }>;
        summary?: { findings: Record<string, number> };
      }>;
    }
  ).files[0]!;
  const rows = (e.findings ?? []).map((f): Row => [f.line, f.code, f.severity]);
  const messages = (e.findings ?? []).map((f) => `${f.line} ${f.code} ${f.message}`).sort();
  return { kind: e.kind, rows, messages, counts: e.summary?.findings ?? countOf(rows), requests: e.requests };
}

function countOf(rows: Row[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const [, code] of rows) c[code] = (c[code] ?? 0) + 1;
  return c;
}

const sorted = (rows: Row[]): Row[] => [...rows].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));

/** The language VS Code would give the document: our file name patterns, else firstLine, else the content detection of the client. */
function editorLanguage(name: string, text: string): string {
  const glob = (g: string): RegExp =>
    new RegExp(
      '^' +
        g
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.') +
        '$',
      'i',
    );
  for (const l of PKG.contributes.languages) {
    if (l.filenamePatterns?.some((g) => glob(g).test(name))) return l.id;
  }
  for (const l of PKG.contributes.languages) {
    if (l.firstLine && new RegExp(l.firstLine).test(text.split(/\r?\n/, 1)[0]!)) return l.id;
  }
  const base = /\.xml$/i.test(name) ? 'xml' : /\.log$/i.test(name) ? 'log' : 'plaintext';
  return detectLanguage(base, text.slice(0, 8192)) ?? base;
}

/** Where the entry points disagree because of kind detection (core/documentKind.ts, not this part): a FREB trace saved as .txt is a FREB trace to the CLI and the large-file path, but the editor's content detection switches only `xml` documents to FREB, so it stays plain text and gets error-text diagnostics instead. */
const SAVED_AS_TEXT = /\.xml\.txt$/;

async function disagreements(which: (c: Case) => boolean): Promise<string[]> {
  const failures: string[] = [];
  const originals = new Map<string, { rows: Row[]; counts: Record<string, number> }>();
  for (const c of cases.filter(which)) {
    const cli = await cliEntry(c.path);
    // the large-file path: what "Analyze Large IIS Log" and Analyze Folder ask the server
    const big = await client.request<AnalyzeFileResult>(ANALYZE_FILE_REQUEST, { path: c.path });
    const bigRows: Row[] = 'findings' in big && big.findings ? big.findings.map((f) => [f.line, f.code, f.severity]) : [];
    const bigCounts = big.kind === 'w3c' ? (big.summary.findings as Record<string, number>) : countOf(bigRows);
    if (big.kind !== cli.kind) failures.push(`${c.name}: large-file kind ${big.kind}, CLI ${cli.kind}`);
    if (JSON.stringify(sorted(bigRows)) !== JSON.stringify(sorted(cli.rows))) failures.push(`${c.name}: large-file findings differ from the CLI's`);
    if (JSON.stringify(bigCounts) !== JSON.stringify(cli.counts))
      failures.push(`${c.name}: large-file counts ${JSON.stringify(bigCounts)} vs CLI ${JSON.stringify(cli.counts)}`);
    // the copies against their original: same codes and severities at the original's lines
    const key = c.name.replace(/^renamed-/, '').replace(/(\.utf16|\.fields-first)?(\.log)?(\.gz|\.txt|\.xml\.txt|\.xml)?$/, '');
    const mapped = sorted(cli.rows.map(([l, code, sev]): Row => [c.lineOf(l), code, sev]));
    const orig = originals.get(key);
    if (!orig) originals.set(key, { rows: mapped, counts: cli.counts });
    else {
      if (JSON.stringify(mapped) !== JSON.stringify(orig.rows)) failures.push(`${c.name}: CLI findings differ from the original sample's`);
      if (JSON.stringify(cli.counts) !== JSON.stringify(orig.counts))
        failures.push(`${c.name}: CLI counts ${JSON.stringify(cli.counts)} vs the original's ${JSON.stringify(orig.counts)}`);
    }
    // the editor: the language it picks, then the server's diagnostics of that text
    if (c.editorText === null) continue;
    const language = editorLanguage(c.name, c.editorText);
    const uri = fileUri(c.path);
    await client.open(uri, language, c.editorText);
    const ev = await client.waitForDiagnostics(uri, { timeoutMs: 15_000 });
    await client.close(uri);
    const diagRows = sorted(
      ev.params.diagnostics
        .filter(
          (d) => typeof d.code === 'string' && /^[A-Z_]+$/.test(d.code) && d.code !== 'FREB_FAILURE' && d.code !== 'FREB_PARSE' && d.source === 'IIS Auth Lens',
        )
        .map((d): Row => [d.range.start.line + 1, String(d.code), SEVERITY_OF_LSP[d.severity ?? 1]!]),
    );
    if (JSON.stringify(diagRows) !== JSON.stringify(sorted(cli.rows))) {
      failures.push(
        `${c.name} (opened as ${language}): ${diagRows.length} diagnostics ${JSON.stringify(countOf(diagRows))}, CLI ${cli.rows.length} ${JSON.stringify(countOf(cli.rows))}`,
      );
    } else {
      // the same wording: the server renders the message again from the findings table (English here)
      const diagMessages = ev.params.diagnostics
        .filter((d) => FINDING_CODE.test(String(d.code)))
        .map((d) => `${d.range.start.line + 1} ${String(d.code)} ${typeof d.message === 'string' ? d.message : d.message.value}`)
        .sort();
      const wrong = diagMessages.filter((m, i) => m !== cli.messages[i]);
      if (wrong.length) failures.push(`${c.name}: ${wrong.length} diagnostic messages differ from the CLI's, e.g. ${wrong[0]}`);
    }
  }
  return failures;
}

void test("CLI JSON, the server's diagnostics and its large-file analysis agree on every sample and copy", async () => {
  assert.ok(cases.length >= 60, `${cases.length} cases`);
  assert.deepEqual(await disagreements((c) => !SAVED_AS_TEXT.test(c.name)), []);
});

void test('a FREB trace saved as .txt: the editor agrees with the CLI', async () => {
  assert.deepEqual(await disagreements((c) => SAVED_AS_TEXT.test(c.name)), []);
});
