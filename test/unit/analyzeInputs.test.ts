// Unlucky input to `analyze` and the folder scan (issue 15): an unreadable subfolder, a file name
// that is not UTF-8, UTF-16BE with a BOM, pipes and FIFOs (one without a writer), a README that
// mentions <failedRequest>, CR-only line ends, gzip on stdin. Each check failed before the file
// pipeline (node/logFiles.ts) took over reading and walking.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, createWriteStream } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { analyzeCommand } from '../../src/cli/analyzeCommand';
import { collectInputs, sniff } from '../../src/cli/analyzeFiles';
import { analyzeW3cStream } from '../../src/core/w3c/w3cAnalyze';
import { listFrebFiles } from '../../src/core/freb/frebSearch';
import { nodeLogFs, scanFolder, walkFolder, type LogFs } from '../../src/node/logFiles';
import { cliIo, type CapturedIo } from '../support/cliInProcess';

const FIXTURE = join(__dirname, '..', 'fixtures', 'workspace', 'u_ex261121_bad_bindings.log');
const FREB = join(__dirname, '..', 'fixtures', 'workspace', 'fr000017_bad_bindings.xml');
const raw = readFileSync(FIXTURE);

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-inputs-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The CLI's streams captured; stdin empty and not a terminal unless given. */
const captureIo = (stdin: Readable = Readable.from([])): CapturedIo => cliIo(stdin, false);

interface Entry {
  path: string;
  kind: string;
  requests?: number;
  error?: string;
  summary?: { findings: Record<string, number> };
}
async function analyzeJson(args: string[], stdin?: Readable): Promise<{ code: number; files: Entry[]; err: string }> {
  const c = captureIo(stdin);
  const code = await analyzeCommand.run(['--json', ...args], c.io);
  return { code, files: (JSON.parse(c.out()) as { files: Entry[] }).files, err: c.err() };
}

/** A file system on which one folder cannot be listed, as for a non-root user on a folder with mode 700 (the tests run as root). */
function fsDenying(denied: string): LogFs {
  return {
    ...nodeLogFs,
    readdir: (p, o) => {
      if (String(p) === denied) return Promise.reject(Object.assign(new Error(`EACCES: permission denied, scandir '${denied}'`), { code: 'EACCES' }));
      return nodeLogFs.readdir(p, o);
    },
  };
}

void test('#10 one unreadable subfolder: reported by its own path, the readable log still analyzed', async () => {
  const top = join(dir, 'sites');
  mkdirSync(join(top, 'W3SVC1'), { recursive: true });
  mkdirSync(join(top, 'W3SVC2'), { recursive: true });
  writeFileSync(join(top, 'W3SVC1', 'u_ex261121.log'), raw);
  writeFileSync(join(top, 'W3SVC2', 'u_ex261121.log'), raw);
  const fs = fsDenying(join(top, 'W3SVC2'));
  const walk = await walkFolder(top, { fs });
  assert.deepEqual(
    walk.files.map((f) => f.path),
    [join(top, 'W3SVC1', 'u_ex261121.log')],
  );
  assert.deepEqual(
    walk.errors.map((e) => [e.path, e.error.code]),
    [[join(top, 'W3SVC2'), 'EACCES']],
  );
  const inputs = await collectInputs([top], [], { fs });
  assert.deepEqual(
    inputs.map((i) => [i.path, i.kind, i.error]),
    [
      [join(top, 'W3SVC1', 'u_ex261121.log'), 'w3c', undefined],
      [join(top, 'W3SVC2'), 'unknown', `${join(top, 'W3SVC2')}: cannot read: permission denied`],
    ],
  );
  // Find FREB Traces walks the same way: W3SVC2 reported, W3SVC1 searched
  mkdirSync(join(top, 'W3SVC1', 'fr'), { recursive: true });
  writeFileSync(join(top, 'W3SVC1', 'fr', 'fr000017.xml'), readFileSync(FREB));
  const unreadable: Array<{ path: string; error: string }> = [];
  assert.deepEqual(await listFrebFiles(top, unreadable, fs), [join(top, 'W3SVC1', 'fr', 'fr000017.xml')]);
  assert.deepEqual(unreadable, [{ path: join(top, 'W3SVC2'), error: `${join(top, 'W3SVC2')}: cannot read: permission denied` }]);
  // the top folder itself unreadable: one entry naming it
  const none = await collectInputs([top], [], { fs: fsDenying(top) });
  assert.deepEqual(
    none.map((i) => [i.path, i.error]),
    [[top, `${top}: cannot read: permission denied`]],
  );
});

void test('#12 a file name that is not UTF-8 is found, shown with \\x escapes and analyzed', async () => {
  const d = join(dir, 'latin1');
  mkdirSync(d);
  const name = Buffer.concat([Buffer.from('u_ex_M'), Buffer.from([0xfc]), Buffer.from('ller.log')]);
  writeFileSync(Buffer.concat([Buffer.from(d + '/'), name]), raw);
  const r = await analyzeJson([d]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.files.length, 1);
  assert.equal(r.files[0]!.path, join(d, 'u_ex_M\\xfcller.log'));
  assert.equal(r.files[0]!.error, undefined);
  assert.equal(r.files[0]!.requests, 85);
  const scan = await scanFolder(d);
  assert.ok(Buffer.isBuffer(scan.entries[0]!.fsPath));
});

void test('#14 UTF-16BE with a BOM is a W3C log, not binary data', async () => {
  const p = join(dir, 'u_ex-utf16be.log');
  writeFileSync(p, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(raw.toString('utf8'), 'utf16le').swap16()]));
  assert.deepEqual(await sniff(p), { kind: 'w3c' });
  assert.deepEqual(await sniff(p, false), { kind: 'w3c' });
  const r = await analyzeJson([p]);
  assert.equal(r.files[0]!.requests, 85);
});

void test('#15 a FIFO is read as a stream; a FIFO nobody writes to is refused in bounded time with a clear message', async () => {
  const mk = spawnSync('mkfifo', [join(dir, 'fifo1'), join(dir, 'fifo2')]);
  assert.equal(mk.status, 0, String(mk.stderr));
  // a writer that opens the FIFO after us and writes the log in two parts
  const w = createWriteStream(join(dir, 'fifo1'));
  setTimeout(() => {
    w.write(raw.subarray(0, 1000));
    setTimeout(() => w.end(raw.subarray(1000)), 50);
  }, 100);
  const inputs = await collectInputs([join(dir, 'fifo1')], []);
  assert.equal(inputs[0]!.kind, 'w3c');
  const a = await analyzeW3cStream(inputs[0]!.input!.stream);
  assert.equal(a.requests, 85);
  // nobody writes to fifo2: refused after the bounded wait, not blocked forever
  const t0 = Date.now();
  const none = await collectInputs([join(dir, 'fifo2')], [], { fifoTimeoutMs: 300 });
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  assert.match(none[0]!.error!, /fifo2: cannot read: nothing was written to it within 300 ms \(a FIFO without a writer\?\)/);
});

void test('#20 a README that mentions <failedRequest> is not a FREB trace; a real trace next to it is', async () => {
  const d = join(dir, 'FailedReqLogFiles');
  mkdirSync(join(d, 'W3SVC1'), { recursive: true });
  writeFileSync(join(d, 'README.md'), '# Traces\n\nEach file holds one `<failedRequest url="...">` element; open it with freb.xsl.\n');
  writeFileSync(join(d, 'notes.xml'), '<?xml version="1.0"?>\n<notes><failedRequest url="x"/></notes>\n');
  writeFileSync(join(d, 'W3SVC1', 'fr000017.xml'), readFileSync(FREB));
  const skipped: string[] = [];
  const inputs = await collectInputs([d], skipped);
  assert.deepEqual(
    inputs.map((i) => [i.path, i.kind]),
    [[join(d, 'W3SVC1', 'fr000017.xml'), 'freb']],
  );
  assert.deepEqual(skipped, [join(d, 'README.md'), join(d, 'notes.xml')]);
  const r = await analyzeJson([d]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(
    r.files.map((f) => [f.kind, f.error]),
    [['freb', undefined]],
  );
});

void test('CR-only line ends are lines, on disk and on stdin', async () => {
  const cr = Buffer.from(raw.toString('utf8').replace(/\r\n/g, '\r'));
  const p = join(dir, 'u_ex-cr.log');
  writeFileSync(p, cr);
  const r = await analyzeJson([p]);
  assert.equal(r.files[0]!.requests, 85);
  const s = await analyzeJson(['-'], Readable.from([cr]));
  assert.equal(s.files[0]!.requests, 85);
});

void test('gzip on stdin is recognised by its magic bytes; corrupt gzip on stdin is an error entry', async () => {
  const r = await analyzeJson(['-'], Readable.from([gzipSync(raw)]));
  assert.equal(r.code, 0, r.err);
  assert.equal(r.files[0]!.requests, 85);
  assert.equal(r.files[0]!.summary!.findings.BAD_BINDINGS, 3);
  const bad = gzipSync(raw).subarray(0, 200);
  const b = await analyzeJson(['-'], Readable.from([bad]));
  assert.equal(b.code, 1);
  assert.match(b.files[0]!.error!, /gzip data is corrupt or truncated/);
});

void test('devices: /dev/zero is binary data (read once, bounded), /dev/null an empty log', async () => {
  const z = await analyzeJson(['/dev/zero']);
  assert.equal(z.code, 1);
  assert.match(z.files[0]!.error!, /^\/dev\/zero: binary data \(a NUL byte at offset 0\)/);
  const n = await analyzeJson(['/dev/null']);
  assert.equal(n.code, 0, n.err);
  assert.deepEqual([n.files[0]!.kind, n.files[0]!.requests], ['w3c', 0]);
});
