// The findings table (src/core/findings.ts) is the one truth: the W3C analyzer, the FREB analysis,
// the editor's re-rendered messages and the WebAssembly kernel's constants agree with it, and its
// wording has a German twin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BAD_BINDINGS_CODES,
  DEFAULT_HANDSHAKE_WINDOW_SECONDS,
  english,
  factsOfFinding,
  FINDINGS,
  findingOfWin32,
  renderFindingMessage,
  SEC_E_BAD_BINDINGS,
  SEC_E_INVALID_TOKEN,
  SEC_E_LOGON_DENIED,
  SEC_E_NO_CREDENTIALS,
  STATUS_BAD_BINDINGS,
  W3C_FINDING_ORDER,
  type FindingCode,
  type FindingFacts,
  type Translate,
} from '../../src/core/findings';
import { describeWin32 } from '../../src/core/win32Status';
import { analyzeW3cBuffer } from '../../src/core/w3c/w3cAnalyze';
import { SWEEP_BYTES } from '../../src/core/w3c/w3cFindings';
import { analyzeFrebText, frebFindingFacts, tryAnalyzeFreb } from '../../src/core/freb/frebAnalyze';
import { outcomeOf } from '../../src/core/timeline/authTimeline';

const ROOT = join(__dirname, '..', '..');
const FIX = join(ROOT, 'test', 'fixtures');
const DE = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.de.json'), 'utf8')) as Record<string, string>;
const codeName = (w: number): string | undefined => describeWin32(w)?.name;

void test('the status codes of the table are the ones Windows names, and each maps back to its finding', () => {
  assert.equal(SEC_E_BAD_BINDINGS, 2148074310);
  assert.equal(STATUS_BAD_BINDINGS, 3221226331);
  assert.equal(describeWin32(SEC_E_BAD_BINDINGS)?.name, 'SEC_E_BAD_BINDINGS');
  assert.equal(describeWin32(STATUS_BAD_BINDINGS)?.name, 'STATUS_BAD_BINDINGS');
  assert.equal(describeWin32(SEC_E_INVALID_TOKEN)?.name, 'SEC_E_INVALID_TOKEN');
  assert.equal(describeWin32(SEC_E_LOGON_DENIED)?.name, 'SEC_E_LOGON_DENIED');
  assert.equal(describeWin32(SEC_E_NO_CREDENTIALS)?.name, 'SEC_E_NO_CREDENTIALS');
  assert.deepEqual([...BAD_BINDINGS_CODES], [2148074310, 3221226331]);
  for (const [code, kind] of Object.entries(FINDINGS)) {
    assert.equal(kind.code, code);
    for (const w of kind.win32) if (code !== 'NO_CREDENTIALS') assert.equal(findingOfWin32(w), code);
  }
  // the severities written down in the README
  assert.deepEqual(Object.fromEntries(Object.entries(FINDINGS).map(([c, k]) => [c, k.severity])), {
    BAD_BINDINGS: 'error',
    INVALID_TOKEN: 'error',
    LOGON_DENIED: 'warning',
    HANDSHAKE_INCOMPLETE: 'warning',
    MALFORMED_LINE: 'warning',
    NO_CREDENTIALS: 'info',
    AUTH_FAILED: 'error',
  });
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const [c, k] of Object.entries(FINDINGS)) {
    assert.match(readme, new RegExp(`\\| \`${c}\` \\|[^\\n]*\\| ${k.severity} \\|`), `README's findings table lists ${c} as ${k.severity}`);
  }
});

void test('the timeline sorts 401s into outcomes by the same table', () => {
  assert.equal(outcomeOf(401, 1, SEC_E_BAD_BINDINGS), 'badBindings');
  assert.equal(outcomeOf(401, 1, STATUS_BAD_BINDINGS), 'badBindings');
  assert.equal(outcomeOf(401, 1, SEC_E_LOGON_DENIED), 'logonDenied');
  assert.equal(outcomeOf(401, 1, SEC_E_INVALID_TOKEN), 'invalidToken');
  assert.equal(outcomeOf(401, 1, SEC_E_NO_CREDENTIALS), 'challenge');
});

/** Every message a render asks `t` for, over all codes and the facts each kind of source gives. */
function renderedKeys(): Set<string> {
  const keys = new Set<string>();
  const record: Translate = (m, ...args) => {
    keys.add(m);
    return english(m, ...args);
  };
  const samples: FindingFacts[] = [
    { code: 'MALFORMED_LINE', reason: '16 fields where the #Fields line 4 declares 15' },
    { code: 'MALFORMED_LINE' },
    { code: 'HANDSHAKE_INCOMPLETE', status: '401.1', legs: 1, lastLeg: '401.1 SEC_E_NO_CREDENTIALS' },
    { code: 'HANDSHAKE_INCOMPLETE', status: '401.1', legs: 3, lastLeg: '401.1' },
    { code: 'HANDSHAKE_INCOMPLETE', status: '401.1' },
  ];
  for (const code of Object.keys(FINDINGS) as FindingCode[]) {
    samples.push({ code, status: '401.1', win32: FINDINGS[code].win32[0] ?? 2148074241 });
    samples.push({
      code,
      status: '401.1',
      win32: 2148074241,
      codeName: 'SEC_E_LOGON_DENIED',
      module: 'WindowsAuthenticationModule',
      notification: 'AUTHENTICATE_REQUEST',
      text: 'x',
    });
    samples.push({ code, status: '401.1', win32: 2148074241, module: null, notification: null, text: null });
    keys.add(FINDINGS[code].title);
  }
  for (const f of samples) renderFindingMessage(f, record);
  return keys;
}

void test('every title, explanation and message frame of the table has a German translation with the same placeholders', () => {
  const keys = renderedKeys();
  assert.ok(keys.size >= 20, `${keys.size} keys`);
  const ph = (s: string): string[] => (s.match(/\{\d+\}/g) ?? []).sort();
  for (const k of keys) {
    assert.ok(k in DE, `no German for ${JSON.stringify(k)}`);
    assert.deepEqual(ph(DE[k]!), ph(k), k);
  }
  const t: Translate = (m, ...args) => english(DE[m] ?? m, ...args);
  const de = renderFindingMessage({ code: 'BAD_BINDINGS', status: '401.1', win32: SEC_E_BAD_BINDINGS }, t);
  assert.match(de, /^401\.1 SEC_E_BAD_BINDINGS \(0x80090346\)\. Der Client hat seine NTLM\/Negotiate-Anmeldung/);
});

void test("W3C findings of the real samples: severity from the table, and the editor's re-rendered English message is the CLI message", () => {
  const files = [
    'lsp/u_ex_generated_bad_bindings.log',
    'workspace/u_ex261121_bad_bindings.log',
    'workspace/iis10_edge_cases.log',
    'lsp/httperr_beats.log',
    'lsp/beats_three_layouts.log',
  ];
  const seen = new Set<FindingCode>();
  for (const f of files) {
    const a = analyzeW3cBuffer(readFileSync(join(FIX, f)));
    for (const x of a.findings) {
      seen.add(x.code);
      assert.equal(x.severity, FINDINGS[x.code].severity, `${f}:${x.line} ${x.code}`);
      assert.equal(renderFindingMessage(factsOfFinding(x, codeName)), x.message, `${f}:${x.line} ${x.code}`);
    }
  }
  for (const c of W3C_FINDING_ORDER) assert.ok(seen.has(c), `the samples show ${c}`);
});

void test('FREB findings of the real and generated traces: severity from the table, the re-rendered message is the CLI message', () => {
  const dirs = [join(FIX, 'freb', 'generated'), join(FIX, 'workspace')];
  let n = 0;
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((x) => x.endsWith('.xml'))) {
      const text = readFileSync(join(dir, name), 'utf8');
      const r = tryAnalyzeFreb(text, name);
      if (!('analysis' in r)) continue;
      const a = r.analysis;
      for (const f of analyzeFrebText(text, name).findings ?? []) {
        n++;
        assert.equal(f.severity, FINDINGS[f.code].severity, `${name} ${f.code}`);
        assert.equal(renderFindingMessage(frebFindingFacts(a.failure!, f.code)), f.message, name);
      }
    }
  }
  assert.ok(n >= 4, `${n} FREB findings`);
});

void test("the WebAssembly kernel's constants are the table's (codes, counter slots, window, sweep step)", () => {
  const src = readFileSync(join(ROOT, 'src', 'wasm', 'w3cKernel.ts'), 'utf8');
  const constant = (name: string): number => {
    const m = new RegExp(`const ${name}: f64 = (\\d+);`).exec(src);
    assert.ok(m, `the kernel declares ${name}`);
    return Number(m[1]);
  };
  assert.equal(constant('WIN32_BAD_BINDINGS'), SEC_E_BAD_BINDINGS);
  assert.equal(constant('NTSTATUS_BAD_BINDINGS'), STATUS_BAD_BINDINGS);
  assert.equal(constant('WIN32_INVALID_TOKEN'), SEC_E_INVALID_TOKEN);
  assert.equal(constant('WIN32_LOGON_DENIED'), SEC_E_LOGON_DENIED);
  assert.equal(constant('WIN32_NO_CREDENTIALS'), SEC_E_NO_CREDENTIALS);
  assert.equal(constant('SWEEP_BYTES'), SWEEP_BYTES);
  assert.match(src, new RegExp(`let windowSeconds: f64 = ${DEFAULT_HANDSHAKE_WINDOW_SECONDS};`));
  for (const m of src.matchAll(/\bwindowSeconds = (\d+);/g)) assert.equal(Number(m[1]), DEFAULT_HANDSHAKE_WINDOW_SECONDS);
  // the counter slot of each code is its place in W3C_FINDING_ORDER
  const slot = (cond: string): number => {
    const m = new RegExp(`${cond}\\) addFinding\\((\\d)\\)`).exec(src);
    assert.ok(m, `the kernel counts ${cond}`);
    return Number(m[1]);
  };
  assert.equal(slot('win32 == WIN32_BAD_BINDINGS \\|\\| win32 == NTSTATUS_BAD_BINDINGS'), W3C_FINDING_ORDER.indexOf('BAD_BINDINGS'));
  assert.equal(slot('win32 == WIN32_INVALID_TOKEN'), W3C_FINDING_ORDER.indexOf('INVALID_TOKEN'));
  assert.equal(slot('win32 == WIN32_LOGON_DENIED'), W3C_FINDING_ORDER.indexOf('LOGON_DENIED'));
  assert.match(src, new RegExp(`addFinding\\(${W3C_FINDING_ORDER.indexOf('HANDSHAKE_INCOMPLETE')}\\)`));
  assert.match(src, /const FINDINGS: usize = \d+; \/\/ f64\[4\]: BAD_BINDINGS, INVALID_TOKEN, LOGON_DENIED, HANDSHAKE_INCOMPLETE/);
  assert.deepEqual(W3C_FINDING_ORDER.slice(0, 4), ['BAD_BINDINGS', 'INVALID_TOKEN', 'LOGON_DENIED', 'HANDSHAKE_INCOMPLETE']);
});
