// The excerpt of a big log around a finding: the header block in force, the window, real line numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { excerptDocument, excerptOfText, findingsByBlock } from '../../src/core/files/logExcerpt';
import { severityOf, type Finding, type FindingCode } from '../../src/core/findings';
import type { W3cBlockStats } from '../../src/core/w3c/w3cDocumentAnalysis';
import { readLogExcerpt } from '../../src/node/logExcerpt';

const F1 = '#Fields: date time cs-uri-stem sc-status';
const F2 = '#Fields: date time cs-uri-stem sc-status sc-win32-status';
const log = [
  '#Software: Microsoft Internet Information Services 10.0',
  '#Version: 1.0',
  '#Date: 2026-11-21 00:00:00',
  F1, // 1-4
  ...Array.from({ length: 20 }, (_, i) => `2026-11-21 00:00:${String(i).padStart(2, '0')} /a ${200 + i}`), // 5-24
  '#Software: Microsoft Internet Information Services 10.0',
  '#Version: 1.0',
  '#Date: 2026-11-21 01:00:00',
  F2, // 25-28
  ...Array.from({ length: 30 }, (_, i) => `2026-11-21 01:00:${String(i).padStart(2, '0')} /b 401 ${i}`), // 29-58
];

void test('the header block in force and the window with real line numbers', () => {
  const ex = excerptOfText(log.join('\r\n'), 45, 3, 2);
  assert.deepEqual(
    ex.header.map((h) => h.n),
    [25, 26, 27, 28],
  );
  assert.equal(ex.header[3]!.text, F2);
  assert.deepEqual(
    ex.lines.map((l) => l.n),
    [42, 43, 44, 45, 46, 47],
  );
  assert.equal(ex.lines[3]!.text, log[44]);
  const doc = excerptDocument(ex, 'u_ex261121.log', (a, b, f) => `lines ${a}..${b} of ${f}`);
  const lines = doc.text.split('\n');
  assert.equal(lines[0], '#lines 42..47 of u_ex261121.log');
  assert.equal(lines[doc.focusIndex], log[44]);
  assert.equal(doc.lineNumbers[doc.focusIndex], 45);
  assert.deepEqual(doc.lineNumbers.slice(0, 6), [0, 25, 26, 27, 28, 42]);
});

void test('a finding in the first block gets the first header; header lines inside the window are not repeated', () => {
  const ex = excerptOfText(log.join('\n'), 6, 3, 3);
  assert.deepEqual(
    ex.header.map((h) => h.n),
    [1, 2],
  );
  assert.deepEqual(
    ex.lines.map((l) => l.n),
    [3, 4, 5, 6, 7, 8, 9],
  );
  const ex2 = excerptOfText(log.join('\n'), 20, 2, 2);
  assert.deepEqual(
    ex2.header.map((h) => h.n),
    [1, 2, 3, 4],
  );
  // the next block's header is not the one in force before it starts
  const ex3 = excerptOfText(log.join('\n'), 23, 1, 3);
  assert.deepEqual(
    ex3.header.map((h) => h.n),
    [1, 2, 3, 4],
  );
  assert.deepEqual(
    ex3.lines.map((l) => l.n),
    [22, 23, 24, 25, 26],
  );
});

void test('data before any #Fields has no header; the window stops at the end of the file', () => {
  const ex = excerptOfText('a\nb\nc', 3, 5, 5);
  assert.deepEqual(ex.header, []);
  assert.deepEqual(
    ex.lines.map((l) => l.n),
    [1, 2, 3],
  );
  const doc = excerptDocument(ex, 'x.log', (a, b, f) => `${a}-${b} ${f}`);
  assert.equal(doc.focusIndex, 3);
});

void test('from disk: plain CRLF, gzip and CR-only give the same excerpt as the text', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'excerpt-'));
  try {
    const want = excerptOfText(log.join('\n'), 50, 4, 4);
    const variants: Array<[string, Buffer]> = [
      ['crlf.log', Buffer.from(log.join('\r\n') + '\r\n')],
      ['gz.log.gz', gzipSync(Buffer.from(log.join('\n')))],
      ['cr.log', Buffer.from(log.join('\r'))],
      ['utf16.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(log.join('\r\n'), 'utf16le')])],
    ];
    for (const [name, bytes] of variants) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, bytes);
      assert.deepEqual(await readLogExcerpt(f, 50, 4, 4), want, name);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('findings per #Fields block: each in the block that holds its line, errors first', () => {
  const block = (index: number, headerLine: number, endLine: number): W3cBlockStats => ({
    index,
    fieldsLine: headerLine + 3,
    headerLine,
    endLine,
    fields: [],
    requests: 0,
    status401: 0,
    badBindings: 0,
    malformed: 0,
    findings: 0,
    topFailing: null,
  });
  const f = (line: number, code: FindingCode): Finding => ({ line, code, message: code }) as Finding;
  const groups = findingsByBlock(
    [block(2, 25, 58), block(1, 1, 24)],
    [f(5, 'HANDSHAKE_INCOMPLETE'), f(30, 'LOGON_DENIED'), f(40, 'BAD_BINDINGS'), f(24, 'BAD_BINDINGS'), f(29, 'MALFORMED_LINE'), f(35, 'INVALID_TOKEN')],
  );
  assert.deepEqual(
    groups.map((g) => g.block.index),
    [1, 2],
  );
  assert.deepEqual(
    groups[0]!.findings.map((x) => `${x.line} ${x.code}`),
    ['24 BAD_BINDINGS', '5 HANDSHAKE_INCOMPLETE'],
  );
  const sev = groups[1]!.findings.map((x) => severityOf(x.code));
  assert.deepEqual(
    sev,
    [...sev].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)),
  );
  assert.deepEqual(
    groups[1]!.findings.map((x) => x.code),
    ['BAD_BINDINGS', 'INVALID_TOKEN', 'LOGON_DENIED', 'MALFORMED_LINE'],
  );
  assert.equal(groups[1]!.findings.length, 4);
});
