// What an Authorization header in a trace really carries, enough for the CodeLens and the report
// ("Negotiate" that wraps NTLM shows as NTLM). The full decode (flags, AV pairs, channel
// bindings) is the token decoder's job; this only sniffs the mechanism and the NTLM message type.

import { decodeToken, type DecodeResult } from '../authHeader';

export interface AuthSniff {
  /** As written: Negotiate, NTLM, Kerberos, Basic, Bearer, ... */
  scheme: string;
  /** NTLM | Kerberos | SPNEGO | Basic | JWT | unknown */
  mechanism: string;
  /** 1, 2 or 3 for NTLM messages; null otherwise. */
  ntlmMessageType: number | null;
}

const NTLMSSP = Buffer.from('NTLMSSP\0', 'latin1');
// DER of the Kerberos OIDs 1.2.840.113554.1.2.2 and 1.2.840.48018.1.2.2 (MS legacy).
const KRB5_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]);
const MSKRB_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02]);

/**
 * The header value decoded by the token decoder (NTLM fields, SPNEGO, Kerberos), with the
 * mechanism a wrapped token really is; falls back to the sniff when the decoder gives up.
 */
export function decodeAuthorization(value: string): (AuthSniff & { decoded: DecodeResult | null }) | null {
  const s = sniffAuthorization(value);
  if (!s) return null;
  const d = decodeToken(value);
  if (d.error) return { ...s, decoded: null };
  const mechanism = d.ntlm ? 'NTLM' : d.kerberos ? 'Kerberos' : d.mechanism;
  return { scheme: d.scheme ?? s.scheme, mechanism, ntlmMessageType: d.ntlm?.messageType ?? s.ntlmMessageType, decoded: d };
}

export function sniffAuthorization(value: string): AuthSniff | null {
  const m = /^\s*([A-Za-z][\w-]*)(?:\s+([A-Za-z0-9+/=._-]+))?\s*$/.exec(value);
  if (!m) return null;
  const scheme = m[1];
  const token = m[2];
  const lower = scheme.toLowerCase();
  if (lower === 'basic') return { scheme, mechanism: 'Basic', ntlmMessageType: null };
  if (lower === 'bearer') return { scheme, mechanism: token && token.split('.').length === 3 ? 'JWT' : 'unknown', ntlmMessageType: null };
  if (!token) return { scheme, mechanism: 'unknown', ntlmMessageType: null };
  const bytes = Buffer.from(token, 'base64');
  const at = bytes.indexOf(NTLMSSP);
  if (at >= 0) {
    const type = at + 12 <= bytes.length ? bytes.readUInt32LE(at + 8) : null;
    return { scheme, mechanism: 'NTLM', ntlmMessageType: type !== null && type >= 1 && type <= 3 ? type : null };
  }
  if (bytes.includes(KRB5_OID) || bytes.includes(MSKRB_OID) || bytes[0] === 0x6e || bytes[0] === 0x6f) {
    return { scheme, mechanism: 'Kerberos', ntlmMessageType: null };
  }
  if (bytes[0] === 0x60 || bytes[0] === 0xa0 || bytes[0] === 0xa1) return { scheme, mechanism: 'SPNEGO', ntlmMessageType: null };
  return { scheme, mechanism: 'unknown', ntlmMessageType: null };
}
