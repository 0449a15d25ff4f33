// NTLMv2 client (MS-NLMP 3.1.5, 3.3.2): NEGOTIATE, AUTHENTICATE with MIC, KEY_EXCH and a chosen
// MsvAvChannelBindings (absent / 16 zero bytes / the real hash), raw or wrapped in SPNEGO
// (RFC 4178, MS-SPNG) as `Negotiate` needs. The CHALLENGE is read with the core decoder.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  decodeNtlm,
  type NtlmChallenge,
  NTLMSSP_NEGOTIATE_UNICODE,
  NTLM_NEGOTIATE_OEM,
  NTLMSSP_REQUEST_TARGET,
  NTLMSSP_NEGOTIATE_SIGN,
  NTLMSSP_NEGOTIATE_NTLM,
  NTLMSSP_NEGOTIATE_ALWAYS_SIGN,
  NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY,
  NTLMSSP_NEGOTIATE_VERSION,
  NTLMSSP_NEGOTIATE_128,
  NTLMSSP_NEGOTIATE_KEY_EXCH,
  NTLMSSP_NEGOTIATE_56,
  MsvAvFlags_MIC_PRESENT,
} from '../core/ntlmMessage';
import { md4 } from './md4';
import { decodeSpnego } from '../core/spnego';

export class NtlmClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NtlmClientError';
  }
}

export const CLIENT_FLAGS =
  NTLMSSP_NEGOTIATE_UNICODE |
  NTLM_NEGOTIATE_OEM |
  NTLMSSP_REQUEST_TARGET |
  NTLMSSP_NEGOTIATE_SIGN |
  NTLMSSP_NEGOTIATE_NTLM |
  NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
  NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
  NTLMSSP_NEGOTIATE_VERSION |
  NTLMSSP_NEGOTIATE_128 |
  NTLMSSP_NEGOTIATE_KEY_EXCH |
  NTLMSSP_NEGOTIATE_56;

/** Windows Server 2022 (10.0.20348), NTLMSSP_REVISION_W2K3. */
export const CLIENT_VERSION = Buffer.from([10, 0, 0x5c, 0x4f, 0, 0, 0, 15]);

const HASH_RE = /^[0-9a-f]{32}$/;

export function hmacMd5(key: Uint8Array, ...data: Uint8Array[]): Buffer {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** RC4 (node's OpenSSL 3 has it only in the legacy provider). Short inputs only: keys and MACs. */
export function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  return new Rc4(key).update(data);
}

class Rc4 {
  private s = new Uint8Array(256);
  private i = 0;
  private j = 0;
  constructor(key: Uint8Array) {
    for (let k = 0; k < 256; k++) this.s[k] = k;
    let j = 0;
    for (let k = 0; k < 256; k++) {
      j = (j + this.s[k] + key[k % key.length]) & 0xff;
      [this.s[k], this.s[j]] = [this.s[j], this.s[k]];
    }
  }
  update(data: Uint8Array): Buffer {
    const out = Buffer.alloc(data.length);
    for (let n = 0; n < data.length; n++) {
      this.i = (this.i + 1) & 0xff;
      this.j = (this.j + this.s[this.i]) & 0xff;
      [this.s[this.i], this.s[this.j]] = [this.s[this.j], this.s[this.i]];
      out[n] = data[n] ^ this.s[(this.s[this.i] + this.s[this.j]) & 0xff];
    }
    return out;
  }
}

export function ntHash(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

/** NTOWFv2 = HMAC_MD5(MD4(UNICODE(password)), UNICODE(Uppercase(user) + domain)). */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(ntHash(password), Buffer.from(user.toUpperCase() + domain, 'utf16le'));
}

/** Split `DOMAIN\user`, `user@domain` or a bare `user`. */
export function parseAccount(account: string): { domain: string; user: string } {
  const bs = account.indexOf('\\');
  // "DOMAIN\\\\user" (a doubled backslash from shell or JSON quoting) means the same account.
  if (bs >= 0) return { domain: account.slice(0, bs), user: account.slice(bs + 1).replace(/^\\+/, '') };
  // UPN: MS-NLMP lets the client send the UPN as user with an empty domain.
  return { domain: '', user: account };
}

/** The NEGOTIATE message (type 1) with VERSION and no domain/workstation. */
export function negotiateMessage(flags = CLIENT_FLAGS): Buffer {
  const b = Buffer.alloc(40);
  b.write('NTLMSSP\0', 0, 'latin1');
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE(flags >>> 0, 12);
  // Domain and workstation fields empty; offsets point at the payload start.
  b.writeUInt32LE(40, 20);
  b.writeUInt32LE(40, 28);
  CLIENT_VERSION.copy(b, 32);
  return b;
}

export type ChannelBindingsChoice = 'absent' | 'zero' | { hash: string | Uint8Array };

export interface AuthenticateInput {
  negotiate: Uint8Array;
  challenge: Uint8Array;
  domain: string;
  user: string;
  password: string;
  workstation?: string;
  /** MsvAvTargetName, e.g. HTTP/mail.contoso.test. Omitted when undefined. */
  spn?: string;
  channelBindings: ChannelBindingsChoice;
  /** Fixed values for the MS-NLMP test vectors; random/current otherwise. */
  clientChallenge?: Uint8Array;
  time?: Uint8Array;
  exportedSessionKey?: Uint8Array;
  /** Add MsvAvFlags (MIC present) and the MIC field (default true). */
  mic?: boolean;
  /** Add no AV pairs of our own (MS-NLMP 4.2.4 reproduces the server's list verbatim). */
  specVerbatimAvPairs?: boolean;
  /** Flags and VERSION to put in the message (defaults: the CHALLENGE's flags we support, CLIENT_VERSION). */
  flags?: number;
  version?: Uint8Array;
}

export interface AuthenticateOutput {
  message: Buffer;
  ntProofStr: Buffer;
  sessionBaseKey: Buffer;
  exportedSessionKey: Buffer;
  flags: number;
  challenge: NtlmChallenge;
}

function avPair(id: number, value: Uint8Array): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(id, 0);
  h.writeUInt16LE(value.length, 2);
  return Buffer.concat([h, value]);
}

function filetimeNow(): Buffer {
  const ft = (BigInt(Date.now()) + 11644473600000n) * 10000n;
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(ft);
  return b;
}

/** Read the server's CHALLENGE (any decoder error becomes an NtlmClientError naming it). */
export function readChallenge(challenge: Uint8Array): NtlmChallenge {
  let msg;
  try {
    msg = decodeNtlm(challenge);
  } catch (e) {
    throw new NtlmClientError(`the server's NTLM CHALLENGE cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (msg.messageType !== 2) throw new NtlmClientError(`expected an NTLM CHALLENGE (type 2), the server sent type ${msg.messageType}`);
  return msg;
}

/** Build the AUTHENTICATE message (type 3), NTLMv2 with MIC. */
export function authenticateMessage(input: AuthenticateInput): AuthenticateOutput {
  const chal = readChallenge(input.challenge);
  const flags = input.flags ?? ((chal.flags & CLIENT_FLAGS) | NTLMSSP_NEGOTIATE_UNICODE) >>> 0;
  if ((flags & NTLMSSP_NEGOTIATE_UNICODE) === 0)
    throw new NtlmClientError('the server does not offer UNICODE; this client only speaks NTLMv2 with Unicode strings');
  const useMic = input.mic ?? true;
  const serverChallenge = Buffer.from(chal.serverChallenge, 'hex');
  const serverPairs = (chal.targetInfo?.pairs ?? []).filter((p) => p.id !== 0);
  const serverTime = serverPairs.find((p) => p.id === 7 && p.value.length === 8)?.value;

  const pairs: Buffer[] = [];
  let avFlags = 0;
  for (const p of serverPairs) {
    if (p.id === 6 && !input.specVerbatimAvPairs) {
      avFlags |= p.value.length >= 4 ? Buffer.from(p.value).readUInt32LE(0) : 0;
      continue;
    }
    if ((p.id === 9 || p.id === 10) && !input.specVerbatimAvPairs) continue; // ours replace any the server sent
    pairs.push(avPair(p.id, p.value));
  }
  const time = Buffer.from(input.time ?? serverTime ?? filetimeNow());
  if (!input.specVerbatimAvPairs) {
    if (useMic) avFlags |= MsvAvFlags_MIC_PRESENT;
    if (avFlags) {
      const f = Buffer.alloc(4);
      f.writeUInt32LE(avFlags >>> 0);
      pairs.push(avPair(6, f));
    }
    if (!serverTime) pairs.push(avPair(7, time));
    const cb = input.channelBindings;
    if (cb === 'zero') pairs.push(avPair(10, Buffer.alloc(16)));
    else if (cb !== 'absent') {
      const hash = typeof cb.hash === 'string' ? cb.hash.toLowerCase() : Buffer.from(cb.hash).toString('hex');
      if (!HASH_RE.test(hash)) throw new NtlmClientError(`channel bindings hash must be 16 bytes (32 hex digits), got "${hash}"`);
      pairs.push(avPair(10, Buffer.from(hash, 'hex')));
    }
    if (input.spn !== undefined) pairs.push(avPair(9, Buffer.from(input.spn, 'utf16le')));
  }
  pairs.push(avPair(0, Buffer.alloc(0)));
  const avBytes = Buffer.concat(pairs);

  const clientChallenge = Buffer.from(input.clientChallenge ?? randomBytes(8));
  const key = ntowfv2(input.password, input.user, input.domain);
  const temp = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), time, clientChallenge, Buffer.alloc(4), avBytes, Buffer.alloc(4)]);
  const ntProofStr = hmacMd5(key, serverChallenge, temp);
  const ntResponse = Buffer.concat([ntProofStr, temp]);
  // With MsvAvTimestamp from the server the LM response is Z(24) (MS-NLMP 3.1.5.1.2).
  const lmResponse =
    serverTime && !input.specVerbatimAvPairs ? Buffer.alloc(24) : Buffer.concat([hmacMd5(key, serverChallenge, clientChallenge), clientChallenge]);
  const sessionBaseKey = hmacMd5(key, ntProofStr);
  let exportedSessionKey: Buffer = Buffer.from(sessionBaseKey);
  let encryptedKey: Buffer = Buffer.alloc(0);
  if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
    exportedSessionKey = Buffer.from(input.exportedSessionKey ?? randomBytes(16));
    encryptedKey = rc4(sessionBaseKey, exportedSessionKey);
  }

  const domain = Buffer.from(input.domain, 'utf16le');
  const user = Buffer.from(input.user, 'utf16le');
  const workstation = Buffer.from(input.workstation ?? 'MRSPROBE', 'utf16le');
  const headerLen = useMic ? 88 : 72;
  const fields = [lmResponse, ntResponse, domain, user, workstation, encryptedKey];
  // Payload order as Windows writes it: domain, user, workstation, LM, NT, session key.
  const order = [2, 3, 4, 0, 1, 5];
  const offsets = new Array<number>(6);
  let at = headerLen;
  for (const i of order) {
    offsets[i] = at;
    at += fields[i].length;
  }
  const msg = Buffer.alloc(at);
  msg.write('NTLMSSP\0', 0, 'latin1');
  msg.writeUInt32LE(3, 8);
  fields.forEach((f, i) => {
    const pos = 12 + i * 8;
    msg.writeUInt16LE(f.length, pos);
    msg.writeUInt16LE(f.length, pos + 2);
    msg.writeUInt32LE(offsets[i], pos + 4);
    f.copy(msg, offsets[i]);
  });
  msg.writeUInt32LE(flags >>> 0, 60);
  // The VERSION field is only meaningful when negotiated; it stays zero otherwise (the MIC still sits at 72).
  if (flags & NTLMSSP_NEGOTIATE_VERSION || input.version) Buffer.from(input.version ?? CLIENT_VERSION).copy(msg, 64);
  if (useMic) {
    const mic = hmacMd5(exportedSessionKey, input.negotiate, input.challenge, msg);
    mic.copy(msg, 72);
  }
  return { message: msg, ntProofStr, sessionBaseKey, exportedSessionKey, flags, challenge: chal };
}

// ---------------------------------------------------------------------------------------------
// Session security, for the SPNEGO mechListMIC (MS-NLMP 3.4.4.2 with extended session security)

function signKey(exportedSessionKey: Uint8Array, side: 'client' | 'server'): Buffer {
  return createHash('md5')
    .update(exportedSessionKey)
    .update(`session key to ${side}-to-${side === 'client' ? 'server' : 'client'} signing key magic constant\0`, 'latin1')
    .digest();
}

function sealKey(exportedSessionKey: Uint8Array, side: 'client' | 'server', flags: number): Buffer {
  // MS-NLMP 3.4.5.3 SEALKEY: the session key is cut to 56 or 40 bits unless 128-bit was negotiated.
  const key =
    flags & NTLMSSP_NEGOTIATE_128 ? exportedSessionKey : flags & NTLMSSP_NEGOTIATE_56 ? exportedSessionKey.subarray(0, 7) : exportedSessionKey.subarray(0, 5);
  return createHash('md5')
    .update(key)
    .update(`session key to ${side}-to-${side === 'client' ? 'server' : 'client'} sealing key magic constant\0`, 'latin1')
    .digest();
}

/**
 * NTLMSSP_MESSAGE_SIGNATURE over `data` with sequence number `seq`, extended session security
 * (MS-NLMP 3.4.4.2); the checksum is RC4-sealed only with KEY_EXCH. Null without extended session
 * security (the NTLMv1 CRC32 signature is not worth supporting for a probe).
 */
export function ntlmSign(exportedSessionKey: Uint8Array, side: 'client' | 'server', seq: number, data: Uint8Array, flags = CLIENT_FLAGS): Buffer | null {
  if (!(flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) return null;
  const seqBuf = Buffer.alloc(4);
  seqBuf.writeUInt32LE(seq >>> 0);
  const checksum = hmacMd5(signKey(exportedSessionKey, side), seqBuf, data).subarray(0, 8);
  const sealed = flags & NTLMSSP_NEGOTIATE_KEY_EXCH ? rc4(sealKey(exportedSessionKey, side, flags), checksum) : checksum;
  return Buffer.concat([Buffer.from([1, 0, 0, 0]), sealed, seqBuf]);
}

// ---------------------------------------------------------------------------------------------
// SPNEGO (DER) for the Negotiate scheme

const SPNEGO_OID = Buffer.from([0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02]);
export const NTLM_MECH_OID = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a]);
/** The DER MechTypeList we send (SEQUENCE OF the NTLM OID); mechListMIC covers exactly these bytes. */
export const MECH_TYPE_LIST = tlv(0x30, NTLM_MECH_OID);

function derLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLen(body.length), body]);
}

/** GSS InitialContextToken with NegTokenInit { mechTypes: [NTLM], mechToken }. */
export function spnegoInit(ntlmToken: Uint8Array): Buffer {
  const negTokenInit = tlv(0xa0, tlv(0x30, tlv(0xa0, MECH_TYPE_LIST), tlv(0xa2, tlv(0x04, ntlmToken))));
  return tlv(0x60, SPNEGO_OID, negTokenInit);
}

/** NegTokenResp { responseToken, mechListMIC? } as the client's second token. */
export function spnegoResponse(ntlmToken: Uint8Array, mechListMic?: Uint8Array | null): Buffer {
  const parts = [tlv(0xa2, tlv(0x04, ntlmToken))];
  if (mechListMic) parts.push(tlv(0xa3, tlv(0x04, mechListMic)));
  return tlv(0xa1, tlv(0x30, ...parts));
}

/** What the server's answer to the first leg carries: the NTLM CHALLENGE, raw or inside a SPNEGO NegTokenResp. */
export interface ServerChallenge {
  challenge: Buffer | null;
  negState: number | null;
  supportedMech: string | null;
}

/**
 * The CHALLENGE in the server's Negotiate token, read with the core's SPNEGO decoder (the one the
 * hovers and `decode` use). Some servers answer SPNEGO with a bare NTLM token: taken as it is.
 */
export function challengeFromNegotiate(token: Uint8Array): ServerChallenge {
  const b = Buffer.from(token);
  if (b.length >= 8 && b.subarray(0, 8).toString('latin1') === 'NTLMSSP\0') {
    return { challenge: b, negState: null, supportedMech: '1.3.6.1.4.1.311.2.2.10' };
  }
  let t;
  try {
    t = decodeSpnego(b);
  } catch (e) {
    throw new NtlmClientError(`the server's Negotiate token is not SPNEGO: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (t.token !== 'negTokenResp') throw new NtlmClientError('expected an SPNEGO NegTokenResp from the server, got a NegTokenInit');
  return { challenge: t.innerToken ? Buffer.from(t.innerToken) : null, negState: t.negState, supportedMech: t.supportedMech };
}
