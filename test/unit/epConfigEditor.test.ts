// The server's Extended Protection features (CodeLens, diagnostics, hover) on real Exchange configs,
// registered through the feature list as server.ts does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { renderMarkdown } from '../support/markdownSafety';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver/node';
import { inProcessServer, type InProcessServer } from '../support/serverInProcess';

const FIX = join(__dirname, '..', 'fixtures', 'epconfig');

const providers = (): InProcessServer => inProcessServer();

// Each test its own folder: the server caches a reading per URI and version.
let n = 0;
const doc = (name: string, text: string, languageId = 'xml'): TextDocument => TextDocument.create(`file:///srv/EX${++n}/${name}`, languageId, 1, text);
const md = (h: Hover | null): string => (h!.contents as MarkupContent).value;

void test('applicationHost.config: a CodeLens per <location>, the MRS risk at the extendedProtection element', () => {
  const text = readFileSync(join(FIX, 'E19_Configured_ApplicationHost.config'), 'utf8');
  const p = providers();
  const d = doc('E19_Configured_ApplicationHost.config', text);
  const lines = text.split('\n');
  const lenses = p.codeLens(d);
  const ews = lenses.find((l) => l.command!.title.startsWith('EWS '))!;
  assert.equal(ews.command!.title, 'EWS · Extended Protection: Accept (expected Accept) · Negotiate, NTLM');
  assert.match(lines[ews.range.start.line]!, /<location path="Default Web Site\/EWS">/);
  assert.ok(lenses.some((l) => l.command!.title === 'Exchange Back End/EWS · Extended Protection: Required (expected Required) · Negotiate, NTLM'));
  assert.ok(lenses.some((l) => l.command!.title === 'owa · Extended Protection: Required (expected Required) · Windows authentication off'));
  assert.equal(lenses.length, 40);
  const diags = p.diagnostics(d);
  assert.deepEqual(
    diags.map((x) => x.code),
    ['EP_MRS_PROXY_RISK'],
  );
  const r = diags[0]!.range;
  assert.equal(lines[r.start.line]!.slice(r.start.character, r.end.character), '<extendedProtection tokenChecking="Allow" flags="None">');
  // Not an IIS config by name, or not XML: nothing.
  assert.deepEqual(p.codeLens(doc('settings.xml', text)), []);
  assert.deepEqual(p.diagnostics(doc('applicationHost.config', text, 'plaintext')), []);
});

void test('hovers: tokenChecking with IIS Manager words, the EWS table and the fixes in order; flags; sslFlags', () => {
  const text = readFileSync(join(FIX, 'E19_Configured_ApplicationHost.config'), 'utf8');
  const p = providers();
  const d = doc('applicationHost.config', text);
  const lines = text.split('\n');
  const at = (re: RegExp, from: number, word: string): [number, number] => {
    const line = lines.findIndex((l, i) => i >= from && re.test(l));
    return [line, lines[line]!.indexOf(word) + 2];
  };
  const ewsLine = lines.findIndex((l) => l.includes('<location path="Default Web Site/EWS">'));
  const [tl, tc] = at(/tokenChecking="Allow"/, ewsLine, '"Allow"');
  const h = md(p.hover(d, tl, tc));
  assert.match(h, /IIS Manager: Extended Protection "Accept"/);
  assert.match(h, /Default Web Site\/EWS gets Extended Protection Allow \(Accept\)\. Exchange expects Allow \(Accept\): as expected\./);
  assert.match(h, /\| Allow \(Accept\) \| works \| fails: 401, SEC_E_BAD_BINDINGS \|/);
  assert.match(h, /\| None \(Off\) \| works \| works \|/);
  const order = ['same certificate (same key)', 'TLS pass-through', '-ExcludeVirtualDirectories EWSFrontEnd', 'Only last'].map((s) => h.indexOf(s));
  assert.ok(order.every((i) => i > 0) && order.every((i, k) => k === 0 || i > order[k - 1]!), String(order));
  const [fl, fc] = at(/flags="None"/, ewsLine, 'None"');
  assert.match(md(p.hover(d, fl, lines[fl]!.indexOf('flags="None"') + 8)), /No flags: IIS checks the channel binding/);
  void fc;
  const psLine = lines.findIndex((l) => l.includes('<location path="Default Web Site/PowerShell">'));
  const [sl] = at(/sslFlags="SslNegotiateCert"/, psLine, 'Ssl');
  const sh = md(p.hover(d, sl, lines[sl]!.indexOf('SslNegotiateCert') + 3));
  assert.match(sh, /Client certificates accepted/);
  assert.match(sh, /Exchange expects SslNegotiateCert on Default Web Site\/PowerShell/);
  // The location path of EWS carries the table too; a plain element name gets no hover.
  assert.match(md(p.hover(d, ewsLine, lines[ewsLine]!.indexOf('Web Site/EWS'))), /Fixes, in this order/);
  assert.equal(p.hover(d, ewsLine + 1, 3), null);
});

void test('document text in hovers and CodeLens titles cannot become markup or a link', () => {
  const evil =
    '<?xml version="1.0"?>\n<configuration>\n<system.applicationHost/>\n<location path="Default Web Site/[x](command:workbench.action.terminal.new) $(zap)">\n<system.webServer><security><authentication>\n<windowsAuthentication enabled="true"><providers><add value="**$(bug)**" /></providers>\n<extendedProtection tokenChecking="Require" />\n</windowsAuthentication></authentication></security></system.webServer>\n</location>\n</configuration>\n';
  const p = providers();
  const d = doc('applicationHost.config', evil);
  const lens = p.codeLens(d)[0]!;
  assert.doesNotMatch(lens.command!.title.replace(/\\\$\(/g, ''), /\$\(/);
  const html = renderMarkdown(md(p.hover(d, 3, 20)));
  assert.doesNotMatch(html, /<a /);
  const h2 = renderMarkdown(md(p.hover(d, 6, 38)));
  assert.doesNotMatch(h2, /<a /);
});

void test('a broken config is one error diagnostic at the line it names', () => {
  const text = readFileSync(join(FIX, 'E16_Configured_ApplicationHost.config'), 'utf8').slice(0, 60000);
  const diags = providers().diagnostics(doc('applicationHost.config', text));
  assert.equal(diags.length, 1);
  assert.equal(diags[0]!.code, 'IIS_CONFIG_PARSE');
  assert.equal(diags[0]!.range.start.line, text.split('\n').length - 1);
  assert.equal(diags[0]!.severity, 1);
});

void test('German: CodeLens, diagnostics and the EWS table', async () => {
  await l10n.config({ fsPath: join(__dirname, '..', '..', 'l10n', 'bundle.l10n.de.json') });
  try {
    const text = readFileSync(join(FIX, 'E19_NotConfigured_ApplicationHost.config'), 'utf8');
    const p = providers();
    const d = doc('applicationHost.config', text);
    const lenses = p.codeLens(d).map((l) => l.command!.title);
    assert.ok(lenses.includes('$(warning) EWS · Erweiterter Schutz: Aus (erwartet Akzeptieren) · Negotiate, NTLM'), lenses.join('\n'));
    const diags = p.diagnostics(d);
    assert.match(String(diags[0]!.message), /^Erweiterter Schutz ist nicht konfiguriert: Alle 25 virtuellen Exchange-Verzeichnisse stehen auf None/);
    const lines = text.split('\n');
    const ewsLine = lines.findIndex((l) => l.includes('<location path="Default Web Site/EWS">'));
    const h = md(p.hover(d, ewsLine, lines[ewsLine]!.indexOf('/EWS')));
    assert.match(h, /Lösungen, in dieser Reihenfolge/);
    assert.match(h, /\| Allow \(Akzeptieren\) \| funktioniert \| scheitert/);
  } finally {
    await l10n.config({ contents: {} });
  }
});

void test('an IIS log with BAD_BINDINGS on /EWS/ names the configured Default Web Site/EWS setting of the open configs', () => {
  const log = readFileSync(join(__dirname, '..', 'fixtures', 'workspace', 'u_ex261121_bad_bindings.log'), 'utf8');
  const cfgText = readFileSync(join(__dirname, '..', 'fixtures', 'workspace', 'EX01_applicationHost.config'), 'utf8');
  const logDoc = TextDocument.create('file:///logs/u_ex261121.log', 'iis-w3c-log', 1, log);
  const cfg = TextDocument.create('file:///cfg/EX01_applicationHost.config', 'xml', 1, cfgText);
  const notConfigured = TextDocument.create(
    'file:///cfg/EX02/applicationHost.config',
    'xml',
    1,
    readFileSync(join(FIX, 'E19_NotConfigured_ApplicationHost.config'), 'utf8'),
  );
  const withDocs = (docs: TextDocument[]): Diagnostic[] =>
    inProcessServer(docs)
      .diagnostics(logDoc)
      .filter((d) => d.code === 'EP_CONFIGURED');
  assert.deepEqual(withDocs([logDoc]), []);
  const [d] = withDocs([logDoc, cfg]);
  assert.ok(d);
  assert.match(
    String(d.message),
    /^3 BAD_BINDINGS on \/EWS\/\. Extended Protection of Default Web Site\/EWS as configured - EX01: Allow \(Accept\), line 222\./,
  );
  assert.match(log.split('\n')[d.range.start.line]!, /POST \/EWS\/mrsproxy\.svc .* 401 1 2148074310/);
  assert.equal(d.relatedInformation![0]!.location.uri, cfg.uri);
  assert.equal(d.relatedInformation![0]!.location.range.start.line, 221);
  const two = withDocs([logDoc, cfg, notConfigured])[0]!;
  assert.match(String(two.message), /EX01: Allow \(Accept\), line 222; EX02: None \(Off\), line \d+/);
});
