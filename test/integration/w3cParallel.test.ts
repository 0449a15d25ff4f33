// The parallel `analyze --summary` path (the main thread and worker threads claiming units of the
// file as they go) gives exactly the sequential counts on generated logs with known truth: any
// number of threads, units of any size (cut mid-line and moved to the next line start), cuts right
// at a #Fields restart, #Fields blocks that straddle units, garbage lines, LF and CRLF, files
// smaller than a unit; and it declines (null, with a reason) when a handshake open at a cut began
// before the lead-in instead of returning a wrong count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateIisLog, type IisLogOptions } from '../support/iisLogGenerator';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeW3cFile } from '../../src/core/w3c/w3cAnalyze';
import { analyzeW3cSummaryParallel } from '../../src/core/w3c/w3cParallel';
import { runSummaryRange } from '../../src/core/w3c/w3cSummaryRange';
import { countClaimedUnits, newShared, unitStarts } from '../../src/core/w3c/w3cSummaryUnits';
import type { W3cAnalysis } from '../../src/core/w3c/w3cFindings';

const WORKER = join(__dirname, '..', '..', 'src', 'core', 'w3c', 'w3cSummaryWorker.ts');

let dir = '';
const logs: {
  path: string;
  truth: {
    lines: number;
    requests: number;
    status: Record<string, number>;
    win32: Record<string, number>;
    findings: Record<string, number>;
    layouts: { line: number }[];
  };
}[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'w3c-par-'));
  const mk = (name: string, options: Omit<IisLogOptions, 'out'>): void => {
    const path = join(dir, name);
    logs.push({ path, truth: generateIisLog({ out: path, ...options }) });
  };
  mk('u_ex261121.log', { size: '4M', seed: 3, garbage: 25, badBindingsRate: 0.02, logonDeniedRate: 0.01, invalidTokenRate: 0.005, abandonRate: 0.02 });
  mk('u_ex261122.log', { size: '3M', seed: 8, lf: true, abandonRate: 0.05, layoutChange: 0.5, restartAt: 0.3 });
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function counts(r: W3cAnalysis): unknown {
  return { lines: r.lines, requests: r.requests, bytes: r.bytes, summary: r.summary, layouts: r.layouts.map((l) => [l.fieldsLine, l.fields.join(' ')]) };
}

void test('parallel summary equals the sequential one for 2 to 5 ranges (workers run from TypeScript)', async () => {
  for (const l of logs) {
    const units = Math.ceil(readFileSync(l.path).length / (256 << 10));
    const seq = await analyzeW3cFile(l.path, { collectFindings: false });
    assert.ok((seq.summary.findings.HANDSHAKE_INCOMPLETE ?? 0) > 10, 'the log has incomplete handshakes to carry across cuts');
    for (const workers of [2, 3, 5]) {
      const why: string[] = [];
      const par = await analyzeW3cSummaryParallel(l.path, {
        workers,
        minBytes: 0,
        unitBytes: 256 << 10,
        // equal shares, fixed (the claims as they go are tested below): the cuts are the same in every run
        firstUnits: Array.from({ length: workers }, (_, k) => Math.floor((k * units) / workers)),
        leadBytes: 1 << 20,
        workerPath: WORKER,
        onFallback: (w) => why.push(w),
      });
      if (!par && workers === 5) {
        // ranges smaller than the 2 MiB between sweep points cannot prove that a handshake unknown to the lead-in ended late
        assert.match(why.join(';'), /began before the lead-in/);
        continue;
      }
      assert.ok(par, `${workers} ranges fell back: ${why.join('; ')}`);
      assert.deepEqual(counts(par), counts(seq), `${workers} ranges`);
      assert.equal(par.lines, l.truth.lines);
      assert.equal(par.requests, l.truth.requests);
      assert.deepEqual(par.summary.status, l.truth.status);
      assert.deepEqual(par.summary.win32, l.truth.win32);
      assert.deepEqual(
        par.layouts.map((x) => x.fieldsLine),
        l.truth.layouts.map((x) => x.line),
      );
      for (const c of ['BAD_BINDINGS', 'INVALID_TOKEN', 'LOGON_DENIED', 'MALFORMED_LINE'])
        assert.equal(par.summary.findings[c as 'BAD_BINDINGS'] ?? 0, l.truth.findings[c] ?? 0, c);
    }
  }
});

void test('a cut right after a #Fields restart: the lead-in carries the new layout', async () => {
  const l = logs[1];
  const buf = readFileSync(l.path);
  const lastFields = buf.lastIndexOf('\n#Fields:') + 1;
  const start = buf.indexOf(10, lastFields + 600000) + 1;
  const seq = await analyzeW3cFile(l.path, { collectFindings: false });
  const job = { path: l.path, handshakeWindowSeconds: 120 };
  const a = runSummaryRange({ ...job, leadStart: 0, start: 0, end: start, last: false });
  const from = Math.max(0, lastFields - 100000);
  // lead-in holding the #Fields line, and one that starts right after it (the look-back finds it)
  for (const leadStart of [from === 0 ? 0 : buf.indexOf(10, from - 1) + 1, buf.indexOf(10, lastFields) + 1]) {
    const b = runSummaryRange({ ...job, leadStart, start, end: buf.length, last: true });
    assert.equal(b.atStart!.dir, a.atEnd.dir);
    assert.deepEqual(b.atStart!.hs, a.atEnd.hs, `lead-in from ${leadStart}`);
    assert.equal(a.lines + b.lines, seq.lines);
    assert.equal(a.requests + b.requests, seq.requests);
    for (const k of Object.keys(seq.summary.findings)) assert.equal((a.findings[k] ?? 0) + (b.findings[k] ?? 0), seq.summary.findings[k as 'BAD_BINDINGS'], k);
  }
  assert.ok(JSON.parse(a.atEnd.dir)[0].includes('X-Forwarded-For'), 'the cut is in the second layout');
});

void test('a #Fields change further back than the look-back: the lines that do not fit the guessed layout send the range back to the last #Fields, exact', async () => {
  const l = logs[1];
  const seq = await analyzeW3cFile(l.path, { collectFindings: false });
  const recounted: number[] = [];
  const why: string[] = [];
  const size = readFileSync(l.path).length;
  // 8 units; the worker starts at 5/8, after the layout change, further back than lead-in + look-back
  const par = await analyzeW3cSummaryParallel(l.path, {
    workers: 2,
    minBytes: 0,
    unitBytes: Math.ceil(size / 8),
    firstUnits: [0, 5],
    leadBytes: 64 << 10,
    headerLookbackBytes: 4096,
    workerPath: WORKER,
    onFallback: (w) => why.push(w),
    onRecount: (k) => recounted.push(k),
  });
  assert.ok(par, `fell back: ${why.join('; ')}`);
  assert.deepEqual(recounted, [], 'the worker found the #Fields in force itself');
  assert.deepEqual(counts(par), counts(seq));
  // the layouts carry the #Date and #Software of their own header blocks
  assert.deepEqual(
    par.layouts.map((x) => [x.fieldsLine, x.date, x.software]),
    seq.layouts.map((x) => [x.fieldsLine, x.date, x.software]),
  );
  assert.ok(seq.layouts.length >= 3);
});

/** A log whose second #Fields has as many fields as the first, in another order (no line tells the guess is wrong). */
function swappedLayoutLog(path: string): void {
  const a =
    'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
  const b =
    'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-win32-status sc-substatus sc-status time-taken';
  const out: string[] = [];
  const block = (fields: string, date: string): void => {
    out.push('#Software: Microsoft Internet Information Services 10.0', '#Version: 1.0', `#Date: ${date}`, `#Fields: ${fields}`);
  };
  block(a, '2026-11-21 00:00:00');
  for (let i = 0; i < 6000; i++)
    out.push(`2026-11-21 00:${String(Math.floor(i / 100) % 60).padStart(2, '0')}:00 10.0.0.1 GET /owa/ - 443 - 10.1.${i % 200}.1 Mozilla - 401 1 2148074310 5`);
  block(b, '2026-11-21 02:00:00');
  for (let i = 0; i < 30000; i++)
    out.push(`2026-11-21 02:${String(Math.floor(i / 500) % 60).padStart(2, '0')}:00 10.0.0.1 GET /owa/ - 443 - 10.1.${i % 200}.1 Mozilla - 0 0 200 5`);
  writeFileSync(path, out.join('\r\n') + '\r\n');
}

void test('a #Fields change the lines do not show, further back than the look-back: that range is counted again with the layout in force, exact', async () => {
  const path = join(dir, 'u_ex261125.log');
  swappedLayoutLog(path);
  const size = readFileSync(path).length;
  const seq = await analyzeW3cFile(path, { collectFindings: false });
  assert.equal(seq.summary.findings.BAD_BINDINGS, 6000);
  const recounted: number[] = [];
  const why: string[] = [];
  const opts = { workers: 2, minBytes: 0, unitBytes: Math.ceil(size / 8), leadBytes: 16 << 10, workerPath: WORKER, onFallback: (w: string) => why.push(w) };
  const par = await analyzeW3cSummaryParallel(path, { ...opts, firstUnits: [0, 6], headerLookbackBytes: 4096, onRecount: (k) => recounted.push(k) });
  assert.ok(par, `fell back: ${why.join('; ')}`);
  assert.deepEqual(recounted, [2], 'the cut lies after the layout change, further than lead-in + look-back');
  assert.deepEqual(counts(par), counts(seq));
  // the same without the look-back limit: no second count
  const again: number[] = [];
  const par2 = await analyzeW3cSummaryParallel(path, { ...opts, firstUnits: [0, 6], onRecount: (k) => again.push(k) });
  assert.deepEqual(again, []);
  assert.deepEqual(counts(par2!), counts(seq));
});

void test('a handshake open at a cut that began before the lead-in: declined with the reason, never a wrong count', async () => {
  // one client keeps a handshake open across the cut: 401.2, then challenges every 60 s (within the window)
  const head =
    '#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2026-11-21 00:00:00\r\n' +
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n';
  const rows: string[] = [];
  for (let i = 0; i < 400; i++) {
    const t = `${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;
    rows.push(`2026-11-21 ${t} 10.0.0.1 POST /EWS/mrsproxy.svc - 443 - 52.1.2.3 MRS - 401 ${i === 0 ? '2 5' : '1 2148074254'} 1`);
    for (let j = 0; j < 200; j++) rows.push(`2026-11-21 ${t} 10.0.0.1 GET /owa/ - 443 CONTOSO\\u${j} 10.1.${j}.1 Mozilla - 200 0 0 5`);
  }
  const path = join(dir, 'u_ex261123.log');
  writeFileSync(path, head + rows.join('\r\n') + '\r\n');
  const seq = await analyzeW3cFile(path, { collectFindings: false });
  assert.equal(seq.summary.findings.HANDSHAKE_INCOMPLETE, 1);
  const why: string[] = [];
  const half = { workers: 2, minBytes: 0, unitBytes: Math.ceil(Buffer.byteLength(head + rows.join('\r\n')) / 2), firstUnits: [0, 1], workerPath: WORKER };
  const par = await analyzeW3cSummaryParallel(path, { ...half, leadBytes: 3000, onFallback: (w) => why.push(w) });
  assert.equal(par, null);
  assert.match(why.join(';'), /range 2: a handshake open at byte \d+ began before the lead-in/);
  // a lead-in that covers it gives the exact count
  const ok = await analyzeW3cSummaryParallel(path, { ...half, leadBytes: 64 << 20 });
  assert.ok(ok);
  assert.deepEqual(ok.summary, seq.summary);
});

void test('declines what it does not cut: small files, gzip, UTF-16', async () => {
  const why: string[] = [];
  assert.equal(await analyzeW3cSummaryParallel(logs[0].path, { workers: 2, workerPath: WORKER, onFallback: (w) => why.push(w) }), null);
  const gz = join(dir, 'x.log');
  writeFileSync(gz, Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(1000)]));
  assert.equal(await analyzeW3cSummaryParallel(gz, { workers: 2, minBytes: 0, workerPath: WORKER, onFallback: (w) => why.push(w) }), null);
  const u16 = join(dir, 'y.log');
  writeFileSync(u16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('#Fields: date time\r\n'.repeat(100), 'utf16le')]));
  assert.equal(await analyzeW3cSummaryParallel(u16, { workers: 2, minBytes: 0, workerPath: WORKER, onFallback: (w) => why.push(w) }), null);
  assert.deepEqual(why, ['small file', 'gzip', 'UTF-16']);
});

void test('a worker that fails: before it took a unit, the others count its share; after, the caller is told to read sequentially; cancel rejects', async () => {
  const bad = join(dir, 'badWorker.js');
  writeFileSync(bad, "throw new Error('boom in the worker');\n");
  const seq = await analyzeW3cFile(logs[0].path, { collectFindings: false });
  // a fixed split gives the worker its unit up front: without its ranges the file is not covered
  const why: string[] = [];
  const fixed = { workers: 2, minBytes: 0, unitBytes: 1 << 20, firstUnits: [0, 2] };
  assert.equal(await analyzeW3cSummaryParallel(logs[0].path, { ...fixed, workerPath: bad, onFallback: (w) => why.push(w) }), null);
  assert.match(why[0], /^a worker failed: boom in the worker/);
  // claiming as it goes, a worker that never starts takes nothing: this thread counts the whole file
  const lost: string[] = [];
  const alone = await analyzeW3cSummaryParallel(logs[0].path, {
    workers: 2,
    minBytes: 0,
    unitBytes: 1 << 20,
    workerPath: bad,
    onWorkerLost: (w) => lost.push(w),
  });
  assert.ok(alone);
  assert.deepEqual(counts(alone), counts(seq));
  // cancelled while it waits for the worker's ranges (this thread counts its own before the first await)
  const ac = new AbortController();
  const p = analyzeW3cSummaryParallel(logs[0].path, { ...fixed, workerPath: WORKER, signal: ac.signal });
  ac.abort();
  await assert.rejects(p, /cancelled/);
  await assert.rejects(analyzeW3cSummaryParallel(logs[0].path, { ...fixed, workerPath: WORKER, signal: ac.signal }), /cancelled/, 'cancelled before it starts');
});

void test('units: cut mid-line and moved to line starts, threads claim as they go; tiny files and files smaller than a unit', async () => {
  const l = logs[0];
  const seq = await analyzeW3cFile(l.path, { collectFindings: false });
  const size = readFileSync(l.path).length;
  const starts = unitStarts(l.path, size, 100_003);
  const data = readFileSync(l.path);
  assert.ok(starts.length > 30);
  for (const s of starts) assert.ok(s === 0 || data[s - 1] === 10, `unit start ${s} is a line start`);
  // every unit size, thread count and read size gives the sequential counts; any split the claims make
  for (const [unitBytes, workers, readBytes] of [
    [100_003, 2, 1 << 20],
    [333_333, 3, 4093],
    [1 << 20, 2, 65_536],
    [size - 1, 2, 1 << 20],
  ]) {
    const why: string[] = [];
    // the default lead-in (longer than the file): these cuts test the split, not how far a handshake reaches
    const par = await analyzeW3cSummaryParallel(l.path, { workers, minBytes: 0, unitBytes, readBytes, workerPath: WORKER, onFallback: (w) => why.push(w) });
    if (unitBytes === size - 1) {
      assert.equal(par, null, 'two units: one thread counts it');
      assert.deepEqual(why, ['no line start to cut at']);
      continue;
    }
    assert.ok(par, `units of ${unitBytes}: ${why.join('; ')}`);
    assert.deepEqual(counts(par), counts(seq), `units of ${unitBytes}, ${workers} threads, reads of ${readBytes}`);
  }
  // this thread alone through every unit (the ranges it claims one by one) equals one range
  const plan = { path: l.path, size, starts, threads: 1, handshakeWindowSeconds: 120, leadBytes: 1 << 20, readBytes: 7919 };
  const ranges = countClaimedUnits(plan, newShared(plan), 0);
  assert.equal(ranges.length, 1);
  assert.equal(ranges[0].end, size);
  assert.equal(ranges[0].lines, seq.lines);
  assert.equal(ranges[0].requests, seq.requests);
  // a file smaller than a unit, and a tiny one without a final LF
  const tiny = join(dir, 'u_ex261126.log');
  const text = '#Fields: date time cs-uri-stem c-ip sc-status sc-substatus sc-win32-status\n2026-11-21 00:00:00 /EWS/mrsproxy.svc 1.2.3.4 401 1 2148074310';
  writeFileSync(tiny, text);
  const second = text.indexOf('\n') + 1;
  assert.deepEqual(unitStarts(tiny, text.length, 16 << 20), [0]);
  assert.deepEqual(unitStarts(tiny, text.length, 10), [0, second]);
  const tinyPlan = { ...plan, path: tiny, size: text.length, starts: [0, second] };
  const t = countClaimedUnits(tinyPlan, newShared(tinyPlan), 0);
  assert.deepEqual(
    t.map((r) => [r.start, r.end, r.lines, r.requests, r.findings.BAD_BINDINGS]),
    [[0, text.length, 2, 1, 1]],
  );
});
