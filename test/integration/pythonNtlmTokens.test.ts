// Tokens made by an independent NTLM implementation (Debian's python3-ntlm-auth, run as a process)
// decoded by ours: NEGOTIATE/CHALLENGE/AUTHENTICATE with channel bindings, SPN and timestamp, and the
// contract fields of a whole Authorization header. python3-ntlm-auth is installed by
// scripts/setup-system.sh; without it these tests fail (they do not skip).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeNtlm, type NtlmAuthenticate, type NtlmChallenge, type NtlmNegotiate } from '../../src/core/ntlmMessage';
import { decodeToken } from '../../src/core/authHeader';
import { decodeMarkdown, formatDecodeText } from '../../src/core/tokenReport';
import { pythonNtlm } from '../support/tokenTestUtil';

void test('python3-ntlm-auth NEGOTIATE/CHALLENGE/AUTHENTICATE with CBT, SPN, timestamp', () => {
  const appData = Buffer.concat([Buffer.from('tls-server-end-point:'), Buffer.alloc(32, 0x5a)]);
  const t = pythonNtlm({ user: 'miguser', domain: 'MSXFAQ', workstation: 'MRSPROBE', appData, spn: 'HTTP/mrs.msxfaq.de' });
  const neg = decodeNtlm(Buffer.from(t.negotiate, 'base64')) as NtlmNegotiate;
  assert.equal(neg.messageType, 1);
  assert.equal(neg.domain, 'MSXFAQ');
  assert.equal(neg.workstation, 'MRSPROBE');
  assert.ok(neg.flagNames.includes('NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED'));
  const ch = decodeNtlm(Buffer.from(t.challenge, 'base64')) as NtlmChallenge;
  assert.equal(ch.targetInfo?.targetName, 'HTTP/mrs.msxfaq.de');
  assert.equal(ch.targetInfo?.timestamp, '2024-11-21T08:00:00.000Z');
  const m = decodeNtlm(Buffer.from(t.authenticate, 'base64')) as NtlmAuthenticate;
  assert.equal(m.messageType, 3);
  assert.equal(m.user, 'miguser');
  assert.equal(m.domain, 'MSXFAQ');
  assert.equal(m.workstation, 'MRSPROBE');
  assert.equal(m.spn, 'HTTP/mrs.msxfaq.de');
  assert.equal(m.ntlmVersion, 2);
  assert.equal(m.channelBindings, t.cbt);
  assert.equal(m.channelBindingsState, 'present');
  assert.equal(m.ntlmV2?.avPairs.avFlags, 2);
  assert.equal(m.micPresent, true);
  assert.equal(m.timestamp, '2024-11-21T08:00:00.000Z');
  assert.equal(m.ntlmV2?.timestamp, '2024-11-21T08:00:00.000Z');
  assert.equal(m.anonymous, false);
  assert.deepEqual(m.warnings, []);
});

void test('python3-ntlm-auth without channel bindings: absent; patched to zeros: zero', () => {
  const t = pythonNtlm({ user: 'u', domain: 'D', workstation: 'W', appData: null, spn: null });
  const m = decodeNtlm(Buffer.from(t.authenticate, 'base64')) as NtlmAuthenticate;
  assert.equal(m.channelBindings, null);
  assert.equal(m.channelBindingsState, 'absent');
  assert.equal(m.spn, null);
  const withCbt = pythonNtlm({ user: 'u', domain: 'D', workstation: 'W', appData: Buffer.from('tls-server-end-point:xyz'), spn: null });
  const b = Buffer.from(withCbt.authenticate, 'base64');
  const at = b.indexOf(Buffer.from(withCbt.cbt as string, 'hex'));
  assert.ok(at > 0);
  b.fill(0, at, at + 16);
  const z = decodeNtlm(b) as NtlmAuthenticate;
  assert.equal(z.channelBindingsState, 'zero');
  assert.equal(z.channelBindings, '0'.repeat(32));
});

void test('python3-ntlm-auth AUTHENTICATE in a header: contract fields', () => {
  const t = pythonNtlm({
    user: 'mrsadmin',
    domain: 'CONTOSO',
    workstation: 'MRSPROBE',
    appData: Buffer.from('tls-server-end-point:abc'),
    spn: 'HTTP/mail.contoso.test',
  });
  const r = decodeToken(`Authorization: NTLM ${t.authenticate}`);
  assert.equal(r.scheme, 'NTLM');
  assert.equal(r.mechanism, 'NTLM');
  const n = r.ntlm!;
  assert.deepEqual(
    [n.messageType, n.domain, n.user, n.workstation, n.spn, n.channelBindings, n.channelBindingsState, n.mic, n.ntlmVersion, n.timestamp],
    [3, 'CONTOSO', 'mrsadmin', 'MRSPROBE', 'HTTP/mail.contoso.test', t.cbt, 'present', true, 2, '2024-11-21T08:00:00.000Z'],
  );
  assert.equal(n.osVersion, '6.1.7601');
  const text = formatDecodeText(r);
  assert.match(text, /Channel bindings\s+present [0-9a-f]{32}/);
  assert.match(decodeMarkdown(r), /\*\*Channel bindings\*\* \| \*\*present/);
});
