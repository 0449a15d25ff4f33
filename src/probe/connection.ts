// The one way IIS Auth Lens connects to a server: DNS, TCP and TLS as named steps, the
// certificate judged under an explicit trust policy, and (for the probe) HTTP/1.1 spoken by
// ourselves on that socket (httpConnection.ts). Used by the probe, `cbt HOST:PORT` and
// "Check Channel Bindings Against Certificate…", in the CLI and the extension host alike.
// Nothing here goes through node:http/https, which hosts such as VS Code patch for proxies.
import { X509Certificate } from 'node:crypto';
import * as dns from 'node:dns';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { tlsServerEndPoint, ntlmChannelBindingsHash, type TlsServerEndPoint } from '../core/channelBindings';
import { formatFingerprint, normalizeFingerprint } from '../core/thumbprint';
import type { ProbeCertificate } from './probeTypes';

export interface TlsPolicy {
  ca?: Buffer | string;
  insecure?: boolean;
  trustedFingerprintSha256?: string;
  /** Once the TLS step accepted a certificate, later connections must present the same one. */
  pinnedFingerprint?: string;
}

export interface TlsConn {
  socket: tls.TLSSocket;
  endPoint: TlsServerEndPoint;
  cbtHash: string;
  authorized: boolean;
  /** OpenSSL's code, e.g. DEPTH_ZERO_SELF_SIGNED_CERT; null when verified. */
  authorizationError: string | null;
  trust: 'verified' | 'insecure' | 'fingerprint';
  chain: ProbeCertificate[];
}

/** A certificate that does not verify and that the policy does not accept: the user must decide. */
export class UntrustedCertificateError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fingerprintSha256: string,
  ) {
    super(message);
    this.name = 'UntrustedCertificateError';
  }
}

/** A host name resolver, as dns.lookup with { all: true } (tests resolve their host names to loopback). */
export type LookupAll = (host: string) => Promise<string[]>;

export async function lookupAll(host: string): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (net.isIP(bare)) return [bare];
  const all = await dns.promises.lookup(bare, { all: true, verbatim: true });
  if (!all.length) throw new Error(`${bare} has no address`);
  return all.map((a) => a.address);
}

/**
 * Plain words for OpenSSL's verification codes, for the reader who has to decide whether to trust
 * a certificate (the code itself stays beside it for searching).
 */
export function certificateProblemText(code: string | null | undefined, t: Translate = plainTranslate): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return t('the certificate is self-signed: it vouches for itself and no certificate authority vouches for it');
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return t('the chain ends in a root certificate this machine does not trust (a private or self-made certificate authority)');
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return t(
        'the certificate was issued by a certificate authority this machine does not know (an internal CA, or the server does not send its intermediate certificates)',
      );
    case 'CERT_HAS_EXPIRED':
      return t('the certificate has expired');
    case 'CERT_NOT_YET_VALID':
      return t('the certificate is not valid yet (check the clocks)');
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return t('the certificate is for another name than the one you typed');
    case 'CERT_REVOKED':
      return t('the certificate has been revoked');
    case 'CERT_SIGNATURE_FAILURE':
    case 'CERT_UNTRUSTED':
      return t('the certificate signature is not trusted');
    case null:
    case undefined:
    case '':
      return t('the certificate could not be verified');
    default:
      return t('the certificate could not be verified ({0})', code);
  }
}

/** A translation function (vscode.l10n.t in the editor); the CLI prints English. */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;
const plainTranslate: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));

export function certOf(raw: Buffer): ProbeCertificate {
  const ep = tlsServerEndPoint(raw);
  return {
    subject: ep.subject,
    issuer: ep.issuer,
    sans: ep.sans,
    validFrom: ep.validFrom,
    validTo: ep.validTo,
    signatureHash: ep.hashAlgorithm,
    fingerprintSha256: ep.fingerprintSha256,
    serialNumber: new X509Certificate(raw).serialNumber,
  };
}

function peerChain(socket: tls.TLSSocket): ProbeCertificate[] {
  const chain: ProbeCertificate[] = [];
  let c = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    try {
      chain.push(certOf(c.raw));
    } catch {
      break;
    }
    c = c.issuerCertificate;
  }
  return chain;
}

/**
 * Destroys `socket` and rejects when `timeoutMs` passes or `signal` aborts first; the function it
 * returns disarms both (call it once the step settled).
 */
function armStep(socket: net.Socket, timeoutMs: number, timeoutMessage: string, reject: (e: Error) => void, signal?: AbortSignal): () => void {
  function disarm(): void {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  function fail(e: Error): void {
    disarm();
    socket.destroy();
    reject(e);
  }
  function onAbort(): void {
    fail(new Error('cancelled'));
  }
  const timer = setTimeout(() => fail(new Error(timeoutMessage)), timeoutMs);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return disarm;
}

export function tcpConnect(address: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: address, port });
    const where = `${net.isIPv6(address) ? `[${address}]` : address}:${port}`;
    const done = armStep(s, timeoutMs, `TCP connect to ${where} timed out after ${timeoutMs} ms`, reject, signal);
    s.once('connect', () => {
      done();
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (e) => {
      done();
      s.destroy();
      reject(e);
    });
  });
}

/**
 * TLS over an open TCP socket, then the certificate judged under the policy: verified (chain and
 * name), confirmed by fingerprint, or accepted insecurely; anything else rejects with
 * UntrustedCertificateError before a byte of HTTP is sent.
 */
export function tlsConnect(tcp: net.Socket, host: string, policy: TlsPolicy, timeoutMs: number, signal?: AbortSignal): Promise<TlsConn> {
  return new Promise((resolve, reject) => {
    const servername = net.isIP(host) ? undefined : host;
    const socket = tls.connect({
      socket: tcp,
      servername,
      ca: policy.ca,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      minVersion: 'TLSv1.2',
      // The name is checked below like the chain, so that one verdict ("verified") covers both.
      checkServerIdentity: () => undefined,
    });
    const done = armStep(socket, timeoutMs, `TLS handshake timed out after ${timeoutMs} ms`, reject, signal);
    socket.once('error', (e) => {
      done();
      socket.destroy();
      reject(e);
    });
    socket.once('secureConnect', () => {
      done();
      socket.removeAllListeners('error');
      // A late error (reset) must not become an uncaught exception; the HTTP layer sees the close.
      socket.on('error', () => undefined);
      try {
        const peer = socket.getPeerCertificate(true);
        if (!peer || !peer.raw) throw new Error('the server presented no certificate');
        const endPoint = tlsServerEndPoint(peer.raw, 'server certificate');
        const fp = endPoint.fingerprintSha256;
        let authorizationError: string | null = socket.authorized ? null : String(socket.authorizationError ?? 'CERT_UNTRUSTED');
        if (!authorizationError) {
          const nameError = tls.checkServerIdentity(host.replace(/^\[|\]$/g, ''), peer);
          if (nameError) authorizationError = (nameError as NodeJS.ErrnoException).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID';
        }
        const authorized = authorizationError === null;
        if (policy.pinnedFingerprint && normalizeFingerprint(policy.pinnedFingerprint) !== fp) {
          throw new Error(
            `the server presented another certificate (SHA-256 ${formatFingerprint(fp)}) than in the TLS step (${formatFingerprint(policy.pinnedFingerprint)}); a load balancer with different certificates?`,
          );
        }
        let trust: TlsConn['trust'];
        if (authorized) trust = 'verified';
        else if (policy.trustedFingerprintSha256 && normalizeFingerprint(policy.trustedFingerprintSha256) === fp) trust = 'fingerprint';
        else if (policy.insecure) trust = 'insecure';
        else {
          throw new UntrustedCertificateError(
            `the certificate does not verify: ${certificateProblemText(authorizationError)} (${authorizationError}${policy.ca ? ', checked against the given CA' : ', checked against the system store'}); subject ${endPoint.subject}, SHA-256 ${formatFingerprint(fp)}. Trust its CA (--ca) or accept this certificate explicitly (--insecure, or confirm its thumbprint)`,
            authorizationError ?? 'CERT_UNTRUSTED',
            fp,
          );
        }
        resolve({
          socket,
          endPoint,
          cbtHash: ntlmChannelBindingsHash(endPoint),
          authorized,
          authorizationError,
          trust,
          chain: peerChain(socket),
        });
      } catch (e) {
        socket.destroy();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** Connects to the first address that answers; the error of the last one otherwise. */
export async function tcpConnectAny(
  addresses: string[],
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ socket: net.Socket; address: string }> {
  let last: unknown = new Error('no address to connect to');
  for (const a of addresses) {
    try {
      return { socket: await tcpConnect(a, port, timeoutMs, signal), address: a };
    } catch (e) {
      last = e;
      if (signal?.aborted) break;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

export class ServerCertificateError extends Error {
  constructor(
    message: string,
    readonly step: 'dns' | 'connect' | 'tls' | 'timeout',
  ) {
    super(message);
    this.name = 'ServerCertificateError';
  }
}

/**
 * The leaf certificate a TLS server presents, trusted or not (DER). Only the handshake happens;
 * nothing is sent after it. For `cbt HOST:PORT` and Check Channel Bindings.
 */
export async function fetchServerCertificate(host: string, port: number, timeoutMs = 10000, lookup: LookupAll = lookupAll): Promise<Buffer> {
  const where = `${host}:${port}`;
  let addresses: string[];
  try {
    addresses = await lookup(host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ServerCertificateError(`${where}: cannot resolve ${host}${code ? ` (${code})` : ''}`, 'dns');
  }
  let tcp: net.Socket;
  try {
    tcp = (await tcpConnectAny(addresses, port, timeoutMs)).socket;
  } catch (e) {
    const ne = e as NodeJS.ErrnoException;
    const timedOut = /timed out/.test(ne.message);
    throw new ServerCertificateError(
      `${where}: cannot connect: ${ne.code ? `${ne.code} ` : ''}${ne.message}`.replace(/\s+/g, ' '),
      timedOut ? 'timeout' : 'connect',
    );
  }
  try {
    const c = await tlsConnect(tcp, host, { insecure: true }, timeoutMs);
    c.socket.destroy();
    return Buffer.from(c.endPoint.der);
  } catch (e) {
    tcp.destroy();
    const ne = e as NodeJS.ErrnoException;
    const timedOut = /timed out/.test(ne.message);
    throw new ServerCertificateError(
      `${where}: ${timedOut ? `no TLS handshake within ${timeoutMs} ms` : `TLS handshake failed: ${ne.code ? `${ne.code} ` : ''}${ne.message}`}`.replace(
        /\s+/g,
        ' ',
      ),
      timedOut ? 'timeout' : 'tls',
    );
  }
}
