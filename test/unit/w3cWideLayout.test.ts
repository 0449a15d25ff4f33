// A #Fields layout wider than the scanner's and the WebAssembly kernel's 1024-token tables, with
// c-ip, cs-uri-stem, sc-status and the rest beyond field 1024: read exactly like the same log with
// the columns up front. Before, sc-status there was silently empty and c-ip/cs-uri-stem crashed the
// handshake tracking ("The value of "size" is out of range ... Received NaN").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeW3cBuffer, analyzeW3cFile } from '../../src/core/w3c/w3cAnalyze';
import { acquireW3cKernel, releaseW3cKernel } from '../../src/core/w3c/w3cKernel';
import { KernelLayoutTooWide, W3cCounter } from '../../src/core/w3c/w3cCounter';
import { W3cScanner } from '../../src/core/w3c/w3cScanner';
import type { W3cAnalysis } from '../../src/core/w3c/w3cFindings';

const FIX = join(__dirname, '..', 'fixtures', 'w3c');
const probe = acquireW3cKernel();
releaseW3cKernel(probe);
const PAD = 1100;

/** The log with PAD filler fields before every layout's own: each data line gets PAD '-' tokens in front. */
function widen(text: string): string {
  const fields = Array.from({ length: PAD }, (_, i) => `x-pad${i}`).join(' ');
  const dashes = Array(PAD).fill('-').join(' ');
  return text
    .split('\n')
    .map((l) => {
      if (/^#Fields:/i.test(l)) return l.replace(/^#Fields:\s*/i, `#Fields: ${fields} `);
      if (l.startsWith('#') || l.trim() === '') return l;
      return `${dashes} ${l}`;
    })
    .join('\n');
}

/** What must not depend on where the columns are. */
function essence(a: W3cAnalysis): unknown {
  return {
    lines: a.lines,
    requests: a.requests,
    summary: a.summary,
    findings: a.findings.map((f) => ({
      line: f.line,
      code: f.code,
      time: f.time,
      clientIp: f.clientIp,
      user: f.user,
      uri: f.uri,
      status: f.status,
      win32: f.win32,
    })),
  };
}

void test('a layout with its columns beyond field 1024 gives the findings and counts of the narrow one (analyzer, and the kernel handing the layout back)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'w3c-wide-'));
  try {
    const logs = readdirSync(FIX).filter((f) => f.endsWith('.log') && !/httperr/i.test(f));
    assert.ok(logs.length >= 4);
    let compared = 0;
    for (const name of logs) {
      const narrow = readFileSync(join(FIX, name), 'utf8');
      if (!/^#Fields:/m.test(narrow)) continue;
      const wide = widen(narrow);
      const a = analyzeW3cBuffer(Buffer.from(narrow));
      const b = analyzeW3cBuffer(Buffer.from(wide));
      assert.ok(a.requests > 0, name);
      assert.deepEqual(essence(b), essence(a), name);
      // --summary: the counting kernel gives the wide layout back, W3cAnalyzer counts the file again
      const path = join(dir, name);
      writeFileSync(path, wide);
      const c = await analyzeW3cFile(path, { collectFindings: false });
      assert.deepEqual(c.summary, a.summary, `${name} (summary)`);
      assert.equal(c.requests, a.requests);
      compared++;
    }
    assert.ok(compared >= 4, `${compared} logs compared`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test(
  'the counting kernel refuses a layout with a column it reads beyond its tables, instead of counting it as absent',
  { skip: !probe && 'no WebAssembly kernel' },
  () => {
    const kernel = acquireW3cKernel()!;
    try {
      const wide = widen(readFileSync(join(FIX, 'exchange-iis10-edge-cases.log'), 'utf8'));
      const sc = new W3cScanner(new W3cCounter(kernel), kernel);
      const buf = Buffer.from(wide);
      assert.throws(
        () => {
          for (let p = 0; p < buf.length; p += 1 << 20) {
            const n = buf.copy(kernel.chunk, 0, p, Math.min(buf.length, p + (1 << 20)));
            sc.push(kernel.chunk.subarray(0, n));
          }
          sc.end();
        },
        (e: unknown) => e instanceof KernelLayoutTooWide && /field \d{4}/.test(e.message),
      );
    } finally {
      releaseW3cKernel(kernel);
    }
  },
);
