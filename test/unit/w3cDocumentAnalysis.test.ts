// The editor's view of a W3C log (src/core/w3c/w3cDocumentAnalysis.ts): block line ranges and
// statistics, the top failing client at the top URI, and log lines vs editor lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeW3cDocument, blockOfLine, docLine, logLine } from '../../src/core/w3c/w3cDocumentAnalysis';
import { describeHttpErrReason } from '../../src/core/w3c/httpErrReasons';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'lsp');
const read = (f: string): string => fs.readFileSync(path.join(FIX, f), 'utf8');

void test('blocks of a real log with three layouts: contiguous line ranges, fields, requests, malformed', () => {
  const a = analyzeW3cDocument(read('beats_three_layouts.log'));
  assert.deepEqual(
    a.blocks.map((b) => [b.index, b.headerLine, b.fieldsLine, b.endLine, b.fields.length, b.requests, b.malformed]),
    [
      [1, 1, 4, 5, 15, 1, 0],
      [2, 6, 9, 10, 19, 1, 0],
      [3, 11, 14, 17, 22, 1, 2],
    ],
  );
  // the 401 0 0 on line 17 is malformed (old layout after the third #Fields): not counted as a 401
  assert.deepEqual(
    a.blocks.map((b) => b.status401),
    [0, 0, 0],
  );
  assert.equal(blockOfLine(a.blocks, 1)!.index, 1);
  assert.equal(blockOfLine(a.blocks, 6)!.index, 2);
  assert.equal(blockOfLine(a.blocks, 17)!.index, 3);
  assert.deepEqual(
    a.findings.map((f) => [f.line, f.code]),
    [
      [16, 'MALFORMED_LINE'],
      [17, 'MALFORMED_LINE'],
    ],
  );
  assert.equal(a.blocks[2]!.findings, 2);
});

void test('generated log: per-block counts match a plain split, top failing client is the one that failed at the top URI', () => {
  const text = read('u_ex_generated_bad_bindings.log');
  const truth = JSON.parse(read('u_ex_generated_bad_bindings.truth.json')) as {
    requests: number;
    layouts: Array<{ line: number }>;
    findings: Record<string, number>;
  };
  const a = analyzeW3cDocument(text, { handshakeWindowSeconds: 3600 });
  assert.deepEqual(
    a.blocks.map((b) => b.fieldsLine),
    truth.layouts.map((l) => l.line),
  );
  assert.equal(
    a.blocks.reduce((n, b) => n + b.requests, 0),
    truth.requests,
  );
  assert.equal(
    a.blocks.reduce((n, b) => n + b.badBindings, 0),
    truth.findings.BAD_BINDINGS,
  );
  // independent count of failed authentications (401 except 401.2 and 401.1 2148074254) in block 1
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const fields = lines[truth.layouts[0]!.line - 1]!.slice(8).trim().split(/\s+/);
  const col = (n: string): number => fields.indexOf(n);
  const fails = new Map<string, Map<string, number>>();
  for (let i = truth.layouts[0]!.line; i < truth.layouts[1]!.line - 5; i++) {
    const v = lines[i]!.trim().split(/\s+/);
    if (v.length !== fields.length || v[col('sc-status')] !== '401') continue;
    const sub = v[col('sc-substatus')],
      w = v[col('sc-win32-status')];
    if (sub === '2' || (sub === '1' && w === '2148074254')) continue;
    const uri = v[col('cs-uri-stem')]!,
      ip = v[col('c-ip')]!;
    const m = fails.get(uri) ?? new Map<string, number>();
    m.set(ip, (m.get(ip) ?? 0) + 1);
    fails.set(uri, m);
  }
  const top = a.blocks[0]!.topFailing!;
  const totals = [...fails].map(([u, m]) => [u, [...m.values()].reduce((x, y) => x + y, 0)] as const);
  const max = Math.max(...totals.map((t) => t[1]));
  assert.ok(
    totals.some(([u, n]) => u === top.uri && n === max),
    `${top.uri} is a top failing URI (${JSON.stringify(totals)})`,
  );
  assert.equal(top.count, max);
  const ips = fails.get(top.uri)!;
  assert.equal(ips.get(top.clientIp!), Math.max(...ips.values()), 'the client failed most at that URI');
});

void test('log lines vs editor lines: a lone CR moves the following lines down by one in the editor', () => {
  const base = read('u_ex_generated_bad_bindings.log').split('\r\n').slice(0, 20);
  const plain = analyzeW3cDocument(base.join('\r\n'));
  assert.equal(plain.docLineOf, undefined, 'CRLF alone needs no mapping');
  assert.equal(docLine(plain, 12), 11);
  assert.equal(logLine(plain, 11), 12);
  base[7] = base[7]!.replace('Microsoft+Office', 'Microsoft\r+Office');
  const a = analyzeW3cDocument(base.join('\r\n'));
  assert.ok(a.docLineOf);
  assert.equal(docLine(a, 8), 7);
  assert.equal(docLine(a, 9), 9, 'log line 9 is editor line 10 (0-based 9)');
  assert.equal(logLine(a, 8), 8, 'the second half of log line 8');
  assert.equal(logLine(a, 9), 9);
  assert.equal(a.model.lineCount, 20);
});

void test('HTTP.sys reasons are explained, unknown ones are not invented', () => {
  assert.match(describeHttpErrReason('ConnLimit')!, /connection limit/);
  assert.match(describeHttpErrReason('Timer_MinBytesPerSecond')!, /240 bytes/);
  assert.match(describeHttpErrReason('FieldLength')!, /Authorization/);
  assert.equal(describeHttpErrReason('NotAReason'), undefined);
});
