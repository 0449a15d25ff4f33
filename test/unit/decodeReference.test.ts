// decode against an independent reference: tokens made by other implementations (python3-ntlm-auth,
// impacket's client, MIT krb5, gss-ntlmssp) with the contract fields Debian's python3-impacket reads
// from them (test/fixtures/tokens/impacket-reference.json; how it was made: test/support/decode-reference).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeToken } from '../../src/core/authHeader';
import { ntlmFlagValue } from '../../src/core/ntlmMessage';
import { compareChannelBindings, tlsServerEndPoint } from '../../src/core/channelBindings';

interface Expected {
  mechanism: string;
  ntlm?: Record<string, unknown>;
  kerberos?: { realm: string | null; sname: string | null; etype: number | null };
  spnego?: { mechTypes: string[]; state: string | null };
}
interface Entry {
  id: string;
  source: string;
  token: string;
  expectedBy: 'impacket' | 'construction';
  expected: Expected;
}

const FIXTURE = join(__dirname, '..', 'fixtures', 'tokens', 'impacket-reference.json');
const entries = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { tokens: Entry[] }).tokens;

/** Bit value of a reference flag: an MS-NLMP name, or `reserved:0x...` for a bit the spec leaves unnamed. */
function refBit(name: string): number {
  const m = /^reserved:0x([0-9a-f]{8})$/.exec(name);
  if (m) return parseInt(m[1], 16);
  const v = ntlmFlagValue(name);
  assert.notEqual(v, undefined, `reference flag ${name} is not an MS-NLMP name our table knows`);
  return v!;
}

function ourBit(name: string): number {
  const v = ntlmFlagValue(name);
  assert.notEqual(v, undefined, `our flag ${name} has no bit`);
  return v!;
}

void test('the reference fixture covers every generator and both message families', () => {
  assert.ok(entries.length >= 60, `only ${entries.length} tokens`);
  const count = (re: RegExp) => entries.filter((e) => re.test(e.source)).length;
  assert.ok(count(/^ntlm_auth compat=3/) >= 5 && count(/^ntlm_auth compat=[012]/) >= 5, 'ntlm_auth NTLMv1 and v2');
  assert.ok(count(/cbt=zero/) >= 1 && count(/cbt=present/) >= 1 && count(/cbt=none/) >= 1, 'all three CBT states');
  assert.ok(count(/^impacket client/) >= 2, "impacket's client");
  assert.ok(count(/^MIT krb5 initiator/) >= 5, 'MIT krb5 AP-REQs');
  assert.ok(count(/^gss-ntlmssp spnego/) >= 4, 'gss-ntlmssp in SPNEGO');
  assert.ok(count(/^constructed SPNEGO/) >= 8, 'Windows SPNEGO shapes');
  const etypes = new Set(entries.map((e) => e.expected.kerberos?.etype).filter((x) => typeof x === 'number'));
  assert.ok(etypes.size >= 5, `ticket enctypes ${[...etypes].join(',')}`);
});

for (const e of entries) {
  void test(`${e.id}: ${e.source} (expected by ${e.expectedBy})`, () => {
    const r = decodeToken(e.token);
    assert.equal(r.error, undefined, `decode failed: ${r.error}`);
    const x = e.expected;
    assert.equal(r.mechanism, x.mechanism, 'mechanism');
    if (x.ntlm) {
      const n = r.ntlm as unknown as Record<string, unknown> | undefined;
      assert.ok(n, 'ntlm member');
      for (const [k, v] of Object.entries(x.ntlm)) {
        if (k === 'flags') {
          const refFlags = v as string[];
          const ours = n.flags as string[];
          // Same bits in the same (bit) order; every bit the spec names is spelled as the spec spells it.
          assert.deepEqual(ours.map(ourBit), refFlags.map(refBit), 'flag bits in bit order');
          for (const name of refFlags.filter((f) => !f.startsWith('reserved:'))) assert.ok(ours.includes(name), `flag ${name}`);
        } else {
          assert.deepEqual(n[k], v, `ntlm.${k}`);
        }
      }
    } else {
      assert.equal(r.ntlm, undefined, 'no ntlm member');
    }
    if (x.kerberos) {
      assert.ok(r.kerberos, 'kerberos member');
      assert.deepEqual({ realm: r.kerberos.realm, sname: r.kerberos.sname, etype: r.kerberos.etype }, x.kerberos, 'kerberos realm/sname/etype');
    } else {
      assert.equal(r.kerberos, undefined, 'no kerberos member');
    }
    if (x.spnego) {
      assert.ok(r.spnego, 'spnego member');
      assert.deepEqual({ mechTypes: r.spnego.mechTypes, state: r.spnego.state }, x.spnego, 'spnego mechTypes/state');
    } else {
      assert.equal(r.spnego, undefined, 'no spnego member');
    }
  });
}

// Channel bindings from another implementation: gss-ntlmssp (C) bound each AUTHENTICATE to the
// certificate's tls-server-end-point, and its own acceptor accepted it with the same bindings.
const cbtFixture = (
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'tokens', 'gss-ntlmssp-cbt.json'), 'utf8')) as {
    tokens: { certificate: string; hash: string; authenticate: string }[];
  }
).tokens;

void test('gss-ntlmssp channel bindings match the certificate they were made for (SHA-256, SHA-384, SHA-512) and no other', () => {
  assert.equal(cbtFixture.length, 3);
  for (const [i, t] of cbtFixture.entries()) {
    const r = decodeToken(`Authorization: NTLM ${t.authenticate}`);
    assert.equal(r.error, undefined);
    assert.equal(r.ntlm?.channelBindingsState, 'present');
    assert.equal(tlsServerEndPoint(t.certificate).hashAlgorithm, t.hash);
    const own = compareChannelBindings(r.ntlm?.channelBindings, t.certificate);
    assert.equal(own.state, 'match', `${t.hash}: ${own.explanation}`);
    const other: string = cbtFixture[(i + 1) % cbtFixture.length].certificate;
    assert.equal(compareChannelBindings(r.ntlm?.channelBindings, other).state, 'mismatch');
  }
});
