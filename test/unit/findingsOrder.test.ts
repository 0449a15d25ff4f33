// Signal over noise (issue 17): every list of findings shows BAD_BINDINGS and the other errors
// first, in the one order of the findings table (severity, then FINDING_ORDER), not line order;
// CodeLens titles say "1 request" and leave out counts that are zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compareFindings, FINDING_ORDER, findingRank, severityOf, type Finding, type FindingCode } from '../../src/core/findings';
import { w3cAnalysis, W3C_LANGUAGE } from '../../src/server/features/w3cModelCache';
import { w3cBlockLensTitle, w3cCodeLenses, w3cFindingsOf } from '../../src/server/features/w3cCodeLens';
import type { W3cBlockStats } from '../../src/core/w3c/w3cDocumentAnalysis';
import { w3cSymbols } from '../../src/server/features/w3cSymbols';
import { errorsFirst, findMatchingIisLines } from '../../src/core/timeline/matchingIisLines';

const FIX = join(__dirname, '..', 'fixtures', 'workspace', 'u_ex261121_bad_bindings.log');
const sev = { error: 0, warning: 1, info: 2 } as const;

function assertErrorsFirst(list: Finding[]): void {
  for (let i = 1; i < list.length; i++) {
    const a = list[i - 1]!,
      b = list[i]!;
    assert.ok(findingRank(a.code) < findingRank(b.code) || (a.code === b.code && a.line <= b.line), `${a.code}@${a.line} before ${b.code}@${b.line}`);
  }
}

void test('findingRank: BAD_BINDINGS first, errors before warnings before info, FINDING_ORDER within a severity', () => {
  const codes = [...FINDING_ORDER].sort((a, b) => findingRank(a) - findingRank(b));
  assert.equal(codes[0], 'BAD_BINDINGS');
  assert.deepEqual(codes, ['BAD_BINDINGS', 'INVALID_TOKEN', 'AUTH_FAILED', 'LOGON_DENIED', 'HANDSHAKE_INCOMPLETE', 'MALFORMED_LINE', 'NO_CREDENTIALS']);
  for (let i = 1; i < codes.length; i++) assert.ok(sev[severityOf(codes[i - 1]!)] <= sev[severityOf(codes[i]!)]);
  const f = (code: FindingCode, line: number): Pick<Finding, 'code' | 'line'> => ({ code, line });
  const sorted = [f('HANDSHAKE_INCOMPLETE', 1), f('BAD_BINDINGS', 9), f('INVALID_TOKEN', 3), f('BAD_BINDINGS', 4)].sort(compareFindings);
  assert.deepEqual(
    sorted.map((x) => `${x.code}@${x.line}`),
    ['BAD_BINDINGS@4', 'BAD_BINDINGS@9', 'INVALID_TOKEN@3', 'HANDSHAKE_INCOMPLETE@1'],
  );
});

void test('the CodeLens findings list of the bundled sample: errors first, then line order', () => {
  const doc = TextDocument.create('file:///order/u_ex261121_bad_bindings.log', W3C_LANGUAGE, 1, readFileSync(FIX, 'utf8'));
  const a = w3cAnalysis(doc, 120);
  const inLineOrder = a.findings.map((x) => x.code);
  // the sample starts with a warning: line order would not put the errors first
  assert.notEqual(inLineOrder[0], 'BAD_BINDINGS');
  const all = w3cFindingsOf(a);
  assert.equal(all.length, a.findings.length);
  assert.equal(all[0]!.code, 'BAD_BINDINGS');
  assertErrorsFirst(all);
  let blocksWithErrorsAndWarnings = 0;
  for (const b of a.blocks) {
    const list = w3cFindingsOf(a, b.index);
    assertErrorsFirst(list);
    if (list.some((x) => severityOf(x.code) === 'error') && list.some((x) => severityOf(x.code) === 'warning')) blocksWithErrorsAndWarnings++;
  }
  assert.ok(blocksWithErrorsAndWarnings > 0, 'the sample has a block that mixes errors and warnings');
  // the analysis itself keeps line order (the CLI JSON and Problems rely on it)
  assert.deepEqual(
    a.findings.map((x) => x.code),
    inLineOrder,
  );
});

const block = (o: Partial<W3cBlockStats>): W3cBlockStats => ({
  index: 1,
  fieldsLine: 5,
  headerLine: 1,
  endLine: 9,
  fields: [],
  requests: 0,
  status401: 0,
  badBindings: 0,
  malformed: 0,
  findings: 0,
  topFailing: null,
  ...o,
});

void test('CodeLens titles: singular and plural, zero counts left out, a clean block says so', () => {
  assert.equal(w3cBlockLensTitle(block({ requests: 1 })), '1 request · no authentication failures');
  assert.equal(w3cBlockLensTitle(block({ requests: 12345 })), '12,345 requests · no authentication failures');
  assert.equal(w3cBlockLensTitle(block({ requests: 3, status401: 2 })), '3 requests · 2 × 401');
  assert.equal(w3cBlockLensTitle(block({ requests: 3, status401: 1, findings: 1 })), '3 requests · 1 × 401 · 1 finding');
  assert.equal(
    w3cBlockLensTitle(
      block({ requests: 9, status401: 4, badBindings: 2, findings: 5, topFailing: { uri: '/EWS/mrsproxy.svc', clientIp: '10.0.0.1', count: 2 } }),
    ),
    '9 requests · 4 × 401 · 2 BAD_BINDINGS · top failing: /EWS/mrsproxy.svc from 10.0.0.1 · 5 findings',
  );
});

void test('CodeLens: one lens per block with requests, none for a restart block of directives only', () => {
  const text = readFileSync(FIX, 'utf8');
  // an IIS restart writes a new header block; here one with no request before the next block
  const restart =
    '#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2026-11-21 23:59:00\r\n' +
    text.slice(text.indexOf('#Fields:'), text.indexOf('\n', text.indexOf('#Fields:')) + 1);
  const doc = TextDocument.create('file:///order/restart.log', W3C_LANGUAGE, 1, text.replace(/\r?\n?$/, '\r\n') + restart);
  const a = w3cAnalysis(doc, 120);
  assert.equal(a.blocks.length, 4);
  assert.equal(a.blocks[3]!.requests, 0);
  const lenses = w3cCodeLenses(a, doc.uri);
  assert.equal(lenses.length, 3);
  const titles = lenses.map((l) => l.command!.title);
  assert.equal(titles.filter((t) => /BAD_BINDINGS/.test(t)).length, 2, 'the block without BAD_BINDINGS does not say "0 BAD_BINDINGS"');
  for (const t of titles) assert.doesNotMatch(t, /(^|· )0 /);
});

void test('Outline of the bundled sample: a block per #Fields named by its time range, its findings as children, errors first', () => {
  const text = readFileSync(FIX, 'utf8');
  const doc = TextDocument.create('file:///order/outline.log', W3C_LANGUAGE, 1, text);
  const syms = w3cSymbols(w3cAnalysis(doc, 120));
  assert.deepEqual(
    syms.map((s) => s.name),
    ['Block 1 · 2026-11-21 00:20:12–05:58:56', 'Block 2 · 2026-11-21 06:35:37–11:55:36', 'Block 3 · 2026-11-21 12:34:44–23:59:59'],
  );
  assert.equal(syms[2]!.detail, '40 requests · 2 BAD_BINDINGS · 8 findings · 20 fields');
  const found = syms[2]!.children!.filter((c) => !c.name.startsWith('#'));
  assert.deepEqual(
    found.slice(0, 3).map((c) => c.name),
    ['BAD_BINDINGS · line 78', 'BAD_BINDINGS · line 100', 'LOGON_DENIED · line 95'],
  );
  const lines = text.split(/\r?\n/);
  const r = found[0]!.selectionRange;
  assert.equal(lines[r.start.line]!.slice(r.start.character, r.end.character), '2148074310');
  for (const s of syms)
    for (const c of s.children!) assert.ok(c.range.start.line >= s.range.start.line && c.range.end.line <= s.range.end.line, 'children inside their block');
});

void test('find-lines list: the requests that are BAD_BINDINGS and the other errors first, time order within each', () => {
  const all = findMatchingIisLines(readFileSync(FIX), {
    from: Date.UTC(2026, 10, 21) / 1000,
    to: Date.UTC(2026, 10, 22) / 1000,
    uriStem: '/EWS/mrsproxy.svc',
  }).lines;
  assert.ok(all.some((l) => l.outcome === 'badBindings') && all[0]!.outcome !== 'badBindings', 'time order does not start with the failure');
  const sorted = errorsFirst(all);
  assert.equal(sorted.length, all.length);
  const bad = all.filter((l) => l.outcome === 'badBindings');
  assert.deepEqual(
    sorted.slice(0, bad.length).map((l) => l.line),
    bad.map((l) => l.line),
  );
  const rest = sorted.slice(bad.length);
  assert.ok(rest.every((l) => l.outcome !== 'badBindings'));
});
