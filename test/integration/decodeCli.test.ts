import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { applicationData } from '../../src/core/channelBindings';
import { opensslCert, opensslDigest, pythonNtlm, pythonNtlmMissing, tmp } from '../support/tokenTestUtil';
import { runCli as run } from '../support/cliInProcess';

const FIX = join(__dirname, '..', 'fixtures');
const realHeader = /Authorization: Negotiate [A-Za-z0-9+/=]+/.exec(readFileSync(join(FIX, 'freb', 'plechenko', 'fr000034.auth-200-windows.xml'), 'utf8'))![0];
const dir = tmp('decode-cli-');
const cert = opensslCert(dir, 'mail', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sha256'], '/CN=mail.contoso.test');
const other = opensslCert(dir, 'proxy', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-sha384'], '/CN=proxy.contoso.test');

void test('decode --json: one JSON document with the contract fields; unquoted words and stdin', async () => {
  const r = await run(['decode', '--json', realHeader]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.scheme, 'Negotiate');
  assert.equal(j.mechanism, 'NTLM');
  assert.equal(j.ntlm.messageType, 3);
  assert.equal(j.ntlm.channelBindingsState, 'absent');
  assert.equal(j.spnego.state, 'accept-incomplete');
  assert.equal(j.kerberos, undefined);
  const words = await run(['decode', '--json', ...realHeader.split(' ')]);
  assert.deepEqual(JSON.parse(words.out), j);
  const stdin = await run(['decode', '--json', '-'], realHeader + '\n');
  assert.deepEqual(JSON.parse(stdin.out), j);
  const human = await run(['decode', realHeader]);
  assert.match(human.out, /Channel bindings\s+absent/);
  assert.match(human.out, /LOCAL_CALL/);
});

void test('decode exit codes: not base64 → 1 with one line; usage → 2; stdin on a TTY → 2', async () => {
  const nb = await run(['decode', '--json', 'NTLM', 'TlRM%%%']);
  assert.equal(nb.code, 1);
  assert.equal(nb.out, '');
  assert.equal(nb.err.trim().split('\n').length, 1);
  assert.match(nb.err, /not base64: character "%"/);
  const trunc = await run(['decode', 'TlRMTVNTUAADAAAAGAAYAA==']);
  assert.equal(trunc.code, 1);
  assert.match(trunc.err, /at byte \d+/);
  assert.equal((await run(['decode'])).code, 2);
  assert.equal((await run(['decode', '--bogus', 'x'])).code, 2);
  assert.equal((await run(['decode', '-'])).code, 2);
  const help = await run(['decode', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: iis-auth-lens decode/);
});

void test('decode --cert: match against the right certificate, mismatch against the proxy one', { skip: pythonNtlmMissing() ?? false }, async () => {
  const t = pythonNtlm({ user: 'mrsadmin', domain: 'CONTOSO', workstation: 'MRSPROBE', appData: applicationData(cert.der), spn: 'HTTP/mail.contoso.test' });
  const ok = await run(['decode', '--json', '--cert', cert.pem, `Authorization: Negotiate ${t.authenticate}`]);
  assert.equal(ok.code, 0, ok.err);
  const j = JSON.parse(ok.out);
  assert.equal(j.ntlm.user, 'mrsadmin');
  assert.equal(j.ntlm.spn, 'HTTP/mail.contoso.test');
  assert.deepEqual([j.cbt.match, j.cbt.state, j.cbt.expected, j.cbt.certificate], [true, 'match', t.cbt, 'CN=mail.contoso.test']);
  const bad = await run(['decode', '--json', `--cert=${other.pem}`, `NTLM ${t.authenticate}`]);
  const b = JSON.parse(bad.out);
  assert.deepEqual([b.cbt.match, b.cbt.state, b.cbt.certificate], [false, 'mismatch', 'CN=proxy.contoso.test']);
  assert.notEqual(b.cbt.expected, t.cbt);
  const human = await run(['decode', '--cert', other.pem, `NTLM ${t.authenticate}`]);
  assert.match(human.out, /CBT check\s+MISMATCH against CN=proxy.contoso.test/);
  const notCert = join(dir, 'not-a-cert.txt');
  writeFileSync(notCert, 'hello');
  const nc = await run(['decode', '--cert', notCert, `NTLM ${t.authenticate}`]);
  assert.equal(nc.code, 1);
  assert.match(nc.err, /not-a-cert.txt: not a certificate/);
  const missing = await run(['decode', '--cert', join(dir, 'nope.pem'), `NTLM ${t.authenticate}`]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nope.pem: cannot read the certificate \(no such file\)/);
});

void test('cbt FILE: contract JSON cross-checked with openssl; not a certificate → 1', async () => {
  const r = await run(['cbt', '--json', other.pem]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.subject, 'CN=proxy.contoso.test');
  assert.equal(j.signatureHash, 'sha384');
  assert.equal(j.applicationData, `tls-server-end-point:${opensslDigest(other.pem, 'sha384')}`);
  assert.match(j.channelBindings, /^[0-9a-f]{32}$/);
  const der = join(dir, 'proxy.der');
  writeFileSync(der, other.der);
  assert.deepEqual(JSON.parse((await run(['cbt', '--json', der])).out).channelBindings, j.channelBindings);
  const bad = await run(['cbt', '--json', join(FIX, 'tokens', 'mit-krb5-reference-encode.txt')]);
  assert.equal(bad.code, 1);
  assert.equal(bad.out, '');
  assert.match(bad.err, /not a certificate/);
  assert.equal((await run(['cbt'])).code, 2);
  assert.equal((await run(['cbt', 'a', 'b'])).code, 2);
  assert.equal((await run(['cbt', join(dir, 'missing.pem')])).code, 1);
});

void test('cbt HOST:PORT takes the leaf of a local TLS server; refused and silent servers → 1', async () => {
  const server = tls.createServer({ key: readFileSync(join(dir, 'mail.key')), cert: readFileSync(cert.pem) }, (s) => s.end());
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const r = await run(['cbt', '--json', `127.0.0.1:${port}`]);
    assert.equal(r.code, 0, r.err);
    const fromFile = JSON.parse((await run(['cbt', '--json', cert.pem])).out);
    const j = JSON.parse(r.out);
    assert.equal(j.channelBindings, fromFile.channelBindings);
    assert.equal(j.subject, 'CN=mail.contoso.test');
    assert.equal(j.source, `127.0.0.1:${port}`);
  } finally {
    server.close();
  }
  const closed = net.createServer();
  await new Promise<void>((res) => closed.listen(0, '127.0.0.1', () => res()));
  const freePort = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((res) => closed.close(() => res()));
  const refused = await run(['cbt', `127.0.0.1:${freePort}`]);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /cannot connect: ECONNREFUSED/);
  // A TCP server that never speaks TLS: the timeout ends it.
  const silent = net.createServer(() => undefined);
  await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
  try {
    const started = Date.now();
    const t = await run(['cbt', '--timeout', '300', `127.0.0.1:${(silent.address() as net.AddressInfo).port}`]);
    assert.equal(t.code, 1);
    assert.match(t.err, /no TLS handshake within 300 ms/);
    assert.ok(Date.now() - started < 3000);
  } finally {
    silent.close();
  }
});
