// analyze --json is written file by file in bounded pieces, byte for byte the document
// JSON.stringify would give: one string for the whole document hit V8's string limit on large
// results and lost every file's result with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable, PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import { jsonPieces } from '../../src/cli/jsonStream';

void test('jsonPieces gives exactly JSON.stringify(value, null, 2) at any streaming depth', () => {
  const values: unknown[] = [
    { files: [] },
    {
      files: [
        {
          path: 'a',
          kind: 'w3c',
          lines: 1,
          summary: { status: { '401': 2 }, win32: {}, findings: {} },
          findings: [
            { line: 1, code: 'X', message: 'm\n"q"', clientIp: null, skip: undefined },
            { line: 2, nested: [[1, [2]], {}] },
          ],
        },
      ],
      filteredOut: 0,
    },
    [1, 'two', null, undefined, { a: undefined }, [], [[]], { 'k"ey': '\u2028' }],
    'plain',
    42,
    null,
    { d: new Date(0) },
  ];
  for (const v of values) {
    for (const depth of [0, 1, 2, 3, 4, 8]) {
      assert.equal([...jsonPieces(v, 0, depth)].join(''), JSON.stringify(v, null, 2), `depth ${depth}: ${JSON.stringify(v)}`);
    }
  }
});

void test('analyze --json of a log with 30,000 findings and a small one: no piece over 2 MB, every result present', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-json-'));
  try {
    const head =
      '#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n';
    const line = (i: number): string =>
      `2026-11-21 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 52.1.${(i >> 8) & 255}.${i & 255} MSRPC - 401 1 2148074310 15\n`;
    writeFileSync(join(dir, 'u_ex261121.log'), head + Array.from({ length: 30_000 }, (_, i) => line(i)).join(''));
    writeFileSync(join(dir, 'u_ex261122.log'), head + line(1));
    let largest = 0;
    const chunks: string[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _enc, cb) {
        largest = Math.max(largest, chunk.length);
        chunks.push(chunk.toString());
        cb();
      },
    });
    const code = await main(['analyze', '--json', join(dir, 'u_ex261121.log'), join(dir, 'u_ex261122.log')], {
      stdout,
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      stdinIsTTY: true,
    });
    assert.equal(code, 0);
    const text = chunks.join('');
    assert.ok(text.length > 8 << 20, `${text.length} characters`);
    assert.ok(largest <= 2 << 20, `largest piece ${largest} bytes`);
    const doc = JSON.parse(text) as { files: Array<{ path: string; requests: number; findings: unknown[]; summary: { findings: Record<string, number> } }> };
    assert.deepEqual(
      doc.files.map((f) => [f.requests, f.summary.findings.BAD_BINDINGS, f.findings.length]),
      [
        [30_000, 30_000, 30_000],
        [1, 1, 1],
      ],
    );
    assert.equal(text, JSON.stringify(doc, null, 2) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
