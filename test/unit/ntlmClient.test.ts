import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { decodeNtlm } from '../../src/core/ntlmMessage';
import {
  authenticateMessage,
  challengeFromNegotiate,
  negotiateMessage,
  ntowfv2,
  rc4,
  ntlmSign,
  spnegoInit,
  spnegoResponse,
  MECH_TYPE_LIST,
  hmacMd5,
  parseAccount,
} from '../../src/probe/ntlmClient';
import { parseSpnegoResponse, parseSpnegoInit, spnegoServerResponse } from '../support/spnegoPeer';
import { SPEC_CHALLENGE_V2 } from './msNlmpVectors';

// 4.2.4.3 AUTHENTICATE_MESSAGE (without the sealed payload that follows it in the spec).
const SPEC_AUTHENTICATE = Buffer.from(
  '4e544c4d5353500003000000180018006c00000054005400840000000c000c00480000000800080054000000100010005c' +
    '00000010001000d8000000358288e20501280a0000000f44006f006d00610069006e00550073006500720043004f004d00' +
    '50005500540045005200' +
    '86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa' +
    '68cd0ab851e51c96aabc927bebef6a1c' +
    '0101000000000000' +
    '0000000000000000' +
    'aaaaaaaaaaaaaaaa00000000' +
    '02000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000' +
    'c5dad2544fc9799094ce1ce90bc9d03e',
  'hex',
);

function specRun() {
  return authenticateMessage({
    negotiate: negotiateMessage(),
    challenge: SPEC_CHALLENGE_V2,
    domain: 'Domain',
    user: 'User',
    password: 'Password',
    workstation: 'COMPUTER',
    channelBindings: 'absent',
    mic: false,
    specVerbatimAvPairs: true,
    time: Buffer.alloc(8),
    clientChallenge: Buffer.alloc(8, 0xaa),
    exportedSessionKey: Buffer.alloc(16, 0x55),
    flags: 0xe2888235,
    version: Buffer.from('0501280a0000000f', 'hex'),
  });
}

void test('NTOWFv2 is MS-NLMP 4.2.4.1.1', () => {
  assert.equal(ntowfv2('Password', 'User', 'Domain').toString('hex'), '0c868a403bfd7a93a3001ef22ef02e3f');
});

void test('NTProofStr, SessionBaseKey per MS-NLMP 4.2.4.2.2; encrypted session key 4.2.4.2.3', () => {
  const r = specRun();
  assert.equal(r.ntProofStr.toString('hex'), '68cd0ab851e51c96aabc927bebef6a1c');
  assert.equal(r.sessionBaseKey.toString('hex'), '8de40ccadbc14a82f15cb0ad0de95ca3');
  assert.equal(rc4(r.sessionBaseKey, Buffer.alloc(16, 0x55)).toString('hex'), 'c5dad2544fc9799094ce1ce90bc9d03e');
});

void test('the whole AUTHENTICATE message is byte for byte MS-NLMP 4.2.4.3', () => {
  assert.equal(specRun().message.toString('hex'), SPEC_AUTHENTICATE.toString('hex'));
});

void test('RC4 keystream matches RFC 6229 (40-bit key 0102030405)', () => {
  assert.equal(rc4(Buffer.from('0102030405', 'hex'), Buffer.alloc(8)).toString('hex'), 'b2396305f03dc027');
});

for (const variant of ['absent', 'zero', 'correct'] as const) {
  void test(`probe-style AUTHENTICATE (${variant} bindings) decodes with MIC, SPN, timestamp and the chosen bindings`, () => {
    const neg = negotiateMessage();
    const hash = 'a2dfe53f08865d7419d4c30862895eb8';
    const r = authenticateMessage({
      negotiate: neg,
      challenge: SPEC_CHALLENGE_V2,
      domain: 'CONTOSO',
      user: 'mrsadmin',
      password: 'P@ssw0rd!',
      spn: 'HTTP/mail.contoso.test',
      channelBindings: variant === 'correct' ? { hash } : variant,
    });
    const m = decodeNtlm(r.message);
    assert.equal(m.messageType, 3);
    if (m.messageType !== 3) return;
    assert.equal(m.user, 'mrsadmin');
    assert.equal(m.domain, 'CONTOSO');
    assert.equal(m.ntlmVersion, 2);
    assert.equal(m.micPresent, true);
    assert.equal(m.micAnnounced, true, 'MsvAvFlags bit 0x2');
    assert.equal(m.spn, 'HTTP/mail.contoso.test');
    assert.equal(m.channelBindingsState, variant === 'correct' ? 'present' : variant);
    if (variant === 'correct') assert.equal(m.channelBindings, hash);
    assert.ok(m.timestamp, 'MsvAvTimestamp added when the server sent none');
    // The MIC is HMAC_MD5(ExportedSessionKey, NEGOTIATE + CHALLENGE + AUTHENTICATE with the MIC zeroed).
    const zeroed = Buffer.from(r.message);
    zeroed.fill(0, 72, 88);
    assert.equal(m.mic, hmacMd5(r.exportedSessionKey, neg, SPEC_CHALLENGE_V2, zeroed).toString('hex'));
    // The password never appears in the message.
    assert.ok(!r.message.includes(Buffer.from('P@ssw0rd!', 'utf16le')));
  });
}

void test('a bad channel-bindings hash and a non-CHALLENGE token are refused with a reason', () => {
  assert.throws(
    () =>
      authenticateMessage({
        negotiate: negotiateMessage(),
        challenge: SPEC_CHALLENGE_V2,
        domain: 'D',
        user: 'u',
        password: 'p',
        channelBindings: { hash: 'abcd' },
      }),
    /16 bytes/,
  );
  assert.throws(
    () =>
      authenticateMessage({
        negotiate: negotiateMessage(),
        challenge: negotiateMessage(),
        domain: 'D',
        user: 'u',
        password: 'p',
        channelBindings: 'absent',
      }),
    /expected an NTLM CHALLENGE/,
  );
  assert.throws(
    () =>
      authenticateMessage({
        negotiate: negotiateMessage(),
        challenge: Buffer.from('not ntlm at all'),
        domain: 'D',
        user: 'u',
        password: 'p',
        channelBindings: 'absent',
      }),
    /cannot be read/,
  );
});

void test('SPNEGO: NegTokenInit carries the NTLM OID and token; NegTokenResp round-trips', () => {
  const neg = negotiateMessage();
  const init = parseSpnegoInit(spnegoInit(neg));
  assert.deepEqual(init.mechTypes, ['1.3.6.1.4.1.311.2.2.10']);
  assert.deepEqual(init.mechToken, neg);
  assert.deepEqual(init.mechTypesDer, MECH_TYPE_LIST);
  const resp = parseSpnegoResponse(spnegoServerResponse(1, SPEC_CHALLENGE_V2, true));
  assert.equal(resp.negState, 1);
  assert.equal(resp.supportedMech, '1.3.6.1.4.1.311.2.2.10');
  assert.deepEqual(resp.responseToken, SPEC_CHALLENGE_V2);
  const big = Buffer.alloc(300, 7);
  const mic = Buffer.alloc(16, 1);
  const r2 = parseSpnegoResponse(spnegoResponse(big, mic));
  assert.deepEqual(r2.responseToken, big);
  assert.deepEqual(r2.mechListMic, mic);
  assert.throws(() => parseSpnegoResponse(Buffer.from([0xa1, 0x30, 0x01])), /declares|DER/);
});

void test("the probe reads the server's SPNEGO answer with the core decoder: challenge, negState, mech; a bare NTLM token as is", () => {
  const viaSpnego = challengeFromNegotiate(spnegoServerResponse(1, SPEC_CHALLENGE_V2, true));
  assert.deepEqual(viaSpnego.challenge, SPEC_CHALLENGE_V2);
  assert.equal(viaSpnego.negState, 1);
  assert.equal(viaSpnego.supportedMech, '1.3.6.1.4.1.311.2.2.10');
  assert.deepEqual(challengeFromNegotiate(SPEC_CHALLENGE_V2).challenge, SPEC_CHALLENGE_V2);
  const done = challengeFromNegotiate(spnegoServerResponse(0));
  assert.equal(done.challenge, null);
  assert.equal(done.negState, 0);
  assert.throws(() => challengeFromNegotiate(Buffer.from([0xa1, 0x30, 0x01])), /not SPNEGO/);
  assert.throws(() => challengeFromNegotiate(spnegoInit(negotiateMessage())), /NegTokenInit/);
});

// Independent check: Debian's python3-ntlm-auth computes the same NTLMv2 proof and MIC for our messages.
void test('python3-ntlm-auth computes the same NTProofStr and signature for our AUTHENTICATE', (t) => {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import ntlm_auth'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('/usr/bin/python3 with ntlm_auth is not installed');
    return;
  }
  const r = authenticateMessage({
    negotiate: negotiateMessage(),
    challenge: SPEC_CHALLENGE_V2,
    domain: 'Domain',
    user: 'User',
    password: 'Password',
    spn: 'HTTP/Server',
    channelBindings: 'zero',
    clientChallenge: Buffer.alloc(8, 0xaa),
    time: Buffer.alloc(8),
    exportedSessionKey: Buffer.alloc(16, 0x55),
  });
  const m = decodeNtlm(r.message);
  assert.equal(m.messageType, 3);
  if (m.messageType !== 3 || !m.ntlmV2) return;
  // Hand python the blob that follows NTProofStr and let it compute NTProofStr itself.
  const ntOff = r.message.readUInt32LE(24),
    ntLen = r.message.readUInt16LE(20);
  const blob = r.message.subarray(ntOff + 16, ntOff + ntLen).toString('hex');
  const py = `
import hmac, hashlib, binascii
from ntlm_auth.compute_hash import _ntowfv2
# OpenSSL 3 has no MD4 in python either: hand it the NT hash of "Password" from MS-NLMP 4.2.2.1.2.
key = _ntowfv2('User', 'aad3b435b51404eeaad3b435b51404ee:a4f49c406510bdcab6824ee7c30fd852', 'Domain')
proof = hmac.new(key, binascii.unhexlify('0123456789abcdef') + binascii.unhexlify('${blob}'), hashlib.md5).digest()
print(binascii.hexlify(key).decode(), binascii.hexlify(proof).decode())
`;
  const out = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const [key, proof] = out.stdout.trim().split(' ');
  assert.equal(key, '0c868a403bfd7a93a3001ef22ef02e3f');
  assert.equal(proof, m.ntlmV2.ntProofStr);
});

void test('NTLM signature (mechListMIC) has version 1, 8-byte sealed checksum and the sequence number', () => {
  const sig = ntlmSign(Buffer.alloc(16, 0x55), 'client', 0, MECH_TYPE_LIST)!;
  assert.equal(sig.length, 16);
  assert.equal(sig.readUInt32LE(0), 1);
  assert.equal(sig.readUInt32LE(12), 0);
  assert.notDeepEqual(sig, ntlmSign(Buffer.alloc(16, 0x55), 'server', 0, MECH_TYPE_LIST));
});

void test('python3-ntlm-auth recovers our exported session key, recomputes our MIC and our SPNEGO mechListMIC signature', (t) => {
  if (spawnSync('/usr/bin/python3', ['-c', 'import ntlm_auth'], { stdio: 'ignore' }).status !== 0) {
    t.skip('no ntlm_auth');
    return;
  }
  const neg = negotiateMessage();
  const r = authenticateMessage({
    negotiate: neg,
    challenge: SPEC_CHALLENGE_V2,
    domain: 'Domain',
    user: 'User',
    password: 'Password',
    spn: 'HTTP/Server',
    channelBindings: { hash: 'a2dfe53f08865d7419d4c30862895eb8' },
  });
  const sig = ntlmSign(r.exportedSessionKey, 'client', 0, MECH_TYPE_LIST, r.flags)!;
  const py = `
import hmac, hashlib, binascii, struct
from ntlm_auth.compute_hash import _ntowfv2
from ntlm_auth.rc4 import ARC4
from ntlm_auth.session_security import SessionSecurity
h = binascii.unhexlify
neg, chal, auth = h('${neg.toString('hex')}'), h('${SPEC_CHALLENGE_V2.toString('hex')}'), bytearray(h('${r.message.toString('hex')}'))
def field(off):
    ln, _, o = struct.unpack('<HHI', bytes(auth[off:off + 8]))
    return bytes(auth[o:o + ln])
nt, enc_key = field(20), field(52)
flags = struct.unpack('<I', bytes(auth[60:64]))[0]
key = _ntowfv2('User', 'aad3b435b51404eeaad3b435b51404ee:a4f49c406510bdcab6824ee7c30fd852', 'Domain')
proof = hmac.new(key, h('0123456789abcdef') + nt[16:], hashlib.md5).digest()
assert proof == nt[:16], 'NTProofStr'
base = hmac.new(key, proof, hashlib.md5).digest()
exported = ARC4(base).update(enc_key)
mic = bytes(auth[72:88])
auth[72:88] = b'\\0' * 16
assert hmac.new(exported, neg + chal + bytes(auth), hashlib.md5).digest() == mic, 'MIC'
sig = SessionSecurity(flags, exported)._get_signature(h('${MECH_TYPE_LIST.toString('hex')}'))
print(binascii.hexlify(exported).decode(), binascii.hexlify(sig).decode())
`;
  const out = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout.trim(), `${r.exportedSessionKey.toString('hex')} ${sig.toString('hex')}`);
});

void test('mechListMIC signatures for other flag sets (no KEY_EXCH, 56-bit, 40-bit) match python3-ntlm-auth', (t) => {
  if (spawnSync('/usr/bin/python3', ['-c', 'import ntlm_auth'], { stdio: 'ignore' }).status !== 0) {
    t.skip('no ntlm_auth');
    return;
  }
  const key = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const ESS = 0x00080000,
    KEY_EXCH = 0x40000000,
    F128 = 0x20000000,
    F56 = 0x80000000,
    SIGN = 0x10,
    UNICODE = 1;
  const sets = [
    ESS | SIGN | UNICODE | F128,
    ESS | SIGN | UNICODE | KEY_EXCH | F56,
    ESS | SIGN | UNICODE | KEY_EXCH,
    ESS | SIGN | UNICODE | KEY_EXCH | F128 | F56,
  ];
  const py = `
import binascii, sys
from ntlm_auth.session_security import SessionSecurity
for f in [${sets.join(', ')}]:
    print(binascii.hexlify(SessionSecurity(f, binascii.unhexlify('${key.toString('hex')}'))._get_signature(binascii.unhexlify('${MECH_TYPE_LIST.toString('hex')}'))).decode())
`;
  const out = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(
    out.stdout.trim().split('\n'),
    sets.map((f) => ntlmSign(key, 'client', 0, MECH_TYPE_LIST, f)!.toString('hex')),
  );
  assert.equal(ntlmSign(key, 'client', 0, MECH_TYPE_LIST, SIGN | UNICODE), null);
});

void test('accounts: DOMAIN\\user, a doubled backslash, user@domain, bare user', () => {
  assert.deepEqual(parseAccount('CONTOSO\\mrsadmin'), { domain: 'CONTOSO', user: 'mrsadmin' });
  assert.deepEqual(parseAccount('CONTOSO\\\\mrsadmin'), { domain: 'CONTOSO', user: 'mrsadmin' });
  assert.deepEqual(parseAccount('mrsadmin@contoso.test'), { domain: '', user: 'mrsadmin@contoso.test' });
  assert.deepEqual(parseAccount('mrsadmin'), { domain: '', user: 'mrsadmin' });
});
