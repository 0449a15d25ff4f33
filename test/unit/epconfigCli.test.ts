import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { checkEpScriptCommand, checkIisCommand } from '../../src/core/iisConfig/epCommands';
import { cliIo as io } from '../support/cliInProcess';

const FIX = join(__dirname, '..', 'fixtures', 'epconfig');

interface JsonLocation {
  location: string;
  site: string;
  vdir: string;
  windowsAuthentication: boolean;
  providers: string[];
  tokenChecking: string;
  flags: string;
  spns: string[];
  sslFlags: string;
  expected: string | null;
  state: string;
  line: number;
}
interface JsonFile {
  path: string;
  kind?: string;
  error?: string;
  locations?: JsonLocation[];
  findings?: Array<{ line: number; code: string; severity: string; location: string; message: string; fix: string }>;
}
interface JsonDoc {
  files: JsonFile[];
  servers?: {
    servers: string[];
    rows: Array<{ location: string; expected: string; cells: Array<{ server: string; tokenChecking: string | null }>; disagree: boolean }>;
    disagreements: number;
  };
}

void test('epconfig --json on one applicationHost.config: the contract fields per location and finding', async () => {
  const t = io();
  const code = await main(['epconfig', '--json', join(FIX, 'E19_Configured_ApplicationHost.config')], t.io);
  assert.equal(code, 0, t.err());
  assert.equal(t.err(), '');
  const doc = JSON.parse(t.out()) as JsonDoc;
  assert.equal(doc.files.length, 1);
  const f = doc.files[0]!;
  assert.equal(f.kind, 'applicationHost');
  const ews = f.locations!.find((l) => l.location === 'Default Web Site/EWS')!;
  assert.deepEqual(
    {
      site: ews.site,
      vdir: ews.vdir,
      windowsAuthentication: ews.windowsAuthentication,
      providers: ews.providers,
      tokenChecking: ews.tokenChecking,
      flags: ews.flags,
      spns: ews.spns,
      sslFlags: ews.sslFlags,
      expected: ews.expected,
      state: ews.state,
    },
    {
      site: 'Default Web Site',
      vdir: 'EWS',
      windowsAuthentication: true,
      providers: ['Negotiate', 'NTLM'],
      tokenChecking: 'Allow',
      flags: 'None',
      spns: [],
      sslFlags: 'Ssl,Ssl128',
      expected: 'Allow',
      state: 'expected',
    },
  );
  const lines = readFileSync(join(FIX, 'E19_Configured_ApplicationHost.config'), 'utf8').split('\n');
  assert.match(lines[ews.line - 1]!, /<location path="Default Web Site\/EWS">/);
  const risk = f.findings!.find((x) => x.code === 'EP_MRS_PROXY_RISK')!;
  assert.equal(risk.location, 'Default Web Site/EWS');
  assert.match(risk.fix, /-ExcludeVirtualDirectories EWSFrontEnd/);
  assert.equal(doc.servers, undefined);
});

void test('epconfig on a folder of four servers: one table across them, disagreements flagged', async () => {
  const t = io();
  const code = await main(['epconfig', '--json', FIX], t.io);
  assert.equal(code, 0, t.err());
  const doc = JSON.parse(t.out()) as JsonDoc;
  assert.equal(doc.files.length, 4);
  const m = doc.servers!;
  assert.deepEqual(m.servers, ['E15_Configured_Both', 'E16_Configured', 'E19_Configured', 'E19_NotConfigured']);
  const ews = m.rows.find((r) => r.location === 'Default Web Site/EWS')!;
  assert.deepEqual(
    ews.cells.map((c) => c.tokenChecking),
    ['Allow', 'Allow', 'Allow', 'None'],
  );
  assert.equal(ews.disagree, true);
  const autod = m.rows.find((r) => r.location === 'Default Web Site/Autodiscover')!;
  assert.equal(autod.disagree, false);
  // Exchange 2013 has no API vdir: a missing vdir is not a disagreement by itself.
  const api = m.rows.find((r) => r.location === 'Default Web Site/API')!;
  assert.equal(api.cells[0]!.tokenChecking, null);
  // Autodiscover (both sites) and Default Web Site/PowerShell are None everywhere; the other 22 differ.
  assert.equal(m.disagreements, 22);

  const h = io();
  assert.equal(await main(['epconfig', FIX], h.io), 0);
  const text = h.out();
  assert.match(text, /Extended Protection by virtual directory across 4 servers - 22 virtual directories differ between servers/);
  assert.match(text, /Default Web Site\/EWS +Allow +Allow +Allow +Allow +None +<- servers disagree/);
  assert.match(text, /EP_NOT_CONFIGURED \[warning\]/);
  // Every command line in the human output is valid for its tool.
  for (const line of text.split('\n')) {
    const ps = /\.\\ExchangeExtendedProtectionManagement\.ps1( -\S+( [A-Za-z]+)?)*/.exec(line);
    if (ps && / -/.test(ps[0])) assert.equal(checkEpScriptCommand(ps[0]), null, line);
    const web = /Set-WebConfigurationProperty.*/.exec(line);
    if (web) assert.equal(checkIisCommand(web[0]), null, line);
  }
});

void test('epconfig: hostile and broken files are one-line errors with exit 1, the others still reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'epconfig-'));
  mkdirSync(join(dir, 'EX01'));
  mkdirSync(join(dir, 'EX02'));
  copyFileSync(join(FIX, 'E19_Configured_ApplicationHost.config'), join(dir, 'EX01', 'applicationHost.config'));
  writeFileSync(join(dir, 'EX02', 'applicationHost.config'), '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<configuration>&a;</configuration>\n');
  writeFileSync(join(dir, 'cut.config'), readFileSync(join(FIX, 'E16_Configured_ApplicationHost.config'), 'utf8').slice(0, 90000));
  const t = io();
  const code = await main(['epconfig', '--json', dir], t.io);
  assert.equal(code, 1);
  const doc = JSON.parse(t.out()) as JsonDoc;
  const byPath = (p: string): JsonFile => doc.files.find((f) => f.path.endsWith(p))!;
  assert.match(byPath(join('EX02', 'applicationHost.config')).error!, /^line 2: <!DOCTYPE> declaration refused/);
  assert.match(byPath('cut.config').error!, /truncated/);
  assert.equal(byPath(join('EX01', 'applicationHost.config')).locations!.filter((l) => l.state === 'expected').length, 25);
  const errLines = t.err().trim().split('\n');
  assert.equal(errLines.length, 2);
  for (const l of errLines) assert.match(l, /^.+: error: line \d+: /);
  assert.doesNotMatch(t.err(), /\n\s+at /);
});

void test('epconfig: --exchange-version, missing file, usage errors', async () => {
  const t = io();
  assert.equal(await main(['epconfig', '--json', '--exchange-version', '15.2.986.5', join(FIX, 'E19_Configured_ApplicationHost.config')], t.io), 0);
  const doc = JSON.parse(t.out()) as JsonDoc;
  assert.ok(doc.files[0]!.locations!.filter((l) => l.expected !== null).every((l) => l.expected === 'None'));
  const missing = io();
  assert.equal(await main(['epconfig', join(FIX, 'nope.config')], missing.io), 1);
  assert.match(missing.err(), /nope\.config: error: cannot read: no such file/);
  const usage = io();
  assert.equal(await main(['epconfig'], usage.io), 2);
  const bad = io();
  assert.equal(await main(['epconfig', '--exchange-version', 'CU14', join(FIX, 'E19_Configured_ApplicationHost.config')], bad.io), 2);
  assert.match(bad.err(), /not a build number/);
  const help = io();
  assert.equal(await main(['epconfig', '--help'], help.io), 0);
  assert.match(help.out(), /--exchange-version/);
});

void test('explain names the config check as a next step for the Extended Protection errors', async () => {
  const hcw = join(__dirname, '..', 'fixtures', 'hcw', 'HybridConfiguration_11_5_2024_14_23_10.log');
  const t = io();
  assert.equal(await main(['explain', '--json', hcw], t.io), 0);
  const neg = (JSON.parse(t.out()) as { matches: Array<{ code: string; next: string[] }> }).matches.find((m) => m.code === 'MRS_UNAUTHORIZED_NEGOTIATE')!;
  assert.ok(neg.next.includes('check-epconfig'), neg.next.join(','));
  const h = io();
  assert.equal(await main(['explain', hcw], h.io), 0);
  assert.match(h.out(), /iis-auth-lens epconfig FOLDER/);
});
