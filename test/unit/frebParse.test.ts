// FREB parsing and analysis on real IIS traces, generated traces with ground truth, and hostile XML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeFrebFile, analyzeFrebText, tryAnalyzeFreb } from '../../src/core/freb/frebAnalyze';
import { parseFreb } from '../../src/core/freb/frebTrace';
import { generateFreb } from '../support/frebGenerator';
import { FINDINGS } from '../../src/core/findings';
import { cpuTimed } from '../support/growth';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'freb');

interface Expected {
  file: string;
  statusCode: number;
  subStatusCode: number;
  win32Status: number | null;
  events: number;
  authType: string;
  user: string;
  timeTaken: number;
  siteId: number;
  url: string;
  failureLine?: number;
}

// Values per test/fixtures/SOURCES.md and the traces themselves (status "S.SS" split, win32 = ErrorCode of the last
// MODULE_SET_RESPONSE_ERROR_STATUS, sub-status from the last GENERAL_REQUEST_END otherwise).
const REAL: Expected[] = [
  {
    file: 'plechenko/fr000031.auth-401-anon.xml',
    statusCode: 401,
    subStatusCode: 2,
    win32Status: 2147942405,
    events: 123,
    authType: 'Anonymous',
    user: '',
    timeTaken: 109,
    siteId: 2,
    url: 'http://localhost:8088/secure/index.html',
    failureLine: 2111,
  },
  {
    file: 'plechenko/fr000034.auth-200-windows.xml',
    statusCode: 200,
    subStatusCode: 0,
    win32Status: null,
    events: 154,
    authType: 'NT',
    user: 'WIN-B75708LJ096\\vagrant',
    timeTaken: 47,
    siteId: 2,
    url: 'http://localhost:8088/secure/index.html',
  },
  {
    file: 'plechenko/fr000035.config-500-19.xml',
    statusCode: 500,
    subStatusCode: 21,
    win32Status: 2147942413,
    events: 184,
    authType: 'Anonymous',
    user: '',
    timeTaken: 47,
    siteId: 2,
    url: 'http://localhost:8088/broken-config/',
  },
  {
    file: 'plechenko/fr000001.xml',
    statusCode: 200,
    subStatusCode: 0,
    win32Status: null,
    events: 119,
    authType: 'Anonymous',
    user: '',
    timeTaken: 15,
    siteId: 2,
    url: 'http://localhost:8081/',
  },
  {
    file: 'plechenko/fr000070.arr-bad-backend.xml',
    statusCode: 502,
    subStatusCode: 3,
    win32Status: 2147954429,
    events: 244,
    authType: 'Anonymous',
    user: '',
    timeTaken: 8078,
    siteId: 2,
    url: 'http://localhost:8088/arr/bad-backend',
  },
  {
    file: 'plechenko/fr000013.asp-slow-5s.xml',
    statusCode: 200,
    subStatusCode: 0,
    win32Status: null,
    events: 191,
    authType: 'Anonymous',
    user: '',
    timeTaken: 4640,
    siteId: 2,
    url: 'http://localhost:8088/classic-asp/slow.asp?delay=5',
  },
  {
    file: 'plechenko/fr000020.aspnet-400.xml',
    statusCode: 400,
    subStatusCode: 0,
    win32Status: 0,
    events: 246,
    authType: 'Anonymous',
    user: '',
    timeTaken: 125,
    siteId: 2,
    url: 'http://localhost:8088/aspnet/status.aspx?code=400',
  },
  {
    file: 'alulab/fr000001.xml',
    statusCode: 404,
    subStatusCode: 0,
    win32Status: 2147942402,
    events: 150,
    authType: 'Anonymous',
    user: '',
    timeTaken: 16,
    siteId: 179,
    url: 'https://alu.homelabs.one:443/coi-serviceworker.js',
  },
];

function realPath(file: string): string {
  return path.join(FIX, file);
}

for (const exp of REAL) {
  const p = realPath(exp.file);
  void test(`real trace ${exp.file}`, async () => {
    const e = await analyzeFrebFile(p);
    assert.equal(e.error, undefined);
    assert.equal(e.kind, 'freb');
    assert.equal(e.url, exp.url);
    assert.equal(e.verb, 'GET');
    assert.equal(e.statusCode, exp.statusCode);
    assert.equal(e.subStatusCode, exp.subStatusCode);
    assert.equal(e.win32Status, exp.win32Status);
    assert.equal(e.events, exp.events);
    assert.equal(e.authType, exp.authType);
    assert.equal(e.user, exp.user);
    assert.equal(e.timeTaken, exp.timeTaken);
    assert.equal(e.siteId, exp.siteId);
    // None of the real samples is an auth-protocol failure (anonymous 401.2 is the first leg).
    assert.deepEqual(e.findings, []);
    if (exp.failureLine) {
      const r = tryAnalyzeFreb(fs.readFileSync(p, 'utf8'), p);
      assert.ok('analysis' in r);
      assert.equal(r.analysis.failure?.event.line, exp.failureLine);
      assert.equal(r.analysis.failure?.event.opcodeLine, exp.failureLine + 24);
      assert.equal(r.analysis.failure?.module, 'IIS Web Core');
      assert.equal(r.analysis.failure?.notification, 'AUTHENTICATE_REQUEST');
      assert.equal(r.analysis.failure?.status, '401.2');
      assert.equal(r.analysis.failure?.hex, '0x80070005');
      assert.equal(r.analysis.failure?.text, 'Access is denied.');
    }
  });
}

void test('two requests in one trace: both GENERAL_REQUEST_START events, in order, with their lines', () => {
  const p = realPath('plechenko/fr000001.xml');
  const t = parseFreb(fs.readFileSync(p, 'utf8'));
  const starts = t.events.filter((e) => e.name === 'GENERAL_REQUEST_START');
  assert.equal(starts.length, 2);
  assert.deepEqual(
    starts.map((e) => e.data.find(([n]) => n === 'RequestURL')?.[1]),
    ['http://localhost:8081/', 'http://localhost:8081/index.html'],
  );
  const lines = fs.readFileSync(p, 'utf8').split('\n');
  for (const e of t.events) assert.match(lines[e.line - 1], /^<Event[\s>]/, `event ${e.index} line ${e.line}`);
  assert.ok(t.events.every((e, k) => k === 0 || e.line > t.events[k - 1].endLine));
});

void test('Windows auth trace: Authorization header, AUTH_SUCCEEDED, Negotiate scheme, escaped DOCTYPE in a response buffer', () => {
  const p = realPath('plechenko/fr000034.auth-200-windows.xml');
  const text = fs.readFileSync(p, 'utf8');
  const r = tryAnalyzeFreb(text, p);
  assert.ok('analysis' in r);
  const a = r.analysis;
  const auth = a.requestHeaders.find((h) => h.name === 'Authorization')!;
  assert.match(auth.value, /^Negotiate oXcwdaADCgEBoloE/);
  assert.equal(auth.line, 588);
  assert.equal(a.authScheme, 'Negotiate');
  const ok = a.trace.events.find((e) => e.name === 'AUTH_SUCCEEDED')!;
  assert.deepEqual(
    ok.data.find(([n]) => n === 'NTLMUsed'),
    ['NTLMUsed', 'true'],
  );
  assert.ok(a.responseHeaders.some((h) => h.name === 'ETag' && h.value === '"4aabc9a469f6dc1:0"'));
  assert.equal(a.failure, null);
});

void test('escaped <!DOCTYPE html inside GENERAL_RESPONSE_ENTITY_BUFFER is data, not a declaration', () => {
  let withEscaped = 0;
  for (const f of fs.readdirSync(path.join(FIX, 'plechenko'))) {
    const text = fs.readFileSync(path.join(FIX, 'plechenko', f), 'utf8');
    if (!text.includes('&lt;!DOCTYPE')) continue;
    withEscaped++;
    assert.equal(analyzeFrebText(text, f).error, undefined, f);
  }
  assert.ok(withEscaped >= 5, `${withEscaped} samples carry an escaped DOCTYPE`);
});

void test('generated traces (fixtures) match the generator truth: every field and finding line', async () => {
  const truth = JSON.parse(fs.readFileSync(path.join(FIX, 'generated', 'truth.json'), 'utf8'));
  assert.equal(truth.files.length, 7);
  for (const t of truth.files) checkAgainstTruth(await analyzeFrebFile(path.join(FIX, 'generated', t.file)), t);
});

void test('300 freshly generated traces match truth.json', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freb-gen-'));
  try {
    const truth = generateFreb({ count: 300, out: dir, seed: 11 });
    let findings = 0;
    for (const t of truth.files) {
      const e = await analyzeFrebFile(path.join(dir, t.file));
      checkAgainstTruth(e, t);
      findings += e.findings!.length;
    }
    assert.equal(
      findings,
      Object.values(truth.findings as Record<string, number>).reduce((a, b) => a + b, 0),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function checkAgainstTruth(e: Awaited<ReturnType<typeof analyzeFrebFile>>, t: any): void {
  const msg = `${t.file} (${t.case})`;
  assert.equal(e.error, undefined, msg);
  for (const k of ['url', 'verb', 'statusCode', 'subStatusCode', 'win32Status', 'timeTaken', 'siteId', 'appPoolId', 'authType', 'user', 'events'] as const) {
    assert.equal(e[k], t[k], `${msg}: ${k}`);
  }
  assert.deepEqual(
    e.findings!.map((f) => [f.code, f.line]),
    t.findings.map((f: { code: string; line: number }) => [f.code, f.line]),
    msg,
  );
  for (const f of e.findings!) {
    // one severity per code, the findings table's (the same in the W3C analysis and in Problems)
    assert.equal(f.severity, FINDINGS[f.code].severity);
    assert.equal(f.severity, f.code === 'LOGON_DENIED' ? 'warning' : 'error');
    assert.equal(f.win32, t.win32Status);
    assert.equal(f.clientIp, t.clientIp);
    assert.equal(f.uri, new URL(t.url).pathname);
    assert.equal(f.status, `${t.statusCode}.${t.subStatusCode}`);
  }
  if (t.code === 'BAD_BINDINGS') assert.match(e.findings![0].message, /SEC_E_BAD_BINDINGS \(0x80090346\)/);
}

void test('BAD_BINDINGS finding text names the code and the cause', () => {
  const p = path.join(FIX, 'generated', 'fr000047.bad-bindings.xml');
  const r = tryAnalyzeFreb(fs.readFileSync(p, 'utf8'), p);
  assert.ok('analysis' in r);
  const f = r.analysis.findings[0];
  assert.equal(f.code, 'BAD_BINDINGS');
  assert.match(f.message, /^401\.1 SEC_E_BAD_BINDINGS \(0x80090346\) set by WindowsAuthenticationModule in AUTHENTICATE_REQUEST/);
  assert.match(f.message, /channel binding/);
  assert.equal(r.analysis.authScheme, 'NTLM');
});

void test('NTSTATUS form 0xC000035B with a 401 is BAD_BINDINGS too; another SSPI 401.1 is AUTH_FAILED; the challenge leg is no finding', () => {
  const base = fs.readFileSync(path.join(FIX, 'generated', 'fr000047.bad-bindings.xml'), 'utf8');
  const line = base.split('\r\n').findIndex((l) => l.includes('<Data Name="ErrorCode">2148074310</Data>'));
  assert.ok(line > 0);
  const nt = analyzeFrebText(base.replace('<Data Name="ErrorCode">2148074310</Data>', '<Data Name="ErrorCode">3221226331</Data>'), 'nt.xml');
  assert.deepEqual(
    nt.findings!.map((f) => f.code),
    ['BAD_BINDINGS'],
  );
  assert.equal(nt.win32Status, 3221226331);
  const skew = analyzeFrebText(base.replace('<Data Name="ErrorCode">2148074310</Data>', '<Data Name="ErrorCode">0x80090324</Data>'), 'skew.xml');
  assert.deepEqual(
    skew.findings!.map((f) => f.code),
    ['AUTH_FAILED'],
  );
  assert.equal(skew.win32Status, 0x80090324);
  assert.match(skew.findings![0].message, /SEC_E_TIME_SKEW/);
  const neg = analyzeFrebText(base.replace('<Data Name="ErrorCode">2148074310</Data>', '<Data Name="ErrorCode">-2146892986</Data>'), 'neg.xml');
  assert.equal(neg.win32Status, 2148074310, 'signed decimal becomes unsigned');
  const challenge = analyzeFrebText(fs.readFileSync(path.join(FIX, 'generated', 'fr000001.challenge.xml'), 'utf8'), 'c.xml');
  assert.equal(challenge.win32Status, 2148074254);
  assert.deepEqual(challenge.findings, []);
});

// ---- hostile and broken input ----

function hostile(text: string, name = 'fr999999.xml'): string {
  const { ms, value: e } = cpuTimed(() => analyzeFrebText(text, name));
  assert.ok(ms < 2000, `no hang: took ${ms.toFixed(0)} ms of CPU`);
  assert.equal(e.kind, 'freb');
  assert.equal(typeof e.error, 'string');
  assert.ok(!e.error!.includes('\n'), 'one line');
  assert.ok(e.error!.startsWith(name + ':'), `names the file: ${e.error}`);
  assert.equal(e.events, 0);
  assert.equal(e.statusCode, null);
  return e.error!;
}

void test('billion laughs: the DOCTYPE in the prolog is refused with its line, nothing expands', () => {
  const lol = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', ' <!ENTITY lol "lol">'];
  for (let k = 1; k <= 9; k++) lol.push(` <!ENTITY lol${k} "${`&lol${k === 1 ? '' : k - 1};`.repeat(10)}">`);
  lol.push(']>', '<failedRequest url="&lol9;">&lol9;</failedRequest>');
  const err = hostile(lol.join('\n'));
  assert.match(err, /line 2: <!DOCTYPE> declaration refused/);
});

void test('external entity (XXE) is refused', () => {
  const err = hostile('<?xml version="1.0"?>\r\n<!-- c -->\r\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\r\n<failedRequest url="&xxe;"/>');
  assert.match(err, /line 3: <!DOCTYPE> declaration refused/);
});

void test('an undeclared entity reference stays literal text and is not resolved', () => {
  const e = analyzeFrebText('<failedRequest url="&xxe;" statusCode="401.1"></failedRequest>', 'fr1.xml');
  assert.equal(e.error, undefined);
  assert.equal(e.url, '&xxe;');
  assert.equal(e.statusCode, 401);
  assert.equal(e.subStatusCode, 1);
  assert.equal(e.events, 0);
});

void test('truncated trace: the error names the end line and the unclosed <Event> with its start line', () => {
  const p = realPath('plechenko/fr000031.auth-401-anon.xml')!;
  const text = fs.readFileSync(p, 'utf8');
  const cutAt = text.indexOf('<Data Name="ErrorCode">2147942405');
  const cut = text.slice(0, cutAt + 10);
  const endLine = cut.split('\n').length;
  const err = hostile(cut);
  assert.match(err, new RegExp(`line ${endLine}: truncated: file ends at line ${endLine} with <Event> opened at line 2111 not closed`));
  // Cut between events: the root is what is left open.
  const between = text.slice(0, text.lastIndexOf('\n<Event ', cutAt) + 1);
  assert.match(hostile(between), /<failedRequest> opened at line 4 not closed/);
});

void test('0 bytes, whitespace, binary junk, a W3C log, another XML root: clear "not a FREB trace" errors', () => {
  assert.match(hostile(''), /line 1: empty file \(0 bytes\)/);
  assert.match(hostile('   \r\n  '), /no root element/);
  assert.match(hostile('\u0000\u0001\u00ff\u0013binary'), /not an XML document/);
  assert.match(hostile('#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time\r\n'), /line 1: .*not an XML document/);
  assert.match(hostile('<?xml version="1.0"?>\n<html><body/></html>'), /line 2: root element is <html>, not <failedRequest>: not a FREB trace/);
});

void test('deep nesting is refused at the depth limit, quickly', () => {
  const depth = 100000;
  const err = hostile('<failedRequest>' + '<a>'.repeat(depth) + '</a>'.repeat(depth) + '</failedRequest>');
  assert.match(err, /nested deeper than 32 levels/);
});

void test('mismatched tags are reported with both lines', () => {
  const err = hostile('<failedRequest>\n<Event>\n<System>\n</Event>\n</failedRequest>');
  assert.match(err, /line 4: closing tag <\/Event> does not match <System> opened at line 3/);
});

void test('many built-in entities are decoded, not expanded further', () => {
  const v = '&amp;lt;'.repeat(50000);
  const e = analyzeFrebText(`<failedRequest url="${v}"></failedRequest>`, 'fr2.xml');
  assert.equal(e.error, undefined);
  assert.equal(e.url, '&lt;'.repeat(50000));
});

void test('analyzeFrebFile: missing file, folder, gzip and UTF-16 input', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freb-io-'));
  try {
    const missing = await analyzeFrebFile(path.join(dir, 'fr000404.xml'));
    assert.match(missing.error!, /fr000404\.xml: cannot read: no such file/);
    const folder = await analyzeFrebFile(dir);
    assert.match(folder.error!, /cannot read: not a regular file/);
    const src = fs.readFileSync(path.join(FIX, 'generated', 'fr000047.bad-bindings.xml'));
    fs.writeFileSync(path.join(dir, 'fr000047.xml.gz'), gzipSync(src));
    const gz = await analyzeFrebFile(path.join(dir, 'fr000047.xml.gz'));
    assert.equal(gz.win32Status, 2148074310);
    assert.deepEqual(
      gz.findings!.map((f) => [f.code, f.line]),
      [['BAD_BINDINGS', 415]],
    );
    fs.writeFileSync(path.join(dir, 'fr000048.xml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(src.toString('utf8'), 'utf16le')]));
    const u16 = await analyzeFrebFile(path.join(dir, 'fr000048.xml'));
    assert.equal(u16.error, undefined);
    assert.equal(u16.events, 25);
    fs.writeFileSync(path.join(dir, 'fr000049.xml.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    assert.match((await analyzeFrebFile(path.join(dir, 'fr000049.xml.gz'))).error!, /gzip data is corrupt/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a trace saved without RenderingInfo still yields status, win32 and the finding (names from EventGuid + Opcode)', () => {
  const p = path.join(FIX, 'generated', 'fr000047.bad-bindings.xml');
  const stripped = fs
    .readFileSync(p, 'utf8')
    .replace(/<RenderingInfo Culture="en-US">[\s\S]*?<\/RenderingInfo>/g, (m) => m.replace(/[^\r\n]/g, '').replace(/^/, '<!---->'));
  const e = analyzeFrebText(stripped, 'bare.xml');
  assert.equal(e.error, undefined);
  assert.equal(e.win32Status, 2148074310);
  assert.equal(e.authType, 'NT');
  assert.deepEqual(
    e.findings!.map((f) => [f.code, f.line]),
    [['BAD_BINDINGS', 415]],
  );
});

void test('IIS writes appPoolId and verb unescaped: a raw & or <> in an attribute does not break the trace', () => {
  const base = fs.readFileSync(path.join(FIX, 'generated', 'fr000047.bad-bindings.xml'), 'utf8');
  const e = analyzeFrebText(base.replace('appPoolId="MSExchangeServicesAppPool"', 'appPoolId="Pool & <Co>"'), 'amp.xml');
  assert.equal(e.error, undefined);
  assert.equal(e.appPoolId, 'Pool & <Co>');
  assert.equal(e.events, 25);
  assert.deepEqual(
    e.findings!.map((f) => f.line),
    [415],
  );
});
