import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHcwLog, looksLikeHcwLog } from '../../src/core/hcw/hcwLog';
import { assertSubQuadratic } from '../support/growth';

const LOG = readFileSync(join(__dirname, '..', 'fixtures', 'hcw', 'HybridConfiguration_11_5_2024_14_23_10.log'), 'utf8');
const FLAT = readFileSync(join(__dirname, '..', 'fixtures', 'explain', 'hcw-article-flattened.txt'), 'utf8');

void test('HCW entries: timestamp, sequence, bracket fields, START/FINISH, Time= with a decimal comma, ErrorDetail', () => {
  const { entries } = parseHcwLog(LOG);
  assert.equal(entries.length, 6);
  const finish = entries[4]!;
  assert.equal(finish.line, 5);
  assert.equal(finish.endLine, 5);
  assert.equal(finish.time, '2024-11-05T14:23:18.825');
  assert.equal(finish.sequence, 10277);
  assert.deepEqual(finish.fields, { Client: 'UX', Session: 'Tenant', Cmdlet: 'Test-MigrationServerAvailability', Thread: '12' });
  assert.equal(finish.kind, 'FINISH');
  assert.equal(LOG.slice(finish.keywordIndex, finish.keywordIndex + finish.keywordLength), 'FINISH');
  assert.equal(finish.durationMs, 5428);
  assert.equal(finish.results, 1);
  assert.match(finish.error ?? '', /^Microsoft\.Exchange\.Net\.CommunicationErrorTransientException: The call to 'net\.tcp:/);
  assert.equal(entries[0]!.kind, 'OTHER');
  assert.equal(entries[0]!.cmdlet, null);
  assert.equal(entries[2]!.error, null);
  assert.equal(entries[2]!.durationMs, 454);
});

void test('HCW invocations pair START and FINISH per cmdlet and thread', () => {
  const { invocations } = parseHcwLog(LOG);
  assert.deepEqual(
    invocations.map((i) => [i.cmdlet, i.start?.line, i.finish?.line, i.durationMs, i.failed]),
    [
      ['Get-MigrationEndpoint', 2, 3, 454, false],
      ['Test-MigrationServerAvailability', 4, 5, 5428, true],
    ],
  );
});

void test('entries flattened onto one line (as pasted from the article) are still separated', () => {
  const { entries, invocations } = parseHcwLog(FLAT);
  assert.equal(entries.length, 2);
  assert.equal(entries[0]!.kind, 'START');
  assert.match(entries[0]!.message, /^Test-MigrationServerAvailability -ExchangeRemoteMove: \$true/);
  assert.equal(entries[1]!.kind, 'FINISH');
  assert.equal(invocations.length, 1);
  assert.equal(invocations[0]!.failed, true);
});

void test('continuation lines belong to the entry above; a FINISH without START is kept; garbage is ignored', () => {
  const text = [
    'garbage line before anything',
    '2024.11.05 14:23:18.825 10277 [Client=UX, Session=Tenant, Cmdlet=Set-OrganizationRelationship, Thread=9] FINISH Time=12.5ms Results=0 {ErrorDetail=System.Exception: boom',
    '   at Foo.Bar()',
    '   at Baz.Qux()}',
    '2024.11.05 14:23:19.000 10278 [Client=UX, Thread=9] done',
    '2024.13.45 99:99:99.000 1 [',
  ].join('\n');
  assert.ok(looksLikeHcwLog(text));
  const { entries, invocations } = parseHcwLog(text);
  assert.equal(entries.length, 2);
  assert.equal(entries[0]!.endLine, 4);
  assert.equal(entries[0]!.durationMs, 12.5);
  assert.equal(entries[0]!.error, 'System.Exception: boom\n   at Foo.Bar()\n   at Baz.Qux()');
  assert.equal(invocations.length, 1);
  assert.equal(invocations[0]!.start, null);
  assert.equal(invocations[0]!.failed, true);
  assert.equal(looksLikeHcwLog('just text'), false);
  assert.deepEqual(parseHcwLog('').entries, []);
});

void test('HCW: an entry followed by a long run of blank lines or spaces is parsed in linear time', () => {
  const head = '2024.11.05 14:23:13.397 10276 [Client=UX, Session=Tenant, Cmdlet=Test-MigrationServerAvailability, Thread=12] FINISH Time=5,0ms {ErrorDetail=x';
  for (const blank of ['\n', ' ', '\r\n', '\t ']) {
    assertSubQuadratic(
      `blank ${JSON.stringify(blank)}`,
      (n) => `${head}${blank.repeat(n)}y`,
      (t) => parseHcwLog(t),
      2000,
    );
  }
  const { entries } = parseHcwLog(`${head}${'\n'.repeat(1000)}  `);
  assert.equal(entries[0]!.error, 'x');
  assert.equal(entries[0]!.endLine, 1);
});
