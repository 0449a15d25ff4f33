import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTimed } from '../support/growth';
import { detectDocumentKind } from '../../src/core/documentKind';

const repo = join(__dirname, '..', '..');
const head = (rel: string) => readFileSync(join(repo, rel), 'utf8').slice(0, 8192);

void test('real and synthetic IIS W3C logs are w3c', () => {
  for (const f of [
    'samples/w3c/iis10_edge_cases.log', // IIS 10 Exchange CAS
    'samples/w3c/httperr-test.log', // #Software: Microsoft HTTP API 2.0
    'samples/w3c/beats-three-layouts.log',
    'samples/w3c/logfile_w3c_big.0.log',
    'samples/u_ex261121.log', // CRLF, with a #Remark line
  ]) {
    assert.equal(detectDocumentKind(head(f)), 'w3c', f);
  }
});

void test('a W3C header without #Software, directives in another order, or with a BOM is w3c', () => {
  assert.equal(detectDocumentKind('#Date: 2026-11-21 00:00:00\r\n#Fields: date time c-ip sc-status\r\n2026-11-21 00:00:01 1.2.3.4 200\r\n'), 'w3c');
  assert.equal(detectDocumentKind('\uFEFF#Software: Microsoft Internet Information Services 10.0\n'), 'w3c');
});

void test('real and synthetic FREB traces are freb (stylesheet, saved-from comment, CRLF)', () => {
  for (const f of [
    'samples/freb-real/fr000031.auth-401-anon.xml',
    'samples/freb-real/fr000070.arr-bad-backend.xml',
    'samples/FailedReqLogFiles/W3SVC1/fr000001.xml', // with a SYNTHETIC comment before the root
    'test/fixtures/workspace/failed_request_bad_bindings_renamed.xml',
  ]) {
    assert.equal(detectDocumentKind(head(f)), 'freb', f);
  }
  assert.equal(detectDocumentKind('<failedRequest url="http://x/" statusCode="401.1">'), 'freb');
});

void test('other files are not ours', () => {
  assert.equal(detectDocumentKind(''), undefined);
  assert.equal(detectDocumentKind('<?xml version="1.0"?>\n<configuration><system.webServer/></configuration>'), undefined);
  assert.equal(detectDocumentKind('<?xml version="1.0"?>\n<!-- <failedRequest> inside a comment -->\n<root/>'), undefined);
  assert.equal(detectDocumentKind('2026-11-21 10:00:00 INFO started\n#Fields: one line is not a header\n'), undefined);
  assert.equal(detectDocumentKind('#Software: Apache\n#Version: x\n'), undefined);
  assert.equal(detectDocumentKind('\u0000\u0001\u0002garbage\uFFFD'.repeat(500)), undefined);
});

void test('hostile heads are answered quickly (no regex backtracking blow-up)', () => {
  const hostile = [
    '<?xml version="1.0"?>' + '<!-- a -->'.repeat(800) + '<notFreb/>',
    '<?xml version="1.0"?>' + '<!--'.repeat(2000),
    '<?xml-stylesheet ' + '?'.repeat(8000),
  ];
  for (const h of hostile) {
    const { ms, value } = cpuTimed(() => detectDocumentKind(h));
    assert.equal(value, undefined);
    assert.ok(ms < 200, `took ${ms.toFixed(0)} ms of CPU`);
  }
});
