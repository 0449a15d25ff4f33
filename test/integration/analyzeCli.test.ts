// `iis-auth-lens analyze` as a process: exit codes, stdout/stderr, JSON shape per the contract.
// The CLI is bundled from src into a temp folder first (the same esbuild settings as dist/cli.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildCli } from '../support/cliProcess';
import { generateIisLog } from '../support/iisLogGenerator';
import { generateFreb } from '../support/frebGenerator';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'w3c');
const FREB = join(root, 'test', 'fixtures', 'freb', 'plechenko');
let dir = '';
let cli = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-cli-'));
  cli = join(dir, 'cli.js');
  // the parallel --summary path runs its worker from next to the CLI bundle, as in dist/
  await buildCli(cli, { worker: true });
  generateIisLog({ size: '600k', seed: 3, garbage: 3, badBindingsRate: 0.05, out: join(dir, 'u_ex261121.log') });
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, 'analyze', ...args], { encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

void test('--json: one document, w3c entry with the contract fields, findings with line/code/severity/message', () => {
  const log = join(dir, 'u_ex261121.log');
  const truth = JSON.parse(readFileSync(log + '.truth.json', 'utf8'));
  const r = run('--json', log);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const doc = JSON.parse(r.out);
  assert.deepEqual(Object.keys(doc), ['files']);
  const e = doc.files[0];
  assert.equal(e.path, log);
  assert.equal(e.kind, 'w3c');
  assert.equal(e.lines, truth.lines);
  assert.equal(e.requests, truth.requests);
  assert.equal(e.bytes, truth.bytes);
  assert.deepEqual(e.summary.status, truth.status);
  assert.deepEqual(e.summary.win32, truth.win32);
  assert.equal(e.summary.findings.BAD_BINDINGS, truth.findings.BAD_BINDINGS);
  assert.ok(truth.findings.BAD_BINDINGS > 0);
  const bb = e.findings.filter((f: { code: string }) => f.code === 'BAD_BINDINGS');
  assert.equal(bb.length, truth.findings.BAD_BINDINGS);
  assert.deepEqual(
    bb.map((f: { line: number }) => f.line),
    truth.findingLines.BAD_BINDINGS.first,
  );
  for (const f of bb) {
    for (const k of ['line', 'code', 'severity', 'message', 'time', 'clientIp', 'user', 'uri', 'status', 'win32']) assert.ok(k in f, `finding lacks ${k}`);
    assert.equal(f.status, '401.1');
  }
  assert.deepEqual(
    e.findings.filter((f: { code: string }) => f.code === 'MALFORMED_LINE').map((f: { line: number }) => f.line),
    truth.malformedLines,
  );
});

void test('--summary omits findings but keeps the counts', () => {
  const r = run('--json', '--summary', join(dir, 'u_ex261121.log'));
  assert.equal(r.code, 0);
  const e = JSON.parse(r.out).files[0];
  assert.equal('findings' in e, false);
  assert.ok(e.summary.findings.BAD_BINDINGS > 0);
});

void test('missing file: error entry, one stderr line, exit 1, the other files still analyzed in order', () => {
  const missing = join(dir, 'nope', 'u_ex000000.log');
  const r = run('--json', join(fixtures, 'beats-three-layouts.log'), missing, join(fixtures, 'iis6-trailing-space-fields.log'));
  assert.equal(r.code, 1);
  const files = JSON.parse(r.out).files;
  assert.deepEqual(
    files.map((f: { path: string }) => f.path),
    [join(fixtures, 'beats-three-layouts.log'), missing, join(fixtures, 'iis6-trailing-space-fields.log')],
  );
  assert.match(files[1].error, /u_ex000000\.log: cannot read: no such file/);
  assert.equal(files[0].requests, 3);
  assert.equal(files[2].requests, 12);
  assert.equal(r.err.trim().split('\n').length, 1);
  assert.ok(r.err.includes(files[1].error));
  assert.doesNotMatch(r.err, /\bat .*\.js:\d+/);
});

void test('folder: recursive, W3C by content or name, FREB, .gz; non-log files are skipped; stable order', () => {
  const f = join(dir, 'logs');
  mkdirSync(join(f, 'W3SVC1'), { recursive: true });
  mkdirSync(join(f, 'FailedReqLogFiles', 'W3SVC1'), { recursive: true });
  copyFileSync(join(fixtures, 'httperr-beats.log'), join(f, 'httperr1.log'));
  writeFileSync(join(f, 'W3SVC1', 'u_ex261121.log.gz'), gzipSync(readFileSync(join(dir, 'u_ex261121.log'))));
  copyFileSync(join(fixtures, 'exchange-iis10-edge-cases.log'), join(f, 'W3SVC1', 'export.txt')); // W3C by content
  writeFileSync(join(f, 'W3SVC1', 'notes.txt'), 'not a log\n');
  writeFileSync(join(f, 'HybridConfiguration_7_1_2024.log'), '2024.11.05 14:23:13.397 10276 [Client=UX, Session=Tenant] START\n'); // another program's .log
  copyFileSync(join(FREB, 'fr000031.auth-401-anon.xml'), join(f, 'FailedReqLogFiles', 'W3SVC1', 'fr000031.xml'));
  const r = run('--json', '--summary', f);
  assert.equal(r.code, 0, r.err);
  const files = JSON.parse(r.out).files as { path: string; kind: string; requests?: number; statusCode?: number }[];
  const rel = files.map((x) => [x.path.slice(f.length + 1), x.kind]);
  assert.deepEqual(rel, [
    ['FailedReqLogFiles/W3SVC1/fr000031.xml', 'freb'],
    ['W3SVC1/export.txt', 'w3c'],
    ['W3SVC1/u_ex261121.log.gz', 'w3c'],
    ['httperr1.log', 'w3c'],
  ]);
  const gz = files.find((x) => x.path.endsWith('.gz'))!;
  assert.equal(gz.requests, JSON.parse(readFileSync(join(dir, 'u_ex261121.log.truth.json'), 'utf8')).requests);
  assert.equal(files[0].statusCode, 401);
});

void test('human output: per-file summary and path:line CODE message lines', () => {
  const r = run(join(fixtures, 'beats-three-layouts.log'));
  assert.equal(r.code, 0);
  assert.match(r.out, /beats-three-layouts\.log \(W3C log\): 17 lines, 3 requests/);
  assert.match(r.out, /beats-three-layouts\.log:16 MALFORMED_LINE /);
  assert.match(r.out, /beats-three-layouts\.log:17 MALFORMED_LINE /);
  const log = run(join(dir, 'u_ex261121.log'));
  assert.match(log.out, /u_ex261121\.log:\d+ BAD_BINDINGS 401\.1 (SEC_E|STATUS)_BAD_BINDINGS/);
  assert.match(log.out, /win32: .*2148074254 \(SEC_E_NO_CREDENTIALS\)/);
});

void test('usage errors exit 2; --help exits 0; a file that is no log exits 1', () => {
  assert.equal(run().code, 2);
  const bad = run('--bogus', 'x');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown option '--bogus'/);
  assert.equal(run('--window', '0', 'x').code, 2);
  const h = run('--help');
  assert.equal(h.code, 0);
  assert.match(h.out, /iis-auth-lens analyze \[--json\] \[--summary\]/);
  const junk = join(dir, 'random.bin');
  writeFileSync(junk, Buffer.from([1, 2, 3, 4, 0, 255]));
  const j = run('--json', junk);
  assert.equal(j.code, 1);
  const e = JSON.parse(j.out).files[0];
  assert.equal(e.kind, 'unknown');
  assert.match(e.error, /not an IIS W3C log or FREB trace/);
});

void test('corrupt .gz: error entry naming gzip, exit 1', () => {
  const gz = join(dir, 'u_ex261199.log.gz');
  const full = gzipSync(readFileSync(join(dir, 'u_ex261121.log')));
  writeFileSync(gz, full.subarray(0, full.length >> 1));
  const r = run('--json', '--summary', gz);
  assert.equal(r.code, 1);
  const e = JSON.parse(r.out).files[0];
  assert.equal(e.kind, 'w3c');
  assert.match(e.error, /u_ex261199\.log\.gz: gzip data is corrupt or truncated/);
});

void test('- reads one W3C log from stdin', () => {
  const r = spawnSync(process.execPath, [cli, 'analyze', '--json', '-'], { input: readFileSync(join(fixtures, 'beats-three-layouts.log')), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout).files[0];
  assert.equal(e.path, '-');
  assert.equal(e.requests, 3);
  assert.deepEqual(
    e.findings.map((f: { line: number }) => f.line),
    [16, 17],
  );
});

void test('--summary of a large log: worker threads, the same JSON as one thread, counts equal the truth', () => {
  const big = join(dir, 'u_ex261124.log');
  generateIisLog({ size: '70M', seed: 21, garbage: 9, abandonRate: 0.01, out: big });
  const truth = JSON.parse(readFileSync(big + '.truth.json', 'utf8'));
  const go = (threads: string): { code: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [cli, 'analyze', '--json', '--summary', big], {
      encoding: 'utf8',
      timeout: 120000,
      env: { ...process.env, IIS_AUTH_LENS_TRACE: '1', IIS_AUTH_LENS_THREADS: threads },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const par = go('2'),
    one = go('1');
  assert.equal(par.code, 0, par.err);
  assert.equal(one.code, 0, one.err);
  assert.match(par.err, /u_ex261124\.log: 2 threads/);
  assert.match(one.err, /u_ex261124\.log: one thread \(one thread\)/);
  assert.equal(par.out, one.out);
  const e = JSON.parse(par.out).files[0];
  assert.equal(e.lines, truth.lines);
  assert.equal(e.requests, truth.requests);
  assert.equal(e.bytes, truth.bytes);
  assert.deepEqual(e.summary.status, truth.status);
  assert.deepEqual(e.summary.win32, truth.win32);
  for (const c of ['BAD_BINDINGS', 'INVALID_TOKEN', 'LOGON_DENIED', 'MALFORMED_LINE']) assert.equal(e.summary.findings[c] ?? 0, truth.findings[c], c);
  assert.ok(e.summary.findings.HANDSHAKE_INCOMPLETE > 0);
  assert.equal(e.findings, undefined);
  rmSync(big);
});

void test('--filter keeps the FREB traces that match (win32 + URL glob), as the generator truth says, and counts the rest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-filter-'));
  try {
    generateFreb({ count: 80, out: dir, seed: 11 });
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as { files: { file: string; url: string; win32Status: number | null }[] };
    const expected = truth.files
      .filter((f) => f.win32Status === 2148074310 && /\/EWS\/mrsproxy\.svc$/i.test(f.url))
      .map((f) => f.file)
      .sort();
    assert.ok(expected.length > 0, 'the seed makes bad-bindings traces on mrsproxy.svc');
    const r = run('--json', '--summary', '--filter', 'win32=0x80090346', '--filter=url=*/EWS/mrsproxy.svc', dir);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { files: { path: string; kind: string; win32Status: number }[]; filteredOut: number };
    assert.deepEqual(out.files.map((f) => f.path.split('/').pop()).sort(), expected);
    assert.ok(out.files.every((f) => f.kind === 'freb' && f.win32Status === 2148074310));
    assert.equal(out.filteredOut, truth.files.length - expected.length);
    const bad = run('--filter', 'colour=blue', dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown key "colour"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
