// decodeToken: one entry point for everything an Authorization / WWW-Authenticate header can
// carry (NTLM, SPNEGO around NTLM or Kerberos, Kerberos, Basic, Bearer JWT). It never throws:
// malformed input comes back as a result with `error` naming the byte offset.
import { TokenError, decodeNtlm, isNtlm, toHex, type AvInfo, type NtlmMessage } from './ntlmMessage';
import { decodeSpnego, MECH_NAMES, OID_SPNEGO, type SpnegoToken } from './spnego';
import { decodeKerberos, readGssFrame, OID_KRB5, OID_MS_KRB5, OID_KRB5_U2U, type KerberosToken } from './kerberos';

export type Mechanism = 'NTLM' | 'Kerberos' | 'SPNEGO' | 'Basic' | 'JWT' | 'unknown';

export interface NtlmJson {
  messageType: 1 | 2 | 3;
  messageTypeName: 'NEGOTIATE' | 'CHALLENGE' | 'AUTHENTICATE';
  flags: string[];
  flagsValue: string;
  domain: string | null;
  user: string | null;
  workstation: string | null;
  targetName: string | null;
  spn: string | null;
  channelBindings: string | null;
  /** absent | zero (16 zero bytes) | present (any other value; see channelBindingsMalformed). */
  channelBindingsState: 'absent' | 'zero' | 'present';
  /** Type 3: MsvAvChannelBindings is there but not the 16 bytes MS-NLMP 2.2.2.1 prescribes (zero-length included). */
  channelBindingsMalformed?: boolean;
  /** MsvAvFlags bit 0x2 and a MIC field (the contract). */
  mic: boolean;
  /** Type 3: the MIC field holds a value, announced by MsvAvFlags or not. */
  micFieldSet?: boolean;
  /** Type 3: the MIC field as lowercase hex (at byte 72 after a VERSION, 64 without one); null when the header has no MIC field. */
  micValue?: string | null;
  ntlmVersion: 1 | 2 | null;
  timestamp: string | null;
  /** Type 3: the NTLMv2 response's own TimeStamp (the blob's FILETIME, which the server checks when MsvAvTimestamp is absent), ISO; null without one. */
  clientTimestamp?: string | null;
  /** The VERSION structure when NTLMSSP_NEGOTIATE_VERSION is negotiated, else null (MS-NLMP 2.2.2.10). */
  osVersion: string | null;
  /** NTLMRevisionCurrent of the negotiated VERSION (15 = NTLMSSP_REVISION_W2K3), else null. */
  ntlmRevision: number | null;
  /**
   * The VERSION field's bytes whenever they are not all zero, with `negotiated` false when the
   * flags do not negotiate VERSION (then MS-NLMP gives them no meaning: shown, marked, never as osVersion).
   */
  version: { major: number; minor: number; build: number; ntlmRevision: number; text: string; negotiated: boolean } | null;
  /** Type 2: the server challenge (hex). */
  serverChallenge?: string;
  /** Type 2: target info AV pairs; type 3: the NTLMv2 blob's AV pairs. */
  avPairs?: { name: string; value: string }[];
  /** MsvAvFlags as hex, when present. */
  avFlags?: string | null;
  /** Type 3 */
  lmResponseLength?: number;
  ntResponseLength?: number;
  sessionKeyLength?: number;
  anonymous?: boolean;
  /** Type 2: names from the target info (the server's view). */
  dnsComputerName?: string | null;
  dnsDomainName?: string | null;
  nbComputerName?: string | null;
  nbDomainName?: string | null;
}

export interface KerberosJson {
  messageType: KerberosToken['messageType'];
  realm: string | null;
  sname: string | null;
  etype: number | null;
  etypeName: string | null;
  kvno: number | null;
  authenticatorEtype: number | null;
  mutualRequired: boolean;
  apOptions: string[];
  errorCode?: number | null;
  errorName?: string | null;
  errorText?: string | null;
  gssOid: string | null;
  /** The ticket stays encrypted: only its length is known. */
  ticketCipherLength: number | null;
}

export interface SpnegoJson {
  token: SpnegoToken['token'];
  mechTypes: string[];
  mechTypeNames: string[];
  state: string | null;
  mechListMIC: boolean;
  hintName?: string | null;
  /** NegTokenInit reqFlags (RFC 4178 ContextFlags) by name, in bit order; null when the token has none. */
  reqFlags?: string[] | null;
}

export interface JwtJson {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** From `exp`; null when the token has no exp claim. */
  expired: boolean | null;
  expiresAt: string | null;
  signatureVerified: false;
  note: string;
}

export interface DecodeResult {
  /** The scheme as written (canonical case): Negotiate, NTLM, Kerberos, Basic, Bearer; null for a bare token. */
  scheme: string | null;
  mechanism: Mechanism;
  /** The header name when a whole header line was given. */
  header?: string;
  ntlm?: NtlmJson;
  kerberos?: KerberosJson;
  basic?: { user: string; passwordLength: number | null };
  jwt?: JwtJson;
  spnego?: SpnegoJson;
  /** Schemes a challenge offers without a token (`WWW-Authenticate: Negotiate, NTLM`). */
  offers?: string[];
  /** Decoded token length in bytes. */
  length?: number;
  warnings?: string[];
  /** Set when the input could not be decoded: one line, naming the byte offset. */
  error?: string;
  errorKind?: 'empty' | 'not-base64' | 'malformed' | 'too-large';
  errorOffset?: number;
}

export const HEADER_NAMES = ['Authorization', 'WWW-Authenticate', 'Proxy-Authorization', 'Proxy-Authenticate'];
const SCHEMES: Record<string, string> = {
  negotiate: 'Negotiate',
  ntlm: 'NTLM',
  kerberos: 'Kerberos',
  basic: 'Basic',
  bearer: 'Bearer',
  digest: 'Digest',
};
export const MAX_TOKEN_CHARS = 512 * 1024;

export interface AuthText {
  header: string | null;
  scheme: string | null;
  token: string | null;
  offers: string[];
}

function canonicalScheme(s: string): string {
  return SCHEMES[s.toLowerCase()] ?? s;
}

const BLANK = /\s/;

/** Offset of the first whitespace character, or -1. */
function firstBlank(s: string): number {
  for (let i = 0; i < s.length; i++) if (BLANK.test(s[i]!)) return i;
  return -1;
}

/**
 * The text before the first XML tag that is closed later (`<Data>`, `</Data>`), as
 * s.replace(/<\/?[A-Za-z][^>]*>.*$/, '') but in linear time: that regex runs to the end of the
 * text from every `<a` that has no `>` after it.
 */
function cutAtTag(s: string): string {
  const lastGt = s.lastIndexOf('>');
  for (let lt = s.indexOf('<'); lt >= 0 && lt < lastGt; lt = s.indexOf('<', lt + 1)) {
    const letter = s[lt + 1] === '/' ? lt + 2 : lt + 1;
    if (letter < lastGt && /[A-Za-z]/.test(s[letter] ?? '')) return s.slice(0, lt);
  }
  return s;
}

function trimQuotesEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '"' || s[end - 1] === "'")) end--;
  return s.slice(0, end);
}

/** Split a header line, "scheme token", IIS-log "scheme+token" or a bare token into its parts. */
export function parseAuthText(input: string): AuthText {
  let text = input.replace(/^\uFEFF/, '');
  if (/[\r\n\u2028\u2029]/.test(text)) {
    // Every line terminator splits: the header pattern below ends in `.*$`, which a terminator left
    // inside would make it retry from every later header name.
    const lines = text
      .split(/\r?\n|[\r\u2028\u2029]/)
      .map((l) => l.trim())
      .filter(Boolean);
    text = lines.find((l) => /^(?:proxy-)?(?:authorization|www-authenticate|authenticate)\s*:/i.test(l)) ?? lines[0] ?? '';
  }
  text = text.trim();
  let header: string | null = null;
  // The header may sit anywhere in a pasted line (a FREB `<Data Name="Headers">Authorization: ...`).
  const hm = /(?:^|[^A-Za-z-])((?:Proxy-)?Authorization|(?:WWW|Proxy)-Authenticate)\s*:\s*(.*)$/i.exec(text);
  if (hm) {
    header = HEADER_NAMES.find((h) => h.toLowerCase() === hm[1].toLowerCase()) ?? hm[1];
    text = cutAtTag(hm[2]).trim();
  }
  // Quoted values as in JSON or logs.
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0]) text = text.slice(1, -1).trim();
  // IIS W3C logs write spaces in header fields as '+': "Negotiate+TlRMTVNT...".
  const plus = /^(Negotiate|NTLM|Kerberos|Basic|Bearer)\+(\S+)$/i.exec(text);
  if (plus) return { header, scheme: canonicalScheme(plus[1]), token: plus[2], offers: [] };
  // split(',') and trim, not split(/\s*,\s*/): the regex rescans a long run of blanks from each of its positions.
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const offers: string[] = [];
  for (const item of items) {
    const blank = firstBlank(item);
    const first = blank < 0 ? item : item.slice(0, blank);
    const rest = blank < 0 ? undefined : item.slice(blank).trimStart();
    if (rest === undefined) {
      if (SCHEMES[first.toLowerCase()] || (header && first.length <= 16 && /^[A-Za-z][A-Za-z-]*$/.test(first))) {
        offers.push(canonicalScheme(first));
        continue;
      }
      if (items.length === 1) return { header, scheme: null, token: first, offers: [] };
      continue;
    }
    // `Basic realm="x"`: an auth-param list, not a token.
    if (/^[A-Za-z0-9_-]+=[^=]/.test(rest)) {
      offers.push(canonicalScheme(first));
      continue;
    }
    // The token is the first word after the scheme; XML or quotes glued to it are not part of it.
    const blankAfter = firstBlank(rest);
    const word = trimQuotesEnd(cutAtTag(blankAfter < 0 ? rest : rest.slice(0, blankAfter)));
    return { header, scheme: canonicalScheme(first), token: word, offers };
  }
  return { header, scheme: null, token: null, offers };
}

const B64_CHARS = /^[A-Za-z0-9+/_-]*$/;

/** Strict-enough base64 (standard or URL-safe, padding optional). Throws TokenError with the text offset. */
export function base64Bytes(token: string): Buffer {
  let s = token;
  let end = s.length;
  while (end > 0 && s[end - 1] === '=') end--;
  if (s.length - end > 2) throw new TokenError('not base64: more than two "=" padding characters', end + 2);
  s = s.slice(0, end);
  if (!B64_CHARS.test(s)) {
    let i = 0;
    while (i < s.length && /[A-Za-z0-9+/_-]/.test(s[i])) i++;
    throw new TokenError(`not base64: character ${JSON.stringify(s[i])} (character ${i + 1} of the token)`, i);
  }
  if (s.length % 4 === 1) throw new TokenError(`not base64: ${s.length} characters cannot encode whole bytes`, s.length);
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function ntlmJson(m: NtlmMessage): NtlmJson {
  const base = {
    messageType: m.messageType,
    messageTypeName: (['NEGOTIATE', 'CHALLENGE', 'AUTHENTICATE'] as const)[m.messageType - 1],
    flags: m.flagNames,
    flagsValue: '0x' + m.flags.toString(16).padStart(8, '0'),
    osVersion: m.version?.negotiated ? m.version.text : null,
    ntlmRevision: m.version?.negotiated ? m.version.ntlmRevision : null,
    version: m.version ? { ...m.version } : null,
  };
  const pairs = (av: AvInfo | null) => (av ? av.pairs.filter((p) => p.id !== 0).map((p) => ({ name: p.name, value: p.text })) : []);
  if (m.messageType === 1) {
    return {
      ...base,
      domain: m.domain,
      user: null,
      workstation: m.workstation,
      targetName: null,
      spn: null,
      channelBindings: null,
      channelBindingsState: 'absent',
      mic: false,
      ntlmVersion: null,
      timestamp: null,
    };
  }
  if (m.messageType === 2) {
    const ti = m.targetInfo;
    return {
      ...base,
      domain: null,
      user: null,
      workstation: null,
      targetName: m.targetName,
      spn: null,
      channelBindings: null,
      channelBindingsState: 'absent',
      mic: false,
      ntlmVersion: null,
      timestamp: ti?.timestamp ?? null,
      serverChallenge: m.serverChallenge,
      avPairs: pairs(ti),
      nbComputerName: ti?.nbComputerName ?? null,
      nbDomainName: ti?.nbDomainName ?? null,
      dnsComputerName: ti?.dnsComputerName ?? null,
      dnsDomainName: ti?.dnsDomainName ?? null,
    };
  }
  const av = m.ntlmV2?.avPairs ?? null;
  return {
    ...base,
    domain: m.domain,
    user: m.user,
    workstation: m.workstation,
    targetName: null,
    spn: m.spn,
    channelBindings: m.channelBindings,
    channelBindingsState: m.channelBindingsState,
    channelBindingsMalformed: m.channelBindingsMalformed,
    mic: m.micAnnounced,
    micFieldSet: m.micPresent,
    micValue: m.mic,
    ntlmVersion: m.ntlmVersion,
    timestamp: m.timestamp,
    clientTimestamp: m.ntlmV2?.timestamp ?? null,
    avPairs: pairs(av),
    avFlags: av?.avFlags != null ? '0x' + av.avFlags.toString(16).padStart(8, '0') : null,
    lmResponseLength: m.lmResponseLength,
    ntResponseLength: m.ntResponseLength,
    sessionKeyLength: m.sessionKeyLength,
    anonymous: m.anonymous,
  };
}

function kerberosJson(k: KerberosToken): KerberosJson {
  const j: KerberosJson = {
    messageType: k.messageType,
    realm: k.realm,
    sname: k.sname,
    etype: k.etype,
    etypeName: k.etypeName,
    kvno: k.kvno,
    authenticatorEtype: k.authenticatorEtype,
    mutualRequired: k.mutualRequired,
    apOptions: k.apOptions,
    gssOid: k.gssOid,
    ticketCipherLength: k.ticketCipherLength,
  };
  if (k.messageType === 'KRB-ERROR') {
    j.errorCode = k.errorCode;
    j.errorName = k.errorName;
    j.errorText = k.errorText;
  }
  return j;
}

/** Decoded bytes are NTLM, Kerberos or SPNEGO? Fills `r` accordingly. Throws TokenError. */
function decodeBinary(b: Uint8Array, r: DecodeResult, warnings: string[]): void {
  if (isNtlm(b)) {
    const m = decodeNtlm(b);
    warnings.push(...m.warnings);
    r.mechanism = 'NTLM';
    r.ntlm = ntlmJson(m);
    return;
  }
  const first = b[0];
  let gssOid: string | null = null;
  if (first === 0x60) gssOid = readGssFrame(b).oid;
  if (gssOid === OID_KRB5 || gssOid === OID_MS_KRB5 || gssOid === OID_KRB5_U2U || first === 0x6e || first === 0x6f || first === 0x7e) {
    r.mechanism = 'Kerberos';
    r.kerberos = kerberosJson(decodeKerberos(b));
    return;
  }
  if (gssOid === OID_SPNEGO || first === 0xa1 || first === 0xa0) {
    const s = decodeSpnego(b);
    r.mechanism = 'SPNEGO';
    r.spnego = {
      token: s.token,
      mechTypes: s.mechTypes,
      mechTypeNames: s.mechTypes.map((o) => MECH_NAMES[o] ?? o),
      state: s.state,
      mechListMIC: s.mechListMIC,
    };
    if (s.hintName) r.spnego.hintName = s.hintName;
    if (s.token === 'negTokenInit') r.spnego.reqFlags = s.reqFlagNames;
    const inner = s.innerToken;
    if (inner && inner.length > 0) {
      try {
        if (isNtlm(inner)) {
          const m = decodeNtlm(inner);
          warnings.push(...m.warnings);
          r.mechanism = 'NTLM';
          r.ntlm = ntlmJson(m);
        } else if (inner[0] === 0x60 || inner[0] === 0x6e || inner[0] === 0x6f || inner[0] === 0x7e) {
          r.mechanism = 'Kerberos';
          r.kerberos = kerberosJson(decodeKerberos(inner));
        } else {
          warnings.push(`SPNEGO carries a ${inner.length}-byte mechanism token that is neither NTLM nor Kerberos (byte ${s.innerOffset})`);
        }
      } catch (e) {
        if (e instanceof TokenError) throw new TokenError(`in the token SPNEGO wraps: ${e.reason}`, e.offset + s.innerOffset);
        throw e;
      }
    }
    return;
  }
  if (gssOid) {
    warnings.push(`GSS-API token of mechanism ${MECH_NAMES[gssOid] ?? gssOid} is not decoded`);
    return;
  }
  warnings.push(`${b.length} bytes that are neither NTLM (NTLMSSP), SPNEGO nor Kerberos; first byte 0x${first.toString(16).padStart(2, '0')}`);
}

function utf8OrLatin1(b: Buffer): string {
  const s = b.toString('utf8');
  return s.includes('\uFFFD') ? b.toString('latin1') : s;
}

function decodeBasic(b: Buffer, r: DecodeResult, warnings: string[]): void {
  const s = utf8OrLatin1(b);
  const i = s.indexOf(':');
  r.mechanism = 'Basic';
  if (i < 0) {
    warnings.push('Basic credentials without ":" (no password part)');
    r.basic = { user: s, passwordLength: null };
  } else {
    r.basic = { user: s.slice(0, i), passwordLength: [...s.slice(i + 1)].length };
  }
}

const JWT_RE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;

/** Deepest nesting of JWT header or claims shown: real tokens nest a few levels, and JSON.parse and every printer recurse. */
export const MAX_JWT_DEPTH = 64;

/** Deepest `[`/`{` nesting of a JSON text, strings skipped (one pass, no recursion). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}

function jsonPart(part: string, what: string, offset: number): Record<string, unknown> {
  let v: unknown;
  let text: string;
  try {
    text = base64Bytes(part).toString('utf8');
  } catch {
    throw new TokenError(`JWT ${what} is not base64url-encoded JSON`, offset);
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JWT_DEPTH)
    throw new TokenError(`JWT ${what} nested ${depth} levels deep (at most ${MAX_JWT_DEPTH} are shown; real tokens nest a few)`, offset);
  try {
    v = JSON.parse(text);
  } catch {
    throw new TokenError(`JWT ${what} is not base64url-encoded JSON`, offset);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TokenError(`JWT ${what} is not a JSON object`, offset);
  return v as Record<string, unknown>;
}

function decodeJwt(token: string, r: DecodeResult, now: number): void {
  const m = JWT_RE.exec(token);
  if (!m) throw new TokenError('not a JWT (three base64url parts separated by ".")', 0);
  const header = jsonPart(m[1], 'header', 0);
  const claims = jsonPart(m[2], 'claims', m[1].length + 1);
  const exp = typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp : null;
  const expiresAt = exp !== null && Math.abs(exp) < 8.64e12 ? new Date(exp * 1000).toISOString() : null;
  r.mechanism = 'JWT';
  r.jwt = {
    header,
    claims,
    expired: exp === null ? null : exp * 1000 < now,
    expiresAt,
    signatureVerified: false,
    note: 'The signature is not verified: the claims are shown as the token states them.',
  };
}

function looksLikeBasicText(b: Buffer): boolean {
  if (b.length < 2 || b.length > 1024) return false;
  for (const c of b) if (c < 0x20 || c === 0x7f) return false;
  return b.includes(0x3a);
}

export interface DecodeOptions {
  /** Clock for the JWT `expired` check (ms since epoch). */
  now?: number;
}

/** Decode a header line, "scheme token" or a bare token. Never throws. */
export function decodeToken(text: string, opts: DecodeOptions = {}): DecodeResult {
  const warnings: string[] = [];
  const r: DecodeResult = { scheme: null, mechanism: 'unknown' };
  try {
    if (typeof text !== 'string' || text.trim() === '') {
      return { ...r, error: 'empty input: no header or token', errorKind: 'empty', errorOffset: 0 };
    }
    if (text.length > MAX_TOKEN_CHARS) {
      return {
        ...r,
        error: `input of ${text.length} characters is larger than ${MAX_TOKEN_CHARS}: not a header token`,
        errorKind: 'too-large',
        errorOffset: MAX_TOKEN_CHARS,
      };
    }
    const a = parseAuthText(text);
    if (a.header) r.header = a.header;
    r.scheme = a.scheme;
    if (!a.token) {
      if (a.offers.length) {
        r.offers = a.offers;
        r.scheme = a.offers[0];
        warnings.push(`no token: the ${a.header ?? 'header'} offers ${a.offers.join(', ')}`);
        r.warnings = warnings;
        return r;
      }
      return { ...r, error: 'no token found in the input', errorKind: 'empty', errorOffset: 0 };
    }
    const token = a.token;
    if (a.scheme === 'Bearer' || (a.scheme === null && JWT_RE.test(token) && token.startsWith('eyJ'))) {
      if (JWT_RE.test(token)) {
        decodeJwt(token, r, opts.now ?? Date.now());
      } else {
        warnings.push('opaque Bearer token (not a JWT): nothing to decode');
      }
      if (warnings.length) r.warnings = warnings;
      return r;
    }
    let bytes: Buffer;
    try {
      bytes = base64Bytes(token);
    } catch (e) {
      if (e instanceof TokenError) return { ...r, error: e.reason, errorKind: 'not-base64', errorOffset: e.offset };
      throw e;
    }
    r.length = bytes.length;
    if (bytes.length === 0) return { ...r, error: 'the token decodes to zero bytes', errorKind: 'empty', errorOffset: 0 };
    if (a.scheme === 'Basic') decodeBasic(bytes, r, warnings);
    else if (isNtlm(bytes) || [0x60, 0xa0, 0xa1, 0x6e, 0x6f, 0x7e].includes(bytes[0])) decodeBinary(bytes, r, warnings);
    else if (a.scheme === null && looksLikeBasicText(bytes)) decodeBasic(bytes, r, warnings);
    else decodeBinary(bytes, r, warnings);
    if (warnings.length) r.warnings = warnings;
    return r;
  } catch (e) {
    // Strip partial members: the result names the mechanism but carries only the error.
    const out: DecodeResult = { scheme: r.scheme, mechanism: r.mechanism };
    if (r.header) out.header = r.header;
    if (r.length !== undefined) out.length = r.length;
    if (e instanceof TokenError) return { ...out, error: e.message, errorKind: 'malformed', errorOffset: e.offset };
    // Anything else (an exception inside a library) is still a malformed-token result.
    const msg = e instanceof Error ? e.message : String(e);
    return { ...out, error: `malformed token: ${msg.replace(/\s+/g, ' ')}`, errorKind: 'malformed', errorOffset: 0 };
  }
}

/** The Basic password, for the explicit "reveal" command only. Null when the text is no Basic credential. */
export function revealBasicPassword(text: string): string | null {
  try {
    const a = parseAuthText(text);
    if (!a.token) return null;
    if (a.scheme !== 'Basic' && a.scheme !== null) return null;
    const b = base64Bytes(a.token);
    if (a.scheme === null && !looksLikeBasicText(b)) return null;
    const s = utf8OrLatin1(b);
    const i = s.indexOf(':');
    return i < 0 ? null : s.slice(i + 1);
  } catch {
    return null;
  }
}

/** The raw NTLM message of a header/token (directly or inside SPNEGO), or null. For callers that need more than the JSON. */
export function ntlmBytesOf(text: string): Uint8Array | null {
  try {
    const a = parseAuthText(text);
    if (!a.token) return null;
    const b = base64Bytes(a.token);
    if (isNtlm(b)) return b;
    if (b[0] === 0x60 || b[0] === 0xa1 || b[0] === 0xa0) {
      const s = decodeSpnego(b);
      if (s.innerToken && isNtlm(s.innerToken)) return s.innerToken;
    }
    return null;
  } catch {
    return null;
  }
}

export { toHex };
