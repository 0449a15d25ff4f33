import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { decodeToken, parseAuthText, revealBasicPassword, ntlmBytesOf } from '../../src/core/authHeader';
import { decodeMarkdown, formatDecodeText } from '../../src/core/tokenReport';
import { readHex, tmp } from '../support/tokenTestUtil';
import { generateFreb } from '../support/frebGenerator';

const FIX = join(__dirname, '..', 'fixtures');
const KRB = join(FIX, 'tokens', 'mit-krb5-reference-encode.txt');
const realHeader = /Authorization: Negotiate [A-Za-z0-9+/=]+/.exec(readFileSync(join(FIX, 'freb', 'plechenko', 'fr000034.auth-200-windows.xml'), 'utf8'))![0];

void test('real SPNEGO negTokenResp (fr000034): NTLM inside, accept-incomplete, mechListMIC, contract fields', () => {
  const r = decodeToken(realHeader);
  assert.equal(r.error, undefined);
  assert.equal(r.header, 'Authorization');
  assert.equal(r.scheme, 'Negotiate');
  assert.equal(r.mechanism, 'NTLM');
  assert.deepEqual(r.spnego?.mechTypes, []);
  assert.equal(r.spnego?.state, 'accept-incomplete');
  assert.equal(r.spnego?.mechListMIC, true);
  const n = r.ntlm!;
  assert.equal(n.messageType, 3);
  assert.equal(n.user, '');
  assert.equal(n.domain, '');
  assert.equal(n.workstation, '');
  assert.ok(n.flags.includes('NTLMSSP_NEGOTIATE_LOCAL_CALL'));
  // the contract's mic is MsvAvFlags bit 0x2 and a MIC field: this local-call AUTHENTICATE has the
  // field filled but no AV pairs at all, so nothing announces it
  assert.equal(n.mic, false);
  assert.equal(n.micFieldSet, true);
  assert.equal(n.osVersion, '10.0.26100');
  assert.equal(n.channelBindings, null);
  assert.equal(n.channelBindingsState, 'absent');
  assert.equal(n.spn, null);
  assert.equal(r.kerberos, undefined);
  assert.equal(r.basic, undefined);
});

void test('input forms: header line, scheme + token, IIS-log "+", bare token, quoted JSON value, multi-line', () => {
  const tok = realHeader.split(' ').pop()!;
  for (const text of [
    realHeader,
    `Negotiate ${tok}`,
    `Negotiate+${tok}`,
    tok,
    `"Negotiate ${tok}"`,
    `authorization:negotiate ${tok}`,
    `GET / HTTP/1.1\r\nHost: x\r\n${realHeader}\r\n\r\n`,
    `Proxy-Authorization: Negotiate ${tok}`,
  ]) {
    const r = decodeToken(text);
    assert.equal(r.error, undefined, text);
    assert.equal(r.mechanism, 'NTLM', text);
    assert.equal(r.ntlm?.messageType, 3, text);
  }
  assert.equal(decodeToken(`Proxy-Authorization: Negotiate ${tok}`).header, 'Proxy-Authorization');
  assert.equal(decodeToken(tok).scheme, null);
  assert.deepEqual(parseAuthText('WWW-Authenticate: Negotiate, NTLM').offers, ['Negotiate', 'NTLM']);
  const offers = decodeToken('WWW-Authenticate: Negotiate, NTLM');
  assert.equal(offers.error, undefined);
  assert.deepEqual(offers.offers, ['Negotiate', 'NTLM']);
  assert.equal(decodeToken('WWW-Authenticate: Basic realm="mail.contoso.test"').offers?.[0], 'Basic');
});

void test('Kerberos: MIT krb5 AP-REQ bare, in GSS KRB5 framing, inside SPNEGO NegTokenInit; AP-REP; KRB-ERROR', () => {
  const apReq = readHex(KRB, 'ap_req');
  const bare = decodeToken(`Kerberos ${apReq.toString('base64')}`);
  assert.equal(bare.mechanism, 'Kerberos');
  assert.equal(bare.scheme, 'Kerberos');
  assert.deepEqual(
    { realm: bare.kerberos?.realm, sname: bare.kerberos?.sname, etype: bare.kerberos?.etype, kvno: bare.kerberos?.kvno, msg: bare.kerberos?.messageType },
    { realm: 'ATHENA.MIT.EDU', sname: 'hftsai/extra', etype: 0, kvno: 5, msg: 'AP-REQ' },
  );
  assert.equal(bare.kerberos?.mutualRequired, true);
  assert.equal(bare.kerberos?.ticketCipherLength, 21);
  // RFC 1964 framing: 0x60 len, OID 1.2.840.113554.1.2.2, TOK_ID 01 00, AP-REQ.
  const oid = Buffer.from(new asn1js.ObjectIdentifier({ value: '1.2.840.113554.1.2.2' }).toBER());
  const body = Buffer.concat([oid, Buffer.from([1, 0]), apReq]);
  const gss = Buffer.concat([Buffer.from([0x60, 0x81, body.length]), body]);
  const framed = decodeToken(`Negotiate ${gss.toString('base64')}`);
  assert.equal(framed.mechanism, 'Kerberos');
  assert.equal(framed.kerberos?.gssOid, '1.2.840.113554.1.2.2');
  assert.equal(framed.kerberos?.sname, 'hftsai/extra');
  // SPNEGO NegTokenInit { mechTypes [MS-KRB5, KRB5, NTLM], mechToken = gss }.
  const init = new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 0 },
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 0 },
            value: [
              new asn1js.Sequence({
                value: [
                  new asn1js.ObjectIdentifier({ value: '1.2.840.48018.1.2.2' }),
                  new asn1js.ObjectIdentifier({ value: '1.2.840.113554.1.2.2' }),
                  new asn1js.ObjectIdentifier({ value: '1.3.6.1.4.1.311.2.2.10' }),
                ],
              }),
            ],
          }),
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.OctetString({ valueHex: gss })] }),
        ],
      }),
    ],
  });
  const spnegoOid = Buffer.from(new asn1js.ObjectIdentifier({ value: '1.3.6.1.5.5.2' }).toBER());
  const inner = Buffer.concat([spnegoOid, Buffer.from(init.toBER())]);
  const tok = Buffer.concat([Buffer.from([0x60, 0x82, inner.length >> 8, inner.length & 0xff]), inner]);
  const sp = decodeToken(`Authorization: Negotiate ${tok.toString('base64')}`);
  assert.equal(sp.error, undefined);
  assert.equal(sp.mechanism, 'Kerberos');
  assert.deepEqual(sp.spnego?.mechTypes, ['1.2.840.48018.1.2.2', '1.2.840.113554.1.2.2', '1.3.6.1.4.1.311.2.2.10']);
  assert.equal(sp.spnego?.token, 'negTokenInit');
  assert.equal(sp.kerberos?.realm, 'ATHENA.MIT.EDU');
  assert.ok(tok.toString('base64').startsWith('YII'));
  const rep = decodeToken(readHex(KRB, 'ap_rep').toString('base64'));
  assert.equal(rep.kerberos?.messageType, 'AP-REP');
  const err = decodeToken(readHex(KRB, 'krb_error').toString('base64'));
  assert.equal(err.kerberos?.messageType, 'KRB-ERROR');
  assert.equal(err.kerberos?.errorCode, 60);
  assert.equal(err.kerberos?.errorName, 'KRB_ERR_GENERIC');
  // A truncated AP-REQ is a malformed-token result, not an exception.
  const cut = decodeToken(`Kerberos ${apReq.subarray(0, 60).toString('base64')}`);
  assert.equal(cut.errorKind, 'malformed');
  assert.match(cut.error!, /at byte \d+/);
});

void test('Basic: user and password length only; reveal is a separate function', () => {
  const pw = 'Pa$$w0rd!';
  const b64 = Buffer.from(`CONTOSO\\mrsadmin:${pw}`).toString('base64');
  const r = decodeToken(`Authorization: Basic ${b64}`);
  assert.equal(r.mechanism, 'Basic');
  assert.deepEqual(r.basic, { user: 'CONTOSO\\mrsadmin', passwordLength: 9 });
  assert.ok(!JSON.stringify(r).includes(pw));
  assert.ok(!formatDecodeText(r).includes(pw));
  assert.ok(!decodeMarkdown(r).includes(pw));
  assert.equal(revealBasicPassword(`Basic ${b64}`), pw);
  assert.equal(revealBasicPassword(realHeader), null);
  // UTF-8 user and a colon inside the password.
  const u = decodeToken(`Basic ${Buffer.from('jürgen:a:b').toString('base64')}`);
  assert.deepEqual(u.basic, { user: 'jürgen', passwordLength: 3 });
});

void test('Bearer JWT: header, claims, expired, signature not verified', () => {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Date.parse('2026-11-21T10:00:00Z');
  const jwt = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ aud: 'https://outlook.office365.com', upn: 'admin@contoso.test', exp: now / 1000 - 60 })}.c2ln`;
  const r = decodeToken(`Authorization: Bearer ${jwt}`, { now });
  assert.equal(r.mechanism, 'JWT');
  assert.equal(r.scheme, 'Bearer');
  assert.equal(r.jwt?.header.alg, 'RS256');
  assert.equal(r.jwt?.claims.upn, 'admin@contoso.test');
  assert.equal(r.jwt?.expired, true);
  assert.equal(r.jwt?.signatureVerified, false);
  assert.match(r.jwt!.note, /not verified/);
  assert.equal(decodeToken(jwt, { now: now - 3600_000 }).jwt?.expired, false);
  assert.match(decodeMarkdown(r), /NOT verified/);
  const bad = decodeToken(`Bearer ${enc({ alg: 'none' })}.bm90IGpzb24.x`);
  assert.equal(bad.errorKind, 'malformed');
  assert.match(bad.error!, /claims is not base64url-encoded JSON/);
  assert.equal(decodeToken('Bearer opaque-token-123').mechanism, 'unknown');
});

void test('errors: not base64, empty, unknown bytes, truncated NTLM inside SPNEGO', () => {
  const nb = decodeToken('NTLM TlRM$$$');
  assert.equal(nb.errorKind, 'not-base64');
  assert.match(nb.error!, /character "\$" \(character 5/);
  assert.equal(decodeToken('').errorKind, 'empty');
  assert.equal(decodeToken('Authorization:').errorKind, 'empty');
  const unk = decodeToken(Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06]).toString('base64'));
  assert.equal(unk.error, undefined);
  assert.equal(unk.mechanism, 'unknown');
  assert.match(unk.warnings![0], /neither NTLM/);
  // Cut the NTLM message inside the real SPNEGO token: the error names the offset in the whole token.
  const b = Buffer.from(realHeader.split(' ').pop()!, 'base64');
  // Keep the ASN.1 lengths, but let the NTLM DomainName buffer point far outside the message.
  const at = b.indexOf('NTLMSSP');
  b.writeUInt16LE(10, at + 28);
  b.writeUInt32LE(5000, at + 28 + 4);
  const r = decodeToken(`Negotiate ${b.toString('base64')}`);
  assert.equal(r.errorKind, 'malformed');
  assert.match(r.error!, /in the token SPNEGO wraps: DomainName .* beyond the end/);
  assert.equal(r.errorOffset, at + 28);
  assert.equal(r.ntlm, undefined);
  assert.equal(ntlmBytesOf(realHeader)?.length, 88);
});

void test('generated FREB tokens decode to the generator truth', () => {
  const out = tmp('gen-freb-');
  try {
    const truth = generateFreb({ count: 60, out, seed: 11, mix: 'bad-bindings=5,challenge=3,logon-denied=2,invalid-token=1' });
    let checked = 0;
    for (const f of truth.files) {
      if (!f.authorization || !f.authorizationHeaderLine) continue;
      const line = readFileSync(join(out, f.file), 'utf8').split(/\r?\n/)[f.authorizationHeaderLine - 1];
      const r = decodeToken(line.replace(/&quot;/g, '"'));
      assert.equal(r.error, undefined, `${f.file}: ${r.error}`);
      assert.equal(r.scheme, f.authorization.scheme, f.file);
      assert.equal(r.mechanism, f.authorization.mechanism, f.file);
      for (const [k, v] of Object.entries(f.authorization.ntlm ?? {})) {
        assert.deepEqual((r.ntlm as unknown as Record<string, unknown>)[k], v, `${f.file} ntlm.${k}`);
      }
      checked++;
    }
    assert.ok(checked >= 40, `checked ${checked}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
