import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAuthTimeline, outcomeOf, OUTCOMES, AuthTimelineBuilder } from '../../src/core/timeline/authTimeline';
import { W3cScanner } from '../../src/core/w3c/w3cScanner';
import { generateIisLog } from '../support/iisLogGenerator';

const STORY = readFileSync(join(__dirname, '..', 'fixtures', 'explain', 'u_ex241105_mrsproxy_fixed_at_1716.log'));

void test('outcome of a request from status, substatus and win32', () => {
  assert.equal(outcomeOf(200, 0, 0), 'success');
  assert.equal(outcomeOf(302, 0, 0), 'success');
  assert.equal(outcomeOf(401, 2, 5), 'challenge');
  assert.equal(outcomeOf(401, 1, 2148074254), 'challenge');
  assert.equal(outcomeOf(401, 1, 2148074310), 'badBindings');
  assert.equal(outcomeOf(401, 1, 3221226331), 'badBindings');
  assert.equal(outcomeOf(401, 1, 2148074252), 'logonDenied');
  assert.equal(outcomeOf(401, 1, 2148074248), 'invalidToken');
  assert.equal(outcomeOf(401, 1, 214784354254), 'otherAuthFailure', 'a mangled 12-digit code is no known code');
  assert.equal(outcomeOf(401, 1, 1326), 'otherAuthFailure', 'Basic wrong password is not the SSPI LOGON_DENIED');
  assert.equal(outcomeOf(404, 0, 2), 'otherError');
  assert.equal(outcomeOf(-1, -1, -1), null);
});

void test("the article's story: mrsproxy fails with BAD_BINDINGS until the fix, from 17:16 two 401s then 200", () => {
  const tl = buildAuthTimeline(STORY);
  assert.equal(tl.requests, 121);
  assert.equal(tl.from, '2024-11-05T14:21:31Z');
  assert.equal(tl.bucketSeconds, 300, 'about 3 h of log: 5-minute buckets');
  assert.deepEqual(
    tl.urls.map((u) => u.uri),
    ['/EWS/mrsproxy.svc', '/EWS/Exchange.asmx'],
    'URLs with auth traffic only, most failures first',
  );
  const mrs = tl.urls[0]!;
  assert.deepEqual(mrs.totals, { success: 8, challenge: 52, badBindings: 18, logonDenied: 0, invalidToken: 0, otherAuthFailure: 0, otherError: 0 });
  const lastBad = STORY.toString('utf8')
    .split('\r\n')
    .map((l, i) => [l, i + 1] as const)
    .filter(([l]) => / 401 1 2148074310 /.test(l))
    .pop()!;
  assert.deepEqual(mrs.lastFailure, { time: lastBad[0].slice(0, 19).replace(' ', 'T') + 'Z', line: lastBad[1] });
  assert.deepEqual(mrs.firstSuccessAfterLastFailure, { time: '2024-11-05T17:16:03Z', line: findLine('17:16:03', '200 0 0') });
  // every bucket is on the same axis, and the line numbers point at the requests they count
  assert.equal(mrs.buckets.length, tl.bucketStarts.length);
  const text = STORY.toString('utf8').split('\r\n');
  let bb = 0;
  for (const b of mrs.buckets) {
    bb += b.counts.badBindings;
    for (const l of b.lines.badBindings) assert.match(text[l - 1]!, /mrsproxy\.svc .* 401 1 2148074310 /);
    for (const l of b.lines.success) assert.match(text[l - 1]!, / 200 0 0 /);
  }
  assert.equal(bb, 18);
  // before 17:10 no success, after 17:15 no failure: the fix is visible
  for (const b of mrs.buckets) {
    if (b.start < '2024-11-05T17:10') assert.equal(b.counts.success, 0, b.start);
    if (b.start >= '2024-11-05T17:15') assert.equal(b.counts.badBindings, 0, b.start);
  }
  const ews = tl.urls[1]!;
  assert.equal(ews.totals.logonDenied, 1);
  assert.equal(ews.firstSuccessAfterLastFailure, null);
});

function findLine(time: string, tail: string): number {
  const lines = STORY.toString('utf8').split('\r\n');
  return lines.findIndex((l) => l.includes(time) && l.includes(tail)) + 1;
}

void test('uri filter, fixed bucket width, and streaming in chunks give the same result', () => {
  const only = buildAuthTimeline(STORY, { uri: '/ews/MRSPROXY.svc', bucketSeconds: 600 });
  assert.equal(only.urls.length, 1);
  assert.equal(only.bucketSeconds, 600);
  const b = new AuthTimelineBuilder({ uri: '/ews/mrsproxy.svc', bucketSeconds: 600 });
  const sc = new W3cScanner(b);
  for (let i = 0; i < STORY.length; i += 777) sc.push(STORY.subarray(i, i + 777));
  sc.end();
  assert.deepEqual(b.result(), only);
});

void test('logs without auth traffic or without times give an empty timeline, not an error', () => {
  const real = join(__dirname, '..', 'fixtures', 'explain', 'ordinary-exchange-iis10-edge-cases.log');
  const tl = buildAuthTimeline(readFileSync(real));
  assert.ok(tl.requests > 0);
  for (const u of tl.urls) assert.equal(u.totals.badBindings, 0);
  const empty = buildAuthTimeline('');
  assert.deepEqual(empty.urls, []);
  assert.equal(empty.from, null);
  const garbage = buildAuthTimeline('\u0000\u0001 not a log\r\n#Fields: date\r\nx y z\r\n');
  assert.deepEqual(garbage.urls, []);
});

void test('synthetic log with ground truth: BAD_BINDINGS / LOGON_DENIED / INVALID_TOKEN totals equal the truth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'timeline-'));
  const out = join(dir, 'u_ex261121.log');
  const truth = generateIisLog({ size: '3M', out, seed: 11, badBindingsRate: 0.05, logonDeniedRate: 0.03, invalidTokenRate: 0.02 });
  const tl = buildAuthTimeline(readFileSync(out), { maxUrls: 1000 });
  const sum = (o: (typeof OUTCOMES)[number]): number => tl.urls.reduce((s, u) => s + u.totals[o], 0);
  assert.equal(sum('badBindings'), truth.findings.BAD_BINDINGS);
  assert.equal(sum('logonDenied'), truth.findings.LOGON_DENIED);
  assert.equal(sum('invalidToken'), truth.findings.INVALID_TOKEN);
  assert.ok(tl.urls.some((u) => u.uri.toLowerCase() === '/ews/mrsproxy.svc'));
  assert.ok(tl.bucketStarts.length <= 91);
});

void test('URLs with BAD_BINDINGS come first, then other errors, then the rest by failures (not the busiest failing URL first)', () => {
  const head =
    '#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n';
  const line = (uri: string, status: string, win32: number, sec: number): string =>
    `2026-11-21 10:00:${String(sec).padStart(2, '0')} 10.0.0.5 POST ${uri} - 443 - 10.0.0.9 UA - ${status} ${win32} 5\r\n`;
  let log = head;
  // /owa has the most failures (wrong passwords), /EWS/mrsproxy.svc one BAD_BINDINGS, /Autodiscover one INVALID_TOKEN
  for (let i = 0; i < 10; i++) log += line('/owa/auth.owa', '401 1', 2148074252, i);
  log += line('/Autodiscover/Autodiscover.xml', '401 1', 2148074248, 20);
  log += line('/EWS/mrsproxy.svc', '401 1', 2148074310, 30);
  const t = buildAuthTimeline(log);
  assert.deepEqual(
    t.urls.map((u) => u.uri),
    ['/EWS/mrsproxy.svc', '/Autodiscover/Autodiscover.xml', '/owa/auth.owa'],
  );
});
