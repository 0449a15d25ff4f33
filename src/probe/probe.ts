// The MRS endpoint probe: named steps (DNS, TCP, TLS, anonymous request), then NTLMv2 logons with
// channel bindings absent / all-zero / correct for the certificate this client sees, raw NTLM and
// Negotiate-wrapped, each on its own keep-alive connection; the verdict per the contract's table.
// Runs in the extension host and behind the CLI; no vscode import.
import { X509Certificate } from 'node:crypto';
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { tlsServerEndPoint, ntlmChannelBindingsHash, type TlsServerEndPoint } from '../core/channelBindings';
import {
  authenticateMessage, negotiateMessage, parseAccount, parseSpnegoResponse, spnegoInit, spnegoResponse,
  ntlmSign, MECH_TYPE_LIST, type ChannelBindingsChoice,
} from './ntlmClient';
import { decideVerdict, ntlmOffers, offeredSchemes, splitChallenges } from './verdict';
import type {
  CbtVariant, CheckTlsOptions, CheckTlsResult, ProbeAnonymous, ProbeAttempt, ProbeCertificate, ProbeHooks,
  ProbeOptions, ProbeResult, ProbeStepName, ProbeStepReport, ProbeTls, ProbeVerdict,
} from './probeTypes';

export type {
  ProbeVerdict, ProbeOptions, ProbeResult, ProbeStepReport, ProbeAttempt, ProbeTls, ProbeAnonymous,
  ProbeHooks, CheckTlsOptions, CheckTlsResult, CbtVariant,
} from './probeTypes';
export { decideVerdict } from './verdict';

export const DEFAULT_TIMEOUT_MS = 10000;
const USER_AGENT = 'IIS-Auth-Lens-Probe/1.0';

/** The URL cannot be probed (not https, malformed): a usage problem, not a verdict. */
export class ProbeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeUrlError';
  }
}

class StepError extends Error {
  constructor(message: string, readonly causeErr?: unknown) {
    super(message);
  }
}

export interface ProbeTarget {
  url: URL;
  host: string;
  port: number;
  /** Host header value. */
  hostHeader: string;
  path: string;
}

/** Parse and check the probe URL: https only (credentials never go over plain http), a bare host means /EWS/mrsproxy.svc. */
export function parseProbeUrl(input: string): ProbeTarget {
  let text = input.trim();
  if (!text) throw new ProbeUrlError('no URL given');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProbeUrlError(`"${input}" is not a URL`);
  }
  if (url.protocol === 'http:') {
    throw new ProbeUrlError(`refusing to send credentials over plain http (${url.origin}): MRS only uses https, probe https://${url.host}${url.pathname}`);
  }
  if (url.protocol !== 'https:') throw new ProbeUrlError(`unsupported scheme ${url.protocol} (only https:// can be probed)`);
  if (url.username || url.password) throw new ProbeUrlError('put the account in --user and the password on stdin, not in the URL');
  // A bare host (no path at all) means the MRS endpoint; an explicit "/" is kept.
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*[/?#]/i.test(text)) url.pathname = '/EWS/mrsproxy.svc';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : 443;
  return { url, host, port, hostHeader: url.host, path: url.pathname + url.search };
}

/** An error and its causes, one readable line each (Node's code, syscall, address included). */
export function errorChain(err: unknown): string[] {
  const lines: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 6; depth++) {
    if (e instanceof Error) {
      const ne = e as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
      const bits = [ne.code, ne.syscall, ne.hostname, ne.address && (ne.port ? `${ne.address}:${ne.port}` : ne.address)].filter(Boolean);
      const msg = e.message.replace(/\s*\r?\n\s*/g, ' ').trim();
      lines.push(bits.length && !bits.every((b) => msg.includes(String(b))) ? `${msg} (${bits.join(' ')})` : msg);
      e = (e as { cause?: unknown; causeErr?: unknown }).causeErr ?? (e as { cause?: unknown }).cause;
    } else {
      lines.push(String(e));
      break;
    }
  }
  return lines;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    const onAbort = (): void => reject(new Error('cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); reject(e instanceof Error ? e : new Error(String(e))); },
    );
  });
}

class StepRecorder {
  readonly steps: ProbeStepReport[] = [];
  constructor(private readonly hooks?: ProbeHooks) {}
  async run<T>(name: ProbeStepName, fn: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const t0 = performance.now();
    try {
      if (this.hooks?.signal?.aborted) throw new Error('cancelled');
      const { value, detail } = await fn();
      this.push({ name, ok: true, ms: Math.round(performance.now() - t0), detail });
      return value;
    } catch (e) {
      const chain = errorChain(e);
      this.push({ name, ok: false, ms: Math.round(performance.now() - t0), detail: chain[0] ?? 'failed', error: chain });
      throw e;
    }
  }
  push(step: ProbeStepReport): void {
    this.steps.push(step);
    try {
      this.hooks?.onStep?.(step);
    } catch {
      // A failing listener must not break the probe.
    }
  }
}

// ---------------------------------------------------------------------------------------------
// DNS, TCP, TLS

async function lookup(host: string): Promise<string[]> {
  if (net.isIP(host)) return [host];
  const all = await dns.promises.lookup(host, { all: true, verbatim: true });
  if (!all.length) throw new Error(`${host} has no address`);
  return all.map((a) => a.address);
}

function tcpConnect(address: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: address, port });
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`TCP connect to ${address}:${port} timed out after ${timeoutMs} ms`)); }, timeoutMs);
    s.once('connect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(s); });
    s.once('error', (e) => { clearTimeout(timer); s.destroy(); reject(e); });
  });
}

interface TlsPolicy {
  ca?: Buffer | string;
  insecure?: boolean;
  trustedFingerprintSha256?: string;
  /** Once the TLS step accepted a certificate, later connections must present the same one. */
  pinnedFingerprint?: string;
}

interface TlsConn {
  socket: tls.TLSSocket;
  endPoint: TlsServerEndPoint;
  cbtHash: string;
  authorized: boolean;
  authorizationError: string | null;
  trust: ProbeTls['trust'];
  chain: ProbeCertificate[];
}

function normFp(fp: string): string {
  return fp.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

function certOf(raw: Buffer): ProbeCertificate {
  const ep = tlsServerEndPoint(raw);
  return {
    subject: ep.subject, issuer: ep.issuer, sans: ep.sans, validFrom: ep.validFrom, validTo: ep.validTo,
    signatureHash: ep.hashAlgorithm, fingerprintSha256: ep.fingerprintSha256,
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

/** Open TCP + TLS and decide whether the certificate is acceptable under the policy. */
function tlsConnect(tcp: net.Socket, servername: string | undefined, policy: TlsPolicy, timeoutMs: number): Promise<TlsConn> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      socket: tcp, servername, ca: policy.ca, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'],
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`TLS handshake timed out after ${timeoutMs} ms`)); }, timeoutMs);
    socket.once('error', (e) => { clearTimeout(timer); socket.destroy(); reject(e); });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      try {
        const peer = socket.getPeerCertificate(true);
        if (!peer || !peer.raw) throw new Error('the server presented no certificate');
        const endPoint = tlsServerEndPoint(peer.raw, 'server certificate');
        const fp = endPoint.fingerprintSha256;
        const authorizationError = socket.authorized ? null : String(socket.authorizationError ?? 'not trusted');
        let trust: ProbeTls['trust'];
        if (policy.pinnedFingerprint && normFp(policy.pinnedFingerprint) !== fp) {
          throw new Error(`the server presented another certificate (SHA-256 ${fp}) than in the TLS step (${policy.pinnedFingerprint}); a load balancer with different certificates?`);
        }
        if (socket.authorized) trust = 'verified';
        else if (policy.trustedFingerprintSha256 && normFp(policy.trustedFingerprintSha256) === fp) trust = 'fingerprint';
        else if (policy.insecure) trust = 'insecure';
        else {
          throw new Error(`the certificate does not verify (${authorizationError}${policy.ca ? ', against the given CA' : ', against the system store'}); subject ${endPoint.subject}, SHA-256 fingerprint ${fp}. Trust its CA (--ca) or accept this certificate explicitly (--insecure, or confirm its fingerprint)`);
        }
        resolve({
          socket, endPoint, cbtHash: ntlmChannelBindingsHash(endPoint), authorized: socket.authorized,
          authorizationError, trust, chain: peerChain(socket),
        });
      } catch (e) {
        socket.destroy();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

function tlsSummary(c: TlsConn): ProbeTls {
  const ep = c.endPoint;
  return {
    subject: ep.subject, issuer: ep.issuer, sans: ep.sans, signatureHash: ep.hashAlgorithm,
    fingerprintSha256: ep.fingerprintSha256, channelBindings: c.cbtHash, serverEndPoint: ep.hash.toString('hex'),
    validFrom: ep.validFrom, validTo: ep.validTo,
    protocol: c.socket.getProtocol() ?? null, cipher: c.socket.getCipher()?.name ?? null,
    verified: c.authorized, verifyError: c.authorizationError, trust: c.trust, chain: c.chain,
  };
}

interface Connected {
  addresses: string[];
  address: string;
  conn: TlsConn;
}

async function connectSteps(target: ProbeTarget, policy: TlsPolicy, timeoutMs: number, rec: StepRecorder): Promise<Connected> {
  const addresses = await rec.run('dns', async () => {
    const a = await withTimeout(lookup(target.host), timeoutMs, `DNS lookup of ${target.host}`);
    return { value: a, detail: net.isIP(target.host) ? `${target.host} (address literal)` : `${target.host} -> ${a.join(', ')}` };
  });
  let address = addresses[0];
  const tcp = await rec.run('tcp', async () => {
    let last: unknown;
    for (const a of addresses) {
      try {
        const s = await tcpConnect(a, target.port, timeoutMs);
        address = a;
        return { value: s, detail: `connected to ${net.isIPv6(a) ? `[${a}]` : a}:${target.port}` };
      } catch (e) {
        last = e;
      }
    }
    throw new StepError(`cannot connect to ${target.host} port ${target.port}`, last);
  });
  const conn = await rec.run('tls', async () => {
    const c = await tlsConnect(tcp, net.isIP(target.host) ? undefined : target.host, policy, timeoutMs);
    const ep = c.endPoint;
    const trustText = c.trust === 'verified' ? 'verified' : c.trust === 'fingerprint' ? `not verified (${c.authorizationError}), accepted by confirmed fingerprint` : `NOT verified (${c.authorizationError}), --insecure`;
    return {
      value: c,
      detail: `${c.socket.getProtocol() ?? 'TLS'}; ${ep.subject} issued by ${ep.issuer}; SANs ${ep.sans.join(', ') || '-'}; valid ${ep.validFrom.slice(0, 10)}..${ep.validTo.slice(0, 10)}; ${ep.signatureAlgorithm}; SHA-256 ${ep.fingerprintSha256}; channel bindings ${c.cbtHash}; ${trustText}`,
    };
  });
  return { addresses, address, conn };
}

/** DNS, TCP and TLS only: to show the certificate (and fingerprint) before any credential is sent. */
export async function checkTls(url: string, opts: CheckTlsOptions = {}): Promise<CheckTlsResult> {
  const target = parseProbeUrl(url);
  const rec = new StepRecorder();
  try {
    const c = await connectSteps(target, { ca: opts.ca, insecure: true }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, rec);
    c.conn.socket.destroy();
    const tlsInfo = tlsSummary(c.conn);
    return { url: target.url.href, host: target.host, port: target.port, tls: tlsInfo, steps: rec.steps, ok: true };
  } catch {
    return { url: target.url.href, host: target.host, port: target.port, tls: null, steps: rec.steps, ok: false };
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP over our own TLS connections (so every connection gets the same certificate checks)

interface HttpResponse {
  status: number;
  wwwAuthenticate: string[];
  socket: unknown;
  headers: http.IncomingHttpHeaders;
}

class ConnectionPool {
  readonly agent: http.Agent;
  readonly conns: TlsConn[] = [];
  constructor(target: ProbeTarget, address: string, policy: TlsPolicy, timeoutMs: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
    // Every socket the agent needs is one of our checked TLS connections.
    (this.agent as unknown as { createConnection: (o: unknown, cb: (e: Error | null, s?: net.Socket) => void) => undefined }).createConnection = (_o, cb) => {
      tcpConnect(address, target.port, timeoutMs)
        .then((tcp) => tlsConnect(tcp, net.isIP(target.host) ? undefined : target.host, policy, timeoutMs))
        .then((c) => { this.conns.push(c); cb(null, c.socket); }, (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))));
      return undefined;
    };
  }
  destroy(): void {
    this.agent.destroy();
    for (const c of this.conns) c.socket.destroy();
  }
}

function request(pool: ConnectionPool, target: ProbeTarget, authorization: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {
      Host: target.hostHeader, 'User-Agent': USER_AGENT, 'Content-Type': 'application/soap+xml; charset=utf-8',
      'Content-Length': '0', Connection: 'keep-alive',
    };
    if (authorization) headers.Authorization = authorization;
    const req = http.request({ agent: pool.agent, method: 'POST', path: target.path, headers, host: target.host, port: target.port });
    const timer = setTimeout(() => req.destroy(new Error(`no HTTP answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = (): void => { req.destroy(new Error('cancelled')); };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort); };
    req.once('error', (e) => { done(); reject(e); });
    req.once('response', (res) => {
      const www: string[] = [];
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        if (res.rawHeaders[i].toLowerCase() === 'www-authenticate') www.push(res.rawHeaders[i + 1]);
      }
      const socket = res.socket;
      res.on('error', (e) => { done(); reject(e); });
      res.on('end', () => { done(); resolve({ status: res.statusCode ?? 0, wwwAuthenticate: www, socket, headers: res.headers }); });
      res.resume();
    });
    req.end();
  });
}

function tokenFor(scheme: string, offers: string[]): Buffer | null {
  for (const o of splitChallenges(offers)) {
    const m = /^\s*(\S+)\s+([A-Za-z0-9+/=]+)\s*$/.exec(o);
    if (m && m[1].toLowerCase() === scheme.toLowerCase()) return Buffer.from(m[2], 'base64');
  }
  return null;
}

interface AttemptInput {
  target: ProbeTarget;
  address: string;
  policy: TlsPolicy;
  timeoutMs: number;
  scheme: 'NTLM' | 'Negotiate';
  cbt: CbtVariant;
  domain: string;
  user: string;
  password: string;
  workstation: string;
  signal?: AbortSignal;
}

class NoChallengeError extends Error {}

/** Legs 1 and 2 of one handshake on one pool; `spnego` wraps the NTLM tokens for Negotiate. */
async function handshake(a: AttemptInput, pool: ConnectionPool, result: ProbeAttempt, spnego: boolean): Promise<void> {
  const type1 = negotiateMessage();
  const first = spnego ? spnegoInit(type1) : type1;
  const r1 = await request(pool, a.target, `${a.scheme} ${first.toString('base64')}`, a.timeoutMs, a.signal);
  result.legs.push(r1.status);
  if (r1.status !== 401) {
    throw new NoChallengeError(`the server answered the NEGOTIATE leg with ${r1.status} instead of a 401 challenge`);
  }
  const tok = tokenFor(a.scheme, r1.wwwAuthenticate);
  if (!tok) throw new NoChallengeError(`the 401 to the NEGOTIATE leg carries no ${a.scheme} challenge (WWW-Authenticate: ${r1.wwwAuthenticate.map((w) => w.split(/\s+/)[0]).join(', ') || 'none'})`);
  let challenge: Buffer;
  if (a.scheme === 'Negotiate') {
    const resp = parseSpnegoResponse(tok);
    if (!resp.responseToken) throw new NoChallengeError(`the server's SPNEGO answer has no NTLM challenge (negState ${resp.negState ?? '-'}, mech ${resp.supportedMech ?? '-'})`);
    challenge = resp.responseToken;
  } else challenge = tok;
  const conn = pool.conns[pool.conns.length - 1];
  const cb: ChannelBindingsChoice = a.cbt === 'correct' ? { hash: conn.cbtHash } : a.cbt;
  const auth = authenticateMessage({
    negotiate: type1, challenge, domain: a.domain, user: a.user, password: a.password, workstation: a.workstation,
    spn: `HTTP/${a.target.host}`, channelBindings: cb,
  });
  const third = spnego
    ? spnegoResponse(auth.message, ntlmSign(auth.exportedSessionKey, 'client', 0, MECH_TYPE_LIST, auth.flags))
    : auth.message;
  const r2 = await request(pool, a.target, `${a.scheme} ${third.toString('base64')}`, a.timeoutMs, a.signal);
  result.legs.push(r2.status);
  result.sameConnection = r1.socket === r2.socket && pool.conns.length === 1;
  result.status = r2.status;
  result.ok = r2.status !== 401;
  if (!result.sameConnection) {
    result.ok = false;
    result.error = 'the server closed the connection after the challenge, so the AUTHENTICATE leg went over a new connection (NTLM needs one connection)';
  }
}

async function attempt(a: AttemptInput): Promise<ProbeAttempt> {
  const t0 = performance.now();
  const result: ProbeAttempt = { cbt: a.cbt, scheme: a.scheme, status: null, ms: 0, ok: false, legs: [], sameConnection: true };
  let pool = new ConnectionPool(a.target, a.address, a.policy, a.timeoutMs);
  try {
    try {
      await handshake(a, pool, result, a.scheme === 'Negotiate');
    } catch (e) {
      if (!(e instanceof NoChallengeError) || a.scheme !== 'Negotiate') throw e;
      // Some servers take NTLM in the Negotiate header but not SPNEGO around it: try that once.
      pool.destroy();
      pool = new ConnectionPool(a.target, a.address, a.policy, a.timeoutMs);
      result.legs = [];
      result.negotiateToken = 'raw-ntlm';
      await handshake(a, pool, result, false);
    }
    if (a.scheme === 'Negotiate') result.negotiateToken ??= 'spnego';
    return result;
  } catch (e) {
    result.error = errorChain(e).join(': ');
    return result;
  } finally {
    result.ms = Math.round(performance.now() - t0);
    pool.destroy();
  }
}

function stepName(scheme: 'NTLM' | 'Negotiate', cbt: CbtVariant): ProbeStepName {
  return `${scheme === 'NTLM' ? 'ntlm' : 'negotiate'}-${cbt}` as ProbeStepName;
}

/** Run the whole probe. Never rejects for network trouble (that is the `unreachable` verdict); rejects with ProbeUrlError for a URL it will not probe. */
export async function runProbe(options: ProbeOptions, hooks?: ProbeHooks): Promise<ProbeResult> {
  const t0 = performance.now();
  const target = parseProbeUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const rec = new StepRecorder(hooks);
  const { domain, user } = parseAccount(options.user);
  const base = (verdict: ProbeVerdict, explanation: string, remediation: string[], tlsInfo: ProbeTls | null, anonymous: ProbeAnonymous | null, attempts: ProbeAttempt[]): ProbeResult => ({
    url: target.url.href, tls: tlsInfo, anonymous, attempts, verdict, explanation, remediation,
    steps: rec.steps, ms: Math.round(performance.now() - t0),
  });

  let connected: Connected;
  try {
    connected = await connectSteps(target, { ca: options.ca, insecure: options.insecure, trustedFingerprintSha256: options.trustedFingerprintSha256 }, timeoutMs, rec);
  } catch (e) {
    const failed = rec.steps[rec.steps.length - 1];
    const chain = errorChain(e);
    const cancelled = hooks?.signal?.aborted;
    return base(
      'unreachable',
      cancelled ? 'The probe was cancelled.' : `The ${failed?.name.toUpperCase() ?? 'connection'} step failed: ${chain.join(': ')}.`,
      unreachableFixes(failed?.name, target),
      null, null, [],
    );
  }
  const tlsInfo = tlsSummary(connected.conn);
  connected.conn.socket.destroy();
  const policy: TlsPolicy = {
    ca: options.ca, insecure: options.insecure, trustedFingerprintSha256: options.trustedFingerprintSha256,
    pinnedFingerprint: tlsInfo.fingerprintSha256,
  };

  let anonymous: ProbeAnonymous;
  try {
    anonymous = await rec.run('anonymous', async () => {
      const pool = new ConnectionPool(target, connected.address, policy, timeoutMs);
      try {
        const r = await request(pool, target, undefined, timeoutMs, hooks?.signal);
        const schemes = offeredSchemes(r.wwwAuthenticate);
        return { value: { status: r.status, wwwAuthenticate: schemes }, detail: `POST ${target.path} -> ${r.status}; WWW-Authenticate: ${schemes.join(', ') || 'none'}` };
      } finally {
        pool.destroy();
      }
    });
  } catch (e) {
    return base('unreachable', `The anonymous request failed: ${errorChain(e).join(': ')}.`, unreachableFixes('anonymous', target), tlsInfo, null, []);
  }

  const schemes = ntlmOffers(anonymous.wwwAuthenticate);
  const attempts: ProbeAttempt[] = [];
  if (schemes.length) {
    for (const cbt of ['absent', 'zero', 'correct'] as const) {
      for (const scheme of schemes) {
        if (hooks?.signal?.aborted) break;
        const at = await attempt({
          target, address: connected.address, policy, timeoutMs, scheme, cbt, domain, user, password: options.password,
          workstation: options.workstation ?? 'MRSPROBE', signal: hooks?.signal,
        });
        attempts.push(at);
        rec.push({
          name: stepName(scheme, cbt), ok: at.error === undefined, ms: at.ms,
          detail: at.error ?? `${scheme} with ${cbt} channel bindings: ${at.legs.join(' -> ')} (${at.ok ? 'authenticated' : 'rejected'})`,
          ...(at.error ? { error: [at.error] } : {}),
        });
      }
    }
  }
  if (hooks?.signal?.aborted) {
    return base('inconclusive', 'The probe was cancelled before all variants ran.', [], tlsInfo, anonymous, attempts);
  }
  const v = decideVerdict(anonymous, attempts);
  return base(v.verdict, v.explanation, v.remediation, tlsInfo, anonymous, attempts);
}

function unreachableFixes(step: ProbeStepName | undefined, target: ProbeTarget): string[] {
  switch (step) {
    case 'dns': return [`Check the name ${target.host} (public DNS for Exchange Online, internal DNS for the Hybrid Agent path).`];
    case 'tcp': return [`Check that port ${target.port} is open from here to ${target.host} (firewall, NAT, proxy listener).`, 'Exchange Online reaches the endpoint from Microsoft 365 addresses: allow them on the firewall, or use the Hybrid Agent.'];
    case 'tls': return ['Check the certificate chain and name (the subject or a SAN must be the host name), or give the CA with --ca.', 'Exchange Online only trusts publicly trusted certificates on the migration endpoint.'];
    default: return ['Check that the URL is the Exchange EWS endpoint (https://HOST/EWS/mrsproxy.svc) and that the server answers HTTP there.'];
  }
}
