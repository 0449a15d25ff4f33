import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CertificateError,
  applicationData,
  applicationDataText,
  compareChannelBindings,
  gssChannelBindingsStruct,
  loadCertificate,
  ntlmChannelBindingsHash,
  tlsServerEndPoint,
} from '../../src/core/channelBindings';
import { decodeNtlm, type NtlmAuthenticate } from '../../src/core/ntlmMessage';
import { PY, opensslCert, opensslDigest, pythonNtlm, pythonNtlmMissing, tmp } from '../support/tokenTestUtil';

const dir = tmp('cbt-test-');
const rsa = ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
const certs = {
  rsaSha256: opensslCert(dir, 'rsa256', rsa, ['-sha256']),
  rsaSha1: opensslCert(dir, 'rsa1', rsa, ['-sha1']),
  ecdsaSha384: opensslCert(dir, 'ec384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-sha384']),
  rsaPssSha512: opensslCert(
    dir,
    'pss512',
    ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'],
    ['-sha512', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:64'],
  ),
  ed25519: opensslCert(dir, 'ed', ['-algorithm', 'ED25519'], []),
  multiRdn: opensslCert(
    dir,
    'multi',
    rsa,
    ['-sha256', '-addext', 'subjectAltName=DNS:mail.contoso.test,DNS:autodiscover.contoso.test'],
    '/C=DE/O=Contoso Ltd/CN=mail.contoso.test',
  ),
};

void test('RFC 5929 hash choice, cross-checked with openssl dgst', () => {
  const expect: [keyof typeof certs, string][] = [
    ['rsaSha256', 'sha256'],
    ['rsaSha1', 'sha256'],
    ['ecdsaSha384', 'sha384'],
    ['rsaPssSha512', 'sha512'],
    ['ed25519', 'sha256'],
  ];
  for (const [k, alg] of expect) {
    const ep = tlsServerEndPoint(readFileSync(certs[k].pem));
    assert.equal(ep.hashAlgorithm, alg, k);
    assert.equal(ep.hash.toString('hex'), opensslDigest(certs[k].pem, alg), k);
    assert.equal(applicationDataText(ep), `tls-server-end-point:${ep.hash.toString('hex')}`);
  }
  assert.match(tlsServerEndPoint(certs.rsaSha1.der).rule, /SHA1.*SHA-256/);
  assert.equal(tlsServerEndPoint(certs.rsaPssSha512.der).signatureAlgorithm, 'RSASSA-PSS');
  assert.match(tlsServerEndPoint(certs.ed25519.der).rule, /Ed25519.*undefined.*SHA-256/);
});

void test('PEM and DER give the same result; subject most specific first; SANs', () => {
  const a = tlsServerEndPoint(readFileSync(certs.multiRdn.pem));
  const b = tlsServerEndPoint(certs.multiRdn.der);
  assert.equal(a.hash.toString('hex'), b.hash.toString('hex'));
  assert.equal(a.subject, 'CN=mail.contoso.test, O=Contoso Ltd, C=DE');
  assert.deepEqual(a.sans, ['mail.contoso.test', 'autodiscover.contoso.test']);
  // PEM with text around it (as `openssl x509 -text` writes) and CRLF.
  const noisy = 'Certificate:\r\n  junk\r\n' + readFileSync(certs.multiRdn.pem, 'utf8').replace(/\n/g, '\r\n');
  assert.equal(tlsServerEndPoint(noisy).hash.toString('hex'), a.hash.toString('hex'));
});

void test('Microsoft EPA blog vector: MD5 of the gss_channel_bindings_struct', () => {
  // blogs.msdn.microsoft.com/openspecification/2013/03/26 (NTLM and channel binding hash).
  const app = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.from('ea05fefecc6b0bd571dbbc5baa3ed45386d0446835f7b74c85621b9983475f95', 'hex')]);
  assert.equal(ntlmChannelBindingsHash(app), '6586e99d81c2fc984e47172fd4dd0310');
  assert.equal(
    ntlmChannelBindingsHash('tls-server-end-point:ea05fefecc6b0bd571dbbc5baa3ed45386d0446835f7b74c85621b9983475f95'),
    '6586e99d81c2fc984e47172fd4dd0310',
  );
  const s = gssChannelBindingsStruct(app);
  assert.equal(s.length, 20 + app.length);
  assert.equal(s.readUInt32LE(16), app.length);
  assert.ok(s.subarray(0, 16).equals(Buffer.alloc(16)));
});

void test('channel bindings equal python3-ntlm-auth GssChannelBindingsStruct', { skip: pythonNtlmMissing() ?? false }, () => {
  for (const k of ['rsaSha256', 'rsaPssSha512', 'ecdsaSha384'] as const) {
    const ours = ntlmChannelBindingsHash(readFileSync(certs[k].pem));
    const app = applicationData(certs[k].der).toString('hex');
    const py = execFileSync(
      PY,
      [
        '-c',
        [
          'import hashlib,sys',
          'from ntlm_auth.gss_channel_bindings import GssChannelBindingsStruct as G',
          's=G(); s[s.APPLICATION_DATA]=bytes.fromhex(sys.argv[1]); print(hashlib.md5(s.get_data()).hexdigest())',
        ].join('\n'),
        app,
      ],
      { encoding: 'utf8' },
    ).trim();
    assert.equal(ours, py, k);
  }
});

void test('compare: match, mismatch naming the certificate, zero, absent — against a python token', { skip: pythonNtlmMissing() ?? false }, () => {
  const right = certs.rsaSha256;
  const wrong = certs.multiRdn;
  const t = pythonNtlm({ user: 'mrsadmin', domain: 'CONTOSO', workstation: 'MRS', appData: applicationData(right.der), spn: 'HTTP/mail.contoso.test' });
  const m = decodeNtlm(Buffer.from(t.authenticate, 'base64')) as NtlmAuthenticate;
  const ok = compareChannelBindings(m.channelBindings, right.der);
  assert.equal(ok.state, 'match');
  assert.equal(ok.match, true);
  assert.equal(ok.expected, t.cbt);
  const bad = compareChannelBindings(m.channelBindings, wrong.der);
  assert.equal(bad.state, 'mismatch');
  assert.equal(bad.certificate, 'CN=mail.contoso.test, O=Contoso Ltd, C=DE');
  assert.match(bad.explanation, /SEC_E_BAD_BINDINGS/);
  assert.equal(compareChannelBindings('0'.repeat(32), right.der).state, 'zero');
  assert.equal(compareChannelBindings(null, right.der).state, 'absent');
});

void test('not a certificate: clear CertificateError', () => {
  const key = readFileSync(join(dir, 'rsa256.key'));
  const garbage = join(dir, 'garbage.bin');
  writeFileSync(garbage, Buffer.from([0x30, 0x82, 0x10, 0x00, 1, 2, 3]));
  const cases: [Buffer | string, RegExp][] = [
    [Buffer.alloc(0), /empty/],
    ['hello world, this is text', /not a certificate/],
    [key, /PEM block "PRIVATE KEY" is not a CERTIFICATE/],
    [readFileSync(garbage), /truncated certificate/],
    [Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]), /not a certificate/],
    ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', /not a certificate/],
  ];
  for (const [input, re] of cases) {
    assert.throws(
      () => tlsServerEndPoint(input, 'x.pem'),
      (e: unknown) => e instanceof CertificateError && re.test(e.message) && e.message.startsWith('x.pem:'),
      String(re),
    );
  }
  assert.equal(loadCertificate(certs.rsaSha256.der).length, certs.rsaSha256.der.length);
});
