// What `analyze` takes a file for when it is named on the command line or found in a folder:
// Exchange's own CSV logs, NCSA/IIS-native logs and binary data are not W3C logs ('unknown' with
// a reason), headerless default-layout logs and empty logs are, gzip is looked into.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sniff, sniffText } from '../../src/cli/analyzeFiles';
import { detectDocumentKind, exchangeCsvLogSign } from '../../src/core/documentKind';

const fixtures = join(__dirname, '..', 'fixtures', 'w3c');

// The head of an Exchange 2019 HttpProxy log (Logging\HttpProxy\Ews\HttpProxy_*.LOG): directives
// like W3C, but #Log-type and comma-separated #Fields.
const HTTPPROXY = [
  '#Software: Microsoft Exchange Server',
  '#Version: 15.02.1544.004',
  '#Log-type: HttpProxy Logs',
  '#Date: 2024-05-01T00:00:01.123Z',
  '#Fields: DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,HttpStatus',
  '2024-05-01T00:00:01.234Z,a1b2c3d4-0000-0000-0000-000000000001,15,2,1544,4,,Ews,mail.contoso.test,/EWS/mrsproxy.svc,,Negotiate,False,,,,"Microsoft.Exchange.MailboxReplicationService.ProxyClient",52.1.2.3,EX01,401',
  '',
].join('\r\n');

void test('Exchange CSV logs are not W3C logs, on the command line or in a folder', () => {
  const s = sniffText(HTTPPROXY, 'HttpProxy_2024050100-1.LOG', true);
  assert.equal(s.kind, 'unknown');
  assert.match(s.why!, /Exchange-style CSV log \(#Log-type: HttpProxy Logs\)/);
  assert.equal(sniffText(HTTPPROXY, 'HttpProxy_2024050100-1.log', false).kind, 'unknown');
  // without #Log-type, comma-separated #Fields alone tell
  const noType = HTTPPROXY.replace('#Log-type: HttpProxy Logs\r\n', '');
  assert.match(sniffText(noType, 'x.log', true).why!, /comma-separated #Fields/);
});

void test('real W3C logs stay W3C: every fixture, with and without being named', () => {
  for (const f of [
    'beats-three-layouts.log',
    'exchange-iis10-edge-cases.log',
    'ftp-iis4-no-date-field.log',
    'httperr-beats.log',
    'iis6-trailing-space-fields.log',
    'lnav-eleven-header-blocks.log',
    'u_ex_custom_xff_field.log',
  ]) {
    const text = readFileSync(join(fixtures, f), 'utf8');
    assert.deepEqual(sniffText(text, f, true), { kind: 'w3c' }, f);
    assert.deepEqual(sniffText(text, f, false), { kind: 'w3c' }, f);
  }
});

void test('a *.log without directives is W3C only if it starts with a date-time record', () => {
  // elastic/integrations packages/iis test-ipv6zone.log: a headerless line (22 fields)
  const headerless = '2018-01-01 10:11:12 W3SVC1 MACHINE-NAME ::1%0 GET / - 80 - ::1%0 HTTP/1.1 Mozilla/5.0 - - example.com 200 0 0 123 456 789\n';
  assert.deepEqual(sniffText(headerless, 'u_ex180101.log', true), { kind: 'w3c' });
  assert.deepEqual(sniffText('', 'u_ex180101.log', true), { kind: 'w3c' });
  assert.deepEqual(sniffText('\r\n\r\n', 'u_ex180101.log', true), { kind: 'w3c' });
  const ncsa = sniffText('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326\n', 'access.log', true);
  assert.equal(ncsa.kind, 'unknown');
  assert.match(ncsa.why!, /first line is not a 'date time \.\.\.' record: '127\.0\.0\.1 - frank/);
  const native = sniffText(
    '192.168.114.201, -, 03/20/01, 7:55:20, W3SVC2, SERVER, 172.21.13.45, 4502, 163, 3223, 200, 0, GET, /DeptLogo.gif, -,\n',
    'in010320.log',
    true,
  );
  assert.equal(native.kind, 'unknown');
  // headerless lines in a folder are other programs' logs
  assert.equal(sniffText(headerless, 'u_ex180101.log', false).kind, 'unknown');
});

void test('binary data is unknown with the offset of its first NUL; gzip is looked into', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sniff-'));
  try {
    const junk = Buffer.from('MZ\x90\x00\x03\x00\x00\x00garbage', 'latin1');
    writeFileSync(join(dir, 'u_ex1.log'), junk);
    writeFileSync(join(dir, 'u_ex2.log.gz'), gzipSync(junk));
    writeFileSync(join(dir, 'u_ex3.log.gz'), gzipSync(Buffer.from(HTTPPROXY)));
    writeFileSync(join(dir, 'u_ex4.log.gz'), gzipSync(readFileSync(join(fixtures, 'httperr-beats.log'))));
    const s1 = await sniff(join(dir, 'u_ex1.log'));
    assert.equal(s1.kind, 'unknown');
    assert.match(s1.why!, /binary data \(a NUL byte at offset 3\)/);
    const s2 = await sniff(join(dir, 'u_ex2.log.gz'));
    assert.equal(s2.kind, 'unknown');
    assert.match(s2.why!, /offset 3/);
    assert.equal((await sniff(join(dir, 'u_ex3.log.gz'))).kind, 'unknown');
    assert.deepEqual(await sniff(join(dir, 'u_ex4.log.gz')), { kind: 'w3c' });
    // named .gz, stored plain: a log is read as it is; anything else says the name may be why
    writeFileSync(join(dir, 'u_ex5.log.gz'), readFileSync(join(fixtures, 'httperr-beats.log')));
    assert.deepEqual(await sniff(join(dir, 'u_ex5.log.gz')), { kind: 'w3c' });
    writeFileSync(join(dir, 'u_ex6.log.gz'), 'hello\nworld\n');
    assert.match((await sniff(join(dir, 'u_ex6.log.gz'))).why!, /^named \.gz but not gzip data \(no gzip header\), and not an IIS W3C log/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the editor does not take an Exchange CSV log for a W3C log either (detectDocumentKind)', () => {
  assert.equal(detectDocumentKind(HTTPPROXY), undefined);
  assert.equal(exchangeCsvLogSign(HTTPPROXY), '#Log-type: HttpProxy Logs');
  assert.equal(detectDocumentKind(readFileSync(join(fixtures, 'exchange-iis10-edge-cases.log'), 'utf8')), 'w3c');
  assert.equal(exchangeCsvLogSign(readFileSync(join(fixtures, 'httperr-beats.log'), 'utf8')), null);
});
