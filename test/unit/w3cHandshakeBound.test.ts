// Open NTLM/Negotiate handshakes are tracked per (c-ip, cs-uri-stem): a log with millions of
// distinct keys took 1.8 GB. The analyzer keeps at most maxOpenHandshakes open (by default about
// what the WebAssembly kernel's arena holds), lets the oldest go without a verdict, and says how many.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeW3cBuffer } from '../../src/core/w3c/w3cAnalyze';
import { MAX_OPEN_HANDSHAKES, W3cAnalyzer } from '../../src/core/w3c/w3cFindings';
import { W3cScanner } from '../../src/core/w3c/w3cScanner';
import { main } from '../../src/cli/main';

const HEAD =
  '#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n';

/** n challenge legs (401.1 SEC_E_NO_CREDENTIALS) of handshakes from n distinct clients, one second apart, none ever completed. */
function openLegs(n: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = i % 60,
      m = Math.floor(i / 60) % 60;
    lines.push(
      `2026-11-21 10:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')} 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} MSRPC - 401 1 2148074254 1`,
    );
  }
  return Buffer.from(HEAD + lines.join('\n') + '\n');
}

void test('at most maxOpenHandshakes are open at once; the ones let go are counted, not reported', () => {
  const unbounded = analyzeW3cBuffer(openLegs(5000));
  assert.equal(unbounded.summary.findings.HANDSHAKE_INCOMPLETE, 5000);
  assert.equal(unbounded.handshakesNotTracked, undefined);

  const an = new W3cAnalyzer({ maxOpenHandshakes: 1000, finishOpenAtEnd: false });
  const sc = new W3cScanner(an);
  sc.push(openLegs(5000));
  sc.end();
  assert.equal(an.handshakeState().length, 1000, 'open at the end');
  const r = an.finishAnalysis(sc.bytes, sc.lines);
  assert.equal(r.handshakesNotTracked, 4000);

  const bounded = analyzeW3cBuffer(openLegs(5000), { maxOpenHandshakes: 1000 });
  assert.equal(bounded.handshakesNotTracked, 4000);
  assert.equal(bounded.summary.findings.HANDSHAKE_INCOMPLETE, 1000);
  assert.equal(bounded.requests, 5000);
  assert.ok(MAX_OPEN_HANDSHAKES >= 1 << 18 && MAX_OPEN_HANDSHAKES <= 1 << 21);
});

void test('analyze says when the bound was hit (JSON field and a note in the text)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-bound-'));
  try {
    // Keys past the default bound would take minutes here: the CLI is checked with the analysis's
    // own field, which a log under the bound leaves out.
    const f = join(dir, 'u_ex261121.log');
    writeFileSync(f, openLegs(50));
    const out: string[] = [];
    const stdout = new PassThrough();
    stdout.on('data', (d) => out.push(String(d)));
    assert.equal(await main(['analyze', '--json', f], { stdout, stderr: new PassThrough(), stdin: new PassThrough(), stdinIsTTY: true }), 0);
    const doc = JSON.parse(out.join('')) as { files: Array<Record<string, unknown>> };
    assert.equal(doc.files[0]!.handshakesNotTracked, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
