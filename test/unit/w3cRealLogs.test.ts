// Every real W3C sample (test/fixtures/w3c, origins in test/fixtures/SOURCES.md) against the counts
// its source documented: lines, requests, status, win32, malformed lines and their line numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { analyzeW3cBuffer, analyzeW3cFile } from '../../src/core/w3c/w3cAnalyze';

const dir = join(__dirname, '..', 'fixtures', 'w3c');
const load = (name: string): Buffer => readFileSync(join(dir, name));
const malformedLines = (r: ReturnType<typeof analyzeW3cBuffer>): number[] => r.findings.filter((f) => f.code === 'MALFORMED_LINE').map((f) => f.line);

void test('beats: three layouts, the last two lines written in the old layout are malformed', () => {
  const r = analyzeW3cBuffer(load('beats-three-layouts.log'));
  assert.equal(r.lines, 17);
  assert.equal(r.requests, 3);
  assert.deepEqual(r.summary.status, { 200: 3 });
  assert.deepEqual(malformedLines(r), [16, 17]);
  assert.deepEqual(
    r.layouts.map((l) => [l.fieldsLine, l.fields.length]),
    [
      [4, 15],
      [9, 19],
      [14, 22],
    ],
  );
  assert.match(r.findings[0].message, /15 fields where the #Fields line 14 declares 22 \(it fits the earlier #Fields line 4\)/);
  assert.deepEqual(
    r.blocks.map((b) => [b.headerLine, b.fieldsLine, b.lastLine, b.requests, b.malformed]),
    [
      [1, 4, 5, 1, 0],
      [6, 9, 10, 1, 0],
      [11, 14, 17, 1, 2],
    ],
  );
});

void test('HTTPERR log: no win32 column, a "-" status counts as "-", the s-reason histogram', () => {
  const r = analyzeW3cBuffer(load('httperr-beats.log'));
  assert.equal(r.lines, 8);
  assert.equal(r.requests, 4);
  assert.deepEqual(r.summary.status, { 400: 1, 503: 1, 505: 1, '-': 1 });
  assert.deepEqual(r.summary.reason, { ConnLimit: 1, Hostname: 1, Timer_MinBytesPerSecond: 1, 'Version_N/S': 1 });
  assert.deepEqual(r.summary.win32, {});
  assert.equal(r.findings.length, 0);
  assert.equal(r.layouts[0].httpErr, true);
  assert.equal(r.layouts[0].columns.reason, 11);
});

void test('custom X-Forwarded-For field after time-taken', () => {
  const r = analyzeW3cBuffer(load('u_ex_custom_xff_field.log'));
  assert.equal(r.lines, 15);
  assert.equal(r.requests, 11);
  assert.deepEqual(r.summary.status, { 404: 11 });
  assert.deepEqual(r.summary.win32, { 0: 11 });
  assert.equal(r.layouts[0].fields.at(-1), 'X-Forwarded-For');
});

void test('IIS 4 FTP log: no date field, FTP status codes', () => {
  const r = analyzeW3cBuffer(load('ftp-iis4-no-date-field.log'));
  assert.equal(r.lines, 22);
  assert.equal(r.requests, 14);
  assert.deepEqual(r.summary.status, { 226: 8, 230: 3, 331: 3 });
  assert.equal(r.layouts.length, 2);
  assert.equal(r.layouts[0].columns.date, -1);
  assert.equal(r.layouts[0].date, '2000-10-09');
});

void test('lnav: 11 identical header blocks', () => {
  const r = analyzeW3cBuffer(load('lnav-eleven-header-blocks.log'));
  assert.equal(r.lines, 254);
  assert.equal(r.requests, 210);
  assert.equal(r.layouts.length, 11);
  assert.equal(r.blocks.length, 11);
  assert.equal(
    r.blocks.reduce((s, b) => s + b.requests, 0),
    210,
  );
  assert.deepEqual(r.summary.status, { 200: 8, 404: 202 });
  assert.deepEqual(r.summary.win32, { 0: 9, 2: 200, 64: 1 });
  assert.equal(malformedLines(r).length, 0);
});

void test('Exchange edge cases: double spaces, win32 above 2^32 kept without wrapping, no false findings', () => {
  const r = analyzeW3cBuffer(load('exchange-iis10-edge-cases.log'));
  assert.equal(r.lines, 19);
  assert.equal(r.requests, 15);
  assert.deepEqual(r.summary.status, { 200: 10, 302: 1, 401: 3, 500: 1 });
  assert.deepEqual(r.summary.win32, { 0: 12, 64: 1, 67567567567: 1, 214784354254: 1 });
  assert.equal(Object.keys(r.summary.win32).includes('2148074254'), false);
  assert.equal(r.findings.length, 0);
});

void test('IIS 6: trailing space after the last field name', () => {
  const r = analyzeW3cBuffer(load('iis6-trailing-space-fields.log'));
  assert.equal(r.lines, 16);
  assert.equal(r.requests, 12);
  assert.equal(r.layouts[0].fields.length, 14);
  assert.equal(r.layouts[0].fields.at(-1), 'sc-win32-status');
  assert.deepEqual(r.summary.status, { 200: 6, 302: 2, 404: 3, 500: 1 });
  assert.equal(malformedLines(r).length, 0);
});

void test('u_ex241111 (CRLF, 8316 lines, gzip): CR does not stick to time-taken, counts per SOURCES.md', async () => {
  const expect = (r: Awaited<ReturnType<typeof analyzeW3cFile>>): void => {
    assert.equal(r.lines, 8316);
    assert.equal(r.requests, 8312);
    assert.deepEqual(r.summary.status, { 200: 265, 404: 8030, 405: 13, 417: 1, 501: 3 });
    assert.deepEqual(r.summary.win32, { 0: 335, 1: 13, 2: 7964 });
    assert.equal(malformedLines(r).length, 0);
  };
  const viaFile = await analyzeW3cFile(join(dir, 'u_ex241111-crlf-scan.gz'));
  expect(viaFile);
  const raw = gunzipSync(load('u_ex241111-crlf-scan.gz'));
  assert.equal(viaFile.bytes, raw.length);
  expect(analyzeW3cBuffer(raw));
});
