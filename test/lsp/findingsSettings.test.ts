// The built server over stdio: diagnostics carry the findings table's severity and its wording in
// the UI's language (the German bundle the client passes in initializationOptions), and
// `iisAuthLens.handshake.windowSeconds` is read per document (a resource setting) and again when
// the configuration changes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient, fileUri } from './lspClient';
import { analyzeW3cText } from '../../src/core/w3c/w3cAnalyze';
import { FINDINGS, type FindingCode } from '../../src/core/findings';

const ROOT = path.join(__dirname, '..', '..');
const LOG = path.join(ROOT, 'test', 'fixtures', 'lsp', 'u_ex_generated_bad_bindings.log');
const TEXT = fs.readFileSync(LOG, 'utf8');
const clients: LspClient[] = [];
after(async () => {
  for (const c of clients) await c.stop();
});

const text = (m: string | { value: string }): string => (typeof m === 'string' ? m : m.value);
const count = (diags: Array<{ code?: string | number }>, code: string): number => diags.filter((d) => d.code === code).length;

void test("German UI: the diagnostics of an IIS log are German, with the table's severities", async () => {
  const c = await LspClient.start({ initializationOptions: { l10nBundle: path.join(ROOT, 'l10n', 'bundle.l10n.de.json') } });
  clients.push(c);
  const uri = fileUri(LOG);
  await c.open(uri, 'iis-w3c-log', TEXT);
  const ev = await c.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.length > 0 });
  const diags = ev.params.diagnostics;
  const bad = diags.find((d) => d.code === 'BAD_BINDINGS')!;
  assert.match(text(bad.message), /^401\.1 SEC_E_BAD_BINDINGS \(0x80090346\)\. Der Client hat seine NTLM\/Negotiate-Anmeldung an das TLS-Zertifikat gebunden/);
  const hs = diags.find((d) => d.code === 'HANDSHAKE_INCOMPLETE');
  if (hs) assert.match(text(hs.message), /kam nie über 401 hinaus \(\d+ Schritte?, letzter Schritt /);
  const lsp = { error: 1, warning: 2, info: 3 } as const;
  for (const d of diags) assert.equal(d.severity, lsp[FINDINGS[d.code as FindingCode].severity], String(d.code));
});

void test('handshake.windowSeconds per folder, and again after a configuration change', async () => {
  let windowA = 1;
  const c = await LspClient.start();
  clients.push(c);
  // the folder of each document has its own value, as VS Code answers for a resource setting
  c.connection.onRequest('workspace/configuration', (p: { items: Array<{ scopeUri?: string; section?: string }> }) =>
    p.items.map((i) => ({ handshake: { windowSeconds: i.scopeUri?.includes('/siteA/') ? windowA : 3600 } })),
  );
  const a = 'file:///logs/siteA/u_ex261121.log';
  const b = 'file:///logs/siteB/u_ex261121.log';
  const want = (w: number): number => analyzeW3cText(TEXT, { handshakeWindowSeconds: w }).summary.findings.HANDSHAKE_INCOMPLETE ?? 0;
  assert.notEqual(want(1), want(3600), 'the sample tells the two windows apart');
  await c.open(a, 'iis-w3c-log', TEXT);
  await c.open(b, 'iis-w3c-log', TEXT);
  const da = await c.waitForDiagnostics(a, { predicate: (p) => p.diagnostics.length > 0 });
  const db = await c.waitForDiagnostics(b, { predicate: (p) => p.diagnostics.length > 0 });
  assert.equal(count(da.params.diagnostics, 'HANDSHAKE_INCOMPLETE'), want(1));
  assert.equal(count(db.params.diagnostics, 'HANDSHAKE_INCOMPLETE'), want(3600));
  // the CodeLens of siteA counts with its own window too
  const lensA = (await c.codeLens(a)) ?? [];
  assert.ok(lensA.length > 0);

  windowA = 3600;
  const t = performance.now();
  await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  const da2 = await c.waitForDiagnostics(a, { after: t, predicate: (p) => count(p.diagnostics, 'HANDSHAKE_INCOMPLETE') === want(3600) });
  assert.equal(count(da2.params.diagnostics, 'HANDSHAKE_INCOMPLETE'), want(3600));
});
