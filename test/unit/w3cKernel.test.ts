// The WebAssembly SIMD tokenizer (src/wasm/w3cKernel.ts) splits every line exactly as the JavaScript
// tokenizer does: blanks and tabs in any run, at either end, at every position around the 16-byte
// blocks, CR inside a line, UTF-8, over 1024 tokens; a quote hands the line to JavaScript (W3C
// quoting). And whole files analyze the same with and without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createW3cKernel, w3cKernelProblem } from '../../src/core/w3c/w3cKernel';
import { W3cScanner, MAX_TOKENS, type W3cRecord, type W3cScanHandler } from '../../src/core/w3c/w3cScanner';
import { analyzeW3cFile } from '../../src/core/w3c/w3cAnalyze';

function tokens(text: Buffer, kernel: boolean): string[][] {
  const out: string[][] = [];
  const take = (r: W3cRecord): void => {
    const t: string[] = [String(r.count)];
    for (let i = 0; i < Math.min(r.count, MAX_TOKENS); i++) t.push(`${r.starts[i]}-${r.ends[i]}:${r.str(i)}`);
    out.push(t);
  };
  const h: W3cScanHandler = { onRecord: take, onMalformed: take, onBlank: take };
  const k = kernel ? createW3cKernel() : null;
  if (kernel) assert.ok(k, `WebAssembly kernel unavailable: ${w3cKernelProblem()}`);
  const sc = new W3cScanner(h, k);
  if (k) {
    assert.ok(text.length <= k.chunk.length);
    text.copy(k.chunk, 0);
    sc.push(k.chunk.subarray(0, text.length));
  } else {
    sc.push(Buffer.from(text));
  }
  sc.end();
  return out;
}

void test('the kernel is available on node 20 (WebAssembly SIMD)', () => {
  assert.equal(w3cKernelProblem(), null);
});

void test('same tokens as the JavaScript tokenizer on tricky lines', () => {
  const lines = [
    '2026-11-21 00:00:00 10.0.0.1 POST /EWS/mrsproxy.svc - 443 - 52.1.2.3 MRS - 401 1 2148074310 15',
    '  leading  and   trailing blanks  ',
    '\ttabs\tand  \t mixed\t',
    'x',
    ' ',
    '\t',
    '',
    'a'.repeat(15) + ' ' + 'b'.repeat(16) + ' ' + 'c'.repeat(17),
    ' '.repeat(16) + 'z' + ' '.repeat(15) + 'y',
    'cr\rinside the line',
    'utf8 Zürich 東京 ü',
    'quoted "a b" token',
    'odd "quote',
    Array.from({ length: 1300 }, (_, i) => `t${i}`).join(' '),
    'ends with tab\t',
    'x '.repeat(40),
    ' y'.repeat(40),
  ];
  // every length around the 16-byte blocks, blanks at every position
  for (let len = 1; len <= 40; len++)
    for (let b = 0; b < len; b += 3)
      lines.push(Array.from({ length: len }, (_, i) => (i === b || i === len - 1 - b ? ' ' : String.fromCharCode(97 + (i % 26)))).join(''));
  // random lines of letters, spaces and tabs
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 500; i++) lines.push(Array.from({ length: rnd(120) }, () => ' \tab1-+:/.'[rnd(10)]).join(''));
  for (const eol of ['\n', '\r\n']) {
    const text = Buffer.from(lines.join(eol) + eol, 'utf8');
    const js = tokens(text, false),
      wasm = tokens(text, true);
    assert.equal(wasm.length, lines.length);
    for (let i = 0; i < lines.length; i++) assert.deepEqual(wasm[i], js[i], `line ${i + 1}: ${JSON.stringify(lines[i]).slice(0, 80)}`);
  }
});

void test('real logs: the same analysis with and without the kernel', async () => {
  // every W3C log among the fixtures, in every folder (.gz: read through the same kernel)
  const fixtures = join(__dirname, '..', 'fixtures');
  const files = readdirSync(fixtures, { recursive: true })
    .map(String)
    .filter((f) => /\.log(\.gz)?$|\.gz$/i.test(f))
    .sort()
    .map((f) => join(fixtures, f));
  assert.ok(files.length >= 15, `${files.length} logs under test/fixtures`);
  assert.ok(
    files.some((f) => f.endsWith('u_ex241111-crlf-scan.gz')) && files.some((f) => f.endsWith('lnav-eleven-header-blocks.log')),
    'the real samples are among them',
  );
  for (const f of files) {
    const withKernel = await analyzeW3cFile(f);
    process.env.IIS_AUTH_LENS_NO_WASM = '1';
    try {
      const without = await analyzeW3cFile(f);
      assert.deepEqual(withKernel, without, f);
    } finally {
      delete process.env.IIS_AUTH_LENS_NO_WASM;
    }
    assert.ok(withKernel.lines > 0 || readFileSync(f).length === 0, f);
  }
});
