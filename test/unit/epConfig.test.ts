import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTimed } from '../support/growth';
import { analyzeEpConfig, stateCounts, webConfigLocationFromPath, type EpLocation } from '../../src/core/iisConfig/epConfig';
import { IisConfigFormatError, MAX_CONFIG_CHARS, MAX_CONFIG_DEPTH } from '../../src/core/iisConfig/iisConfigXml';
import { parseExchangeBuild } from '../../src/core/iisConfig/exchangeEpTable';
import { XMLParser } from 'fast-xml-parser';
import { buildEpMatrix, serverNameFromPath } from '../../src/core/iisConfig/epServers';

const FIX = join(__dirname, '..', 'fixtures', 'epconfig');
const read = (f: string): string => readFileSync(join(FIX, f), 'utf8');

// CSS-Exchange's expected table (Get-ExtendedProtectionConfigurationResult.ps1), written out here
// independently of src/core/iisConfig/exchangeEpTable.ts: [vdir, Default Web Site, Exchange Back End].
const TABLE: Array<[string, string | null, string | null]> = [
  ['API', 'Require', 'Require'],
  ['Autodiscover', 'None', 'None'],
  ['ECP', 'Require', 'Require'],
  ['EWS', 'Allow', 'Require'],
  ['Microsoft-Server-ActiveSync', 'Allow', 'Require'],
  ['Microsoft-Server-ActiveSync/Proxy', 'Allow', 'Require'],
  ['OAB', 'Allow', 'Require'],
  ['PowerShell', 'None', 'Require'],
  ['OWA', 'Require', 'Require'],
  ['RPC', 'Require', 'Require'],
  ['MAPI', 'Require', null],
  ['PushNotifications', null, 'Require'],
  ['RPCWithCert', null, 'Require'],
  ['MAPI/emsmdb', null, 'Require'],
  ['MAPI/nspi', null, 'Require'],
];
const EXPECTED = new Map<string, string>();
for (const [vdir, fe, be] of TABLE) {
  if (fe) EXPECTED.set(`default web site/${vdir}`.toLowerCase(), fe);
  if (be) EXPECTED.set(`exchange back end/${vdir}`.toLowerCase(), be);
}

function exchangeRows(locs: EpLocation[]): EpLocation[] {
  return locs.filter((l) => EXPECTED.has(l.location.toLowerCase()));
}

const CONFIGURED: Array<[string, number]> = [
  // Exchange 2013 has no API virtual directory; 2016/2019 have all 25.
  ['E15_Configured_Both_ApplicationHost.config', 23],
  ['E16_Configured_ApplicationHost.config', 25],
  ['E19_Configured_ApplicationHost.config', 25],
];

for (const [file, vdirs] of CONFIGURED) {
  void test(`${file}: every Exchange vdir at the expected tokenChecking, state expected`, () => {
    const r = analyzeEpConfig(read(file));
    assert.equal(r.kind, 'applicationHost');
    const rows = exchangeRows(r.locations);
    assert.equal(rows.length, vdirs);
    for (const l of rows) {
      const want = EXPECTED.get(l.location.toLowerCase());
      assert.equal(l.tokenChecking, want, l.location);
      assert.equal(l.expected, want, l.location);
      assert.equal(l.state, 'expected', l.location);
    }
    // Every non-Exchange row is judged as such, and nothing else shows up.
    assert.deepEqual(stateCounts(r.locations), { expected: vdirs, 'less-secure': 0, unsupported: 0, 'not-exchange': r.locations.length - vdirs });
    // Default Web Site/EWS at Allow: the MRS risk, as information (it is Exchange's own setting), nothing else.
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.severity, f.location]),
      [['EP_MRS_PROXY_RISK', 'info', 'Default Web Site/EWS']],
    );
    const ews = r.locations.find((l) => l.location === 'Default Web Site/EWS')!;
    assert.equal(r.findings[0]!.line, ews.extendedProtectionLine);
    assert.match(read(file).split('\n')[r.findings[0]!.line - 1]!, /<extendedProtection tokenChecking="Allow"/);
    assert.match(r.findings[0]!.fix, /-ExcludeVirtualDirectories EWSFrontEnd/);
    assert.doesNotMatch(r.findings[0]!.fix, /EWSBackend/);
  });
}

void test('E19_NotConfigured: every vdir None; expected only where Exchange expects None; one EP_NOT_CONFIGURED', () => {
  const r = analyzeEpConfig(read('E19_NotConfigured_ApplicationHost.config'));
  const rows = exchangeRows(r.locations);
  assert.equal(rows.length, 25);
  for (const l of rows) {
    assert.equal(l.tokenChecking, 'None', l.location);
    assert.equal(l.state, EXPECTED.get(l.location.toLowerCase()) === 'None' ? 'expected' : 'less-secure', l.location);
  }
  const c = stateCounts(r.locations);
  assert.equal(c.expected, 3); // Autodiscover x2, Default Web Site/PowerShell
  assert.equal(c['less-secure'], 22);
  assert.equal(c.unsupported, 0);
  assert.deepEqual(
    r.findings.map((f) => f.code),
    ['EP_NOT_CONFIGURED'],
  );
  assert.equal(r.findings[0]!.count, 25);
  assert.equal(r.mrsProxy?.tokenChecking, 'None');
});

void test('E16_Configured: inherited and explicit values, providers, sslFlags and lines as IIS applies them', () => {
  const text = read('E16_Configured_ApplicationHost.config');
  const r = analyzeEpConfig(text);
  const lines = text.split('\n');
  const by = (p: string): EpLocation => r.locations.find((l) => l.location === p)!;
  // Microsoft-Server-ActiveSync/Proxy on the back end sets nothing itself in E19, but E16 does; both resolve to Require.
  const ps = by('Default Web Site/PowerShell');
  assert.deepEqual(ps.providers, ['Negotiate']);
  assert.equal(ps.sslFlags, 'SslNegotiateCert');
  assert.equal(by('Exchange Back End/PowerShell').sslFlags, 'Ssl,Ssl128,SslNegotiateCert');
  assert.equal(by('Exchange Back End/PowerShell').useKernelMode, false); // server level useKernelMode="false"
  for (const l of r.locations) assert.match(lines[l.line - 1]!, new RegExp(`<location path="${l.location.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
  assert.equal(by('Default Web Site/EWS').flags, 'None');
});

void test('E19_Configured: Exchange Back End/Microsoft-Server-ActiveSync/Proxy inherits Require from its parent location', () => {
  const r = analyzeEpConfig(read('E19_Configured_ApplicationHost.config'));
  const proxy = r.locations.find((l) => l.location === 'Exchange Back End/Microsoft-Server-ActiveSync/Proxy')!;
  assert.equal(proxy.extendedProtectionLine, null);
  assert.equal(proxy.tokenChecking, 'Require');
  assert.equal(proxy.tokenCheckingSetAt?.path, 'Exchange Back End/Microsoft-Server-ActiveSync');
});

const config = (body: string, server = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\r\n<configuration>\r\n<system.applicationHost><sites/></system.applicationHost>\r\n` +
  `<system.webServer><security><authentication><windowsAuthentication enabled="false" useKernelMode="true">${server}<providers><add value="Negotiate" /><add value="NTLM" /></providers></windowsAuthentication></authentication><access sslFlags="None" /></security></system.webServer>\r\n${body}\r\n</configuration>\r\n`;
const loc = (path: string, inner: string): string =>
  `<location path="${path}">\r\n<system.webServer>\r\n<security>\r\n<authentication>\r\n${inner}\r\n</authentication>\r\n</security>\r\n</system.webServer>\r\n</location>`;

void test('providers: <clear/>, <add>, <remove> in order, inherited from the server level and parent paths', () => {
  const r = analyzeEpConfig(
    config(
      loc('Default Web Site', '<windowsAuthentication><providers><remove value="NTLM" /><add value="Kerberos" /></providers></windowsAuthentication>') +
        loc(
          'Default Web Site/EWS',
          '<windowsAuthentication enabled="true"><providers><add value="NTLM" /></providers><extendedProtection tokenChecking="Allow" /></windowsAuthentication>',
        ) +
        loc('Default Web Site/OWA', '<windowsAuthentication enabled="true"><providers><clear /><add value="NTLM" /></providers></windowsAuthentication>'),
    ),
  );
  const by = (p: string): EpLocation => r.locations.find((l) => l.location === p)!;
  assert.deepEqual(by('Default Web Site/EWS').providers, ['Negotiate', 'Kerberos', 'NTLM']);
  assert.deepEqual(by('Default Web Site/OWA').providers, ['NTLM']);
  assert.equal(by('Default Web Site/EWS').windowsAuthentication, true);
  assert.equal(by('Default Web Site').windowsAuthentication, false);
  // OWA (expects Require) sets nothing: IIS's default None applies, less secure.
  assert.equal(by('Default Web Site/OWA').tokenChecking, 'None');
  assert.equal(by('Default Web Site/OWA').state, 'less-secure');
  assert.deepEqual(r.findings.map((f) => f.code).sort(), ['EP_LESS_SECURE', 'EP_MRS_PROXY_RISK']);
});

void test('server-level tokenChecking, location path "" and paths compared without case', () => {
  const r = analyzeEpConfig(
    config(
      `<location path="" overrideMode="Allow"><system.webServer><security><authentication><windowsAuthentication><extendedProtection tokenChecking="Require" flags="Proxy, AllowDotlessSpn"><spn name="HTTP/mail.contoso.test" /><spn name="HTTP/old" /><removeSpn name="HTTP/old" /></extendedProtection></windowsAuthentication></authentication></security></system.webServer></location>\r\n` +
        loc('default web site/oab', '<windowsAuthentication enabled="true" />'),
    ),
  );
  const oab = r.locations.find((l) => l.location === 'default web site/oab')!;
  assert.equal(oab.tokenChecking, 'Require');
  assert.equal(oab.expected, 'Allow');
  assert.equal(oab.state, 'unsupported');
  assert.equal(oab.flags, 'Proxy,AllowDotlessSpn');
  assert.deepEqual(oab.spns, ['HTTP/mail.contoso.test']);
  assert.equal(oab.tokenCheckingSetAt?.path, '');
  const f = r.findings.find((x) => x.code === 'EP_UNSUPPORTED')!;
  assert.equal(f.severity, 'error');
  assert.match(f.fix, /Set-WebConfigurationProperty .*-Location 'default web site\/oab' .*-Value 'Allow'/);
});

void test('EP_MRS_PROXY_RISK: Require on Default Web Site/EWS is a warning (and unsupported); a mrsproxy.svc location at None clears it', () => {
  const req = analyzeEpConfig(
    config(loc('Default Web Site/EWS', '<windowsAuthentication enabled="true"><extendedProtection tokenChecking="Require" /></windowsAuthentication>')),
  );
  assert.deepEqual(req.findings.map((f) => [f.code, f.severity]).sort(), [
    ['EP_MRS_PROXY_RISK', 'warning'],
    ['EP_UNSUPPORTED', 'error'],
  ]);
  const cleared = analyzeEpConfig(
    config(
      loc('Default Web Site/EWS', '<windowsAuthentication enabled="true"><extendedProtection tokenChecking="Allow" /></windowsAuthentication>') +
        loc('Default Web Site/EWS/mrsproxy.svc', '<windowsAuthentication><extendedProtection tokenChecking="None" /></windowsAuthentication>'),
    ),
  );
  assert.equal(cleared.mrsProxy?.tokenChecking, 'None');
  assert.deepEqual(
    cleared.findings.map((f) => f.code),
    [],
  );
  const none = analyzeEpConfig(
    config(
      loc('Default Web Site/EWS', '<windowsAuthentication enabled="true"><extendedProtection tokenChecking="None" /></windowsAuthentication>') +
        loc('Default Web Site/OWA', '<windowsAuthentication enabled="true"><extendedProtection tokenChecking="Require" /></windowsAuthentication>'),
    ),
  );
  assert.deepEqual(
    none.findings.map((f) => f.code),
    ['EP_LESS_SECURE'],
  );
  assert.match(none.findings[0]!.fix, /-ExcludeVirtualDirectories EWSFrontEnd/);
});

void test('--exchange-version: an unsupported build expects None everywhere; 2013 has no API', () => {
  const text = read('E19_Configured_ApplicationHost.config');
  const old = analyzeEpConfig(text, { build: parseExchangeBuild('15.2.986.5') });
  const rows = exchangeRows(old.locations);
  assert.ok(rows.every((l) => l.expected === 'None'));
  assert.equal(rows.filter((l) => l.state === 'unsupported').length, 22);
  const cu = analyzeEpConfig(text, { build: parseExchangeBuild('15.2.1118.29') });
  assert.equal(stateCounts(cu.locations).expected, 25);
  const e15 = analyzeEpConfig(config(loc('Default Web Site/API', '<windowsAuthentication enabled="true" />')), { build: parseExchangeBuild('15.0.1497.48') });
  assert.equal(e15.locations[0]!.state, 'not-exchange');
});

void test('web.config: its own sections, judged only when it sets tokenChecking and its vdir is known', () => {
  const wc =
    '<?xml version="1.0"?>\n<configuration>\n  <system.webServer>\n    <security>\n      <authentication>\n        <windowsAuthentication enabled="true">\n          <extendedProtection tokenChecking="Require" />\n        </windowsAuthentication>\n      </authentication>\n    </security>\n  </system.webServer>\n</configuration>\n';
  const r = analyzeEpConfig(wc, { webConfigLocation: 'Default Web Site/OAB' });
  assert.equal(r.kind, 'web.config');
  assert.equal(r.locations[0]!.state, 'unsupported');
  assert.equal(r.locations[0]!.extendedProtectionLine, 7);
  assert.equal(r.findings[0]!.line, 7);
  const unknown = analyzeEpConfig(wc);
  assert.equal(unknown.locations[0]!.location, '(this folder)');
  assert.equal(unknown.locations[0]!.state, 'not-exchange');
  assert.equal(webConfigLocationFromPath('C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\ews\\web.config'), 'Default Web Site/EWS');
  assert.equal(webConfigLocationFromPath('/x/V15/ClientAccess/ecp/web.config'), 'Exchange Back End/ECP');
  assert.equal(webConfigLocationFromPath('/x/site/web.config'), null);
});

void test('entities in attribute values are the XML built-ins, decoded', () => {
  const r = analyzeEpConfig(config(loc('Default Web Site/A&amp;B', '<windowsAuthentication enabled="true" />')));
  assert.equal(r.locations[0]!.location, 'Default Web Site/A&B');
});

function formatError(text: string): IisConfigFormatError {
  try {
    analyzeEpConfig(text);
  } catch (err) {
    assert.ok(err instanceof IisConfigFormatError, String(err));
    return err;
  }
  assert.fail('expected an IisConfigFormatError');
}

void test('hostile and broken XML: one error with a line, never a hang or an expansion', () => {
  const doctype = formatError('<?xml version="1.0"?>\n<!DOCTYPE configuration [<!ENTITY x "y">]>\n<configuration><location path="&x;"/></configuration>');
  assert.equal(doctype.line, 2);
  assert.match(doctype.reason, /DOCTYPE/);
  // Billion laughs: refused at the declaration, before anything expands.
  const lol = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE lolz [',
    ' <!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, k) => ` <!ENTITY lol${k + 1} "${`&lol${k || ''};`.repeat(10)}">`),
    ']>',
    '<configuration>&lol9;</configuration>',
  ].join('\n');
  const { ms, value } = cpuTimed(() => formatError(lol));
  assert.match(value.reason, /DOCTYPE/);
  assert.ok(ms < 100, `took ${ms.toFixed(0)} ms of CPU`);
  // A bare ENTITY declaration too.
  assert.match(formatError('<configuration><!ENTITY a "b"></configuration>').reason, /ENTITY/);
  // Deep nesting.
  const deep = '<configuration>\n' + '<a>'.repeat(MAX_CONFIG_DEPTH + 5) + '</a>'.repeat(MAX_CONFIG_DEPTH + 5) + '\n</configuration>';
  const d = formatError(deep);
  assert.equal(d.line, 2);
  assert.match(d.reason, /nested deeper/);
  // Truncated in the middle of a real config: the line where the file ends, the open <location>.
  const full = read('E19_Configured_ApplicationHost.config');
  const cut = full.slice(0, full.indexOf('<location path="Default Web Site/EWS"') + 200);
  const t = formatError(cut);
  assert.equal(t.line, cut.split('\n').length);
  assert.match(t.reason, /truncated.*<location> opened at line \d+/);
  // Mismatched closing tag.
  assert.match(formatError('<configuration>\n<location path="x">\n</system.webServer>\n</configuration>').reason, /does not match <location> opened at line 2/);
  // Not a configuration file / empty / huge.
  assert.match(formatError('<failedRequest/>').reason, /not <configuration>/);
  assert.match(formatError('').reason, /empty/);
  assert.match(formatError('hello').reason, /not an XML document/);
  const huge = '<configuration>' + ' '.repeat(MAX_CONFIG_CHARS) + '</configuration>';
  assert.match(formatError(huge).reason, /larger than/);
  // A tag cut off by the next one.
  assert.match(formatError('<configuration>\n<location path="x"\n<system.webServer/></configuration>').reason, /cut off at line 2/);
});

// Wall time on a shared CI machine is noise; bench/epconfig.bench.ts measures it (about 10 ms for
// 200 KB here). This test holds the shape: linear in size, and no slower than fast-xml-parser
// building the whole tree of the same file.
void test('a 200 KB config is read in linear time, faster than parsing the whole file with fast-xml-parser', () => {
  const base = read('E19_Configured_ApplicationHost.config');
  const sample = base.slice(
    base.indexOf('<location path="Default Web Site/EWS"'),
    base.indexOf('</location>', base.indexOf('<location path="Default Web Site/EWS"')) + 11,
  );
  const padTo = (bytes: number): string => {
    const parts: string[] = [];
    let len = base.length;
    for (let k = 0; len < bytes; k++) {
      const p = sample.replace('Default Web Site/EWS', `Default Web Site/app${k}`) + '\r\n';
      parts.push(p);
      len += p.length;
    }
    return base.replace('</configuration>', parts.join('') + '</configuration>');
  };
  const small = padTo(200 * 1024);
  const big = padTo(2 * 1024 * 1024);
  assert.ok(small.length >= 200 * 1024);
  const whole = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    processEntities: true,
    htmlEntities: false,
  });
  // Warmed up, then interleaved, the fastest of each: a busy machine slows both alike.
  const fns = { ours: () => analyzeEpConfig(small), baseline: () => whole.parse(small), big: () => analyzeEpConfig(big) };
  const best = { ours: Infinity, baseline: Infinity, big: Infinity };
  for (const f of Object.values(fns)) f();
  for (let i = 0; i < 7; i++) {
    for (const [k, f] of Object.entries(fns) as Array<[keyof typeof fns, () => unknown]>) {
      best[k] = Math.min(best[k], cpuTimed(f).ms);
    }
  }
  const { ours, baseline, big: oursBig } = best;
  // bench/epconfig.bench.ts: about 0.2-0.6 of the baseline; 2x would mean the whole file is built again.
  assert.ok(ours < baseline * 2, `ours ${ours.toFixed(1)} ms, fast-xml-parser whole file ${baseline.toFixed(1)} ms`);
  // 10x the input: linear is 10-50x here (more locations, more garbage, a loaded machine); the
  // first version, which resolved every location against every other, was well over 100x.
  assert.ok(oursBig < ours * 100, `200 KB ${ours.toFixed(1)} ms, 2 MB ${oursBig.toFixed(1)} ms`);
  assert.equal(analyzeEpConfig(big).locations.length > 1000, true);
});

void test('servers: names from paths; a plain IIS config has rows only with includeOther', () => {
  assert.equal(serverNameFromPath('C:\\copies\\EX01\\applicationHost.config'), 'EX01');
  assert.equal(serverNameFromPath('/copies/EX02/inetsrv/config/applicationHost.config'), 'EX02');
  assert.equal(serverNameFromPath('/copies/E19_Configured_ApplicationHost.config'), 'E19_Configured');
  assert.equal(serverNameFromPath('/copies/ex03.applicationhost.config'), 'ex03');
  const plain = analyzeEpConfig(
    config(loc('Intranet/app', '<windowsAuthentication enabled="true"><extendedProtection tokenChecking="Require" /></windowsAuthentication>')),
  );
  assert.deepEqual(buildEpMatrix([{ server: 'WEB01', report: plain }]).rows, []);
  const rows = buildEpMatrix([{ server: 'WEB01', report: plain }], true).rows;
  assert.deepEqual(
    rows.map((r) => [r.location, r.expected, r.cells[0]!.tokenChecking, r.cells[0]!.state]),
    [['Intranet/app', null, 'Require', 'not-exchange']],
  );
});

void test('inheritInChildApplications="false": a location\'s settings stop at the next application below it', () => {
  const text =
    '<?xml version="1.0"?>\n<configuration>\n<system.applicationHost>\n<sites>\n<site name="Default Web Site" id="1">\n<application path="/" />\n<application path="/EWS" applicationPool="MSExchangeServicesAppPool" />\n</site>\n</sites>\n</system.applicationHost>\n' +
    '<location path="Default Web Site" inheritInChildApplications="false">\n<system.webServer><security><authentication><windowsAuthentication enabled="true"><extendedProtection tokenChecking="Require" /></windowsAuthentication></authentication></security></system.webServer>\n</location>\n' +
    '<location path="Default Web Site/EWS">\n<system.webServer><security><authentication><windowsAuthentication enabled="true" /></authentication></security></system.webServer>\n</location>\n' +
    '<location path="Default Web Site/OWA">\n<system.webServer><security><authentication><windowsAuthentication enabled="true" /></authentication></security></system.webServer>\n</location>\n</configuration>\n';
  const r = analyzeEpConfig(text);
  const by = (p: string): EpLocation => r.locations.find((l) => l.location === p)!;
  // EWS is an application: the site's Require does not reach it; OWA is not one here: it does.
  assert.equal(by('Default Web Site/EWS').tokenChecking, 'None');
  assert.equal(by('Default Web Site/OWA').tokenChecking, 'Require');
  // Without the attribute, EWS inherits.
  const inherited = analyzeEpConfig(text.replace(' inheritInChildApplications="false"', ''));
  assert.equal(inherited.locations.find((l) => l.location === 'Default Web Site/EWS')!.tokenChecking, 'Require');
});
