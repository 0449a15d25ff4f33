// The language server on FREB traces: CodeLens text, the diagnostic at the failing <Event>,
// Outline, hover, xml-mode documents named fr*.xml, and parse errors as diagnostics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, type DocumentSymbol } from 'vscode-languageserver-protocol/node';
import { LspClient } from './lspClient';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'freb');
const bad = fs.readFileSync(path.join(FIX, 'generated', 'fr000047.bad-bindings.xml'), 'utf8');
const anon = fs.readFileSync(path.join(FIX, 'plechenko', 'fr000031.auth-401-anon.xml'), 'utf8');
let client: LspClient;
const text = (m: string | { value: string }): string => (typeof m === 'string' ? m : m.value);

before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

void test('bad-bindings trace: CodeLens with the story and both actions at the top', async () => {
  const uri = 'file:///traces/W3SVC1/fr000047.xml';
  await client.open(uri, 'freb', bad);
  const lenses = (await client.codeLens(uri)) ?? [];
  const titles = lenses.map((l) => l.command?.title);
  assert.deepEqual(titles, ['POST /EWS/mrsproxy.svc -> 401.1 SEC_E_BAD_BINDINGS (0x80090346) · 28 ms · NTLM', 'Open report', 'Show failing event']);
  assert.ok(
    lenses.every((l) => l.range.start.line === 4),
    'on the <failedRequest> line',
  );
  assert.equal(lenses[1].command?.command, 'iisAuthLens.openFrebReport');
  assert.deepEqual(lenses[2].command?.arguments, [uri, 415]);
});

void test('bad-bindings trace: one error diagnostic at the <Event> line of MODULE_SET_RESPONSE_ERROR_STATUS', async () => {
  const uri = 'file:///traces/W3SVC1/fr000047b.xml';
  await client.open(uri, 'freb', bad);
  const { params } = await client.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.length > 0, timeoutMs: 10000 });
  const freb = params.diagnostics.filter((d) => d.code === 'BAD_BINDINGS');
  assert.equal(freb.length, 1);
  assert.equal(freb[0].range.start.line, 414, 'line 415, 1-based');
  assert.equal(freb[0].severity, DiagnosticSeverity.Error);
  assert.match(text(freb[0].message), /SEC_E_BAD_BINDINGS \(0x80090346\)/);
});

void test('xml-mode document named fr*.xml gets the same features; other xml files do not', async () => {
  const uri = 'file:///inetpub/logs/FailedReqLogFiles/W3SVC1/fr000031.xml';
  await client.open(uri, 'xml', anon);
  const lenses = (await client.codeLens(uri)) ?? [];
  assert.equal(lenses[0].command?.title, 'GET /secure/index.html -> 401.2 E_ACCESSDENIED (0x80070005) · 109 ms · Anonymous');
  const { params } = await client.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.length > 0, timeoutMs: 10000 });
  const d = params.diagnostics.find((x) => x.code === 'FREB_FAILURE')!;
  assert.equal(d.range.start.line, 2110);
  assert.equal(d.severity, DiagnosticSeverity.Information);
  assert.match(text(d.message), /first leg/);
  const other = 'file:///project/pom.xml';
  await client.open(other, 'xml', anon);
  assert.deepEqual((await client.codeLens(other)) ?? [], []);
});

void test('Outline: the request, the event tree with pairs nested, the failing event inside AUTHENTICATE_REQUEST', async () => {
  const uri = 'file:///traces/W3SVC1/fr000047c.xml';
  await client.open(uri, 'freb', bad);
  const syms = (await client.symbols(uri)) as DocumentSymbol[];
  assert.equal(syms.length, 1);
  assert.match(syms[0].name, /^POST \/EWS\/mrsproxy\.svc -> 401\.1/);
  assert.equal(syms[0].detail, '25 events');
  const req = syms[0].children![0];
  assert.match(req.name, /^GENERAL_REQUEST_START POST https:\/\/mail\.contoso\.test:443\/EWS\/mrsproxy\.svc/);
  const flat: DocumentSymbol[] = [];
  const walk = (s: DocumentSymbol): void => {
    flat.push(s);
    s.children?.forEach(walk);
  };
  syms.forEach(walk);
  const fail = flat.find((s) => s.name.startsWith('MODULE_SET_RESPONSE_ERROR_STATUS'))!;
  assert.equal(fail.selectionRange.start.line, 414);
  assert.match(fail.name, /WindowsAuthenticationModule · AUTHENTICATE_REQUEST · 401\.1/);
  const auth = flat.find((s) => s.name.startsWith('NOTIFY_MODULE_START WindowsAuthenticationModule · AUTHENTICATE_REQUEST'))!;
  const inside = (s: DocumentSymbol, x: DocumentSymbol): boolean => !!s.children?.some((c) => c === x || inside(c, x));
  assert.ok(inside(auth, fail));
});

void test('hover: event name, error code, header', async () => {
  const uri = 'file:///traces/W3SVC1/fr000047d.xml';
  await client.open(uri, 'freb', bad);
  const lines = bad.split('\r\n');
  const op = lines.findIndex((l) => l.includes('<Opcode>MODULE_SET_RESPONSE_ERROR_STATUS</Opcode>'));
  const h1 = await client.hover(uri, { line: op, character: lines[op].indexOf('MODULE') + 3 });
  assert.match(JSON.stringify(h1?.contents ?? null), /carries the failure/);
  const ec = lines.findIndex((l) => l.includes('<Data Name="ErrorCode">2148074310'));
  const h2 = await client.hover(uri, { line: ec, character: lines[ec].indexOf('2148074310') + 2 });
  assert.match(JSON.stringify(h2?.contents ?? null), /SEC_E_BAD_BINDINGS.*0x80090346/);
  const xff = lines.findIndex((l) => l.startsWith('X-Forwarded-For:'));
  const h3 = await client.hover(uri, { line: xff, character: 3 });
  assert.match(JSON.stringify(h3?.contents ?? null), /X-Forwarded-For.*TLS may be terminated/);
  // The Authorization line: decoded (by the token hover when it is registered first, else by ours).
  const az = lines.findIndex((l) => l.includes('Authorization: NTLM '));
  const h4 = await client.hover(uri, { line: az, character: lines[az].indexOf('NTLM ') + 8 });
  assert.match(JSON.stringify(h4?.contents ?? null), /c941b0913ede52bda3ea2503fae3bcf7/);
});

void test('a truncated trace: a parse-error diagnostic at the line, no CodeLens, no crash', async () => {
  const uri = 'file:///traces/W3SVC1/fr000099.xml';
  const cut = bad.slice(0, bad.indexOf('<Data Name="ErrorCode">2148074310'));
  await client.open(uri, 'freb', cut);
  const { params } = await client.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.length > 0, timeoutMs: 10000 });
  const d = params.diagnostics.find((x) => x.code === 'FREB_PARSE')!;
  assert.match(text(d.message), /truncated: file ends at line \d+ with <Event> opened at line 415 not closed/);
  assert.equal(d.range.start.line, cut.split('\n').length - 1);
  assert.deepEqual((await client.codeLens(uri)) ?? [], []);
});
