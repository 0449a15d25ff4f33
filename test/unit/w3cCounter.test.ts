// The WebAssembly counter (src/wasm/w3cKernel.ts through W3cCounter) counts exactly what
// W3cAnalyzer counts in its counting mode: requests, status, win32, every finding code, the
// layouts, and the open-handshake state a parallel range is checked with. On real logs, generated
// Exchange logs, and a synthetic log built to hit every rule (window, sweep points, quoting, CR,
// rare values, layouts without date or client columns), read in chunks of several sizes so lines
// are split across chunks anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { acquireW3cKernel, createW3cKernel, releaseW3cKernel, w3cKernelProblem } from '../../src/core/w3c/w3cKernel';
import { KernelArenaFull, W3cCounter, type W3cCounting } from '../../src/core/w3c/w3cCounter';
import { W3cAnalyzer, SWEEP_BYTES, type W3cAnalysis } from '../../src/core/w3c/w3cFindings';
import { W3cScanner, MAX_LINE_BYTES } from '../../src/core/w3c/w3cScanner';
import { analyzeW3cFile, analyzeW3cStream } from '../../src/core/w3c/w3cAnalyze';
import { generateIisLog, type IisLogOptions } from '../support/iisLogGenerator';

const ROOT = join(__dirname, '..', '..');
const DATA = join(ROOT, 'test', 'fixtures');

interface Run {
  counter: W3cCounting;
  scanner: W3cScanner;
  feed(b: Buffer, piece: number): void;
}

/** A counting run: the kernel reading `piece`-byte chunks into its own memory, or W3cAnalyzer on plain buffers. */
function start(kernel: boolean, window = 120): Run {
  if (kernel) {
    const k = createW3cKernel();
    assert.ok(k, `WebAssembly kernel unavailable: ${w3cKernelProblem()}`);
    const counter = new W3cCounter(k, { handshakeWindowSeconds: window });
    const scanner = new W3cScanner(counter, k);
    let cur = 0;
    return {
      counter,
      scanner,
      feed(b, piece) {
        for (let p = 0; p < b.length; p += piece) {
          const part = b.subarray(p, Math.min(b.length, p + piece));
          const into = k.chunks[cur];
          part.copy(into, 0);
          scanner.push(into.subarray(0, part.length));
          cur = 1 - cur;
        }
      },
    };
  }
  const counter = new W3cAnalyzer({ collectFindings: false, handshakeWindowSeconds: window });
  const scanner = new W3cScanner(counter);
  return {
    counter,
    scanner,
    feed(b, piece) {
      for (let p = 0; p < b.length; p += piece) scanner.push(b.subarray(p, Math.min(b.length, p + piece)));
    },
  };
}

function result(r: Run): W3cAnalysis {
  r.scanner.end();
  return r.counter.finishAnalysis(r.scanner.bytes, r.scanner.lines);
}

function comparable(a: W3cAnalysis): unknown {
  return {
    lines: a.lines,
    requests: a.requests,
    summary: a.summary,
    layouts: a.layouts.map((l) => [l.fieldsLine, l.headerLine, l.fields.join(' '), l.date, l.software]),
  };
}

const PIECES = [1 << 22, 1_000_003, 65_537];

function assertSameCounts(buf: Buffer, name: string, window = 120): W3cAnalysis {
  const ref = start(false, window);
  ref.feed(buf, buf.length || 1);
  const want = result(ref);
  for (const piece of PIECES) {
    const run = start(true, window);
    run.feed(buf, piece);
    assert.deepEqual(comparable(result(run)), comparable(want), `${name}, chunks of ${piece} bytes`);
  }
  return want;
}

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'w3c-counter-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

void test('the kernel is there (dist/w3cKernel.wasm built by esbuild.mjs)', () => {
  assert.equal(w3cKernelProblem(), null);
});

void test('real IIS and HTTPERR logs: the same counts', () => {
  const files = readdirSync(DATA, { recursive: true })
    .map(String)
    .filter((f) => /\.(log|txt)(\.gz)?$/i.test(f));
  assert.ok(files.length >= 5, `real logs in ${DATA}`);
  let requests = 0;
  for (const f of files) {
    const raw = readFileSync(join(DATA, f));
    const buf = f.endsWith('.gz') ? gunzipSync(raw) : raw;
    requests += assertSameCounts(buf, f).requests;
  }
  assert.ok(requests > 1000, `${requests} requests in the real logs`);
});

void test('generated Exchange logs (garbage, layout change, restart, CRLF and LF): the same counts and the truth', () => {
  const cases: [string, Omit<IisLogOptions, 'out'>][] = [
    ['crlf.log', { size: '5M', seed: 3, garbage: 25, badBindingsRate: 0.03, logonDeniedRate: 0.02, invalidTokenRate: 0.01, abandonRate: 0.05 }],
    ['lf.log', { size: '3M', seed: 8, lf: true, garbage: 5, abandonRate: 0.2, layoutChange: 0.3, restartAt: 0.6 }],
  ];
  for (const [name, options] of cases) {
    const path = join(dir, name);
    const truth = generateIisLog({ out: path, ...options });
    const got = assertSameCounts(readFileSync(path), name);
    assert.equal(got.requests, truth.requests);
    assert.deepEqual(got.summary.status, truth.status);
    for (const code of ['BAD_BINDINGS', 'INVALID_TOKEN', 'LOGON_DENIED'])
      assert.equal(got.summary.findings[code as 'BAD_BINDINGS'] ?? 0, truth.findings[code], code);
    assert.ok((got.summary.findings.HANDSHAKE_INCOMPLETE ?? 0) > 0, 'abandoned handshakes counted');
  }
});

/** A seeded synthetic log over every rule the counter must share with W3cAnalyzer. */
function syntheticLog(seed: number): Buffer {
  let s = seed;
  const rnd = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const out: string[] = ['#Software: Microsoft Internet Information Services 10.0', '#Version: 1.0', '#Date: 2026-11-21 00:00:00'];
  const full =
    'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
  const layouts = [
    full,
    // no date (the #Date counts), cs-uri instead of the stem, status first
    'time sc-status c-ip cs-uri sc-substatus sc-win32-status cs(User-Agent)',
    // no client address, no substatus
    'date time cs-uri-stem sc-status sc-win32-status',
  ];
  let lay = 0;
  out.push(`#Fields: ${layouts[0]}`);
  let t = 3600;
  const clients = Array.from({ length: 40 }, (_, i) => `10.1.${i % 7}.${i}`);
  const uris = ['/EWS/mrsproxy.svc', '/EWS/Exchange.asmx', '/mapi/nspi/', '/Autodiscover/Autodiscover.xml', '/owa/'];
  const legs: [number, number, number][] = [
    [401, 2, 5],
    [401, 1, 2148074254],
    [401, 1, 2148074254],
    [200, 0, 0],
    [200, 0, 0],
    [401, 1, 2148074310],
    [401, 1, 3221226331],
    [401, 1, 2148074252],
    [401, 1, 2148074248],
    [401, 1, 1326],
    [401, 3, 5],
    [302, 0, 0],
    [500, 0, 64],
    [200, 0, 1236],
    [401, 1, 2148074254],
  ];
  const time = (): string => {
    const h = Math.floor(t / 3600) % 24,
      m = Math.floor(t / 60) % 60,
      sec = t % 60;
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  };
  for (let i = 0; i < 40000; i++) {
    t += rnd(10) === 0 ? rnd(300) : rnd(3);
    if (t >= 86400) t = 3600;
    const r = rnd(1000);
    if (r < 3) {
      lay = (lay + 1) % layouts.length;
      out.push(`#Fields: ${layouts[lay]}`);
      continue;
    }
    if (r < 5) {
      out.push(`#Date: 2026-11-${String(21 + rnd(3))} 00:00:00`);
      continue;
    }
    if (r < 8) {
      out.push(rnd(2) ? '' : ' \t ');
      continue;
    }
    if (r < 11) {
      out.push('garbage line that fits nothing');
      continue;
    }
    const leg: (number | string)[] = legs[rnd(legs.length)];
    let status = leg[0],
      win32 = leg[2];
    const sub = leg[1];
    if (r < 14) status = [1001, 99999, '-', '4o1', '0401'][rnd(5)];
    if (r < 17) win32 = [70000 + rnd(9000), '12345678901234567890', '-', 4294967295, '9007199254740993'][rnd(5)];
    const ip = rnd(50) === 0 ? '"10.9.9.9"' : clients[rnd(clients.length)];
    const uri = uris[rnd(uris.length)] + (rnd(40) === 0 ? '/deeper/path' : '');
    const ua =
      rnd(30) === 0
        ? '"Mozilla/5.0 (Windows NT; ""quoted"")"'
        : rnd(30) === 0
          ? 'agent\rwith-cr'
          : 'Microsoft+Office/16.0+(Windows+NT+10.0;+MSEXCH-MRS-Proxy)' + 'x'.repeat(rnd(120));
    let date = '2026-11-21';
    const odd = rnd(200);
    if (odd === 0) date = '0099-01-02';
    else if (odd === 1) date = '2026-1x-21';
    else if (odd === 2) date = '20261121xx';
    const tm = odd === 3 ? '25:61:00' : odd === 4 ? '7:05:09.123' : odd === 5 ? 'late' : time();
    const blank = rnd(20) === 0 ? '  \t' : ' ';
    let line: string;
    if (lay === 0)
      line = [date, tm, '10.0.1.22', 'POST', uri, '-', '443', rnd(3) ? 'CONTOSO\\user' + rnd(9) : '-', ip, ua, '-', status, sub, win32, rnd(5000)].join(blank);
    else if (lay === 1) line = [tm, status, ip, uri + '?x=1', sub, win32, ua].join(blank);
    else line = [date, tm, uri, status, win32].join(blank);
    out.push(rnd(25) === 0 ? line + (rnd(2) ? '\t' : ' ') : line);
  }
  return Buffer.from(out.join('\r\n') + '\r\nlast line without LF 1 2 3', 'utf8');
}

void test('synthetic log over every rule: the same counts with windows of 120, 5 and 0 seconds', () => {
  for (const seed of [1, 2, 3]) {
    const buf = syntheticLog(seed);
    assert.ok(buf.length > 2 * SWEEP_BYTES, 'crosses sweep points');
    for (const window of [120, 5, 0]) {
      const r = assertSameCounts(buf, `seed ${seed}, window ${window}`, window);
      assert.ok((r.summary.findings.HANDSHAKE_INCOMPLETE ?? 0) > 10 && (r.summary.findings.MALFORMED_LINE ?? 0) > 10);
      assert.ok(
        Object.keys(r.summary.win32).some((k) => Number(k) > 65535) && Object.keys(r.summary.status).some((k) => Number(k) >= 1000),
        'rare values counted',
      );
    }
  }
});

void test('dates and times read as JavaScript reads them (years 0-99 are 1900-1999, rollover days, odd times)', () => {
  const lines = ['#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status'];
  const pairs: [string, string][] = [
    ['0099-01-02 10:00:00', '1999-01-02 10:00:30'],
    ['2026-02-31 10:00:00', '2026-03-03 10:00:30'],
    ['2026-11-21 9:59:50', '2026-11-21 10:00:00'],
    ['2026-11-21 10:00:00.5', '2026-11-21 10:01:59'],
    ['2026-11-21 23:59:59', '2026-11-22 00:01:00'],
    ['2026-00-01 10:00:00', '2026-00-01 10:00:10'],
  ];
  pairs.forEach(([a, b], i) => {
    lines.push(
      `${a} 10.0.0.${i} /EWS/mrsproxy.svc 401 2 5`,
      `${a} 10.0.0.${i} /EWS/mrsproxy.svc 401 1 2148074254`,
      `${b} 10.0.0.${i} /EWS/mrsproxy.svc 200 0 0`,
    );
  });
  const r = assertSameCounts(Buffer.from(lines.join('\r\n') + '\r\n'), 'dates');
  // the late successes: 23:59:59 to 00:01:00 of the next day is 61 s (in the window); an unreadable month never closes in time
  assert.equal(r.summary.findings.HANDSHAKE_INCOMPLETE, 1);
});

void test('a last record without LF, a file without #Fields (IIS default layout), a BOM: counted alike', () => {
  const rows = [
    '2026-11-21 10:00:00 10.0.0.1 POST /EWS/mrsproxy.svc - 443 - 52.1.2.3 MRS - 401 2 5 15',
    '2026-11-21 10:00:01 10.0.0.1 POST /EWS/mrsproxy.svc - 443 - 52.1.2.3 MRS - 401 1 2148074254 15',
  ];
  const fields =
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
  for (const text of [`${fields}\r\n${rows.join('\r\n')}`, rows.join('\n'), `\ufeff${fields}\n${rows[0]}\n${rows[1]}\n`]) {
    const r = assertSameCounts(Buffer.from(text, 'utf8'), JSON.stringify(text.slice(0, 30)));
    assert.equal(r.requests, 2);
    assert.equal(r.summary.findings.HANDSHAKE_INCOMPLETE, 1);
  }
});

void test('a line over 1 MiB is malformed wherever the chunks fall; one just under it is a request', () => {
  const fields = '#Fields: date time c-ip cs-uri-stem cs-uri-query sc-status sc-substatus sc-win32-status';
  const row = (q: string): string => `2026-11-21 10:00:00 10.0.0.1 /owa/ ${q} 200 0 0`;
  const short = row('q'),
    base = Buffer.byteLength(row(''));
  for (const eol of ['\n', '\r\n']) {
    const over = row('x'.repeat(MAX_LINE_BYTES - base + 1)),
      under = row('y'.repeat(MAX_LINE_BYTES - base - eol.length + 1));
    const text = [fields, short, over, short, under, short].join(eol) + eol;
    const r = assertSameCounts(Buffer.from(text), `long lines (${JSON.stringify(eol)})`);
    assert.equal(r.requests, 4);
    assert.equal(r.summary.findings.MALFORMED_LINE, 1);
  }
});

void test('many distinct large win32 codes overflow the kernel table into JavaScript, counted alike', () => {
  const lines = ['#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status'];
  for (let i = 0; i < 9000; i++) lines.push(`2026-11-21 10:00:${String(i % 60).padStart(2, '0')} 10.0.0.${i % 200} /x 500 0 ${100000 + (i % 5000)}`);
  const r = assertSameCounts(Buffer.from(lines.join('\n') + '\n'), 'large win32 codes');
  assert.equal(Object.keys(r.summary.win32).length, 5000);
});

void test('after a lead-in (resetCounts), the open handshakes and the lowest time to the first sweep point agree', () => {
  const buf = syntheticLog(9);
  for (const cut of [0.2, 0.5, 0.8]) {
    let at = buf.indexOf(10, Math.floor(buf.length * cut)) + 1;
    const lead = buf.indexOf(10, at - 300_000) + 1;
    if (buf[lead] === 35) at = buf.indexOf(10, at) + 1;
    const states = [false, true].map((kernel) => {
      const run = start(kernel);
      run.feed(buf.subarray(0, lead), 1 << 22);
      run.counter.resetCounts();
      run.feed(buf.subarray(lead, at), 1 << 22);
      const open = run.counter.handshakeState();
      const min = run.counter.minTimeToSweep;
      run.feed(buf.subarray(at), 1 << 22);
      return { open, min, rest: comparable(result(run)) };
    });
    assert.ok(states[0].open.length > 0, 'open handshakes at the cut');
    assert.deepEqual(states[1], states[0], `cut at ${cut}`);
  }
});

void test('a released kernel is reused clean: open handshakes, counts and window of the last file are gone', () => {
  const a = syntheticLog(4),
    b = syntheticLog(5);
  const k = acquireW3cKernel()!;
  // a middle range: handshakes left open, a short window, counts reset after a lead-in
  const first = new W3cCounter(k, { handshakeWindowSeconds: 5, finishOpenAtEnd: false });
  const sc = new W3cScanner(first, k);
  a.copy(k.chunk, 0, 0, 1 << 21);
  sc.push(k.chunk.subarray(0, 1 << 21));
  first.resetCounts();
  assert.ok(first.handshakeState().length > 0);
  releaseW3cKernel(k);
  const again = acquireW3cKernel()!;
  assert.equal(again, k, 'the same kernel');
  const counter = new W3cCounter(again);
  const scanner = new W3cScanner(counter, again);
  assert.deepEqual(counter.handshakeState(), []);
  for (let p = 0; p < b.length; p += 1 << 22) {
    const n = b.copy(again.chunk, 0, p, Math.min(b.length, p + (1 << 22)));
    scanner.push(again.chunk.subarray(0, n));
  }
  scanner.end();
  const ref = start(false);
  ref.feed(b, b.length);
  assert.deepEqual(comparable(counter.finishAnalysis(scanner.bytes, scanner.lines)), comparable(result(ref)));
  releaseW3cKernel(again);
});

void test('a full arena for open handshakes: the counter says so, and analyze counts the file again with W3cAnalyzer', async () => {
  const buf = syntheticLog(6);
  const k = acquireW3cKernel()!;
  k.counter.limitArena(2048);
  const counter = new W3cCounter(k);
  const scanner = new W3cScanner(counter, k);
  buf.copy(k.chunk, 0, 0, 1 << 22);
  assert.throws(() => scanner.push(k.chunk.subarray(0, Math.min(buf.length, 1 << 22))), KernelArenaFull);
  // the next file gets this kernel from the pool, arena still small: the fallback must give the exact counts
  releaseW3cKernel(k);
  const path = join(dir, 'arena.log');
  writeFileSync(path, buf);
  try {
    const r = await analyzeW3cFile(path, { collectFindings: false });
    const ref = start(false);
    ref.feed(buf, buf.length);
    assert.deepEqual(comparable(r), comparable(result(ref)));
    assert.ok((r.summary.findings.HANDSHAKE_INCOMPLETE ?? 0) > 10);
  } finally {
    const back = acquireW3cKernel()!;
    assert.equal(back, k);
    back.counter.limitArena(0);
    releaseW3cKernel(back);
  }
});

void test('analyze --summary of a file uses the kernel and equals the findings path', async () => {
  const path = join(dir, 'summary.log');
  generateIisLog({ out: path, size: '6M', seed: 21, garbage: 9, abandonRate: 0.05 });
  const counted = await analyzeW3cFile(path, { collectFindings: false });
  const full = await analyzeW3cFile(path, { collectFindings: true });
  assert.deepEqual(comparable(counted), comparable(full));
  assert.equal(counted.blocks.length, 0, 'counted by W3cCounter (no block statistics)');
});

void test('a .gz log and a stream (stdin): the kernel reads them too, with the same counts and findings', async () => {
  const plain = join(dir, 'gz.log');
  generateIisLog({ out: plain, size: '5M', seed: 33, garbage: 7, abandonRate: 0.05 });
  writeFileSync(plain + '.gz', gzipSync(readFileSync(plain)));
  const ref = start(false);
  ref.feed(readFileSync(plain), 1 << 30);
  const want = comparable(result(ref));
  const gz = await analyzeW3cFile(plain + '.gz', { collectFindings: false });
  assert.deepEqual(comparable(gz), want);
  assert.equal(gz.blocks.length, 0, 'counted by W3cCounter');
  // gzip is told by its magic bytes, not by the name
  writeFileSync(join(dir, 'packed.log'), readFileSync(plain + '.gz'));
  writeFileSync(join(dir, 'stored-plain.log.gz'), readFileSync(plain));
  assert.deepEqual(comparable(await analyzeW3cFile(join(dir, 'packed.log'), { collectFindings: false })), want);
  assert.deepEqual(comparable(await analyzeW3cFile(join(dir, 'stored-plain.log.gz'), { collectFindings: false })), want);
  // a stream (as stdin) in odd-sized pieces: the kernel tokenizes, W3cAnalyzer keeps the findings
  const pieces = Readable.from(
    (function* () {
      const b = readFileSync(plain);
      for (let p = 0; p < b.length; p += 777_777) yield b.subarray(p, p + 777_777);
    })(),
  );
  const streamed = await analyzeW3cStream(pieces, { collectFindings: true });
  const full = await analyzeW3cFile(plain, { collectFindings: true });
  assert.deepEqual(comparable(streamed), want);
  assert.deepEqual(streamed.findings, full.findings);
  assert.ok(streamed.findings.length > 20);
});
