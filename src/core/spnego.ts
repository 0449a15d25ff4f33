// SPNEGO (RFC 4178, with Microsoft's NegTokenInit2 hints): NegTokenInit inside the GSS-API
// framing, NegTokenResp bare. The wrapped mechanism token (NTLM or Kerberos) is returned as bytes
// with its offset, for the caller to decode.
import * as asn1js from 'asn1js';
import { TokenError } from './ntlmMessage';
import { readGssFrame } from './kerberos';
import { CONTEXT, type Asn, bitsOf, children, ctx, intOf, isTag, octetsOf, offsetOf, oidOf, parseOne, stringOf } from './asn1Token';

export const OID_SPNEGO = '1.3.6.1.5.5.2';
export const OID_NTLMSSP = '1.3.6.1.4.1.311.2.2.10';

export const MECH_NAMES: Record<string, string> = {
  '1.3.6.1.4.1.311.2.2.10': 'NTLM',
  '1.2.840.113554.1.2.2': 'Kerberos 5',
  '1.2.840.48018.1.2.2': 'Kerberos 5 (Microsoft)',
  '1.2.840.113554.1.2.2.3': 'Kerberos 5 user-to-user',
  '1.3.6.1.4.1.311.2.2.30': 'NEGOEX',
  '1.3.6.1.5.5.2': 'SPNEGO',
};

export const NEG_STATES = ['accept-completed', 'accept-incomplete', 'reject', 'request-mic'] as const;

/** RFC 4178 4.2.1 ContextFlags, by bit number (bit 0 is the first byte's high bit). */
export const CONTEXT_FLAG_NAMES = ['delegFlag', 'mutualFlag', 'replayFlag', 'sequenceFlag', 'anonFlag', 'confFlag', 'integFlag'] as const;

/** Names of the set ContextFlags bits, in bit order; bits RFC 4178 does not name as `bitN`. */
export function contextFlagNames(bits: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < bits.length * 8; i++) {
    if (bits[i >> 3] & (0x80 >> (i & 7))) out.push(CONTEXT_FLAG_NAMES[i] ?? `bit${i}`);
  }
  return out;
}

export interface SpnegoToken {
  token: 'negTokenInit' | 'negTokenResp';
  /** mechTypes of a NegTokenInit; for a NegTokenResp the supportedMech, if any. */
  mechTypes: string[];
  /** negState name of a NegTokenResp (accept-completed, accept-incomplete, reject, request-mic), null for NegTokenInit. */
  state: string | null;
  negState: number | null;
  supportedMech: string | null;
  /** NegTokenInit reqFlags as hex of the BIT STRING's bytes, or null. */
  reqFlags: string | null;
  /** The same by name (delegFlag, mutualFlag, ...), or null. */
  reqFlagNames: string[] | null;
  /** NegTokenInit2 negHints hintName ("not_defined_in_RFC4178@please_ignore"). */
  hintName: string | null;
  /** The mechToken / responseToken, or null. */
  innerToken: Uint8Array | null;
  innerOffset: number;
  mechListMIC: boolean;
}

export function looksLikeSpnego(b: Uint8Array): boolean {
  return b.length > 2 && (b[0] === 0xa1 || b[0] === 0xa0 || b[0] === 0x60);
}

/** Decode a SPNEGO token (GSS-framed NegTokenInit, or a bare NegTokenResp/NegTokenInit). */
export function decodeSpnego(b: Uint8Array, base = 0): SpnegoToken {
  if (b.length === 0) throw new TokenError('empty SPNEGO token', base);
  let body = b;
  let bodyBase = base;
  if (b[0] === 0x60) {
    const f = readGssFrame(b, base);
    if (f.oid !== OID_SPNEGO) throw new TokenError(`GSS-API mechanism ${f.oid} is not SPNEGO (${OID_SPNEGO})`, base + 2);
    body = f.inner;
    bodyBase = f.innerOffset;
  }
  const el = parseOne(body, bodyBase, 'SPNEGO token');
  if (isTag(el, CONTEXT, 0)) return negTokenInit(el, bodyBase);
  if (isTag(el, CONTEXT, 1)) return negTokenResp(el, bodyBase);
  throw new TokenError(
    `SPNEGO token is neither NegTokenInit [0] nor NegTokenResp [1] (tag class ${el.idBlock.tagClass}, number ${el.idBlock.tagNumber})`,
    bodyBase,
  );
}

function seqOf(el: Asn, what: string, base: number): Asn {
  const s = children(el)[0];
  if (!(s instanceof asn1js.Sequence)) throw new TokenError(`${what}: expected a SEQUENCE inside the tag`, offsetOf(el, base));
  return s;
}

function inner(el: Asn | undefined, base: number): { bytes: Uint8Array | null; offset: number } {
  const bytes = octetsOf(el);
  if (!bytes || !el) return { bytes: null, offset: 0 };
  // Offset of the content: the element's offset plus its header length.
  const start = offsetOf(el, base);
  const whole = (el as asn1js.BaseBlock).valueBeforeDecodeView.length;
  return { bytes, offset: start + (whole - bytes.length) };
}

function negTokenInit(el: Asn, base: number): SpnegoToken {
  const seq = seqOf(el, 'NegTokenInit', base);
  const mt = ctx(seq, 0);
  const mechTypes: string[] = [];
  if (mt instanceof asn1js.Sequence) {
    for (const o of children(mt)) {
      const oid = oidOf(o);
      if (!oid) throw new TokenError('NegTokenInit mechTypes holds something that is not an OID', offsetOf(o, base));
      mechTypes.push(oid);
    }
  }
  const flags = bitsOf(ctx(seq, 1));
  const tok = inner(ctx(seq, 2), base);
  // NegTokenInit2 (MS-SPNG 2.2.1): [3] negHints SEQUENCE { [0] hintName GeneralString, ... }, [4] mechListMIC.
  const third = ctx(seq, 3);
  let hintName: string | null = null;
  let mechListMIC = false;
  if (third instanceof asn1js.Sequence) hintName = stringOf(ctx(third, 0));
  else if (third instanceof asn1js.OctetString) mechListMIC = true;
  if (ctx(seq, 4) instanceof asn1js.OctetString) mechListMIC = true;
  return {
    token: 'negTokenInit',
    mechTypes,
    state: null,
    negState: null,
    supportedMech: null,
    reqFlags: flags ? Buffer.from(flags).toString('hex') : null,
    reqFlagNames: flags ? contextFlagNames(flags) : null,
    hintName,
    innerToken: tok.bytes,
    innerOffset: tok.offset,
    mechListMIC,
  };
}

function negTokenResp(el: Asn, base: number): SpnegoToken {
  const seq = seqOf(el, 'NegTokenResp', base);
  const negState = intOf(ctx(seq, 0));
  const supportedMech = oidOf(ctx(seq, 1));
  const tok = inner(ctx(seq, 2), base);
  const mic = ctx(seq, 3) instanceof asn1js.OctetString;
  return {
    token: 'negTokenResp',
    mechTypes: supportedMech ? [supportedMech] : [],
    state: negState === null ? null : (NEG_STATES[negState] ?? `negState ${negState}`),
    negState,
    supportedMech,
    reqFlags: null,
    reqFlagNames: null,
    hintName: null,
    innerToken: tok.bytes,
    innerOffset: tok.offset,
    mechListMIC: mic,
  };
}
