// One file pipeline, one truth: the same 85-request IIS log (test/fixtures/workspace, CRLF, three
// #Fields blocks, 3 BAD_BINDINGS) stored every way IIS, Notepad, PowerShell or a copy leaves it -
// UTF-8 with and without BOM, UTF-16 LE/BE with and without BOM, gzip, renamed, #Fields-first,
// CR-only - gives the same requests, codes and lines through the CLI (file, folder, stdin), the
// language server's analyzeFile (large files, Analyze Folder), the folder scan, the auth timeline
// model, the matching-lines collector and the editor's content detection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { analyzeCommand } from '../../src/cli/analyzeCommand';
import { scanFolder, scanW3cLog, sniffFile, readHead, sniffBytes } from '../../src/node/logFiles';
import { AuthTimelineBuilder } from '../../src/core/timeline/authTimeline';
import { MatchingLinesCollector } from '../../src/core/timeline/matchingIisLines';
import { analyzeFileForEditor } from '../../src/server/features/w3cAnalyzeFile';
import type { ServerContext } from '../../src/server/context';
import { detectDocumentKind, detectLanguage } from '../../src/core/documentKind';
import { detectFileKind } from '../../src/core/files/fileKind';
import { cpuTimed } from '../support/growth';
import { decodeHead, LogTextDecoder, scannerBytes } from '../../src/core/files/textEncoding';
import type { CancellationToken } from 'vscode-languageserver/node';
import { W3cScanner } from '../../src/core/w3c/w3cScanner';
import { analyzeW3cDocument } from '../../src/core/w3c/w3cDocumentAnalysis';
import { cliIo, type CapturedIo } from '../support/cliInProcess';

const FIXTURE = join(__dirname, '..', 'fixtures', 'workspace', 'u_ex261121_bad_bindings.log');
const truth = JSON.parse(readFileSync(FIXTURE + '.truth.json', 'utf8')) as { requests: number; lines: number; status: Record<string, number> };
const raw = readFileSync(FIXTURE);
const text = raw.toString('utf8');

function utf16be(s: string): Buffer {
  return Buffer.from(s, 'utf16le').swap16();
}

/** The #Fields-first copy: the #Software/#Version/#Date/#Remark lines removed (12 lines fewer). */
const fieldsFirst = text
  .split('\r\n')
  .filter((l) => !l.startsWith('#') || l.startsWith('#Fields'))
  .join('\r\n');

const VARIANTS: Record<string, Buffer> = {
  'u_ex261121.log': raw,
  'utf8-bom.log': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), raw]),
  'utf16le-bom.log': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
  'utf16be-bom.log': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]),
  'utf16le-nobom.log': Buffer.from(text, 'utf16le'),
  'utf16be-nobom.log': utf16be(text),
  'gzip.log.gz': gzipSync(raw),
  'gzip-without-gz-name.log': gzipSync(raw),
  'utf16be-bom-gzip.log.gz': gzipSync(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])),
  'renamed-W3SVC1-today.txt': raw,
  'no-extension': raw,
  'fields-first.txt': Buffer.from(fieldsFirst, 'utf8'),
  'cr-only.log': Buffer.from(text.replace(/\r\n/g, '\r'), 'utf8'),
};
/** Line numbers of the original in the #Fields-first copy (the directives dropped from each block). */
const FIELDS_FIRST_LINE: number[] = [];
text.split('\r\n').reduce((n, l, i) => {
  const keep = !l.startsWith('#') || l.startsWith('#Fields');
  if (keep) FIELDS_FIRST_LINE[i + 1] = n + 1;
  return keep ? n + 1 : n;
}, 0);

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-pipeline-'));
  mkdirSync(join(dir, 'logs'));
  for (const [name, bytes] of Object.entries(VARIANTS)) writeFileSync(join(dir, 'logs', name), bytes);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The CLI's streams captured; stdin empty and not a terminal unless given. */
const captureIo = (stdin: Readable = Readable.from([]), stdinIsTTY = false): CapturedIo => cliIo(stdin, stdinIsTTY);

interface Entry {
  path: string;
  kind: string;
  lines: number;
  requests: number;
  summary: { status: Record<string, number>; findings: Record<string, number> };
  findings: Array<{ line: number; code: string; severity: string }>;
  error?: string;
}

async function cliJson(args: string[], stdin?: Readable): Promise<{ code: number; files: Entry[]; err: string }> {
  const c = captureIo(stdin);
  const code = await analyzeCommand.run(['--json', ...args], c.io);
  return { code, files: (JSON.parse(c.out()) as { files: Entry[] }).files, err: c.err() };
}

let baseline: Entry;
async function base(): Promise<Entry> {
  baseline ??= (await cliJson([FIXTURE])).files[0]!;
  return baseline;
}

/** The line of the baseline's line `l` in a variant. */
const at = (name: string, l: number): number => (name === 'fields-first.txt' ? FIELDS_FIRST_LINE[l]! : l);
const DROPPED = text.split('\r\n').length - fieldsFirst.split('\r\n').length;

void test("the baseline is the fixture's truth: 85 requests, 3 BAD_BINDINGS", async () => {
  const b = await base();
  assert.equal(b.requests, truth.requests);
  assert.equal(b.requests, 85);
  assert.equal(b.lines, truth.lines);
  assert.deepEqual(b.summary.status, truth.status);
  assert.equal(b.summary.findings.BAD_BINDINGS, 3);
});

void test('CLI, one file at a time: every variant gives the same counts, codes, severities and lines', async () => {
  const b = await base();
  for (const name of Object.keys(VARIANTS)) {
    const r = await cliJson([join(dir, 'logs', name)]);
    assert.equal(r.code, 0, `${name}: ${r.err}`);
    const e = r.files[0]!;
    assert.equal(e.kind, 'w3c', name);
    assert.equal(e.requests, 85, name);
    assert.equal(e.lines, b.lines - (name === 'fields-first.txt' ? DROPPED : 0), name);
    assert.deepEqual(e.summary, b.summary, name);
    assert.deepEqual(
      e.findings.map((f) => [f.line, f.code, f.severity]),
      b.findings.map((f) => [at(name, f.line), f.code, f.severity]),
      name,
    );
  }
});

void test('CLI, the folder: every variant is found (by content) and counted the same', async () => {
  const r = await cliJson([join(dir, 'logs')]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.files.map((f) => f.path.slice(join(dir, 'logs').length + 1)).sort(), Object.keys(VARIANTS).sort());
  for (const e of r.files) {
    assert.equal(e.requests, 85, e.path);
    assert.equal(e.summary.findings.BAD_BINDINGS, 3, e.path);
  }
});

void test('CLI, stdin: plain, gzip (magic bytes) and UTF-16 piped in give the same counts', async () => {
  for (const name of ['u_ex261121.log', 'gzip.log.gz', 'utf16be-bom-gzip.log.gz', 'utf16le-nobom.log', 'cr-only.log']) {
    // one byte per chunk for the first bytes: the sniffing must not depend on chunk sizes
    const bytes = VARIANTS[name]!;
    const r = await cliJson(['-'], Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]));
    assert.equal(r.code, 0, `${name}: ${r.err}`);
    assert.equal(r.files[0]!.requests, 85, name);
    assert.deepEqual(r.files[0]!.summary, (await base()).summary, name);
  }
});

void test("the folder scan (Analyze Folder) and the language server's analyzeFile (large files) agree with the CLI", async () => {
  const scan = await scanFolder(join(dir, 'logs'));
  assert.deepEqual(
    scan.entries.map((e) => [e.path.slice(join(dir, 'logs').length + 1), e.kind, e.error]).sort(),
    Object.keys(VARIANTS)
      .sort()
      .map((n) => [n, 'w3c', undefined]),
  );
  assert.deepEqual(scan.skipped, []);
  const ctx = {
    settings: () => ({ handshakeWindowSeconds: 120 }),
    loadResourceSettings: () => Promise.resolve({ handshakeWindowSeconds: 120 }),
    connection: { console: { log: () => undefined }, window: { attachWorkDoneProgress: () => undefined } },
  } as unknown as ServerContext;
  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) } as unknown as CancellationToken;
  const b = await base();
  for (const name of Object.keys(VARIANTS)) {
    const r = await analyzeFileForEditor(ctx, { path: join(dir, 'logs', name) }, token);
    assert.equal(r.error, undefined, `${name}: ${r.error}`);
    assert.equal(r.kind, 'w3c', name);
    if (r.kind !== 'w3c') continue;
    assert.equal(r.requests, 85, name);
    assert.deepEqual(r.summary.findings, b.summary.findings, name);
    assert.deepEqual(
      r.findings!.map((f) => [f.line, f.code]),
      b.findings.map((f) => [at(name, f.line), f.code]),
      name,
    );
  }
});

void test('the auth timeline model and the matching-lines collector read every variant as the CLI does', async () => {
  const b = await base();
  const badLines = b.findings.filter((f) => f.code === 'BAD_BINDINGS').map((f) => f.line);
  for (const name of Object.keys(VARIANTS)) {
    const tl = new AuthTimelineBuilder();
    await scanW3cLog(join(dir, 'logs', name), tl);
    const t = tl.result();
    assert.equal(t.requests, 85, name);
    const bad = t.urls.flatMap((u) => u.buckets.flatMap((k) => k.lines.badBindings)).sort((x, y) => x - y);
    assert.deepEqual(
      bad,
      badLines.map((l) => at(name, l)),
      name,
    );
    const col = new MatchingLinesCollector({ from: 0, to: 4e9, uriStem: '' });
    await scanW3cLog(join(dir, 'logs', name), col);
    assert.equal(col.lines.length, 85, name);
    assert.deepEqual(
      col.lines.filter((l) => l.outcome === 'badBindings').map((l) => l.line),
      badLines.map((l) => at(name, l)),
      name,
    );
  }
});

void test("an open document (the editor's text) gives the same: content detection and the scanner bytes", async () => {
  for (const name of Object.keys(VARIANTS)) {
    // what VS Code shows: the decoded text (it detects BOMs itself; the head decides here as in sniffFile)
    const head = sniffBytes(await readHead(join(dir, 'logs', name), 1 << 16), name, 'content');
    assert.equal(head.kind, 'w3c', `${name}: ${head.reason}`);
    const shown = name.includes('gz') ? text : decodeHead(VARIANTS[name]!).text;
    assert.equal(detectDocumentKind(shown.slice(0, 8192)), 'w3c', name);
    assert.equal(detectLanguage('plaintext', shown.slice(0, 8192)), 'iis-w3c-log', name);
    const tl = new AuthTimelineBuilder();
    const sc = new W3cScanner(tl);
    sc.push(scannerBytes(name === 'cr-only.log' ? text.replace(/\r\n/g, '\r') : shown));
    sc.end();
    assert.equal(tl.result().requests, 85, name);
    // the language server's model of the open document: its diagnostics' codes and lines
    const shownText = name === 'cr-only.log' ? text.replace(/\r\n/g, '\r') : shown;
    const doc = analyzeW3cDocument(shownText);
    assert.equal(doc.model.analysis.requests, 85, name);
    assert.deepEqual(
      doc.findings.map((f) => [f.line, f.code]),
      (await base()).findings.map((f) => [at(name, f.line), f.code]),
      name,
    );
  }
});

void test('#Fields first and no #Software: a W3C log for the CLI, the editor and the folder scan alike', async () => {
  const s = await sniffFile(join(dir, 'logs', 'fields-first.txt'), 'fields-first.txt', 'content');
  assert.equal(s.kind, 'w3c');
  assert.match(s.reason, /#Fields/);
  assert.equal(detectDocumentKind(fieldsFirst.slice(0, 8192)), 'w3c');
  assert.equal(
    detectDocumentKind('#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status\n2026-11-21 00:00:01 1.2.3.4 / 401 1 2148074310\n'),
    'w3c',
  );
});

void test('LogTextDecoder: any chunking of UTF-16 and CR-only input gives the same bytes', () => {
  for (const name of ['utf16le-bom.log', 'utf16be-nobom.log', 'cr-only.log', 'utf8-bom.log']) {
    const bytes = VARIANTS[name]!;
    const whole = (() => {
      const d = new LogTextDecoder();
      return Buffer.concat([d.push(bytes), d.end()]);
    })();
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const d = new LogTextDecoder();
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) parts.push(d.push(bytes.subarray(i, i + size)));
      parts.push(d.end());
      assert.ok(Buffer.concat(parts).equals(whole), `${name} in chunks of ${size}`);
    }
    if (name === 'cr-only.log') assert.equal(whole.toString('utf8').split('\n').length, text.split('\r\n').length);
  }
});

void test('a log cut out of a bigger one (data lines, then the header after a restart) is W3C by content too', () => {
  const cut = text.split('\r\n').slice(20).join('\r\n');
  assert.match(cut.slice(0, 30), /^2026-11-21 /);
  assert.equal(detectDocumentKind(cut), 'w3c');
  // data lines alone stay other programs' logs in a folder (a name decides only for a file named)
  assert.equal(detectDocumentKind(text.split('\r\n').slice(20, 28).join('\r\n')), undefined);
});

void test('a FREB trace saved as .txt or .log is switched to freb by its content, as the CLI takes it', async () => {
  const trace = readFileSync(join(__dirname, '..', 'fixtures', 'workspace', 'fr000017_bad_bindings.xml'), 'utf8');
  for (const lang of ['xml', 'plaintext', 'log']) assert.equal(detectLanguage(lang, trace.slice(0, 8192)), 'freb', lang);
  assert.equal(detectLanguage('markdown', trace.slice(0, 8192)), undefined);
  const p = join(dir, 'trace-saved-as.txt');
  writeFileSync(p, trace);
  const r = await cliJson([p]);
  assert.equal(r.files[0]!.kind, 'freb');
});

void test('an IIS configuration file is named as such, with the command that reads it (not "no #Fields")', async () => {
  const fix = join(__dirname, '..', 'fixtures', 'epconfig');
  for (const f of ['E16_Configured_ApplicationHost.config', 'E19_NotConfigured_ApplicationHost.config']) {
    const head = readFileSync(join(fix, f), 'utf8').slice(0, 8192);
    for (const mode of ['content', 'named'] as const) {
      const k = detectFileKind(head, f, mode);
      assert.equal(k.kind, 'unknown');
      assert.match(k.reason, /an IIS configuration file .*iis-auth-lens epconfig/);
    }
  }
  const webConfig =
    '\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<!-- a comment -->\r\n<configuration>\r\n  <system.webServer>\r\n  </system.webServer>\r\n</configuration>\r\n';
  assert.match(detectFileKind(webConfig, 'web.config', 'content').reason, /IIS configuration/);
  // other XML, and a hostile head of unclosed comments, stay "not ours" (and fast)
  assert.doesNotMatch(detectFileKind('<?xml version="1.0"?><settings><system.webServer/></settings>', 'x.xml', 'content').reason, /configuration file/);
  const hostile = '<!--' + '<!-- -->'.repeat(1000) + '<configuration>' + ' '.repeat(4000);
  const { ms, value } = cpuTimed(() => detectFileKind(hostile, 'x.config', 'content'));
  assert.equal(value.kind, 'unknown');
  assert.ok(ms < 200, `took ${ms.toFixed(0)} ms of CPU`);
});
