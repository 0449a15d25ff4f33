// NTLM messages (MS-NLMP 2.2.1): NEGOTIATE, CHALLENGE and AUTHENTICATE, with the AV pairs of the
// CHALLENGE target info and of the NTLMv2 response blob. Every offset and length is checked
// against the buffer; anything that does not fit is a TokenError naming the byte offset.

/** A structural error in a token: what is wrong, at which byte offset of the decoded bytes. */
export class TokenError extends Error {
  constructor(
    public readonly reason: string,
    public readonly offset: number,
  ) {
    super(`${reason} at byte ${offset}`);
    this.name = 'TokenError';
  }
}

// ---------------------------------------------------------------------------------------------
// Flags (MS-NLMP 2.2.2.5), named as the specification spells them (including the irregular
// NTLM_NEGOTIATE_OEM). Bits the specification reserves are named by their historic meaning where
// one is common (0x4000 LOCAL_CALL: loopback authentication) and otherwise `NTLMSSP_RESERVED_rN`.

export const NTLMSSP_NEGOTIATE_UNICODE = 0x00000001;
export const NTLM_NEGOTIATE_OEM = 0x00000002;
export const NTLMSSP_REQUEST_TARGET = 0x00000004;
export const NTLMSSP_NEGOTIATE_SIGN = 0x00000010;
export const NTLMSSP_NEGOTIATE_SEAL = 0x00000020;
export const NTLMSSP_NEGOTIATE_DATAGRAM = 0x00000040;
export const NTLMSSP_NEGOTIATE_LM_KEY = 0x00000080;
export const NTLMSSP_NEGOTIATE_NTLM = 0x00000200;
export const NTLMSSP_NEGOTIATE_ANONYMOUS = 0x00000800;
export const NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED = 0x00001000;
export const NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED = 0x00002000;
export const NTLMSSP_NEGOTIATE_LOCAL_CALL = 0x00004000;
export const NTLMSSP_NEGOTIATE_ALWAYS_SIGN = 0x00008000;
export const NTLMSSP_TARGET_TYPE_DOMAIN = 0x00010000;
export const NTLMSSP_TARGET_TYPE_SERVER = 0x00020000;
export const NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
export const NTLMSSP_NEGOTIATE_IDENTIFY = 0x00100000;
export const NTLMSSP_REQUEST_NON_NT_SESSION_KEY = 0x00400000;
export const NTLMSSP_NEGOTIATE_TARGET_INFO = 0x00800000;
export const NTLMSSP_NEGOTIATE_VERSION = 0x02000000;
export const NTLMSSP_NEGOTIATE_128 = 0x20000000;
export const NTLMSSP_NEGOTIATE_KEY_EXCH = 0x40000000;
export const NTLMSSP_NEGOTIATE_56 = 0x80000000;

/** Name of each of the 32 bits, index = bit number (bit 0 = 0x00000001). */
export const NTLM_FLAG_NAMES: readonly string[] = [
  'NTLMSSP_NEGOTIATE_UNICODE', // A
  'NTLM_NEGOTIATE_OEM', // B
  'NTLMSSP_REQUEST_TARGET', // C
  'NTLMSSP_RESERVED_r10',
  'NTLMSSP_NEGOTIATE_SIGN', // D
  'NTLMSSP_NEGOTIATE_SEAL', // E
  'NTLMSSP_NEGOTIATE_DATAGRAM', // F
  'NTLMSSP_NEGOTIATE_LM_KEY', // G
  'NTLMSSP_RESERVED_r9',
  'NTLMSSP_NEGOTIATE_NTLM', // H
  'NTLMSSP_RESERVED_r8',
  'NTLMSSP_NEGOTIATE_ANONYMOUS', // J
  'NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED', // K
  'NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED', // L
  'NTLMSSP_NEGOTIATE_LOCAL_CALL', // r7
  'NTLMSSP_NEGOTIATE_ALWAYS_SIGN', // M
  'NTLMSSP_TARGET_TYPE_DOMAIN', // N
  'NTLMSSP_TARGET_TYPE_SERVER', // O
  'NTLMSSP_RESERVED_r6',
  'NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY', // P
  'NTLMSSP_NEGOTIATE_IDENTIFY', // Q
  'NTLMSSP_RESERVED_r5',
  'NTLMSSP_REQUEST_NON_NT_SESSION_KEY', // R
  'NTLMSSP_NEGOTIATE_TARGET_INFO', // S
  'NTLMSSP_RESERVED_r4',
  'NTLMSSP_NEGOTIATE_VERSION', // T
  'NTLMSSP_RESERVED_r3',
  'NTLMSSP_RESERVED_r2',
  'NTLMSSP_RESERVED_r1',
  'NTLMSSP_NEGOTIATE_128', // U
  'NTLMSSP_NEGOTIATE_KEY_EXCH', // V
  'NTLMSSP_NEGOTIATE_56', // W
];

/** The names of the set bits, in bit order (lowest bit first). */
export function ntlmFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 32; bit++) if ((flags >>> bit) & 1) out.push(NTLM_FLAG_NAMES[bit]);
  return out;
}

/** Bit value of a flag name, or undefined. */
export function ntlmFlagValue(name: string): number | undefined {
  const bit = NTLM_FLAG_NAMES.indexOf(name);
  return bit < 0 ? undefined : (2 ** bit) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// AV pairs (MS-NLMP 2.2.2.1)

export const AV_NAMES: Record<number, string> = {
  0: 'MsvAvEOL',
  1: 'MsvAvNbComputerName',
  2: 'MsvAvNbDomainName',
  3: 'MsvAvDnsComputerName',
  4: 'MsvAvDnsDomainName',
  5: 'MsvAvDnsTreeName',
  6: 'MsvAvFlags',
  7: 'MsvAvTimestamp',
  8: 'MsvAvSingleHost',
  9: 'MsvAvTargetName',
  10: 'MsvAvChannelBindings',
};

export const MsvAvFlags_ACCOUNT_AUTH_CONSTRAINED = 0x1;
export const MsvAvFlags_MIC_PRESENT = 0x2;
export const MsvAvFlags_SPN_UNTRUSTED_SOURCE = 0x4;

export interface AvPair {
  id: number;
  /** MS-NLMP name, or `MsvAv0x00NN` for an unknown id. */
  name: string;
  /** Byte offset of the pair (its AvId) in the whole message. */
  offset: number;
  value: Uint8Array;
  /** Readable form: the string for name pairs, flags number as hex, ISO time, hex otherwise. */
  text: string;
}

export interface AvInfo {
  pairs: AvPair[];
  nbComputerName: string | null;
  nbDomainName: string | null;
  dnsComputerName: string | null;
  dnsDomainName: string | null;
  dnsTreeName: string | null;
  /** MsvAvFlags value, or null when the pair is absent. */
  avFlags: number | null;
  /** MsvAvTimestamp as ISO 8601, or null. */
  timestamp: string | null;
  /** MsvAvTargetName (the SPN the client meant), or null. */
  targetName: string | null;
  /** MsvAvChannelBindings as lowercase hex, or null when absent. */
  channelBindings: string | null;
}

export interface NtlmVersion {
  major: number;
  minor: number;
  build: number;
  ntlmRevision: number;
  /** "10.0.20348" */
  text: string;
  /**
   * NTLMSSP_NEGOTIATE_VERSION is set in the message's flags. MS-NLMP 2.2.2.10: the structure is
   * meaningful only then (Wireshark shows it only then); bytes without the flag are reported, marked.
   */
  negotiated: boolean;
}

interface NtlmCommon {
  flags: number;
  flagNames: string[];
  version: NtlmVersion | null;
  /** Total length of the decoded message. */
  length: number;
  /** Non-fatal observations (e.g. a field that overlaps another, trailing bytes). */
  warnings: string[];
}

export interface NtlmNegotiate extends NtlmCommon {
  messageType: 1;
  domain: string | null;
  workstation: string | null;
}

export interface NtlmChallenge extends NtlmCommon {
  messageType: 2;
  targetName: string | null;
  /** 8-byte server challenge as hex. */
  serverChallenge: string;
  targetInfo: AvInfo | null;
}

export interface NtlmV2Blob {
  /** NTProofStr as hex. */
  ntProofStr: string;
  respType: number;
  hiRespType: number;
  /** The blob's own timestamp (FILETIME) as ISO. */
  timestamp: string | null;
  /** ChallengeFromClient as hex. */
  clientChallenge: string;
  avPairs: AvInfo;
}

export interface NtlmAuthenticate extends NtlmCommon {
  messageType: 3;
  domain: string;
  user: string;
  workstation: string;
  lmResponseLength: number;
  ntResponseLength: number;
  /** 2 for an NTLMv2 response, 1 for a 24-byte NTLMv1 response, null when there is none (anonymous / local call). */
  ntlmVersion: 1 | 2 | null;
  ntlmV2: NtlmV2Blob | null;
  sessionKeyLength: number;
  /** The 16-byte MIC field as hex, when the header has one (see `micOffset`). */
  mic: string | null;
  /** Byte offset of the MIC field: 72 after a VERSION, 64 in a header without VERSION; null without a MIC field. */
  micOffset: number | null;
  /** True when MsvAvFlags says a MIC is present (bit 0x2) and the header has the MIC field: the contract's `mic`. */
  micAnnounced: boolean;
  /** True when the MIC field is there and not all zero, announced or not (a local-call AUTHENTICATE carries one without AV pairs). */
  micPresent: boolean;
  /** MsvAvTargetName of the NTLMv2 blob. */
  spn: string | null;
  /** MsvAvChannelBindings as lowercase hex, or null when absent. */
  channelBindings: string | null;
  /** absent; zero = 16 zero bytes (MS-NLMP 2.2.2.1); present = any other value, a malformed one included. */
  channelBindingsState: 'absent' | 'zero' | 'present';
  /** MsvAvChannelBindings is there but not 16 bytes long (a zero-length one included): no server accepts it. */
  channelBindingsMalformed: boolean;
  /** MsvAvTimestamp of the NTLMv2 blob as ISO, or null. */
  timestamp: string | null;
  /** Anonymous AUTHENTICATE: user, NT and LM responses all empty. */
  anonymous: boolean;
}

export type NtlmMessage = NtlmNegotiate | NtlmChallenge | NtlmAuthenticate;

export const NTLMSSP_SIGNATURE = Uint8Array.from([0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00]);

/** Does the buffer start with "NTLMSSP\0"? */
export function isNtlm(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== NTLMSSP_SIGNATURE[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function u16(b: Uint8Array, off: number, what: string): number {
  if (off + 2 > b.length) throw new TokenError(`${what}: message ends (${b.length} bytes) before this 2-byte field`, off);
  return b[off] | (b[off + 1] << 8);
}

function u32(b: Uint8Array, off: number, what: string): number {
  if (off + 4 > b.length) throw new TokenError(`${what}: message ends (${b.length} bytes) before this 4-byte field`, off);
  return (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

interface Field {
  len: number;
  offset: number;
  fieldOffset: number;
}

/** A security buffer (Len, MaxLen, Offset) at `at`; checks that the data lies inside the message. */
function secBuf(b: Uint8Array, at: number, what: string): Field {
  const len = u16(b, at, `${what}Len`);
  const offset = u32(b, at + 4, `${what}BufferOffset`);
  if (len > 0 && (offset > b.length || offset + len > b.length)) {
    throw new TokenError(`${what} (${len} bytes at offset ${offset}) lies beyond the end of the ${b.length}-byte message`, at);
  }
  return { len, offset, fieldOffset: at };
}

function slice(b: Uint8Array, f: Field): Uint8Array {
  return f.len === 0 ? new Uint8Array(0) : b.subarray(f.offset, f.offset + f.len);
}

function utf16le(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b[i] | (b[i + 1] << 8));
  return s;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

function str(b: Uint8Array, f: Field, unicode: boolean, what: string, warnings: string[]): string {
  const v = slice(b, f);
  if (unicode && v.length % 2 === 1) warnings.push(`${what} has an odd length (${v.length}) for a Unicode string; last byte ignored`);
  return unicode ? utf16le(v) : latin1(v);
}

const FILETIME_EPOCH_DIFF_MS = 11644473600000n;

/** Windows FILETIME (100 ns since 1601) → ISO 8601, or null if out of the JS date range. */
export function filetimeToIso(b: Uint8Array, off: number): string | null {
  if (off + 8 > b.length) return null;
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  if (v === 0n) return null;
  const ms = v / 10000n - FILETIME_EPOCH_DIFF_MS;
  const n = Number(ms);
  if (!Number.isFinite(n) || Math.abs(n) > 8.64e15) return null;
  return new Date(n).toISOString();
}

function version(b: Uint8Array, off: number, flags: number): NtlmVersion | null {
  if (off + 8 > b.length) return null;
  const major = b[off],
    minor = b[off + 1],
    build = b[off + 2] | (b[off + 3] << 8),
    ntlmRevision = b[off + 7];
  if (major === 0 && minor === 0 && build === 0 && ntlmRevision === 0) return null;
  const negotiated = (flags & NTLMSSP_NEGOTIATE_VERSION) !== 0;
  return { major, minor, build, ntlmRevision, text: `${major}.${minor}.${build}`, negotiated };
}

/** Parse an AV_PAIR list from `data`, whose first byte is at `base` in the whole message. */
export function parseAvPairs(data: Uint8Array, base: number, warnings: string[]): AvInfo {
  const info: AvInfo = {
    pairs: [],
    nbComputerName: null,
    nbDomainName: null,
    dnsComputerName: null,
    dnsDomainName: null,
    dnsTreeName: null,
    avFlags: null,
    timestamp: null,
    targetName: null,
    channelBindings: null,
  };
  let p = 0;
  let sawEol = false;
  while (p < data.length) {
    if (p + 4 > data.length) {
      throw new TokenError(`AV pair header needs 4 bytes but only ${data.length - p} remain`, base + p);
    }
    const id = data[p] | (data[p + 1] << 8);
    const len = data[p + 2] | (data[p + 3] << 8);
    if (p + 4 + len > data.length) {
      throw new TokenError(`AV pair ${AV_NAMES[id] ?? 'id ' + id} declares ${len} bytes but only ${data.length - p - 4} remain`, base + p + 2);
    }
    const value = data.subarray(p + 4, p + 4 + len);
    const name = AV_NAMES[id] ?? `MsvAv0x${id.toString(16).padStart(4, '0')}`;
    let text: string;
    switch (id) {
      case 0:
        text = '';
        break;
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
      case 9:
        text = utf16le(value);
        break;
      case 6:
        text = len >= 4 ? '0x' + u32(value, 0, 'MsvAvFlags').toString(16).padStart(8, '0') : toHex(value);
        break;
      case 7:
        text = (len >= 8 ? filetimeToIso(value, 0) : null) ?? toHex(value);
        break;
      default:
        text = toHex(value);
    }
    info.pairs.push({ id, name, offset: base + p, value, text });
    switch (id) {
      case 1:
        info.nbComputerName = text;
        break;
      case 2:
        info.nbDomainName = text;
        break;
      case 3:
        info.dnsComputerName = text;
        break;
      case 4:
        info.dnsDomainName = text;
        break;
      case 5:
        info.dnsTreeName = text;
        break;
      case 6:
        if (len !== 4) warnings.push(`MsvAvFlags has length ${len}, expected 4 (byte ${base + p})`);
        if (len >= 4) info.avFlags = u32(value, 0, 'MsvAvFlags');
        break;
      case 7:
        if (len !== 8) warnings.push(`MsvAvTimestamp has length ${len}, expected 8 (byte ${base + p})`);
        info.timestamp = len >= 8 ? filetimeToIso(value, 0) : null;
        break;
      case 9:
        info.targetName = text;
        break;
      case 10:
        if (len !== 16) warnings.push(`MsvAvChannelBindings has length ${len}, expected 16 (byte ${base + p})`);
        info.channelBindings = toHex(value);
        break;
    }
    p += 4 + len;
    if (id === 0) {
      sawEol = true;
      break;
    }
  }
  if (!sawEol) warnings.push(`AV pair list at byte ${base} has no MsvAvEOL terminator`);
  return info;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** Decode one NTLM message. Throws TokenError (only) for anything that does not fit. */
export function decodeNtlm(bytes: Uint8Array): NtlmMessage {
  const b = bytes;
  if (b.length < 8) throw new TokenError(`too short for an NTLM message (${b.length} bytes; the signature alone is 8)`, 0);
  if (!isNtlm(b)) throw new TokenError('missing the "NTLMSSP\\0" signature', 0);
  const type = u32(b, 8, 'MessageType');
  switch (type) {
    case 1:
      return negotiate(b);
    case 2:
      return challenge(b);
    case 3:
      return authenticate(b);
    default:
      throw new TokenError(`unknown NTLM MessageType ${type} (expected 1, 2 or 3)`, 8);
  }
}

function negotiate(b: Uint8Array): NtlmNegotiate {
  const warnings: string[] = [];
  const flags = u32(b, 12, 'NegotiateFlags');
  // Old clients send only the 16-byte header; the domain/workstation fields are optional.
  let domain: string | null = null;
  let workstation: string | null = null;
  let ver: NtlmVersion | null = null;
  if (b.length >= 32) {
    const d = secBuf(b, 16, 'DomainName');
    const w = secBuf(b, 24, 'Workstation');
    // These are OEM strings per MS-NLMP 2.2.1.1.
    if (d.len) domain = latin1(slice(b, d));
    if (w.len) workstation = latin1(slice(b, w));
    const payloadStart = Math.min(...[d, w].filter((f) => f.len > 0).map((f) => f.offset), b.length);
    if (b.length >= 40 && payloadStart >= 40) ver = version(b, 32, flags);
  } else if (b.length > 16) {
    warnings.push(`NEGOTIATE of ${b.length} bytes: fields after byte 16 are incomplete and ignored`);
  }
  return { messageType: 1, flags, flagNames: ntlmFlagNames(flags), version: ver, length: b.length, warnings, domain, workstation };
}

function challenge(b: Uint8Array): NtlmChallenge {
  const warnings: string[] = [];
  const tn = secBuf(b, 12, 'TargetName');
  const flags = u32(b, 20, 'NegotiateFlags');
  if (b.length < 32) throw new TokenError(`CHALLENGE ends before its 8-byte ServerChallenge (${b.length} bytes)`, 24);
  const serverChallenge = toHex(b.subarray(24, 32));
  const unicode = (flags & NTLMSSP_NEGOTIATE_UNICODE) !== 0;
  const targetName = tn.len ? str(b, tn, unicode, 'TargetName', warnings) : null;
  let targetInfo: AvInfo | null = null;
  let ver: NtlmVersion | null = null;
  if (b.length >= 48) {
    const ti = secBuf(b, 40, 'TargetInfo');
    if (ti.len) targetInfo = parseAvPairs(slice(b, ti), ti.offset, warnings);
    const starts = [tn, ti].filter((f) => f.len > 0).map((f) => f.offset);
    const payloadStart = starts.length ? Math.min(...starts) : b.length;
    if (payloadStart >= 56) ver = version(b, 48, flags);
  }
  return {
    messageType: 2,
    flags,
    flagNames: ntlmFlagNames(flags),
    version: ver,
    length: b.length,
    warnings,
    targetName,
    serverChallenge,
    targetInfo,
  };
}

function authenticate(b: Uint8Array): NtlmAuthenticate {
  const warnings: string[] = [];
  if (b.length < 64) throw new TokenError(`AUTHENTICATE header is 64 bytes at least, message has ${b.length}`, b.length);
  const lm = secBuf(b, 12, 'LmChallengeResponse');
  const nt = secBuf(b, 20, 'NtChallengeResponse');
  const dom = secBuf(b, 28, 'DomainName');
  const usr = secBuf(b, 36, 'UserName');
  const ws = secBuf(b, 44, 'Workstation');
  const key = secBuf(b, 52, 'EncryptedRandomSessionKey');
  const flags = u32(b, 60, 'NegotiateFlags');
  const unicode = (flags & NTLMSSP_NEGOTIATE_UNICODE) !== 0;
  const fields = [lm, nt, dom, usr, ws, key];
  // Where the payload starts bounds the fixed part, and so tells which optional parts (VERSION,
  // MIC) it holds (MS-NLMP 2.2.1.3): 64 neither, 72 VERSION, 88 VERSION and MIC. Empty fields
  // still carry an offset that real implementations point at the payload start.
  const offsets = fields.map((f) => f.offset).filter((o) => o >= 64 && o <= b.length);
  const payloadStart = offsets.length ? Math.min(...offsets) : 64;
  const room = Math.min(payloadStart, b.length) - 64;

  const domain = str(b, dom, unicode, 'DomainName', warnings);
  const user = str(b, usr, unicode, 'UserName', warnings);
  const workstation = str(b, ws, unicode, 'Workstation', warnings);

  let ntlmVersion: 1 | 2 | null = null;
  let ntlmV2: NtlmV2Blob | null = null;
  if (nt.len === 24) ntlmVersion = 1;
  else if (nt.len > 24) {
    ntlmVersion = 2;
    ntlmV2 = v2Blob(b, nt, warnings);
  } else if (nt.len > 0) {
    throw new TokenError(`NtChallengeResponse of ${nt.len} bytes is neither NTLMv1 (24) nor NTLMv2 (more than 24)`, nt.fieldOffset);
  }
  const av = ntlmV2?.avPairs ?? null;
  const micByFlag = av?.avFlags !== null && av?.avFlags !== undefined && (av.avFlags & MsvAvFlags_MIC_PRESENT) !== 0;

  // 16 to 23 bytes of room hold a MIC without a VERSION before it (a client that does not
  // negotiate VERSION): reading them as VERSION would show the MIC's first bytes as an OS version.
  let verAt: number | null = null;
  let micAt: number | null = null;
  if (room >= 24) {
    verAt = 64;
    micAt = 72;
  } else if (room >= 16 && (micByFlag || (flags & NTLMSSP_NEGOTIATE_VERSION) === 0)) micAt = 64;
  else if (room >= 8) verAt = 64;
  const ver = verAt !== null ? version(b, verAt, flags) : null;
  const micHex = micAt !== null ? toHex(b.subarray(micAt, micAt + 16)) : null;

  const channelBindings = av?.channelBindings ?? null;
  const channelBindingsMalformed = channelBindings !== null && channelBindings.length !== 32;
  const channelBindingsState = channelBindings === null ? 'absent' : channelBindings.length === 32 && /^0+$/.test(channelBindings) ? 'zero' : 'present';
  const micPresent = micHex !== null && (micByFlag || !/^0*$/.test(micHex));
  if (micByFlag && micHex === null) warnings.push('MsvAvFlags announces a MIC but the header has no room for the MIC field');
  return {
    messageType: 3,
    flags,
    flagNames: ntlmFlagNames(flags),
    version: ver,
    length: b.length,
    warnings,
    domain,
    user,
    workstation,
    lmResponseLength: lm.len,
    ntResponseLength: nt.len,
    ntlmVersion,
    ntlmV2,
    sessionKeyLength: key.len,
    mic: micHex,
    micOffset: micAt,
    micAnnounced: micByFlag && micHex !== null,
    micPresent,
    spn: av?.targetName ?? null,
    channelBindings,
    channelBindingsState,
    channelBindingsMalformed,
    timestamp: av?.timestamp ?? null,
    anonymous: usr.len === 0 && nt.len === 0 && lm.len <= 1,
  };
}

function v2Blob(b: Uint8Array, nt: Field, warnings: string[]): NtlmV2Blob {
  const r = slice(b, nt);
  const base = nt.offset;
  // NTProofStr(16) RespType(1) HiRespType(1) Reserved1(2) Reserved2(4) TimeStamp(8) ChallengeFromClient(8) Reserved3(4) AvPairs
  if (r.length < 16 + 28) {
    throw new TokenError(`NTLMv2 response of ${r.length} bytes is shorter than NTProofStr plus the 28-byte blob header`, base);
  }
  const respType = r[16],
    hiRespType = r[17];
  if (respType !== 1 || hiRespType !== 1) warnings.push(`NTLMv2 blob RespType/HiRespType are ${respType}/${hiRespType}, expected 1/1 (byte ${base + 16})`);
  const avPairs = parseAvPairs(r.subarray(44), base + 44, warnings);
  return {
    ntProofStr: toHex(r.subarray(0, 16)),
    respType,
    hiRespType,
    timestamp: filetimeToIso(r, 24),
    clientChallenge: toHex(r.subarray(32, 40)),
    avPairs,
  };
}
