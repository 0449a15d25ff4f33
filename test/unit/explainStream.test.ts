import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { explainText } from '../../src/core/explain/explainText';
import { CONTEXT, ExplainStream, SEGMENT, explainInSegments } from '../../src/core/explain/explainStream';
import { ExplainGroups, MAX_GROUP_LINES, MAX_LISTED_MATCHES, lineRanges } from '../../src/core/explain/explainGroups';

const FIX = join(__dirname, '..', 'fixtures', 'explain');

void test('explained in segments, a text of several segments gives exactly the matches of the whole text', () => {
  const files = readdirSync(FIX)
    .filter((f) => /\.(txt|log)$/.test(f))
    .sort();
  let text = '';
  // Fixtures glued with and without blank lines, so texts, entries and URLs straddle the cuts.
  for (let k = 0; text.length < 2.5 * SEGMENT; k++) text += readFileSync(join(FIX, files[k % files.length]!), 'utf8') + (k % 3 ? '\n' : '');
  const whole = explainText(text);
  const segmented = explainInSegments(text);
  assert.ok(whole.length > 1000, `${whole.length} matches`);
  assert.equal(segmented.length, whole.length);
  assert.deepEqual(segmented, whole);
});

void test('a line longer than a segment is cut, and nothing is lost or counted twice', () => {
  const text = `${'x'.repeat(SEGMENT + CONTEXT + 10)} 0x80090346\nnext 2148074310\n`;
  const m = explainInSegments(text);
  assert.deepEqual(
    m.map((x) => `${x.line}:${x.code}`),
    ['1:SEC_E_BAD_BINDINGS', '2:SEC_E_BAD_BINDINGS'],
  );
});

void test('the stream holds at most a segment and its context, whatever the input size', () => {
  let count = 0;
  const s = new ExplainStream(() => {
    count++;
  });
  const chunk = 'ordinary text line, nothing to see\n2026-11-21 10:00:00 POST /EWS/mrsproxy.svc 401 1 2148074310\n'.repeat(700);
  let max = 0;
  for (let i = 0; i < 200; i++) {
    s.push(chunk);
    max = Math.max(max, s.buffered);
  }
  s.end();
  assert.equal(count, 200 * 700);
  assert.ok(max <= SEGMENT + 2 * CONTEXT + chunk.length, `held ${max} characters`);
});

void test('groups: every match counted, the first listed whole, lines per kind, bounded', () => {
  const g = new ExplainGroups();
  const m = explainText('0x80090346\n'.repeat(MAX_LISTED_MATCHES + 5) + 'SEC_E_LOGON_DENIED\n');
  for (const x of m) g.add(x);
  assert.equal(g.count, MAX_LISTED_MATCHES + 6);
  assert.equal(g.matches.length, MAX_LISTED_MATCHES);
  assert.ok(g.matchesTruncated);
  assert.deepEqual(
    g.groups.map((x) => [x.code, x.count, x.lines.length]),
    [
      ['SEC_E_BAD_BINDINGS', MAX_LISTED_MATCHES + 5, MAX_LISTED_MATCHES + 5],
      ['SEC_E_LOGON_DENIED', 1, 1],
    ],
  );
  assert.equal(lineRanges(g.groups[0]!.lines), `1-${MAX_LISTED_MATCHES + 5}`);
  assert.equal(lineRanges([1, 2, 3, 7, 9, 10]), '1-3, 7, 9-10');
  assert.equal(lineRanges([1, 3, 5, 7], 2), '1, 3, ...');
  assert.ok(MAX_GROUP_LINES >= 10_000);
});
