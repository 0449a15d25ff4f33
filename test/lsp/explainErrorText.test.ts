import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentSymbol, MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspClient, fileUri } from './lspClient';

const FIX = join(__dirname, '..', 'fixtures');
const MRS = readFileSync(join(FIX, 'explain', 'mrs-move-request-error.en.txt'), 'utf8');
const HCW_PATH = join(FIX, 'hcw', 'HybridConfiguration_11_5_2024_14_23_10.log');
const HCW = readFileSync(HCW_PATH, 'utf8');

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

void test('pasted MRS error in an untitled plaintext editor: one diagnostic per recognised text, warnings', async () => {
  const uri = 'untitled:Untitled-1';
  await client.open(uri, 'plaintext', MRS);
  const ev = await client.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.length > 0 });
  const ds = ev.params.diagnostics.filter((d) => d.source === 'IIS Auth Lens');
  assert.deepEqual(
    ds.map((d) => d.code),
    ['MRS_PORT_9821', 'MRS_CREDENTIALS_REJECTED', 'MRS_UNAUTHORIZED_NEGOTIATE', 'MRS_401'],
  );
  const neg = ds.find((d) => d.code === 'MRS_UNAUTHORIZED_NEGOTIATE')!;
  assert.equal(neg.severity, 2);
  assert.equal(neg.message, 'MRS could not authenticate to the on-premises endpoint (https://mrs.msxfaq.net/EWS/mrsproxy.svc)');
  const startOffset = MRS.indexOf('The HTTP request is unauthorized');
  assert.equal(neg.range.start.line, 0);
  assert.equal(neg.range.start.character, startOffset);
});

void test('hover on the WCF 401 text explains the chain and offers probe, find lines and remediation links', async () => {
  const uri = 'untitled:Untitled-1';
  // hover on the third repetition of the phrase (every occurrence answers, not only the first)
  let at = -1;
  for (let i = 0; i < 3; i++) at = MRS.indexOf('unauthorized with client', at + 1);
  const h = await client.hover(uri, { line: 0, character: at + 3 });
  assert.ok(h, 'a hover');
  const md = (h.contents as MarkupContent).value;
  assert.match(md, /\*\*MRS could not authenticate to the on-premises endpoint\*\*/);
  assert.match(md, /Extended Protection/);
  assert.match(md, /command:iisAuthLens\.probeMrsEndpoint\?/);
  const probeArgs = JSON.parse(decodeURIComponent(/command:iisAuthLens\.probeMrsEndpoint\?([^)]+)\)/.exec(md)![1]!)) as unknown[];
  assert.deepEqual(probeArgs, ['https://mrs.msxfaq.net/EWS/mrsproxy.svc']);
  assert.match(md, /command:iisAuthLens\.findMatchingIisLines\?/);
  assert.match(md, /ExchangeExtendedProtectionManagement\.ps1 -DisableExtendedProtection/);
  assert.match(md, /command:iisAuthLens\.copyRemediation\?/);
  const none = await client.hover(uri, { line: 0, character: 2 });
  assert.equal(none, null, 'no hover outside a recognised text');
});

void test('HCW log: Hybrid Agent URL gets no probe link but the reason; time is the FINISH time', async () => {
  const uri = fileUri(HCW_PATH);
  await client.open(uri, 'hcw-log', HCW);
  const ev = await client.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.length > 0 });
  const codes = ev.params.diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`);
  assert.ok(codes.includes('4:MRS_UNAUTHORIZED_NEGOTIATE'), codes.join());
  assert.ok(codes.includes('4:TEST_MIGRATION_SERVER_AVAILABILITY'), codes.join());
  const line5 = HCW.split('\n')[4]!;
  const h = await client.hover(uri, { line: 4, character: line5.indexOf('The HTTP request') + 5 });
  const md = (h!.contents as MarkupContent).value;
  assert.doesNotMatch(md, /iisAuthLens\.probeMrsEndpoint/);
  assert.match(md, /No probe from outside/);
  assert.match(md, /time 2024-11-05T14:23:18\.825/);
  const args = JSON.parse(decodeURIComponent(/command:iisAuthLens\.findMatchingIisLines\?([^)]+)\)/.exec(md)![1]!)) as Array<{ time: string; url: string }>;
  assert.equal(args[0]!.time, '2024-11-05T14:23:18.825');
});

void test('HCW log: outline by cmdlet, CodeLens on the failed FINISH, folding', async () => {
  const uri = fileUri(HCW_PATH);
  const syms = (await client.symbols(uri)) as DocumentSymbol[];
  assert.deepEqual(
    syms.map((s) => [s.name, s.range.start.line, s.range.end.line]),
    [
      ['Get-MigrationEndpoint', 1, 2],
      ['Test-MigrationServerAvailability ✗', 3, 4],
    ],
  );
  assert.match(syms[1]!.detail ?? '', /5428 ms · failed/);
  const lenses = (await client.codeLens(uri)) ?? [];
  assert.equal(lenses.length, 1);
  assert.equal(lenses[0]!.range.start.line, 4);
  assert.equal(lenses[0]!.command!.title, 'Test-MigrationServerAvailability failed after 5428 ms: MRS could not authenticate (Extended Protection)');
  assert.equal(lenses[0]!.command!.command, 'iisAuthLens.explainError');
});

void test('no diagnostics in other languages or on ordinary text; edits update them', async () => {
  const uri = 'file:///tmp/notes.md';
  await client.open(uri, 'markdown', MRS);
  const plain = 'untitled:Untitled-2';
  await client.open(plain, 'plaintext', 'just some notes\n');
  const ev = await client.waitForDiagnostics(plain);
  assert.equal(ev.params.diagnostics.length, 0);
  const t = performance.now();
  await client.change(plain, 2, 'just some notes\nsc-win32-status was 0x80090346\n');
  const ev2 = await client.waitForDiagnostics(plain, { after: t, predicate: (p) => p.diagnostics.length > 0 });
  assert.deepEqual(
    ev2.params.diagnostics.map((d) => [d.range.start.line, d.code, d.severity]),
    [[1, 'SEC_E_BAD_BINDINGS', 2]],
  );
  const md = await client.waitForDiagnostics(uri).catch(() => null);
  assert.ok(!md || md.params.diagnostics.every((d) => d.source !== 'IIS Auth Lens'));
});

void test('with the German bundle, diagnostics, hover and CodeLens speak German', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-l10n-'));
  const bundle = join(dir, 'bundle.l10n.de.json');
  writeFileSync(bundle, readFileSync(join(__dirname, '..', '..', 'l10n', 'bundle.l10n.de.json')));
  const de = await LspClient.start({ initializationOptions: { l10nBundle: bundle } });
  try {
    const uri = 'untitled:Unbenannt-1';
    await de.open(uri, 'plaintext', MRS);
    const ev = await de.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.length > 0 });
    assert.ok(
      ev.params.diagnostics.some((d) => d.message === 'MRS konnte sich am lokalen Endpunkt nicht anmelden (https://mrs.msxfaq.net/EWS/mrsproxy.svc)'),
      ev.params.diagnostics.map((d) => d.message).join(' | '),
    );
    const at = MRS.indexOf('unauthorized with client');
    const h = await de.hover(uri, { line: 0, character: at });
    const md = (h!.contents as MarkupContent).value;
    assert.match(md, /Diesen Endpunkt testen/);
    assert.match(md, /Passende IIS-Logzeilen suchen/);
    await de.open(fileUri(HCW_PATH), 'hcw-log', HCW);
    const lenses = (await de.codeLens(fileUri(HCW_PATH))) ?? [];
    assert.equal(
      lenses[0]!.command!.title,
      'Test-MigrationServerAvailability nach 5428 ms fehlgeschlagen: MRS konnte sich nicht anmelden (Extended Protection)',
    );
  } finally {
    await de.stop();
  }
});
