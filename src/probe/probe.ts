// The MRS endpoint probe: named steps (DNS, TCP, TLS, anonymous request), then NTLMv2 logons with
// channel bindings absent / all-zero / correct for the certificate this client sees, raw NTLM and
// Negotiate-wrapped, each on its own keep-alive connection; the verdict per the contract's table.
// Runs in the extension host and behind the CLI; no vscode import.
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { certificateProblemText, lookupAll, tcpConnect, tcpConnectAny, tlsConnect, type LookupAll, type TlsConn, type TlsPolicy } from './connection';
import { HttpConnection, headerValues } from './httpConnection';
import {
  authenticateMessage,
  challengeFromNegotiate,
  negotiateMessage,
  parseAccount,
  spnegoInit,
  spnegoResponse,
  ntlmSign,
  MECH_TYPE_LIST,
  type ChannelBindingsChoice,
} from './ntlmClient';
import { httpsInstead, normalizeProbeTarget } from './probeUrl';
import { formatFingerprint } from '../core/thumbprint';
import { decideVerdict, ntlmOffers, offeredSchemes, splitChallenges } from './verdict';
import type {
  CbtVariant,
  CheckTlsOptions,
  CheckTlsResult,
  ProbeAnonymous,
  ProbeAttempt,
  ProbeHooks,
  ProbeOptions,
  ProbeResult,
  ProbeStepName,
  ProbeStepReport,
  ProbeTls,
  ProbeVerdict,
} from './probeTypes';

export type {
  ProbeVerdict,
  ProbeOptions,
  ProbeResult,
  ProbeStepReport,
  ProbeAttempt,
  ProbeTls,
  ProbeAnonymous,
  ProbeHooks,
  CheckTlsOptions,
  CheckTlsResult,
  CbtVariant,
} from './probeTypes';
export { decideVerdict } from './verdict';

export const DEFAULT_TIMEOUT_MS = 10000;
/** The User-Agent of every probe request; IIS logs it (with "+" for spaces) beside the run's id. */
export function probeUserAgent(probeId: string): string {
  return `IIS-Auth-Lens-Probe/1.0 (run ${probeId})`;
}

/** The URL cannot be probed (not https, malformed): a usage problem, not a verdict. */
export class ProbeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeUrlError';
  }
}

class StepError extends Error {
  constructor(
    message: string,
    readonly causeErr?: unknown,
  ) {
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

/** Parse and check the probe URL with the one normalizer (probeUrl.ts): https only (credentials never go over plain http), a bare host or "/" means /EWS/mrsproxy.svc. */
export function parseProbeUrl(input: string): ProbeTarget {
  const n = normalizeProbeTarget(input);
  if (!n.ok) {
    switch (n.problem) {
      case 'empty':
        throw new ProbeUrlError('no URL given');
      case 'scheme':
        throw new ProbeUrlError(`unsupported scheme ${n.detail}: (only https:// can be probed)`);
      case 'credentials':
        throw new ProbeUrlError('put the account in --user and the password on stdin, not in the URL');
      case 'invalid':
        throw new ProbeUrlError(`"${input.trim().slice(0, 200)}" is neither a host name nor a URL`);
    }
  }
  const url = new URL(n.url);
  if (n.insecureScheme) {
    throw new ProbeUrlError(`refusing to send credentials over plain http (${url.origin}): MRS only uses https, probe ${httpsInstead(n.url)}`);
  }
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
      (v) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

class StepRecorder {
  readonly steps: ProbeStepReport[] = [];
  constructor(private readonly hooks?: ProbeHooks) {}
  /** Tells the listener which step is running now (the progress notification shows it). */
  starting(name: ProbeStepName): void {
    try {
      this.hooks?.onStepStart?.(name);
    } catch {
      // A failing listener must not break the probe.
    }
  }
  async run<T>(name: ProbeStepName, fn: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const t0 = performance.now();
    this.starting(name);
    try {
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
// DNS, TCP, TLS (connection.ts: the one connector of the CLI and the extension host)

function tlsSummary(c: TlsConn): ProbeTls {
  const ep = c.endPoint;
  return {
    subject: ep.subject,
    issuer: ep.issuer,
    sans: ep.sans,
    signatureHash: ep.hashAlgorithm,
    fingerprintSha256: ep.fingerprintSha256,
    channelBindings: c.cbtHash,
    serverEndPoint: ep.hash.toString('hex'),
    validFrom: ep.validFrom,
    validTo: ep.validTo,
    protocol: c.socket.getProtocol() ?? null,
    cipher: c.socket.getCipher()?.name ?? null,
    verified: c.authorized,
    verifyError: c.authorizationError,
    verifyProblem: c.authorizationError ? certificateProblemText(c.authorizationError) : null,
    trust: c.trust,
    chain: c.chain,
  };
}

interface Connected {
  addresses: string[];
  address: string;
  conn: TlsConn;
}

async function connectSteps(
  target: ProbeTarget,
  policy: TlsPolicy,
  timeoutMs: number,
  rec: StepRecorder,
  lookup: LookupAll,
  signal?: AbortSignal,
): Promise<Connected> {
  const addresses = await rec.run('dns', async () => {
    const a = await withTimeout(lookup(target.host), timeoutMs, `DNS lookup of ${target.host}`, signal);
    return { value: a, detail: net.isIP(target.host) ? `${target.host} (address literal)` : `${target.host} -> ${a.join(', ')}` };
  });
  let address = addresses[0];
  const tcp = await rec.run('tcp', async () => {
    try {
      const c = await tcpConnectAny(addresses, target.port, timeoutMs, signal);
      address = c.address;
      return { value: c.socket, detail: `connected to ${net.isIPv6(c.address) ? `[${c.address}]` : c.address}:${target.port}` };
    } catch (e) {
      throw new StepError(`cannot connect to ${target.host} port ${target.port}`, e);
    }
  });
  const conn = await rec.run('tls', async () => {
    const c = await tlsConnect(tcp, target.host, policy, timeoutMs, signal);
    const ep = c.endPoint;
    const trustText =
      c.trust === 'verified'
        ? 'verified'
        : c.trust === 'fingerprint'
          ? `not verified (${certificateProblemText(c.authorizationError)}), accepted by its confirmed thumbprint`
          : `NOT verified (${certificateProblemText(c.authorizationError)}), --insecure`;
    return {
      value: c,
      detail: `${c.socket.getProtocol() ?? 'TLS'}; ${ep.subject} issued by ${ep.issuer}; SANs ${ep.sans.join(', ') || '-'}; valid ${ep.validFrom.slice(0, 10)}..${ep.validTo.slice(0, 10)}; ${ep.signatureAlgorithm}; SHA-256 ${formatFingerprint(ep.fingerprintSha256)}; channel bindings ${c.cbtHash}; ${trustText}`,
    };
  });
  return { addresses, address, conn };
}

/** DNS, TCP and TLS only: to show the certificate (and thumbprint) before any credential is sent. */
export async function checkTls(url: string, opts: CheckTlsOptions = {}, hooks: ProbeHooks = {}): Promise<CheckTlsResult> {
  const target = parseProbeUrl(url);
  const rec = new StepRecorder(hooks);
  try {
    const c = await connectSteps(target, { ca: opts.ca, insecure: true }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, rec, hooks.lookup ?? lookupAll, hooks.signal);
    c.conn.socket.destroy();
    const tlsInfo = tlsSummary(c.conn);
    return { url: target.url.href, host: target.host, port: target.port, tls: tlsInfo, steps: rec.steps, ok: true };
  } catch {
    return { url: target.url.href, host: target.host, port: target.port, tls: null, steps: rec.steps, ok: false };
  }
}
// ---------------------------------------------------------------------------------------------
// HTTP/1.1 over our own TLS connections (httpConnection.ts), so that every connection gets the same
// certificate checks and no host patch of node:http can reroute a request.

interface ProbeResponse {
  status: number;
  wwwAuthenticate: string[];
  connectionId: number;
}

/**
 * The connections of one handshake (or of the anonymous request): a request goes over the open
 * connection, or a new one when the server closed it or said `Connection: close`.
 */
class ProbeSession {
  readonly conns: Array<{ tls: TlsConn; http: HttpConnection }> = [];
  constructor(
    private readonly target: ProbeTarget,
    private readonly address: string,
    private readonly policy: TlsPolicy,
    private readonly timeoutMs: number,
    private readonly userAgent: string,
    private readonly signal?: AbortSignal,
  ) {}

  get current(): TlsConn | undefined {
    return this.conns[this.conns.length - 1]?.tls;
  }

  private async connection(): Promise<HttpConnection> {
    const last = this.conns[this.conns.length - 1];
    if (last?.http.open) return last.http;
    const tcp = await tcpConnect(this.address, this.target.port, this.timeoutMs, this.signal);
    let c: TlsConn;
    try {
      c = await tlsConnect(tcp, this.target.host, this.policy, this.timeoutMs, this.signal);
    } catch (e) {
      tcp.destroy();
      throw e;
    }
    const http = new HttpConnection(c.socket, this.conns.length + 1);
    this.conns.push({ tls: c, http });
    return http;
  }

  async send(authorization: string | undefined): Promise<ProbeResponse> {
    const conn = await this.connection();
    const headers: Array<[string, string]> = [
      ['Host', this.target.hostHeader],
      ['User-Agent', this.userAgent],
      ['Content-Type', 'application/soap+xml; charset=utf-8'],
      ['Content-Length', '0'],
      ['Connection', 'keep-alive'],
    ];
    if (authorization) headers.push(['Authorization', authorization]);
    const res = await conn.request({ method: 'POST', path: this.target.path, headers }, this.timeoutMs, this.signal);
    return { status: res.status, wwwAuthenticate: headerValues(res, 'www-authenticate'), connectionId: res.connectionId };
  }

  destroy(): void {
    for (const c of this.conns) c.http.destroy();
  }
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
  userAgent: string;
  signal?: AbortSignal;
}

class NoChallengeError extends Error {}

/** Legs 1 and 2 of one handshake on one session; `spnego` wraps the NTLM tokens for Negotiate. */
async function handshake(a: AttemptInput, session: ProbeSession, result: ProbeAttempt, spnego: boolean): Promise<void> {
  const type1 = negotiateMessage();
  const first = spnego ? spnegoInit(type1) : type1;
  const r1 = await session.send(`${a.scheme} ${first.toString('base64')}`);
  result.legs.push(r1.status);
  if (r1.status !== 401) {
    throw new NoChallengeError(`the server answered the NEGOTIATE leg with ${r1.status} instead of a 401 challenge`);
  }
  const tok = tokenFor(a.scheme, r1.wwwAuthenticate);
  if (!tok)
    throw new NoChallengeError(
      `the 401 to the NEGOTIATE leg carries no ${a.scheme} challenge (WWW-Authenticate: ${r1.wwwAuthenticate.map((w) => w.split(/\s+/)[0]).join(', ') || 'none'})`,
    );
  let challenge: Buffer;
  if (a.scheme === 'Negotiate') {
    const resp = challengeFromNegotiate(tok);
    if (!resp.challenge)
      throw new NoChallengeError(`the server's SPNEGO answer has no NTLM challenge (negState ${resp.negState ?? '-'}, mech ${resp.supportedMech ?? '-'})`);
    challenge = resp.challenge;
  } else challenge = tok;
  const conn = session.current!;
  const cb: ChannelBindingsChoice = a.cbt === 'correct' ? { hash: conn.cbtHash } : a.cbt;
  const auth = authenticateMessage({
    negotiate: type1,
    challenge,
    domain: a.domain,
    user: a.user,
    password: a.password,
    workstation: a.workstation,
    spn: `HTTP/${a.target.host}`,
    channelBindings: cb,
  });
  const third = spnego ? spnegoResponse(auth.message, ntlmSign(auth.exportedSessionKey, 'client', 0, MECH_TYPE_LIST, auth.flags)) : auth.message;
  const r2 = await session.send(`${a.scheme} ${third.toString('base64')}`);
  result.legs.push(r2.status);
  result.sameConnection = r1.connectionId === r2.connectionId;
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
  let session = new ProbeSession(a.target, a.address, a.policy, a.timeoutMs, a.userAgent, a.signal);
  try {
    try {
      await handshake(a, session, result, a.scheme === 'Negotiate');
    } catch (e) {
      if (!(e instanceof NoChallengeError) || a.scheme !== 'Negotiate') throw e;
      // Some servers take NTLM in the Negotiate header but not SPNEGO around it: try that once.
      session.destroy();
      session = new ProbeSession(a.target, a.address, a.policy, a.timeoutMs, a.userAgent, a.signal);
      result.legs = [];
      result.negotiateToken = 'raw-ntlm';
      await handshake(a, session, result, false);
    }
    if (a.scheme === 'Negotiate') result.negotiateToken ??= 'spnego';
    return result;
  } catch (e) {
    result.error = errorChain(e).join(': ');
    return result;
  } finally {
    result.ms = Math.round(performance.now() - t0);
    session.destroy();
  }
}

function stepName(scheme: 'NTLM' | 'Negotiate', cbt: CbtVariant): ProbeStepName {
  return `${scheme === 'NTLM' ? 'ntlm' : 'negotiate'}-${cbt}` as ProbeStepName;
}

/**
 * The probe's own deadline over all steps (up to 2 + 6 x 4 network waits): a server answering just
 * under the step timeout cannot stretch the probe past 6 step timeouts (and never under 30 s, which
 * a slow but working WAN path needs for the eight connections).
 */
export function overallDeadlineMs(timeoutMs: number): number {
  return Math.max(6 * timeoutMs, 30_000);
}

/** Run the whole probe. Never rejects for network trouble (that is the `unreachable` verdict); rejects with ProbeUrlError for a URL it will not probe. */
export async function runProbe(options: ProbeOptions, hooks?: ProbeHooks): Promise<ProbeResult> {
  const t0 = performance.now();
  const target = parseProbeUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const rec = new StepRecorder(hooks);
  const { domain, user } = parseAccount(options.user);
  const probeId = randomBytes(4).toString('hex');
  const userAgent = probeUserAgent(probeId);
  // One signal for the user's Cancel and the overall deadline.
  const stop = new AbortController();
  const deadlineMs = options.deadlineMs ?? overallDeadlineMs(timeoutMs);
  let pastDeadline = false;
  const deadline = setTimeout(() => {
    pastDeadline = true;
    stop.abort();
  }, deadlineMs);
  const onUserAbort = (): void => stop.abort();
  if (hooks?.signal?.aborted) stop.abort();
  hooks?.signal?.addEventListener('abort', onUserAbort, { once: true });
  const signal = stop.signal;
  const stopped = (): string | undefined =>
    pastDeadline
      ? `The probe stopped at its overall deadline of ${deadlineMs} ms (the step timeout is ${timeoutMs} ms): the server answers too slowly for a verdict.`
      : hooks?.signal?.aborted
        ? 'The probe was cancelled.'
        : undefined;
  const base = (
    verdict: ProbeVerdict,
    explanation: string,
    remediation: string[],
    tlsInfo: ProbeTls | null,
    anonymous: ProbeAnonymous | null,
    attempts: ProbeAttempt[],
  ): ProbeResult => ({
    url: target.url.href,
    tls: tlsInfo,
    anonymous,
    attempts,
    verdict,
    explanation,
    remediation,
    steps: rec.steps,
    ms: Math.round(performance.now() - t0),
    probeId,
  });
  try {
    let connected: Connected;
    try {
      connected = await connectSteps(
        target,
        { ca: options.ca, insecure: options.insecure, trustedFingerprintSha256: options.trustedFingerprintSha256 },
        timeoutMs,
        rec,
        hooks?.lookup ?? lookupAll,
        signal,
      );
    } catch (e) {
      const failed = rec.steps[rec.steps.length - 1];
      const why = stopped();
      if (why) return base(pastDeadline ? 'inconclusive' : 'unreachable', why, [], null, null, []);
      return base(
        'unreachable',
        `The ${failed?.name.toUpperCase() ?? 'connection'} step failed: ${errorChain(e).join(': ')}.`,
        unreachableFixes(failed?.name, target),
        null,
        null,
        [],
      );
    }
    const tlsInfo = tlsSummary(connected.conn);
    connected.conn.socket.destroy();
    const policy: TlsPolicy = {
      ca: options.ca,
      insecure: options.insecure,
      trustedFingerprintSha256: options.trustedFingerprintSha256,
      pinnedFingerprint: tlsInfo.fingerprintSha256,
    };

    let anonymous: ProbeAnonymous;
    try {
      anonymous = await rec.run('anonymous', async () => {
        const session = new ProbeSession(target, connected.address, policy, timeoutMs, userAgent, signal);
        try {
          const r = await session.send(undefined);
          const schemes = offeredSchemes(r.wwwAuthenticate);
          return {
            value: { status: r.status, wwwAuthenticate: schemes },
            detail: `POST ${target.path} -> ${r.status}; WWW-Authenticate: ${schemes.join(', ') || 'none'}`,
          };
        } finally {
          session.destroy();
        }
      });
    } catch (e) {
      const why = stopped();
      if (why) return base(pastDeadline ? 'inconclusive' : 'unreachable', why, [], tlsInfo, null, []);
      return base('unreachable', `The anonymous request failed: ${errorChain(e).join(': ')}.`, unreachableFixes('anonymous', target), tlsInfo, null, []);
    }

    const schemes = ntlmOffers(anonymous.wwwAuthenticate);
    const attempts: ProbeAttempt[] = [];
    if (schemes.length) {
      for (const cbt of ['absent', 'zero', 'correct'] as const) {
        for (const scheme of schemes) {
          if (signal.aborted) break;
          rec.starting(stepName(scheme, cbt));
          const at = await attempt({
            target,
            address: connected.address,
            policy,
            timeoutMs,
            scheme,
            cbt,
            domain,
            user,
            password: options.password,
            workstation: options.workstation ?? 'MRSPROBE',
            userAgent,
            signal,
          });
          attempts.push(at);
          rec.push({
            name: stepName(scheme, cbt),
            ok: at.error === undefined,
            ms: at.ms,
            detail: at.error ?? `${scheme} with ${cbt} channel bindings: ${at.legs.join(' -> ')} (${at.ok ? 'authenticated' : 'rejected'})`,
            ...(at.error ? { error: [at.error] } : {}),
          });
        }
      }
    }
    const why = stopped();
    if (why) return base('inconclusive', `${why} ${attempts.length} of ${schemes.length * 3} handshakes ran.`, [], tlsInfo, anonymous, attempts);
    const v = decideVerdict(anonymous, attempts);
    return base(v.verdict, v.explanation, v.remediation, tlsInfo, anonymous, attempts);
  } finally {
    clearTimeout(deadline);
    hooks?.signal?.removeEventListener('abort', onUserAbort);
  }
}

function unreachableFixes(step: ProbeStepName | undefined, target: ProbeTarget): string[] {
  switch (step) {
    case 'dns':
      return [`Check the name ${target.host} (public DNS for Exchange Online, internal DNS for the Hybrid Agent path).`];
    case 'tcp':
      return [
        `Check that port ${target.port} is open from here to ${target.host} (firewall, NAT, proxy listener).`,
        'Exchange Online reaches the endpoint from Microsoft 365 addresses: allow them on the firewall, or use the Hybrid Agent.',
      ];
    case 'tls':
      return [
        'Check the certificate chain and name (the subject or a SAN must be the host name), or give the CA with --ca.',
        'Exchange Online only trusts publicly trusted certificates on the migration endpoint.',
      ];
    default:
      return ['Check that the URL is the Exchange EWS endpoint (https://HOST/EWS/mrsproxy.svc) and that the server answers HTTP there.'];
  }
}
