// Hostile and unlucky input must cost time in proportion to its size: each case measures the time
// on n and on 4n (test/support/growth), never an absolute time. Before the fixes each of these was
// quadratic or worse (issue 15: 'NTLM' + 500k spaces + 'x' took 190 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeToken, parseAuthText } from '../../src/core/authHeader';
import { decodeAuthorization } from '../../src/core/freb/frebAuthScheme';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanFreb } from '../../src/core/freb/frebScan';
import { analyzeFrebText } from '../../src/core/freb/frebAnalyze';
import { compileGlob } from '../../src/core/glob';
import { compileFilter, textMayMatch } from '../../src/core/freb/frebFilter';
import { assertSubQuadratic } from '../support/growth';

void test('auth header: long runs of blanks, commas and unclosed tags are split in linear time', () => {
  const cases: Array<[string, (n: number) => string]> = [
    ['NTLM + spaces + x', (n) => `NTLM${' '.repeat(n)}x`],
    ['spaces around commas', (n) => `Negotiate${' '.repeat(n)},${' '.repeat(n)}NTLM`],
    ['header + <a repeated', (n) => `Authorization: NTLM ${'<a'.repeat(n)}`],
    ['token + <a repeated', (n) => `NTLM x${'<a'.repeat(n)}`],
    ['header names before a line separator', (n) => `${'Authorization:'.repeat(n)}\u2028x`],
    ['blank, comma, blank', (n) => `Authorization: ${' , '.repeat(n)}x`],
  ];
  for (const [label, make] of cases) {
    assertSubQuadratic(label, make, (t) => decodeToken(t), 2000);
  }
  assertSubQuadratic(
    'FREB Authorization header with spaces',
    (n) => `Negotiate${' '.repeat(n)}!`,
    (t) => decodeAuthorization(t),
    2000,
  );
});

void test('auth header: the linear split gives the same parts as before', () => {
  assert.deepEqual(parseAuthText('<Data Name="Headers">Authorization: NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAF1YAAAADw==</Data>'), {
    header: 'Authorization',
    scheme: 'NTLM',
    token: 'TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAF1YAAAADw==',
    offers: [],
  });
  assert.deepEqual(parseAuthText('WWW-Authenticate:  Negotiate ,NTLM  '), {
    header: 'WWW-Authenticate',
    scheme: null,
    token: null,
    offers: ['Negotiate', 'NTLM'],
  });
  assert.deepEqual(parseAuthText('Authorization: NTLM x<1>'), { header: 'Authorization', scheme: 'NTLM', token: 'x<1>', offers: [] });
  assert.deepEqual(parseAuthText('Authorization: NTLM abc</b'), { header: 'Authorization', scheme: 'NTLM', token: 'abc</b', offers: [] });
  assert.deepEqual(parseAuthText(`NTLM\tabc"'`), { header: null, scheme: 'NTLM', token: 'abc', offers: [] });
  // A lone CR or U+2028 ends a line like LF does.
  assert.deepEqual(parseAuthText('Authorization: NTLM abc\u2028def'), { header: 'Authorization', scheme: 'NTLM', token: 'abc', offers: [] });
  const r = decodeToken(`NTLM${' '.repeat(100_000)}x`);
  assert.match(r.error ?? '', /./);
});

void test('FREB: a trace on one line (minified) is scanned and analyzed in linear time', () => {
  assertSubQuadratic(
    '<a/> repeated on one line',
    (n) => `<r>${'<a/>'.repeat(n)}</r>`,
    (t) => scanFreb(t),
    1000,
  );
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'freb', 'plechenko', 'fr000001.xml'), 'utf8');
  const first = text.indexOf('<Event');
  const last = text.lastIndexOf('</Event>') + '</Event>'.length;
  const events = text.slice(first, last);
  const minified = (n: number) => (text.slice(0, first) + events.repeat(n) + text.slice(last)).replace(/\r?\n\s*/g, '');
  const g = assertSubQuadratic('minified real trace', minified, (t) => analyzeFrebText(t, 'fr000001.xml'), 1);
  const one = analyzeFrebText(minified(2), 'fr000001.xml');
  assert.equal(one.kind, 'freb');
  assert.ok(g.n >= 1);
});

void test('--filter globs match in linear time (no backtracking per star)', () => {
  const ua = compileGlob('User-Agent:*MSIE*MSIE*Windows*');
  assertSubQuadratic(
    'header glob on MSIE repeated',
    (n) => `User-Agent: ${'MSIE '.repeat(n)}`,
    (t) => ua.test(t),
    200,
  );
  const q = compileGlob('*a?b*a?a');
  assertSubQuadratic(
    '? pieces on a run of one letter',
    (n) => 'a'.repeat(n),
    (t) => q.test(t),
    1000,
  );
  assert.ok(ua.test('user-agent: Mozilla/4.0 (compatible; MSIE 8.0; MSIE 7; Windows NT 6.1)'));
  assert.ok(!ua.test('User-Agent: MSIE Windows'));
  assert.ok(compileGlob('*/EWS/mrsproxy.svc').test('https://mail.contoso.test/ews/MRSProxy.svc'));
  assert.ok(compileGlob('a*').test('a') && compileGlob('*').test('') && !compileGlob('?').test(''));
  assert.ok(compileGlob('ab*ba').test('aba') === false && compileGlob('ab*ba').test('abba'));
  // The raw-text header prefilter: a name after a long run of blank lines.
  const c = compileFilter({ headers: [{ name: 'X-Forwarded-For', value: null }] });
  assertSubQuadratic(
    'header name after blank lines',
    (n) => `<a>${'\n'.repeat(n)}  x-forwarded-for :1</a>`,
    (t) => textMayMatch(c, t),
    1000,
  );
  assert.ok(textMayMatch(c, '<Data Name="Headers">Host: x\r\n  X-Forwarded-For: 1</Data>'));
  assert.ok(!textMayMatch(c, '<Data Name="Headers">Host: x X-Forwarded-For: 1</Data>'));
});
