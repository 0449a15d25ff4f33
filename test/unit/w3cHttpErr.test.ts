// HTTP.sys error logs (HTTPERR): connection-level entries (Timer_ConnectionIdle, Client_Reset,
// Connection_Dropped...) have sc-status `-`. They count as status "-" (summary.status adds up to
// the requests), and summary.reason is the s-reason histogram, alike in W3cAnalyzer, the
// WebAssembly counter (whole chunks and lines split across chunks), analyzeW3cFile and the
// parallel summary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createW3cKernel, w3cKernelProblem } from '../../src/core/w3c/w3cKernel';
import { W3cCounter, type W3cCounting } from '../../src/core/w3c/w3cCounter';
import { W3cAnalyzer, type W3cAnalysis } from '../../src/core/w3c/w3cFindings';
import { W3cScanner } from '../../src/core/w3c/w3cScanner';
import { analyzeW3cBuffer, analyzeW3cFile } from '../../src/core/w3c/w3cAnalyze';
import { analyzeW3cSummaryParallel } from '../../src/core/w3c/w3cParallel';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';

const FIXTURE = join(__dirname, '..', 'fixtures', 'w3c', 'httperr-beats.log');
const WORKER = join(__dirname, '..', '..', 'src', 'core', 'w3c', 'w3cSummaryWorker.ts');
const HTTPERR_FIELDS = '#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid s-reason s-queuename';

interface Truth {
  requests: number;
  status: Record<string, number>;
  reason: Record<string, number>;
}

/**
 * An HTTPERR log as HTTP.sys writes it (a header per service start, IPv4 and IPv6 clients, CRLF):
 * mostly connection-level entries with `-` for version, verb, URL, status and site, and request
 * errors (400 Hostname/BadRequest/FieldLength, 503 QueueFull/AppOffline, 404 URL). Deterministic.
 */
function httpErrLog(lines: number, seed: number): { text: string; truth: Truth } {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const conn = [
    'Timer_ConnectionIdle',
    'Timer_ConnectionIdle',
    'Timer_ConnectionIdle',
    'Client_Reset',
    'Connection_Dropped',
    'Timer_MinBytesPerSecond',
    'Connection_Abandoned_By_ReqQueue',
  ];
  const req: [string, string, string][] = [
    ['400', 'Hostname', '-'],
    ['400', 'BadRequest', '-'],
    ['400', 'FieldLength', '-'],
    ['503', 'QueueFull', 'MSExchangeServicesAppPool'],
    ['503', 'AppOffline', 'MSExchangeMapiFrontEndAppPool'],
    ['404', 'URL', '-'],
    ['400', 'Verb', '-'],
  ];
  const truth: Truth = { requests: 0, status: {}, reason: {} };
  const out: string[] = [];
  const header = (t: number): void => {
    out.push('#Software: Microsoft HTTP API 2.0', '#Version: 1.0', `#Date: ${new Date(t).toISOString().slice(0, 19).replace('T', ' ')}`, HTTPERR_FIELDS);
  };
  let t = Date.UTC(2026, 10, 21, 0, 0, 0);
  header(t);
  for (let i = 0; i < lines; i++) {
    if (i > 0 && i % 4000 === 0) header(t);
    t += Math.floor(rnd() * 20000);
    const when = new Date(t).toISOString().slice(0, 19).replace('T', ' ');
    const ip =
      rnd() < 0.2 ? `2001:db8::${Math.floor(rnd() * 65535).toString(16)}` : `10.${Math.floor(rnd() * 4)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}`;
    const port = 49152 + Math.floor(rnd() * 16000);
    let status: string, reason: string, line: string;
    if (rnd() < 0.62) {
      status = '-';
      reason = conn[Math.floor(rnd() * conn.length)];
      line = `${when} ${ip} ${port} 10.0.0.10 443 - - - - - ${reason} -`;
    } else {
      const r = req[Math.floor(rnd() * req.length)];
      [status, reason] = r;
      const uri = reason === 'FieldLength' ? '/EWS/Exchange.asmx' : reason === 'Hostname' ? '/' : '/mapi/emsmdb/?MailboxId=1f0c@contoso.test';
      line = `${when} ${ip} ${port} 10.0.0.10 443 HTTP/1.1 ${reason === 'Verb' ? '-' : 'POST'} ${uri} ${status} ${reason === 'Hostname' ? '-' : '1'} ${reason} ${r[2]}`;
    }
    out.push(line);
    truth.requests++;
    truth.status[status] = (truth.status[status] ?? 0) + 1;
    truth.reason[reason] = (truth.reason[reason] ?? 0) + 1;
  }
  return { text: out.join('\r\n') + '\r\n', truth };
}

/** The kernel's counter reading `piece`-byte chunks (so lines are split across chunks anywhere). */
function kernelCount(buf: Buffer, piece: number): W3cAnalysis {
  const k = createW3cKernel();
  assert.ok(k, `WebAssembly kernel unavailable: ${w3cKernelProblem()}`);
  const counter: W3cCounting = new W3cCounter(k, {});
  const scanner = new W3cScanner(counter, k);
  let cur = 0;
  for (let p = 0; p < buf.length; p += piece) {
    const part = buf.subarray(p, Math.min(buf.length, p + piece));
    part.copy(k.chunks[cur], 0);
    scanner.push(k.chunks[cur].subarray(0, part.length));
    cur = 1 - cur;
  }
  scanner.end();
  return counter.finishAnalysis(scanner.bytes, scanner.lines);
}

function analyzerCount(buf: Buffer): W3cAnalysis {
  const a = new W3cAnalyzer({ collectFindings: false });
  const sc = new W3cScanner(a);
  sc.push(buf);
  sc.end();
  return a.finishAnalysis(sc.bytes, sc.lines);
}

const sum = (m: Record<string, number>): number => Object.values(m).reduce((a, b) => a + b, 0);
/** The summary's histograms as sets of entries (the kernel and the analyzer may list keys in another order). */
const sorted = (m: Record<string, number> | undefined): [string, number][] => Object.entries(m ?? {}).sort((a, b) => (a[0] < b[0] ? -1 : 1));

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'w3c-httperr-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

void test('the beats HTTPERR sample: the Timer_MinBytesPerSecond entry counts as status "-", and the s-reason histogram', () => {
  const r = analyzeW3cBuffer(readFileSync(FIXTURE));
  assert.equal(r.requests, 4);
  assert.deepEqual(r.summary.status, { 400: 1, 503: 1, 505: 1, '-': 1 });
  assert.deepEqual(r.summary.reason, { ConnLimit: 1, Hostname: 1, Timer_MinBytesPerSecond: 1, 'Version_N/S': 1 });
  assert.equal(sum(r.summary.status), r.requests, 'every request has a status key');
  assert.equal(r.findings.length, 0);
});

void test('a log without s-reason gets no reason member, and a `-` status in an IIS log counts too', () => {
  const text = [
    '#Software: Microsoft Internet Information Services 10.0',
    '#Version: 1.0',
    '#Date: 2026-11-21 10:00:00',
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
    '2026-11-21 10:00:00 10.0.0.10 GET /owa/ - 443 - 10.1.2.3 Mozilla/5.0 - 200 0 0 15',
    '2026-11-21 10:00:01 10.0.0.10 GET /owa/ - 443 - 10.1.2.3 Mozilla/5.0 - - 0 64 15',
    '',
  ].join('\n');
  const buf = Buffer.from(text);
  const a = analyzerCount(buf);
  assert.deepEqual(a.summary.status, { 200: 1, '-': 1 });
  assert.equal(a.summary.reason, undefined);
  const k = kernelCount(buf, 1 << 22);
  assert.deepEqual(k.summary, a.summary, 'the kernel counts `-` in its own loop');
});

void test('a generated HTTPERR log: analyzer, kernel (chunks of several sizes), analyzeW3cFile and the parallel summary agree with the truth', async () => {
  const { text, truth } = httpErrLog(30000, 17);
  const buf = Buffer.from(text);
  const path = join(dir, 'httperr1.log');
  writeFileSync(path, buf);
  assert.ok(truth.status['-'] > truth.requests / 2, 'mostly connection-level entries, as in real HTTPERR logs');

  const a = analyzerCount(buf);
  assert.equal(a.requests, truth.requests);
  assert.deepEqual(sorted(a.summary.status), sorted(truth.status));
  assert.deepEqual(sorted(a.summary.reason), sorted(truth.reason));
  assert.equal(sum(a.summary.status), a.requests);
  const counts = Object.values(a.summary.reason ?? {});
  assert.deepEqual(
    counts,
    [...counts].sort((x, y) => y - x),
    'reason: most frequent first',
  );

  for (const piece of [1 << 22, 65_537, 4093]) {
    const k = kernelCount(buf, piece);
    assert.equal(k.requests, a.requests, `kernel, chunks of ${piece}`);
    assert.equal(k.lines, a.lines, `kernel, chunks of ${piece}`);
    assert.deepEqual(k.summary, a.summary, `kernel, chunks of ${piece}`);
  }
  const file = await analyzeW3cFile(path, { collectFindings: false });
  assert.deepEqual(file.summary, a.summary, 'analyzeW3cFile (the kernel path of analyze --summary)');
  const full = await analyzeW3cFile(path);
  assert.deepEqual(full.summary, a.summary, 'analyzeW3cFile with findings (the analyzer)');

  const why: string[] = [];
  const unitBytes = Math.ceil(buf.length / 6);
  const par = await analyzeW3cSummaryParallel(path, {
    workers: 3,
    minBytes: 0,
    unitBytes,
    firstUnits: [0, 2, 4],
    leadBytes: 1 << 16,
    workerPath: WORKER,
    onFallback: (w) => why.push(w),
  });
  assert.ok(par, `parallel fell back: ${why.join('; ')}`);
  assert.deepEqual(par.summary, a.summary, 'parallel summary of 3 ranges');
  // and the threads claiming units as they go
  const dyn = await analyzeW3cSummaryParallel(path, {
    workers: 3,
    minBytes: 0,
    unitBytes: Math.ceil(buf.length / 12),
    workerPath: WORKER,
    onFallback: (w) => why.push(w),
  });
  assert.ok(dyn, `parallel fell back: ${why.join('; ')}`);
  assert.deepEqual(dyn.summary, a.summary, 'parallel summary, units claimed as they go');
});

void test('analyze (in process): --json --summary carries status "-" and summary.reason; the text names them', async () => {
  const run = async (args: string[]): Promise<{ code: number; out: string }> => {
    const stdout = new PassThrough(),
      stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    stderr.resume();
    const code = await main(args, { stdout, stderr, stdin: new PassThrough(), stdinIsTTY: true });
    return { code, out };
  };
  const json = await run(['analyze', '--summary', '--json', FIXTURE]);
  assert.equal(json.code, 0);
  const entry = (JSON.parse(json.out) as { files: { summary: { status: Record<string, number>; reason?: Record<string, number> } }[] }).files[0];
  assert.equal(entry.summary.status['-'], 1);
  assert.deepEqual(entry.summary.reason, { ConnLimit: 1, Hostname: 1, Timer_MinBytesPerSecond: 1, 'Version_N/S': 1 });
  const text = await run(['analyze', '--summary', FIXTURE]);
  assert.match(text.out, /status: {3}.*- \(none: connection-level\) 1/);
  assert.match(text.out, /s-reason: ConnLimit 1, Hostname 1, Timer_MinBytesPerSecond 1, Version_N\/S 1/);
});
