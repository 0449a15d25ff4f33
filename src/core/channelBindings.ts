// Channel bindings for Extended Protection: RFC 5929 `tls-server-end-point` from a server
// certificate, and the MD5 of the gss_channel_bindings_struct that NTLM carries in
// MsvAvChannelBindings (MS-NLMP 2.2.2.1, 3.1.5.1.2). A reverse proxy that terminates TLS with
// another certificate makes the client hash *that* certificate: the server's expectation and
// the token's value then differ, and IIS answers 401.1 SEC_E_BAD_BINDINGS.
import { createHash, X509Certificate } from 'node:crypto';
import { formatFingerprint } from './thumbprint';
import * as asn1js from 'asn1js';

/** A file or buffer that is not a certificate, or a certificate we cannot read. */
export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

export interface TlsServerEndPoint {
  /** Node/OpenSSL digest name used for the binding: sha256, sha384, sha512, sha224, sha3-256... */
  hashAlgorithm: string;
  /** The certificate hash (the bytes after "tls-server-end-point:"). */
  hash: Buffer;
  /** Subject, most specific RDN first: "CN=mail.contoso.test, O=Contoso". */
  subject: string;
  issuer: string;
  sans: string[];
  /** Signature algorithm OID of the certificate and its name. */
  signatureAlgorithmOid: string;
  signatureAlgorithm: string;
  /** How the hash was chosen (RFC 5929 section 4.1), in one sentence. */
  rule: string;
  fingerprintSha256: string;
  validFrom: string;
  validTo: string;
  der: Buffer;
}

const HASH_OIDS: Record<string, string> = {
  '1.2.840.113549.2.2': 'md2',
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.7': 'sha3-224',
  '2.16.840.1.101.3.4.2.8': 'sha3-256',
  '2.16.840.1.101.3.4.2.9': 'sha3-384',
  '2.16.840.1.101.3.4.2.10': 'sha3-512',
};

/** Signature algorithm OID → [name, hash]. */
const SIG_OIDS: Record<string, [string, string | null]> = {
  '1.2.840.113549.1.1.2': ['md2WithRSAEncryption', 'md2'],
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'md5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'sha1'],
  '1.3.14.3.2.29': ['sha1WithRSAEncryption (OIW)', 'sha1'],
  '1.2.840.113549.1.1.14': ['sha224WithRSAEncryption', 'sha224'],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'sha256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'sha384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'sha512'],
  '1.2.840.113549.1.1.10': ['RSASSA-PSS', null],
  '1.2.840.10045.4.1': ['ecdsa-with-SHA1', 'sha1'],
  '1.2.840.10045.4.3.1': ['ecdsa-with-SHA224', 'sha224'],
  '1.2.840.10045.4.3.2': ['ecdsa-with-SHA256', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsa-with-SHA384', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsa-with-SHA512', 'sha512'],
  '1.2.840.10040.4.3': ['dsa-with-sha1', 'sha1'],
  '2.16.840.1.101.3.4.3.1': ['dsa-with-sha224', 'sha224'],
  '2.16.840.1.101.3.4.3.2': ['dsa-with-sha256', 'sha256'],
  '2.16.840.1.101.3.4.3.9': ['ecdsa-with-sha3-224', 'sha3-224'],
  '2.16.840.1.101.3.4.3.10': ['ecdsa-with-sha3-256', 'sha3-256'],
  '2.16.840.1.101.3.4.3.11': ['ecdsa-with-sha3-384', 'sha3-384'],
  '2.16.840.1.101.3.4.3.12': ['ecdsa-with-sha3-512', 'sha3-512'],
  '2.16.840.1.101.3.4.3.13': ['id-rsassa-pkcs1-v1_5-with-sha3-224', 'sha3-224'],
  '2.16.840.1.101.3.4.3.14': ['id-rsassa-pkcs1-v1_5-with-sha3-256', 'sha3-256'],
  '2.16.840.1.101.3.4.3.15': ['id-rsassa-pkcs1-v1_5-with-sha3-384', 'sha3-384'],
  '2.16.840.1.101.3.4.3.16': ['id-rsassa-pkcs1-v1_5-with-sha3-512', 'sha3-512'],
  '1.3.101.112': ['Ed25519', null],
  '1.3.101.113': ['Ed448', null],
  '1.2.643.7.1.1.3.2': ['GOST R 34.10-2012 256', null],
};

const PEM_RE = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/;

/**
 * Read a certificate from PEM (the first CERTIFICATE block), DER, or bare base64 of DER.
 * `name` is used in error messages (a file name).
 */
export function loadCertificate(input: Uint8Array | string, name = 'input'): Buffer {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length === 0) throw new CertificateError(`${name}: empty, not a certificate`);
  let der: Buffer;
  if (buf[0] === 0x30) {
    der = buf;
  } else {
    const text = buf.subarray(0, Math.min(buf.length, 1 << 20)).toString('latin1');
    const m = PEM_RE.exec(text);
    if (m) {
      der = Buffer.from(m[1].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    } else if (/-----BEGIN [A-Z0-9 ]+-----/.test(text)) {
      const kind = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1] ?? '';
      throw new CertificateError(`${name}: PEM block "${kind}" is not a CERTIFICATE`);
    } else if (/^[\sA-Za-z0-9+/=]+$/.test(text) && text.trim().length >= 64) {
      der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    } else {
      throw new CertificateError(
        `${name}: not a certificate (neither PEM "-----BEGIN CERTIFICATE-----" nor DER; first byte 0x${buf[0].toString(16).padStart(2, '0')})`,
      );
    }
  }
  if (der.length === 0 || der[0] !== 0x30) throw new CertificateError(`${name}: not a certificate (the DER does not start with a SEQUENCE)`);
  // The certificate may be followed by other data (a chain in DER is rare); keep only the first element.
  const len = derLength(der, name);
  return der.subarray(0, len);
}

function derLength(der: Buffer, name: string): number {
  if (der.length < 2) throw new CertificateError(`${name}: not a certificate (truncated DER at byte 1)`);
  const first = der[1];
  if (first < 0x80) return Math.min(der.length, 2 + first);
  const n = first & 0x7f;
  if (n === 0 || n > 4 || der.length < 2 + n) throw new CertificateError(`${name}: not a certificate (bad DER length at byte 1)`);
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i];
  const total = 2 + n + len;
  if (total > der.length) throw new CertificateError(`${name}: truncated certificate (DER says ${total} bytes, ${der.length} present)`);
  return total;
}

interface SigAlg {
  oid: string;
  name: string;
  hash: string | null;
  params: asn1js.AsnType | null;
}

function signatureAlgorithm(der: Buffer, name: string): SigAlg {
  const ab = der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
  const parsed = asn1js.fromBER(ab);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) {
    throw new CertificateError(`${name}: not a certificate (DER does not parse: ${parsed.result.error || 'not a SEQUENCE'})`);
  }
  const top = parsed.result.valueBlock.value;
  const alg = top[1];
  if (top.length < 3 || !(alg instanceof asn1js.Sequence)) throw new CertificateError(`${name}: not a certificate (no signatureAlgorithm)`);
  const oidBlock = alg.valueBlock.value[0];
  if (!(oidBlock instanceof asn1js.ObjectIdentifier)) throw new CertificateError(`${name}: not a certificate (signatureAlgorithm without OID)`);
  const oid = oidBlock.getValue();
  const known = SIG_OIDS[oid];
  return { oid, name: known?.[0] ?? oid, hash: known?.[1] ?? null, params: alg.valueBlock.value[1] ?? null };
}

/** The hash named in RSASSA-PSS-params ([0] hashAlgorithm, default SHA-1). */
function pssHash(params: asn1js.AsnType | null): string {
  if (!(params instanceof asn1js.Sequence)) return 'sha1';
  for (const el of params.valueBlock.value) {
    if (el.idBlock.tagClass === 3 && el.idBlock.tagNumber === 0) {
      const inner = (el as asn1js.Constructed).valueBlock.value[0];
      if (inner instanceof asn1js.Sequence) {
        const o = inner.valueBlock.value[0];
        if (o instanceof asn1js.ObjectIdentifier) return HASH_OIDS[o.getValue()] ?? `unknown hash ${o.getValue()}`;
      }
    }
  }
  return 'sha1';
}

/** RFC 4514-like rendering, most specific RDN first ("CN=host, O=Org, C=DE"). */
function dn(nodeDn: string): string {
  return nodeDn.split('\n').filter(Boolean).reverse().join(', ');
}

/** RFC 5929 tls-server-end-point for a certificate (PEM or DER). */
export function tlsServerEndPoint(cert: Uint8Array | string, name = 'certificate'): TlsServerEndPoint {
  const der = loadCertificate(cert, name);
  let x: X509Certificate;
  try {
    x = new X509Certificate(der);
  } catch (e) {
    throw new CertificateError(`${name}: not a certificate (${e instanceof Error ? e.message : String(e)})`);
  }
  const sig = signatureAlgorithm(der, name);
  let hashAlgorithm: string;
  let rule: string;
  let used = sig.hash;
  if (sig.oid === '1.2.840.113549.1.1.10') used = pssHash(sig.params);
  if (used === 'md5' || used === 'sha1' || used === 'md2') {
    hashAlgorithm = 'sha256';
    rule = `signature ${sig.name} uses ${used.toUpperCase()}: RFC 5929 4.1 says hash with SHA-256`;
  } else if (used && !used.startsWith('unknown')) {
    hashAlgorithm = used;
    rule = `signature ${sig.name}${sig.oid === '1.2.840.113549.1.1.10' ? ` with ${used}` : ''}: the certificate is hashed with ${used}`;
  } else {
    // RFC 5929 leaves certificates whose signature uses no single hash (Ed25519, Ed448) undefined;
    // Windows (SChannel) and the common client libraries then use SHA-256, so the server does too.
    hashAlgorithm = 'sha256';
    rule = `signature ${sig.name} has no single hash function; RFC 5929 leaves this undefined, SHA-256 assumed as Windows and common clients do`;
  }
  const hash = createHash(hashAlgorithm).update(der).digest();
  const sans = (x.subjectAltName ?? '')
    .split(/,\s*/)
    .filter(Boolean)
    .map((s) => s.replace(/^DNS:/, '').replace(/^IP Address:/, ''));
  return {
    hashAlgorithm,
    hash,
    subject: dn(x.subject),
    issuer: dn(x.issuer),
    sans,
    signatureAlgorithmOid: sig.oid,
    signatureAlgorithm: sig.name,
    rule,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: new Date(x.validTo).toISOString(),
    der: Buffer.from(der),
  };
}

export const TLS_SERVER_END_POINT_PREFIX = 'tls-server-end-point:';

/** The channel-binding application data: "tls-server-end-point:" followed by the raw hash bytes. */
export function applicationData(cert: Uint8Array | string | TlsServerEndPoint): Buffer {
  const ep = isEndPoint(cert) ? cert : tlsServerEndPoint(cert);
  return Buffer.concat([Buffer.from(TLS_SERVER_END_POINT_PREFIX, 'ascii'), ep.hash]);
}

/** The contract's text form: "tls-server-end-point:<hex of the hash>". */
export function applicationDataText(cert: Uint8Array | string | TlsServerEndPoint): string {
  const ep = isEndPoint(cert) ? cert : tlsServerEndPoint(cert);
  return TLS_SERVER_END_POINT_PREFIX + ep.hash.toString('hex');
}

function isEndPoint(v: unknown): v is TlsServerEndPoint {
  return typeof v === 'object' && v !== null && 'hash' in v && 'hashAlgorithm' in v && !(v instanceof Uint8Array);
}

/**
 * The gss_channel_bindings_struct as NTLM hashes it: initiator and acceptor address type and
 * length all zero (four little-endian 32-bit zeros), then the application data length and bytes.
 */
export function gssChannelBindingsStruct(appData: Uint8Array): Buffer {
  const head = Buffer.alloc(20);
  head.writeUInt32LE(appData.length, 16);
  return Buffer.concat([head, appData]);
}

/**
 * MD5 of the gss_channel_bindings_struct, lowercase hex: what a client puts into
 * MsvAvChannelBindings. Input: a certificate (PEM/DER), the application data bytes
 * (starting with "tls-server-end-point:"), or an already computed end point.
 */
export function ntlmChannelBindingsHash(input: Uint8Array | string | TlsServerEndPoint): string {
  let appData: Buffer;
  if (isEndPoint(input)) appData = applicationData(input);
  else {
    const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const prefix = Buffer.from(TLS_SERVER_END_POINT_PREFIX, 'ascii');
    if (buf.length >= prefix.length && buf.subarray(0, prefix.length).equals(prefix)) {
      // "tls-server-end-point:<hex>" as text is converted to the raw bytes it stands for.
      const rest = buf.subarray(prefix.length).toString('latin1');
      appData = typeof input === 'string' && /^[0-9a-fA-F]+$/.test(rest) && rest.length % 2 === 0 ? Buffer.concat([prefix, Buffer.from(rest, 'hex')]) : buf;
    } else appData = applicationData(tlsServerEndPoint(buf));
  }
  return createHash('md5').update(gssChannelBindingsStruct(appData)).digest('hex');
}

export type ChannelBindingsVerdict = 'match' | 'zero' | 'absent' | 'mismatch';

export interface ChannelBindingsComparison {
  state: ChannelBindingsVerdict;
  match: boolean;
  /** What the certificate makes the server expect (MD5 hex). */
  expected: string;
  /** What the token carries (hex), or null when absent. */
  actual: string | null;
  /** Subject of the certificate compared with. */
  certificate: string;
  /** Its SHA-256 thumbprint (hex): two certificates with the same subject are told apart by it. */
  certificateSha256: string;
  hashAlgorithm: string;
  /** One sentence for the user. */
  explanation: string;
}

/**
 * Compare the MsvAvChannelBindings of a token (hex, or null when the token has none) with the
 * bindings a certificate implies.
 */
export function compareChannelBindings(tokenCbt: string | null | undefined, cert: Uint8Array | string | TlsServerEndPoint): ChannelBindingsComparison {
  const ep = isEndPoint(cert) ? cert : tlsServerEndPoint(cert);
  const expected = ntlmChannelBindingsHash(ep);
  const actual = tokenCbt ? tokenCbt.toLowerCase() : null;
  let state: ChannelBindingsVerdict;
  let explanation: string;
  if (actual === null) {
    state = 'absent';
    explanation = `The token carries no channel bindings: Extended Protection "Require" rejects it; "Accept" lets it through.`;
  } else if (/^0+$/.test(actual)) {
    state = 'zero';
    explanation = 'The client sent all-zero channel bindings (it had no TLS channel to bind, or chose not to): "Require" rejects it.';
  } else if (actual === expected) {
    state = 'match';
    explanation = `The token is bound to the TLS channel of ${ep.subject} (SHA-256 ${formatFingerprint(ep.fingerprintSha256)}): the client saw this certificate.`;
  } else {
    state = 'mismatch';
    explanation = `The token is bound to another certificate than ${ep.subject} (SHA-256 ${formatFingerprint(ep.fingerprintSha256)}): the client saw a different certificate (a TLS-terminating proxy or load balancer in the path); IIS answers 401.1 SEC_E_BAD_BINDINGS (0x80090346).`;
  }
  return {
    state,
    match: state === 'match',
    expected,
    actual,
    certificate: ep.subject,
    certificateSha256: ep.fingerprintSha256,
    hashAlgorithm: ep.hashAlgorithm,
    explanation,
  };
}
