import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iisRequestsOf, loadFrebRequest, pathOf, rankFrebMatches, rankIisMatches, type FrebRequest } from '../../src/core/timeline/frebMatch';

const DIR = join(__dirname, '..', 'fixtures', 'explain', 'evidence');
const LOG = readFileSync(join(DIR, 'u_ex261121_freb_pairs.log'));

async function traces(): Promise<FrebRequest[]> {
  const out: FrebRequest[] = [];
  for (const f of ['fr000001.xml', 'fr000002.xml', 'fr000003.xml']) {
    const r = await loadFrebRequest(join(DIR, f));
    assert.ok(!('error' in r), JSON.stringify(r));
    out.push(r);
  }
  return out;
}

void test('FREB request keys: url path, status, client, start time, failure event line', async () => {
  const [t1] = await traces();
  assert.equal(pathOf(t1!.url), '/EWS/mrsproxy.svc');
  assert.equal(t1!.statusCode, 401);
  assert.equal(t1!.subStatusCode, 1);
  assert.equal(t1!.win32Status, 2148074310);
  assert.equal(t1!.clientIp, '52.101.49.22');
  assert.equal(t1!.startMs, Date.parse('2026-11-21T11:32:53.990Z'));
  assert.equal(t1!.timeTaken, 58);
  assert.equal(t1!.line, 415, 'the <Event> of MODULE_SET_RESPONSE_ERROR_STATUS (truth.json failureEvent.eventStartLine)');
});

void test('from an IIS line to its FREB trace: same path, status, client, end time; decoys are not linked', async () => {
  const ts = await traces();
  const lines = iisRequestsOf(LOG);
  assert.equal(lines.length, 6);
  const best = (line: number): string[] =>
    rankFrebMatches(
      lines.find((l) => l.line === line)!,
      ts,
    ).map((m) => m.item.path.split('/').pop()!);
  assert.deepEqual(best(5), [], 'the anonymous 401.2 leg of the same second is another request');
  assert.deepEqual(best(6), ['fr000001.xml']);
  assert.deepEqual(best(7), [], 'same second, other client');
  assert.deepEqual(best(8), ['fr000002.xml']);
  assert.deepEqual(best(9), [], 'other path');
  assert.deepEqual(best(10), [], 'same client and path, hours later');
  assert.deepEqual(
    iisRequestsOf(LOG, 8).map((l) => l.line),
    [8],
  );
});

void test('and back: from a FREB trace to its IIS line', async () => {
  const ts = await traces();
  const lines = iisRequestsOf(LOG);
  assert.deepEqual(
    rankIisMatches(ts[0]!, lines).map((m) => [m.item.line, m.deltaMs]),
    [[6, 0]],
  );
  assert.deepEqual(
    rankIisMatches(ts[1]!, lines).map((m) => m.item.line),
    [8],
  );
  assert.deepEqual(
    rankIisMatches(ts[2]!, lines).map((m) => m.item.line),
    [],
  );
});

void test('a file that is no FREB trace gives a one-line error, not an exception', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-'));
  const bad = join(dir, 'fr000099.xml');
  writeFileSync(bad, '<failedRequest url="https://x/EWS/mrsproxy.svc" statusCode="401.1"><Event>');
  const r = await loadFrebRequest(bad);
  assert.ok('error' in r);
  assert.match(r.error, /fr000099\.xml/);
  assert.doesNotMatch(r.error, /\n/);
  const missing = await loadFrebRequest(join(dir, 'nope.xml'));
  assert.ok('error' in missing);
});
