// decode against Wireshark: for each token of test/fixtures/tokens/tshark-reference.json the
// fields tshark 4.0.17 showed (VERSION only when negotiated, the MIC, the NTLMv2 response's own
// time, MsvAvTimestamp, MsvAvChannelBindings, the ticket kvno, SPNEGO reqFlags), and where decode
// deliberately differs the fixture says why. How it was made: test/support/decode-reference/build_tshark_fixture.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { decodeToken } from '../../src/core/authHeader';
import { intOf, uint32Of } from '../../src/core/asn1Token';
import { decodeMarkdown, formatDecodeText } from '../../src/core/tokenReport';
import { tryAnalyzeFreb } from '../../src/core/freb/frebAnalyze';
import { buildFrebReportModel } from '../../src/core/freb/frebReportModel';

interface Entry {
  id: string;
  source: string;
  token: string;
  deviation?: string;
  tshark: Record<string, string>;
  expected: { ntlm?: Record<string, unknown>; kerberos?: { kvno: number }; spnego?: { reqFlags: string[] } };
}
const entries = (JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'tokens', 'tshark-reference.json'), 'utf8')) as { tokens: Entry[] }).tokens;
const byId = new Map(entries.map((e) => [e.id, e]));

function decoded(id: string) {
  const e = byId.get(id);
  assert.ok(e, `fixture entry ${id}`);
  const r = decodeToken(e.token);
  assert.equal(r.error, undefined, `${id}: ${r.error}`);
  return r;
}

void test('the tshark fixture covers NTLM of three generators, Kerberos, SPNEGO reqFlags and the issue-17 shapes', () => {
  assert.ok(entries.length >= 85, `${entries.length} tokens`);
  const n = (f: (e: Entry) => boolean) => entries.filter(f).length;
  assert.ok(n((e) => e.expected.ntlm?.micValue != null) >= 5, 'MIC values');
  assert.ok(n((e) => e.expected.ntlm?.clientTimestamp != null) >= 10, 'NTLMv2 response times');
  assert.ok(n((e) => typeof e.expected.ntlm?.ntlmRevision === 'number') >= 20, 'negotiated VERSIONs');
  assert.ok(n((e) => e.expected.kerberos !== undefined) >= 8, 'Kerberos kvno');
  assert.ok(n((e) => e.expected.spnego !== undefined) >= 1, 'SPNEGO reqFlags');
  for (const id of ['issue17-kvno', 'edge-mic-no-version', 'edge-cbt-empty', 'edge-version-unnegotiated-authenticate']) assert.ok(byId.has(id), id);
  assert.ok(n((e) => e.id.startsWith('re-')) >= 30, 'NTLM messages with reordered, padded payloads');
  // decode differs from tshark only where the fixture says why, and on few tokens
  const deviations = entries.filter((e) => e.deviation);
  assert.ok(deviations.length <= 16 && deviations.every((e) => e.deviation!.length > 40), deviations.map((e) => e.id).join(', '));
});

for (const e of entries) {
  void test(`${e.id} agrees with tshark${e.deviation ? ' (except where documented)' : ''}`, () => {
    const r = decodeToken(e.token);
    assert.equal(r.error, undefined, `decode failed: ${r.error}`);
    if (e.expected.ntlm) {
      const n = r.ntlm as unknown as Record<string, unknown> | undefined;
      assert.ok(n, 'ntlm member');
      for (const [k, v] of Object.entries(e.expected.ntlm)) assert.deepEqual(n[k] ?? null, v, `ntlm.${k}`);
    }
    if (e.expected.kerberos) assert.equal(r.kerberos?.kvno, e.expected.kerberos.kvno, 'kerberos.kvno');
    if (e.expected.spnego) assert.deepEqual(r.spnego?.reqFlags, e.expected.spnego.reqFlags, 'spnego.reqFlags');
  });
}

void test('issue 17: the AP-REQ with a 4-byte kvno reads 1597636609, not 0', () => {
  const r = decodeToken(
    'Negotiate YIGBBgkqhkiG9xIBAgIBAG5yMHCgAwIBBaEDAgEOogcDBQAgAAAAo0phSDBGoAMCAQWhDhsMQ09OVE9TTy5URVNUohYwFKADAgECoQ0wCxsESFRUUBsDd2VioxcwFaADAgESoQYCBF86AAGiBgQEqqqqqqQPMA2gAwIBEqIGBAS7u7u7',
  );
  assert.equal(r.kerberos?.kvno, 1597636609);
  assert.equal(r.kerberos?.etype, 18);
  assert.match(formatDecodeText(r), /Ticket kvno\s+1597636609/);
});

void test("INTEGER decoding: two's complement for Int32 fields, UInt32 for kvno-like fields", () => {
  const int = (hex: string) => asn1js.fromBER(Buffer.from(hex, 'hex')).result;
  assert.equal(intOf(int('020400800000')), 8388608);
  assert.equal(intOf(int('02045f3a0001')), 1597636609);
  assert.equal(intOf(int('020180')), -128, 'a negative etype (rc4-hmac-old) stays negative');
  assert.equal(intOf(int('0204ffffffff')), -1);
  assert.equal(intOf(int('020500ffffffff')), 4294967295);
  assert.equal(uint32Of(int('0204ffffffff')), 4294967295, 'a UInt32 written as a signed 4-byte INTEGER');
  assert.equal(uint32Of(int('020500ffffffff')), 4294967295);
  assert.equal(uint32Of(int('0205010000000000'.slice(0, 14))), null, '2^32 does not fit');
  assert.equal(uint32Of(int('0201ff')), 4294967295);
});

void test('a zero-length MsvAvChannelBindings is present and malformed, with a warning, never "zero"', () => {
  const r = decoded('edge-cbt-empty');
  assert.equal(r.ntlm?.channelBindingsState, 'present');
  assert.equal(r.ntlm?.channelBindingsMalformed, true);
  assert.equal(r.ntlm?.channelBindings, '');
  assert.ok(
    r.warnings?.some((w) => /MsvAvChannelBindings has length 0, expected 16/.test(w)),
    JSON.stringify(r.warnings),
  );
  assert.match(formatDecodeText(r), /Channel bindings\s+present but MALFORMED: 0 bytes where MS-NLMP requires 16/);
  const short = decoded('edge-cbt-short');
  assert.equal(short.ntlm?.channelBindingsState, 'present', '8 zero bytes are not the 16 zero bytes "zero" means');
  assert.equal(short.ntlm?.channelBindingsMalformed, true);
  const zero = decodeToken(byId.get('gen015-authenticate')!.token);
  assert.equal(zero.ntlm?.channelBindingsState, 'zero');
  assert.equal(zero.ntlm?.channelBindingsMalformed, false);
  assert.equal(decoded('gen001-authenticate').ntlm?.channelBindingsMalformed, false);
});

void test('an AUTHENTICATE with a MIC and no VERSION field: the MIC is read at byte 64, not shown as an OS version', () => {
  const r = decoded('edge-mic-no-version');
  const n = r.ntlm!;
  assert.equal(n.mic, true);
  assert.equal(n.micValue, '6c146544b86fde5bc6d4446f3902c3ce', 'the same MIC as the message it was made from');
  assert.equal(n.micValue, decoded('gen001-authenticate').ntlm?.micValue);
  assert.equal(n.version, null);
  assert.equal(n.osVersion, null);
  const text = formatDecodeText(r);
  assert.doesNotMatch(text, /OS version/);
  assert.match(text, /MIC\s+yes 6c146544b86fde5bc6d4446f3902c3ce/);
});

void test('VERSION bytes without NTLMSSP_NEGOTIATE_VERSION: shown marked as not negotiated in JSON, text and hover, never as osVersion', () => {
  for (const id of ['edge-version-unnegotiated-negotiate', 'edge-version-unnegotiated-challenge', 'edge-version-unnegotiated-authenticate']) {
    const r = decoded(id);
    assert.equal(r.ntlm?.osVersion, null, id);
    assert.equal(r.ntlm?.ntlmRevision, null, id);
    assert.equal(r.ntlm?.version?.negotiated, false, id);
    assert.ok(r.ntlm?.version?.text, id);
    assert.ok(!r.ntlm?.flags.includes('NTLMSSP_NEGOTIATE_VERSION'), id);
    const v = r.ntlm!.version!.text.replace(/\./g, '\\.');
    assert.match(formatDecodeText(r), new RegExp(`OS version\\s+${v}, NTLM revision \\d+ \\(NOT negotiated`), id);
    // The hover says the same (whatever Markdown escaping it applies).
    assert.match(decodeMarkdown(r).replace(/\\/g, ''), new RegExp(`\\| OS version \\| ${v}, NTLM revision \\d+ \\(NOT negotiated`), id);
  }
  const negotiated = decoded('gen001-authenticate');
  assert.deepEqual(negotiated.ntlm?.version, { major: 6, minor: 1, build: 7601, ntlmRevision: 15, text: '6.1.7601', negotiated: true });
  assert.equal(negotiated.ntlm?.osVersion, '6.1.7601');
  assert.match(formatDecodeText(negotiated), /OS version\s+6\.1\.7601, NTLM revision 15\n/);
  // An all-zero VERSION field without the flag (MS-NLMP's layout): nothing to show, the MIC after it at byte 72.
  const zeroed = decoded('edge-version-zeroed-mic');
  assert.equal(zeroed.ntlm?.version, null);
  assert.equal(zeroed.ntlm?.micValue, '6c146544b86fde5bc6d4446f3902c3ce');
});

void test("the NTLMv2 response's own timestamp is clientTimestamp, beside MsvAvTimestamp", () => {
  const r = decoded('gen001-authenticate');
  assert.equal(r.ntlm?.clientTimestamp, '2024-11-21T08:00:00.000Z');
  assert.match(formatDecodeText(r), /Client timestamp\s+2024-11-21T08:00:00\.000Z/);
  const withoutAv = entries.find((e) => e.expected.ntlm?.clientTimestamp && e.expected.ntlm.timestamp === null);
  assert.ok(withoutAv, 'a token whose response has no MsvAvTimestamp');
  const w = decodeToken(withoutAv.token);
  assert.equal(w.ntlm?.timestamp, null);
  assert.equal(w.ntlm?.clientTimestamp, withoutAv.expected.ntlm?.clientTimestamp);
  assert.match(formatDecodeText(w), /Timestamp\s+\(no MsvAvTimestamp\)/);
});

void test('SPNEGO reqFlags by name, and none on a NegTokenResp', () => {
  const r = decoded('spn-win-init-reqflags');
  assert.deepEqual(r.spnego?.reqFlags, ['confFlag', 'integFlag']);
  assert.match(formatDecodeText(r), /SPNEGO\s+negTokenInit.*reqFlags confFlag integFlag/);
  const resp = entries.find((e) => e.id.startsWith('spn-') && decodeToken(e.token).spnego?.token === 'negTokenResp');
  assert.ok(resp);
  assert.equal(decodeToken(resp.token).spnego?.reqFlags, undefined);
  assert.equal(decoded('spn-win-init-krb').spnego?.reqFlags, null, 'a NegTokenInit without reqFlags');
});

void test('the FREB report of a BAD_BINDINGS trace whose AUTHENTICATE has a zero-length MsvAvChannelBindings says malformed, not zero', () => {
  const path = join(__dirname, '..', 'fixtures', 'freb', 'generated', 'fr000047.bad-bindings.xml');
  const xml = readFileSync(path, 'utf8');
  const original = /Authorization: NTLM (TlRMTVNTUAAD[A-Za-z0-9+/=]+)/.exec(xml);
  assert.ok(original, 'the trace carries an AUTHENTICATE');
  const r = tryAnalyzeFreb(xml.split(original[1]).join(byId.get('edge-cbt-empty')!.token), path);
  assert.ok('analysis' in r);
  const m = buildFrebReportModel(r.analysis, path);
  const auth = m.requestHeaders.find((h) => h.name.toLowerCase() === 'authorization');
  assert.ok(auth, 'Authorization header in the report');
  const details = new Map(auth.details);
  assert.match(details.get('Channel bindings') ?? '', /^present but MALFORMED: 0 bytes where MS-NLMP requires 16/);
  assert.match(details.get('OS version') ?? '', /^6\.1\.7601, NTLM revision 15$/);
  assert.match(m.failure?.bindingsHint ?? '', /malformed channel bindings \(0 bytes where MS-NLMP requires 16\)/);
});
