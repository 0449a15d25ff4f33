// The contract's verdict table as a pure function over attempt outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideVerdict, ntlmOffers, offeredSchemes, splitChallenges, variantOutcome } from '../../src/probe/verdict';
import type { ProbeAttempt, CbtVariant } from '../../src/probe/probeTypes';

const anon = { status: 401, wwwAuthenticate: ['Negotiate', 'NTLM'] };

function at(cbt: CbtVariant, status: number | null, scheme: 'NTLM' | 'Negotiate' = 'NTLM', extra: Partial<ProbeAttempt> = {}): ProbeAttempt {
  return { cbt, scheme, status, ms: 5, ok: status !== null && status !== 401, legs: status === null ? [] : [401, status], sameConnection: true, ...extra };
}

function row(absent: number, zero: number, correct: number, schemes: Array<'NTLM' | 'Negotiate'> = ['NTLM', 'Negotiate']): ProbeAttempt[] {
  const out: ProbeAttempt[] = [];
  for (const s of schemes) out.push(at('absent', absent, s), at('zero', zero, s), at('correct', correct, s));
  return out;
}

const table: Array<[number, number, number, string]> = [
  [400, 400, 400, 'ok'],
  [401, 401, 400, 'require'],
  [400, 400, 401, 'accept-mismatch'],
  [401, 401, 401, 'rejected'],
  [401, 400, 400, 'inconclusive'],
  [400, 401, 401, 'inconclusive'],
  [400, 401, 400, 'inconclusive'],
  [401, 400, 401, 'inconclusive'],
];

for (const [a, z, c, verdict] of table) {
  void test(`absent ${a}, zero ${z}, correct ${c} -> ${verdict}`, () => {
    const v = decideVerdict(anon, row(a, z, c));
    assert.equal(v.verdict, verdict);
    assert.ok(v.explanation.length > 40);
    assert.ok(verdict === 'ok' || v.remediation.length > 0);
  });
}

void test('a status other than 401 after the third leg counts as authenticated (200, 400, 500 alike)', () => {
  assert.equal(decideVerdict(anon, row(200, 500, 400)).verdict, 'ok');
});

void test('NTLM and Negotiate disagreeing in one variant -> inconclusive, naming the variant', () => {
  const attempts = [...row(400, 400, 401, ['NTLM']), ...row(400, 400, 400, ['Negotiate'])];
  const v = decideVerdict(anon, attempts);
  assert.equal(v.verdict, 'inconclusive');
  assert.match(v.explanation, /disagree for correct/);
});

void test('a broken-off handshake makes the verdict inconclusive with its reason', () => {
  const attempts = [at('absent', 400), at('zero', 400), at('correct', null, 'NTLM', { error: 'socket hang up' })];
  const v = decideVerdict({ status: 401, wwwAuthenticate: ['NTLM'] }, attempts);
  assert.equal(v.verdict, 'inconclusive');
  assert.match(v.explanation, /socket hang up/);
  assert.equal(variantOutcome(attempts, 'correct'), 'error');
});

void test('a proxy answering the NEGOTIATE leg with 503: inconclusive, and said to be no authentication answer', () => {
  const err = { error: 'the server answered the NEGOTIATE leg with 503 instead of a 401 challenge' };
  const attempts = (['absent', 'zero', 'correct'] as CbtVariant[]).map((c) => at(c, null, 'NTLM', err));
  const v = decideVerdict({ status: 401, wwwAuthenticate: ['NTLM'] }, attempts);
  assert.equal(v.verdict, 'inconclusive');
  assert.match(v.explanation, /503 is not an authentication answer/);
  assert.match(v.remediation[0], /reachable from the proxy/);
  // other broken-off handshakes get no such sentence
  assert.doesNotMatch(
    decideVerdict({ status: 401, wwwAuthenticate: ['NTLM'] }, [at('absent', 400), at('zero', 400), at('correct', null, 'NTLM', { error: 'socket hang up' })])
      .explanation,
    /not an authentication answer/,
  );
});

void test('no NTLM/Negotiate offer -> no-ntlm (Basic only, no header, anonymous allowed)', () => {
  assert.equal(decideVerdict({ status: 401, wwwAuthenticate: ['Basic'] }, []).verdict, 'no-ntlm');
  assert.equal(decideVerdict({ status: 401, wwwAuthenticate: [] }, []).verdict, 'no-ntlm');
  const v = decideVerdict({ status: 200, wwwAuthenticate: [] }, []);
  assert.equal(v.verdict, 'no-ntlm');
  assert.match(v.explanation, /200/);
  // A non-401 may be a pooled backend connection another client logged on: the text says so; a 401 without offers does not.
  assert.match(v.explanation, /reuses backend connections/);
  assert.ok(v.remediation.some((r) => /http-reuse never/.test(r)));
  assert.doesNotMatch(decideVerdict({ status: 401, wwwAuthenticate: ['Basic'] }, []).explanation, /reuses backend connections/);
});

void test('rejected explains bad password vs bad bindings vs connection affinity in IIS log terms', () => {
  const v = decideVerdict(anon, row(401, 401, 401));
  assert.match(v.explanation, /2148074252/);
  assert.match(v.explanation, /2148074310/);
  assert.match(v.explanation, /affinity/);
  assert.match(v.remediation.join(' '), /http-reuse never/);
});

void test("accept-mismatch remediation is in the articles' terms", () => {
  const fixes = decideVerdict(anon, row(400, 400, 401)).remediation.join('\n');
  for (const re of [/same certificate/i, /pass-through/i, /SSL bridging/i, /ExchangeExtendedProtectionManagement\.ps1/, /9821/]) assert.match(fixes, re);
});

void test('offers are recognised case-insensitively, with tokens and parameters', () => {
  assert.deepEqual(ntlmOffers(['negotiate', 'NTLM TlRMTVNTUAACAAAA', 'Basic realm="x"']), ['Negotiate', 'NTLM']);
  assert.deepEqual(ntlmOffers(['Kerberos', 'Bearer']), []);
});

void test('challenges merged into one header line by a proxy are split; quoted commas and auth-params stay', () => {
  assert.deepEqual(splitChallenges(['Negotiate, NTLM']), ['Negotiate', 'NTLM']);
  assert.deepEqual(splitChallenges(['Basic realm="a, b", charset="UTF-8", NTLM']), ['Basic realm="a, b", charset="UTF-8"', 'NTLM']);
  assert.deepEqual(splitChallenges(['NTLM TlRMTVNTUAACAAAADAAMADgAAAA=', 'Negotiate']), ['NTLM TlRMTVNTUAACAAAADAAMADgAAAA=', 'Negotiate']);
  assert.deepEqual(offeredSchemes(['Negotiate,NTLM', 'Basic realm="x"']), ['Negotiate', 'NTLM', 'Basic']);
  assert.deepEqual(ntlmOffers(['Negotiate, NTLM']), ['Negotiate', 'NTLM']);
});
