// The server side of SPNEGO for the test endpoints (test/support/iisLikeNtlmServer.ts): reading a
// client's NegTokenInit and NegTokenResp (with the mechListMIC bytes the endpoint verifies) and
// building the server's NegTokenResp. Test support only: the probe reads the server's answers with
// the core's SPNEGO decoder (src/core/spnego.ts).
import { NTLM_MECH_OID, NtlmClientError, tlv } from '../../src/probe/ntlmClient';

export interface NegTokenResp {
  negState: number | null;
  supportedMech: string | null;
  responseToken: Buffer | null;
  mechListMic: Buffer | null;
}

interface Tlv {
  tag: number;
  start: number;
  end: number;
  next: number;
}

function readTlv(b: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new NtlmClientError(`SPNEGO token ends at byte ${at} inside a DER header`);
  const tag = b[at];
  let len = b[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) throw new NtlmClientError(`SPNEGO token has a bad DER length at byte ${at + 1}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
    p += n;
  }
  if (p + len > limit) throw new NtlmClientError(`SPNEGO element at byte ${at} declares ${len} bytes but only ${limit - p} remain`);
  return { tag, start: p, end: p + len, next: p + len };
}

function oidText(b: Uint8Array): string {
  const out: number[] = [Math.floor(b[0] / 40), b[0] % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      out.push(v);
      v = 0;
    }
  }
  return out.join('.');
}

/** Parse the server's NegTokenResp (also accepts a bare NTLM token, as some servers send). */
export function parseSpnegoResponse(token: Uint8Array): NegTokenResp {
  const b = Buffer.from(token);
  if (b.length >= 8 && b.subarray(0, 8).toString('latin1') === 'NTLMSSP\0') {
    return { negState: null, supportedMech: '1.3.6.1.4.1.311.2.2.10', responseToken: b, mechListMic: null };
  }
  const outer = readTlv(b, 0, b.length);
  if (outer.tag !== 0xa1) throw new NtlmClientError(`expected an SPNEGO NegTokenResp ([1], 0xa1) from the server, got tag 0x${outer.tag.toString(16)}`);
  const seq = readTlv(b, outer.start, outer.end);
  if (seq.tag !== 0x30) throw new NtlmClientError('SPNEGO NegTokenResp is not a SEQUENCE');
  const r: NegTokenResp = { negState: null, supportedMech: null, responseToken: null, mechListMic: null };
  let p = seq.start;
  while (p < seq.end) {
    const f = readTlv(b, p, seq.end);
    const inner = readTlv(b, f.start, f.end);
    const value = b.subarray(inner.start, inner.end);
    switch (f.tag) {
      case 0xa0:
        r.negState = value[0] ?? null;
        break;
      case 0xa1:
        r.supportedMech = oidText(value);
        break;
      case 0xa2:
        r.responseToken = Buffer.from(value);
        break;
      case 0xa3:
        r.mechListMic = Buffer.from(value);
        break;
    }
    p = f.next;
  }
  return r;
}

/** Parse a client's NegTokenInit (for the test endpoint): the mech types and the mechToken. */
export function parseSpnegoInit(token: Uint8Array): { mechTypes: string[]; mechTypesDer: Buffer; mechToken: Buffer | null } {
  const b = Buffer.from(token);
  const app = readTlv(b, 0, b.length);
  if (app.tag !== 0x60) throw new NtlmClientError(`expected a GSS InitialContextToken (0x60), got tag 0x${app.tag.toString(16)}`);
  const oid = readTlv(b, app.start, app.end);
  const init = readTlv(b, oid.next, app.end);
  if (init.tag !== 0xa0) throw new NtlmClientError('expected NegTokenInit ([0]) inside the GSS token');
  const seq = readTlv(b, init.start, init.end);
  let p = seq.start;
  const out = { mechTypes: [] as string[], mechTypesDer: Buffer.alloc(0), mechToken: null as Buffer | null };
  while (p < seq.end) {
    const f = readTlv(b, p, seq.end);
    if (f.tag === 0xa0) {
      const list = readTlv(b, f.start, f.end);
      out.mechTypesDer = Buffer.from(b.subarray(f.start, list.next));
      let q = list.start;
      while (q < list.end) {
        const o = readTlv(b, q, list.end);
        out.mechTypes.push(oidText(b.subarray(o.start, o.end)));
        q = o.next;
      }
    } else if (f.tag === 0xa2) {
      const s = readTlv(b, f.start, f.end);
      out.mechToken = Buffer.from(b.subarray(s.start, s.end));
    }
    p = f.next;
  }
  return out;
}

/** Build a server NegTokenResp (for the test endpoint). */
export function spnegoServerResponse(negState: number, ntlmToken?: Uint8Array, withMech = false): Buffer {
  const parts = [tlv(0xa0, tlv(0x0a, Buffer.from([negState])))];
  if (withMech) parts.push(tlv(0xa1, NTLM_MECH_OID));
  if (ntlmToken) parts.push(tlv(0xa2, tlv(0x04, ntlmToken)));
  return tlv(0xa1, tlv(0x30, ...parts));
}
