// Thin helpers over asn1js for the token decoders (SPNEGO, Kerberos): parse with byte offsets
// relative to the token, pick context-tagged members, and turn every surprise into a TokenError.
import * as asn1js from 'asn1js';
import { TokenError } from './ntlmMessage';

export type Asn = asn1js.AsnType;

/** The token the element was parsed from starts at `base` of the decoded bytes. */
export interface Parsed {
  el: Asn;
  base: number;
}

/** Offset of an element within the original token bytes. */
export function offsetOf(el: Asn, base: number): number {
  const v = (el as asn1js.BaseBlock).valueBeforeDecodeView;
  return base + (v ? v.byteOffset : 0);
}

/**
 * Parse exactly one DER/BER element from `bytes` (a copy is made so that offsets are relative
 * to `bytes`); `base` is added to offsets in messages.
 */
export function parseOne(bytes: Uint8Array, base: number, what: string): Asn {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  let r: ReturnType<typeof asn1js.fromBER>;
  try {
    r = asn1js.fromBER(copy);
  } catch (e) {
    throw new TokenError(`${what}: ASN.1 does not parse (${e instanceof Error ? e.message : String(e)})`, base);
  }
  if (r.offset === -1) {
    throw new TokenError(`${what}: ASN.1 does not parse (${(r.result as asn1js.BaseBlock).error || 'malformed'})`, base + errorOffset(r.result));
  }
  return r.result;
}

/** Best guess at where asn1js stopped: the deepest element that recorded an error. */
function errorOffset(el: Asn): number {
  const any = el as unknown as { valueBlock?: { value?: unknown }; valueBeforeDecodeView?: Uint8Array };
  const kids = any.valueBlock && Array.isArray(any.valueBlock.value) ? (any.valueBlock.value as Asn[]) : [];
  for (let i = kids.length - 1; i >= 0; i--) {
    const k = kids[i] as asn1js.BaseBlock;
    if (k.error) return errorOffset(k);
  }
  const last = kids[kids.length - 1] as asn1js.BaseBlock | undefined;
  if (last?.valueBeforeDecodeView) return last.valueBeforeDecodeView.byteOffset + last.valueBeforeDecodeView.length;
  return any.valueBeforeDecodeView?.byteOffset ?? 0;
}

export function isTag(el: Asn | undefined, tagClass: number, tagNumber: number): boolean {
  return !!el && el.idBlock.tagClass === tagClass && el.idBlock.tagNumber === tagNumber;
}

export const UNIVERSAL = 1,
  APPLICATION = 2,
  CONTEXT = 3;

export function children(el: Asn): Asn[] {
  const v = (el as asn1js.Constructed).valueBlock?.value;
  return Array.isArray(v) ? (v as Asn[]) : [];
}

/** The inner element of an explicit context tag [n] in a SEQUENCE, or undefined. */
export function ctx(seq: Asn, n: number): Asn | undefined {
  for (const c of children(seq)) {
    if (isTag(c, CONTEXT, n)) {
      const inner = children(c);
      return inner[0];
    }
  }
  return undefined;
}

export function expectSequence(el: Asn | undefined, what: string, base: number, parent?: Asn): Asn {
  if (!el || !(el instanceof asn1js.Sequence)) {
    throw new TokenError(`${what}: expected a SEQUENCE`, el ? offsetOf(el, base) : parent ? offsetOf(parent, base) : base);
  }
  return el;
}

export function oidOf(el: Asn | undefined): string | null {
  return el instanceof asn1js.ObjectIdentifier ? el.getValue() : null;
}

/**
 * An INTEGER or ENUMERATED as a number (two's complement, up to 6 content bytes), or null.
 * Read from the content bytes: asn1js's `valueDec` is 0 for a 4-byte value of 2^23 or more.
 */
export function intOf(el: Asn | undefined): number | null {
  if (el instanceof asn1js.Integer || el instanceof asn1js.Enumerated) {
    const view = el.valueBlock.valueHexView;
    if (view.length === 0 || view.length > 6) return null;
    let u = 0;
    for (const byte of view) u = u * 256 + byte;
    return view[0] & 0x80 ? u - 2 ** (8 * view.length) : u;
  }
  return null;
}

/**
 * A Kerberos UInt32 (RFC 4120 5.2.4: kvno, nonce, seq-number) as 0..2^32-1, or null. Encoders
 * that write it as a signed 32-bit INTEGER (a 4-byte value with the top bit set) mean the same
 * unsigned number, as Wireshark shows it.
 */
export function uint32Of(el: Asn | undefined): number | null {
  const v = intOf(el);
  if (v === null) return null;
  if (v < 0 && v >= -(2 ** 31)) return v + 2 ** 32;
  return v >= 0 && v < 2 ** 32 ? v : null;
}

export function octetsOf(el: Asn | undefined): Uint8Array | null {
  if (el instanceof asn1js.OctetString) {
    if (el.valueBlock.isConstructed) {
      const parts = el.valueBlock.value.map((p) => (p as asn1js.OctetString).valueBlock.valueHexView);
      const total = parts.reduce((n, p) => n + p.length, 0);
      const out = new Uint8Array(total);
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    }
    return el.valueBlock.valueHexView;
  }
  return null;
}

/** Content bytes of a string-like primitive (GeneralString, IA5String, UTF8String...) as text. */
export function stringOf(el: Asn | undefined): string | null {
  if (!el) return null;
  const vb = (el as asn1js.BaseBlock & { valueBlock: { valueHexView?: Uint8Array; value?: unknown } }).valueBlock;
  if (vb && vb.valueHexView instanceof Uint8Array && el.idBlock.tagClass === UNIVERSAL && !el.idBlock.isConstructed) {
    return Buffer.from(vb.valueHexView).toString('utf8');
  }
  if (vb && typeof vb.value === 'string') return vb.value;
  return null;
}

export function bitsOf(el: Asn | undefined): Uint8Array | null {
  return el instanceof asn1js.BitString ? el.valueBlock.valueHexView : null;
}
