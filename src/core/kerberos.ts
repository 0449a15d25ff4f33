// Kerberos tokens as HTTP Negotiate carries them (RFC 4120 messages, RFC 4121 GSS framing):
// AP-REQ (realm, service principal, encryption types; the ticket stays encrypted), AP-REP and
// KRB-ERROR. Structures are read with asn1js; the GSS framing (whose inner part is not DER)
// with a small bounds-checked reader.
import * as asn1js from 'asn1js';
import { TokenError, toHex } from './ntlmMessage';
import { APPLICATION, type Asn, bitsOf, children, ctx, expectSequence, intOf, isTag, offsetOf, oidOf, parseOne, stringOf, uint32Of } from './asn1Token';

export const OID_KRB5 = '1.2.840.113554.1.2.2';
export const OID_MS_KRB5 = '1.2.840.48018.1.2.2';
export const OID_KRB5_U2U = '1.2.840.113554.1.2.2.3';

export const ETYPE_NAMES: Record<number, string> = {
  1: 'des-cbc-crc',
  3: 'des-cbc-md5',
  16: 'des3-cbc-sha1-kd',
  17: 'aes128-cts-hmac-sha1-96',
  18: 'aes256-cts-hmac-sha1-96',
  19: 'aes128-cts-hmac-sha256-128',
  20: 'aes256-cts-hmac-sha384-192',
  23: 'rc4-hmac',
  24: 'rc4-hmac-exp',
  25: 'camellia128-cts-cmac',
  26: 'camellia256-cts-cmac',
};

export const KRB_ERROR_NAMES: Record<number, string> = {
  6: 'KDC_ERR_C_PRINCIPAL_UNKNOWN',
  7: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
  14: 'KDC_ERR_ETYPE_NOSUPP',
  24: 'KDC_ERR_PREAUTH_FAILED',
  25: 'KDC_ERR_PREAUTH_REQUIRED',
  31: 'KRB_AP_ERR_BAD_INTEGRITY',
  32: 'KRB_AP_ERR_TKT_EXPIRED',
  33: 'KRB_AP_ERR_TKT_NYV',
  34: 'KRB_AP_ERR_REPEAT',
  35: 'KRB_AP_ERR_NOT_US',
  36: 'KRB_AP_ERR_BADMATCH',
  37: 'KRB_AP_ERR_SKEW',
  40: 'KRB_AP_ERR_MSG_TYPE',
  41: 'KRB_AP_ERR_MODIFIED',
  44: 'KRB_AP_ERR_BADKEYVER',
  45: 'KRB_AP_ERR_NOKEY',
  52: 'KRB_ERR_RESPONSE_TOO_BIG',
  60: 'KRB_ERR_GENERIC',
  68: 'KDC_ERR_WRONG_REALM',
};

export interface KerberosToken {
  messageType: 'AP-REQ' | 'AP-REP' | 'KRB-ERROR';
  /** GSS mechanism OID of the framing, or null for a bare Kerberos message. */
  gssOid: string | null;
  /** GSS TOK_ID as hex ("0100" AP-REQ), or null without framing. */
  tokId: string | null;
  realm: string | null;
  /** Service principal, components joined with "/": "HTTP/mail.contoso.test". */
  sname: string | null;
  snameType: number | null;
  /** Encryption type of the ticket (AP-REQ) or of the enc-part (AP-REP). */
  etype: number | null;
  etypeName: string | null;
  /** Key version of the ticket's enc-part (RFC 4120 UInt32). */
  kvno: number | null;
  authenticatorEtype: number | null;
  apOptions: string[];
  mutualRequired: boolean;
  errorCode: number | null;
  errorName: string | null;
  errorText: string | null;
  /** Length of the encrypted ticket part, in bytes. */
  ticketCipherLength: number | null;
}

/** A bounds-checked DER length at `p` (after the tag). Returns [length, headerBytes]. */
export function readLength(b: Uint8Array, p: number, what: string): [number, number] {
  if (p >= b.length) throw new TokenError(`${what}: token ends before the length byte`, p);
  const first = b[p];
  if (first < 0x80) return [first, 1];
  const n = first & 0x7f;
  if (n === 0) throw new TokenError(`${what}: indefinite length is not allowed here`, p);
  if (n > 4) throw new TokenError(`${what}: length of ${n} bytes is too large`, p);
  if (p + 1 + n > b.length) throw new TokenError(`${what}: token ends inside the length field`, p);
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[p + 1 + i];
  return [len, 1 + n];
}

export interface GssFrame {
  oid: string;
  /** Bytes after the mechanism OID (inner token). */
  inner: Uint8Array;
  /** Offset of `inner` in the token. */
  innerOffset: number;
}

/** RFC 2743 3.1 InitialContextToken: [APPLICATION 0] IMPLICIT { thisMech OID, innerToken ANY }. */
export function readGssFrame(b: Uint8Array, base = 0): GssFrame {
  if (b[0] !== 0x60) throw new TokenError('GSS-API token must start with 0x60 ([APPLICATION 0])', base);
  const [len, lh] = readLength(b, 1, 'GSS-API token');
  const end = 1 + lh + len;
  if (end > b.length) throw new TokenError(`GSS-API token declares ${len} bytes but ${b.length - 1 - lh} are present`, base + 1);
  let p = 1 + lh;
  if (b[p] !== 0x06) throw new TokenError('GSS-API token: expected the mechanism OID (tag 0x06)', base + p);
  const [olen, olh] = readLength(b, p + 1, 'GSS-API mechanism OID');
  const oidEnd = p + 1 + olh + olen;
  if (oidEnd > end) throw new TokenError('GSS-API mechanism OID runs past the token', base + p);
  const oidEl = parseOne(b.subarray(p, oidEnd), base + p, 'GSS-API mechanism OID');
  const oid = oidOf(oidEl);
  if (!oid) throw new TokenError('GSS-API mechanism OID does not parse', base + p);
  p = oidEnd;
  return { oid, inner: b.subarray(p, end), innerOffset: base + p };
}

/** Decode a Kerberos token: GSS-framed (KRB5 OID + TOK_ID) or a bare AP-REQ/AP-REP/KRB-ERROR. */
export function decodeKerberos(b: Uint8Array, base = 0): KerberosToken {
  if (b.length === 0) throw new TokenError('empty Kerberos token', base);
  let gssOid: string | null = null;
  let tokId: string | null = null;
  let msg = b;
  let msgBase = base;
  if (b[0] === 0x60) {
    const f = readGssFrame(b, base);
    if (f.oid !== OID_KRB5 && f.oid !== OID_MS_KRB5 && f.oid !== OID_KRB5_U2U) {
      throw new TokenError(`GSS-API mechanism ${f.oid} is not Kerberos`, base + 2);
    }
    gssOid = f.oid;
    if (f.inner.length < 2) throw new TokenError('Kerberos GSS token ends before its 2-byte TOK_ID', f.innerOffset);
    tokId = toHex(f.inner.subarray(0, 2));
    msg = f.inner.subarray(2);
    msgBase = f.innerOffset + 2;
  }
  return decodeKrbMessage(msg, msgBase, gssOid, tokId);
}

function empty(gssOid: string | null, tokId: string | null, messageType: KerberosToken['messageType']): KerberosToken {
  return {
    messageType,
    gssOid,
    tokId,
    realm: null,
    sname: null,
    snameType: null,
    etype: null,
    etypeName: null,
    kvno: null,
    authenticatorEtype: null,
    apOptions: [],
    mutualRequired: false,
    errorCode: null,
    errorName: null,
    errorText: null,
    ticketCipherLength: null,
  };
}

function principal(el: Asn | undefined): { name: string | null; type: number | null } {
  if (!(el instanceof asn1js.Sequence)) return { name: null, type: null };
  const type = intOf(ctx(el, 0));
  const strings = ctx(el, 1);
  const parts = strings instanceof asn1js.Sequence ? children(strings).map((s) => stringOf(s) ?? '?') : [];
  return { name: parts.length ? parts.join('/') : null, type };
}

function decodeKrbMessage(b: Uint8Array, base: number, gssOid: string | null, tokId: string | null): KerberosToken {
  if (b.length === 0) throw new TokenError('Kerberos message is empty', base);
  const el = parseOne(b, base, 'Kerberos message');
  if (isTag(el, APPLICATION, 14)) {
    const t = empty(gssOid, tokId, 'AP-REQ');
    const seq = expectSequence(children(el)[0], 'AP-REQ', base, el);
    const msgType = intOf(ctx(seq, 1));
    if (msgType !== null && msgType !== 14) throw new TokenError(`AP-REQ msg-type is ${msgType}, expected 14`, offsetOf(seq, base));
    const opts = bitsOf(ctx(seq, 2));
    if (opts && opts.length > 0) {
      if (opts[0] & 0x40) t.apOptions.push('use-session-key');
      if (opts[0] & 0x20) {
        t.apOptions.push('mutual-required');
        t.mutualRequired = true;
      }
    }
    const ticketApp = ctx(seq, 3);
    if (!ticketApp || !isTag(ticketApp, APPLICATION, 1)) throw new TokenError('AP-REQ has no ticket ([APPLICATION 1])', offsetOf(seq, base));
    const ticket = expectSequence(children(ticketApp)[0], 'Ticket', base, ticketApp);
    t.realm = stringOf(ctx(ticket, 1));
    const sn = principal(ctx(ticket, 2));
    t.sname = sn.name;
    t.snameType = sn.type;
    const enc = ctx(ticket, 3);
    if (enc instanceof asn1js.Sequence) {
      t.etype = intOf(ctx(enc, 0));
      t.kvno = uint32Of(ctx(enc, 1));
      const cipher = ctx(enc, 2);
      t.ticketCipherLength = cipher instanceof asn1js.OctetString ? cipher.valueBlock.valueHexView.length : null;
    }
    const auth = ctx(seq, 4);
    if (auth instanceof asn1js.Sequence) t.authenticatorEtype = intOf(ctx(auth, 0));
    t.etypeName = t.etype !== null ? (ETYPE_NAMES[t.etype] ?? `etype ${t.etype}`) : null;
    if (t.realm === null) throw new TokenError('AP-REQ ticket has no realm', offsetOf(ticket, base));
    return t;
  }
  if (isTag(el, APPLICATION, 15)) {
    const t = empty(gssOid, tokId, 'AP-REP');
    const seq = expectSequence(children(el)[0], 'AP-REP', base, el);
    const enc = ctx(seq, 2);
    if (enc instanceof asn1js.Sequence) t.etype = intOf(ctx(enc, 0));
    t.etypeName = t.etype !== null ? (ETYPE_NAMES[t.etype] ?? `etype ${t.etype}`) : null;
    return t;
  }
  if (isTag(el, APPLICATION, 30)) {
    const t = empty(gssOid, tokId, 'KRB-ERROR');
    const seq = expectSequence(children(el)[0], 'KRB-ERROR', base, el);
    t.errorCode = intOf(ctx(seq, 6));
    t.errorName = t.errorCode !== null ? (KRB_ERROR_NAMES[t.errorCode] ?? null) : null;
    t.realm = stringOf(ctx(seq, 9));
    const sn = principal(ctx(seq, 10));
    t.sname = sn.name;
    t.snameType = sn.type;
    t.errorText = stringOf(ctx(seq, 11));
    return t;
  }
  throw new TokenError(`not a Kerberos AP-REQ, AP-REP or KRB-ERROR (tag class ${el.idBlock.tagClass}, number ${el.idBlock.tagNumber})`, base);
}
