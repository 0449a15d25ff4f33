import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenError, decodeNtlm, ntlmFlagNames, ntlmFlagValue, NTLM_FLAG_NAMES, type NtlmAuthenticate, type NtlmChallenge } from '../../src/core/ntlmMessage';
import { SPEC_CHALLENGE_V2 } from './msNlmpVectors';

// MS-NLMP 4.2.3.3: the CHALLENGE_MESSAGE of the NTLMv1 examples with extended session security (no target info).
const SPEC_CHALLENGE_V1 = Buffer.from(
  '4e544c4d53535000020000000c000c003800000033820a820123456789abcdef00000000000000000000000000000000' + '060070170000000f530065007200760065007200',
  'hex',
);

void test('MS-NLMP 4.2.4.3 CHALLENGE: target name, flags in bit order, server challenge, AV pairs, version', () => {
  const m = decodeNtlm(SPEC_CHALLENGE_V2) as NtlmChallenge;
  assert.equal(m.messageType, 2);
  assert.equal(m.targetName, 'Server');
  assert.equal(m.flags, 0xe28a8233);
  // The flag list of 4.2.4 (spec order is descending; ours is ascending bit order).
  assert.deepEqual(m.flagNames, [
    'NTLMSSP_NEGOTIATE_UNICODE',
    'NTLM_NEGOTIATE_OEM',
    'NTLMSSP_NEGOTIATE_SIGN',
    'NTLMSSP_NEGOTIATE_SEAL',
    'NTLMSSP_NEGOTIATE_NTLM',
    'NTLMSSP_NEGOTIATE_ALWAYS_SIGN',
    'NTLMSSP_TARGET_TYPE_SERVER',
    'NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY',
    'NTLMSSP_NEGOTIATE_TARGET_INFO',
    'NTLMSSP_NEGOTIATE_VERSION',
    'NTLMSSP_NEGOTIATE_128',
    'NTLMSSP_NEGOTIATE_KEY_EXCH',
    'NTLMSSP_NEGOTIATE_56',
  ]);
  assert.equal(m.serverChallenge, '0123456789abcdef');
  assert.equal(m.targetInfo?.nbDomainName, 'Domain');
  assert.equal(m.targetInfo?.nbComputerName, 'Server');
  assert.deepEqual(
    m.targetInfo?.pairs.map((p) => p.name),
    ['MsvAvNbDomainName', 'MsvAvNbComputerName', 'MsvAvEOL'],
  );
  assert.equal(m.version?.text, '6.0.6000');
  assert.equal(m.version?.ntlmRevision, 15);
  assert.deepEqual(m.warnings, []);
});

void test('MS-NLMP 4.2.3.3 CHALLENGE (NTLMv1 with ESS, no target info)', () => {
  const m = decodeNtlm(SPEC_CHALLENGE_V1) as NtlmChallenge;
  assert.equal(m.flags, 0x820a8233);
  assert.equal(m.targetName, 'Server');
  assert.equal(m.targetInfo, null);
  assert.ok(m.flagNames.includes('NTLMSSP_TARGET_TYPE_SERVER'));
  assert.ok(m.flagNames.includes('NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY'));
  assert.ok(!m.flagNames.includes('NTLMSSP_NEGOTIATE_TARGET_INFO'));
});

void test('flag names: 32 bits, spec spellings incl. the irregular ones, bit order', () => {
  assert.equal(NTLM_FLAG_NAMES.length, 32);
  const all = ntlmFlagNames(0xffffffff);
  assert.equal(all.length, 32);
  assert.equal(all[0], 'NTLMSSP_NEGOTIATE_UNICODE');
  assert.equal(all[1], 'NTLM_NEGOTIATE_OEM');
  assert.equal(all[31], 'NTLMSSP_NEGOTIATE_56');
  assert.equal(ntlmFlagValue('NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY'), 0x00080000);
  assert.equal(ntlmFlagValue('NTLMSSP_NEGOTIATE_56'), 0x80000000);
  assert.equal(ntlmFlagValue('NTLMSSP_NEGOTIATE_LOCAL_CALL'), 0x4000);
  assert.deepEqual(ntlmFlagNames(0), []);
});

void test('real SPNEGO sample (plechenko fr000034): AUTHENTICATE with every field empty, LOCAL_CALL, MIC, VERSION', () => {
  const xml = readFileSync(join(__dirname, '..', 'fixtures', 'freb', 'plechenko', 'fr000034.auth-200-windows.xml'), 'utf8');
  const tok = /Authorization: Negotiate ([A-Za-z0-9+/=]+)/.exec(xml)?.[1];
  assert.ok(tok);
  const b = Buffer.from(tok, 'base64');
  const at = b.indexOf('NTLMSSP');
  const m = decodeNtlm(b.subarray(at, at + 88)) as NtlmAuthenticate;
  assert.equal(m.messageType, 3);
  assert.equal(m.flags, 0xe288c215);
  assert.ok(m.flagNames.includes('NTLMSSP_NEGOTIATE_LOCAL_CALL'));
  assert.equal(m.user, '');
  assert.equal(m.domain, '');
  assert.equal(m.workstation, '');
  assert.equal(m.ntResponseLength, 0);
  assert.equal(m.lmResponseLength, 0);
  assert.equal(m.ntlmVersion, null);
  assert.equal(m.anonymous, true);
  assert.equal(m.version?.text, '10.0.26100');
  assert.equal(m.micPresent, true);
  assert.equal(m.micAnnounced, false, 'no AV pairs, so no MsvAvFlags announces the MIC');
  assert.equal(m.mic, '74910e3a25541c4491eaad0e1e7d8cc1');
  assert.equal(m.channelBindingsState, 'absent');
});

void test('malformed messages throw TokenError naming the byte offset', () => {
  const good = Buffer.from(SPEC_CHALLENGE_V2);
  const cases: [Buffer, RegExp, number | null][] = [
    [Buffer.from('NTLMSS'), /too short/, 0],
    [Buffer.from('XTLMSSP\0\x02\0\0\0'), /signature/, 0],
    [Buffer.concat([good.subarray(0, 8), Buffer.from([9, 0, 0, 0])]), /MessageType 9/, 8],
    [Buffer.concat([good.subarray(0, 12), Buffer.alloc(8), Buffer.from([1, 2])]), /NegotiateFlags/, 20],
    [good.subarray(0, 60), /TargetName .* beyond the end/, 12],
  ];
  for (const [buf, re, off] of cases) {
    assert.throws(
      () => decodeNtlm(buf),
      (e: unknown) => {
        assert.ok(e instanceof TokenError, String(e));
        assert.match(e.message, re);
        if (off !== null) assert.equal(e.offset, off);
        assert.match(e.message, /at byte \d+/);
        return true;
      },
    );
  }
  // An AV pair whose length runs past the target info.
  const bad = Buffer.from(good);
  bad.writeUInt16LE(0x00ff, 0x44 + 2);
  assert.throws(
    () => decodeNtlm(bad),
    (e: unknown) => e instanceof TokenError && e.offset === 0x44 + 2 && /declares 255 bytes/.test(e.message),
  );
  // Every truncation of a valid message either decodes or throws TokenError, never anything else.
  for (let n = 0; n <= good.length; n++) {
    try {
      decodeNtlm(good.subarray(0, n));
    } catch (e) {
      assert.ok(e instanceof TokenError, `length ${n}: ${String(e)}`);
    }
  }
});
