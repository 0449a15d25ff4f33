// The contract's verdict table as a pure function over the attempts' outcomes, with the
// explanation and remediation in the articles' terms.
import type { CbtVariant, ProbeAnonymous, ProbeAttempt, ProbeVerdict } from './probeTypes';
import { CMD_DISABLE_EP, CMD_EXCLUDE_EWS_FRONTEND } from '../core/iisConfig/epCommands';

export interface VerdictText {
  verdict: ProbeVerdict;
  explanation: string;
  remediation: string[];
}

export type VariantOutcome = 'ok' | 'fail' | 'mixed' | 'error' | 'none';

const VARIANTS: CbtVariant[] = ['absent', 'zero', 'correct'];

/**
 * The challenges in WWW-Authenticate header values (RFC 9110 11.6.1): a proxy may merge several
 * headers into one comma-separated line ("Negotiate, NTLM"); auth-params (`realm="a, b"`) are
 * kept with their scheme. Returns one string per challenge, e.g. `Basic realm="x"`, `NTLM TlRM...`.
 */
export function splitChallenges(values: string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    const parts: string[] = [];
    let cur = '',
      quoted = false;
    for (let i = 0; i < value.length; i++) {
      const ch = value[i];
      if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted;
      if (ch === ',' && !quoted) {
        parts.push(cur);
        cur = '';
      } else cur += ch;
    }
    parts.push(cur);
    for (const raw of parts) {
      const p = raw.trim();
      if (!p) continue;
      // "name=value" continues the previous challenge's auth-params; token68 ends in "=" padding only.
      if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=\s*[^=]/.test(p) && out.length) out[out.length - 1] += `, ${p}`;
      else out.push(p);
    }
  }
  return out;
}

/** The schemes offered, as written ("Negotiate", "NTLM", "Basic"). */
export function offeredSchemes(values: string[]): string[] {
  return splitChallenges(values).map((c) => c.split(/\s+/)[0]);
}

/** Whether the server offers a scheme we can do NTLM in (NTLM or Negotiate). */
export function ntlmOffers(wwwAuthenticate: string[]): Array<'NTLM' | 'Negotiate'> {
  const out: Array<'NTLM' | 'Negotiate'> = [];
  for (const offer of splitChallenges(wwwAuthenticate)) {
    const scheme = offer.trim().split(/\s+/)[0]?.toLowerCase();
    if (scheme === 'negotiate' && !out.includes('Negotiate')) out.push('Negotiate');
    if (scheme === 'ntlm' && !out.includes('NTLM')) out.push('NTLM');
  }
  return out;
}

/** One variant's outcome over all its attempts (one per scheme). */
export function variantOutcome(attempts: ProbeAttempt[], cbt: CbtVariant): VariantOutcome {
  const mine = attempts.filter((a) => a.cbt === cbt);
  if (mine.length === 0) return 'none';
  if (mine.some((a) => a.status === null || a.error)) return 'error';
  const oks = mine.filter((a) => a.ok).length;
  if (oks === mine.length) return 'ok';
  if (oks === 0) return 'fail';
  return 'mixed';
}

const LOG_HINT =
  "Look at the server's IIS log (W3SVC1 on the front end, W3SVC2 on the back end) for the probe's POSTs to the URL: " +
  '401 1 2148074252 (SEC_E_LOGON_DENIED) is a wrong user name or password, 401 1 2148074310 (SEC_E_BAD_BINDINGS) ' +
  'is Extended Protection rejecting channel bindings of another certificate, 401 1 2148074248 (SEC_E_INVALID_TOKEN) ' +
  'or a type-3 request without the 2148074254 challenge line before it on the same connection is a proxy or load ' +
  'balancer that split the NTLM handshake over two backend connections.';

const SAME_CERT =
  'Serve the same certificate on the reverse proxy / load balancer and on Exchange (same key, so the client sees the certificate Exchange binds to).';
const PASS_THROUGH = 'Or publish mrsproxy.svc with TLS pass-through (layer 4, no TLS termination) so the client sees the Exchange certificate.';
const BRIDGING =
  'Or use SSL bridging with the Exchange certificate on the proxy front end (re-encrypting to Exchange is not enough when the front-end certificate differs).';
const EP_OFF = `Or keep Extended Protection everywhere else and leave only Default Web Site/EWS (with mrsproxy.svc) at None, with CSS-Exchange's script on the Exchange server: \`${CMD_EXCLUDE_EWS_FRONTEND}\`; turning Extended Protection off altogether (\`${CMD_DISABLE_EP}\`) comes only last.`;
const HYBRID_AGENT =
  "With the Hybrid Agent (Modern Hybrid) MRS reaches Exchange through the agent, not the published URL: probe the internal URL the agent forwards to; port 9821 in MRS errors is Exchange Online's side, not something to open on premises.";

export function decideVerdict(anonymous: ProbeAnonymous | null, attempts: ProbeAttempt[]): VerdictText {
  if (!anonymous) {
    return { verdict: 'unreachable', explanation: 'The anonymous request did not get an HTTP answer.', remediation: [] };
  }
  const offers = ntlmOffers(anonymous.wwwAuthenticate);
  if (offers.length === 0) {
    const what =
      anonymous.status === 401
        ? `The server answered 401 but offered ${anonymous.wwwAuthenticate.length ? anonymous.wwwAuthenticate.map((o) => o.split(/\s+/)[0]).join(', ') : 'no WWW-Authenticate scheme at all'}: no NTLM or Negotiate.`
        : `The server answered the anonymous request with ${anonymous.status} without asking for Windows authentication.`;
    // IIS keeps a connection logged on after NTLM succeeded; a reverse proxy that pools backend
    // connections (nginx "keepalive", haproxy "http-reuse always") can hand such a connection to
    // the next client, whose anonymous request then passes as someone else.
    const reused =
      anonymous.status !== 401
        ? ' It is also what a reverse proxy that reuses backend connections across clients produces: IIS keeps a connection logged on after an NTLM logon, and a request that lands on such a pooled connection passes as the user who logged on before (a security problem as well). Run the probe again: if it then gets a 401 with NTLM/Negotiate, connections are being shared.'
        : '';
    return {
      verdict: 'no-ntlm',
      explanation: `${what} Exchange Online MRS authenticates to /EWS/mrsproxy.svc with NTLM (Negotiate), so it cannot log on here. A reverse proxy doing pre-authentication (Basic or forms) or an endpoint that is not the Exchange EWS virtual directory answers like this.${reused}`,
      remediation: [
        'Publish /EWS/mrsproxy.svc without pre-authentication on the proxy so Exchange itself offers Negotiate and NTLM.',
        'Check that Windows Authentication (Negotiate, NTLM providers) is enabled on the EWS virtual directory (Get-WebServicesVirtualDirectory | fl *Authentication*) and that MRSProxy is enabled (MRSProxyEnabled).',
        'Check that the URL points at Exchange and not at another web server.',
        ...(anonymous.status !== 401
          ? [
              'If the proxy pools backend connections (nginx upstream "keepalive", haproxy "http-reuse always"), give each client connection its own backend connection for /EWS (haproxy "http-reuse never"; nginx without upstream keepalive breaks NTLM altogether, so use TLS pass-through or a proxy with NTLM connection affinity).',
            ]
          : []),
      ],
    };
  }
  const out: Record<CbtVariant, VariantOutcome> = {
    absent: variantOutcome(attempts, 'absent'),
    zero: variantOutcome(attempts, 'zero'),
    correct: variantOutcome(attempts, 'correct'),
  };
  const row = VARIANTS.map((v) => `${v} ${out[v]}`).join(', ');
  const t = (o: VariantOutcome, want: 'ok' | 'fail'): boolean => o === want;
  if (t(out.absent, 'ok') && t(out.zero, 'ok') && t(out.correct, 'ok')) {
    return {
      verdict: 'ok',
      explanation:
        'NTLM logons succeed without channel bindings, with all-zero bindings and with the bindings of the certificate seen here: Extended Protection is Off, or Accept with matching certificates. Exchange Online MRS is not blocked by Extended Protection on this path.',
      remediation: [
        'Nothing to fix for Extended Protection. If migrations still fail, check the MRS error text (explain) and the IIS log for the MRS requests.',
      ],
    };
  }
  if (t(out.absent, 'fail') && t(out.zero, 'fail') && t(out.correct, 'ok')) {
    return {
      verdict: 'require',
      explanation:
        'Only the logon with the channel bindings of the certificate seen here succeeds: Extended Protection is Require and the certificate matches end to end. Exchange Online MRS sends matching bindings, so it can log on; clients that send no bindings (older tools, some proxies that authenticate themselves) fail with 401.',
      remediation: [
        'Nothing to fix for MRS. Keep the same certificate on every TLS hop; changing the proxy to terminate TLS with another certificate would break MRS.',
        'If other clients without channel bindings must log on, set Extended Protection to Accept on their virtual directory, not on mrsproxy.svc.',
      ],
    };
  }
  if (t(out.absent, 'ok') && t(out.zero, 'ok') && t(out.correct, 'fail')) {
    return {
      verdict: 'accept-mismatch',
      explanation:
        'Logons without bindings succeed but the logon with the channel bindings of the certificate the client sees fails: Extended Protection is Accept on the server and TLS is terminated in between with another certificate (reverse proxy, load balancer, WAF). Exchange Online MRS sends the bindings it sees and fails with 401 (IIS logs 401 1 2148074310 SEC_E_BAD_BINDINGS).',
      remediation: [SAME_CERT, PASS_THROUGH, BRIDGING, EP_OFF, HYBRID_AGENT],
    };
  }
  if (t(out.absent, 'fail') && t(out.zero, 'fail') && t(out.correct, 'fail')) {
    const split = attempts.some((a) => !a.sameConnection);
    return {
      verdict: 'rejected',
      explanation:
        'Every NTLM logon fails, with or without channel bindings. The probe cannot tell from outside which of these it is: ' +
        'a wrong user name or password, Extended Protection Require behind a device that terminates TLS with another certificate, ' +
        'or a proxy/load balancer without connection affinity that sends the NTLM NEGOTIATE and AUTHENTICATE legs over different backend connections' +
        (split ? ' (here the connection itself was closed between the legs)' : '') +
        '. ' +
        LOG_HINT,
      remediation: [
        'Check the account (DOMAIN\\user, password, not locked) - 2148074252 in the IIS log.',
        'With 2148074310: ' + SAME_CERT + ' ' + PASS_THROUGH + ' ' + EP_OFF,
        'With 2148074248 or challenges without a following logon on the same connection: make the proxy keep one backend connection per client connection for /EWS/mrsproxy.svc (haproxy: "http-reuse never" and no "option http-server-close"; F5: OneConnect off or NTLM profile).',
        HYBRID_AGENT,
      ],
    };
  }
  const mixed = VARIANTS.filter((v) => out[v] === 'mixed');
  const errors = attempts.filter((a) => a.error).map((a) => `${a.scheme} ${a.cbt}: ${a.error}`);
  let why = `The outcomes (${row}) fit no row of the verdict table.`;
  if (mixed.length) why += ` NTLM and Negotiate disagree for ${mixed.join(', ')}: every attempt of a variant must agree.`;
  if (errors.length) why += ` Handshakes broke off: ${errors.join('; ')}.`;
  // 502/503/504 come from a proxy (or the server) itself, not from Windows authentication
  const gateway = [...new Set(attempts.map((a) => /with (50[234]) instead of a 401 challenge/.exec(a.error ?? '')?.[1]).filter((s): s is string => !!s))];
  if (gateway.length) {
    why +=
      ` ${gateway.join('/')} is not an authentication answer: a proxy in the path (or the server) had no working backend at that moment.` +
      ' A reverse proxy keeps a backend it could not reach out of service for a while (Apache mod_proxy 60 s by default, haproxy until its health checks pass).';
  }
  return {
    verdict: 'inconclusive',
    explanation: why + ' Run the probe again; if it stays so, compare with the IIS log of the server. ' + LOG_HINT,
    remediation: [
      ...(gateway.length
        ? ['Check that the Exchange server is up and reachable from the proxy, wait for the proxy to take it back into service, and probe again.']
        : []),
      'Repeat the probe directly against the Exchange server (bypassing the proxy) and through the published URL, and compare.',
      'Check that the proxy keeps one backend connection per client connection (NTLM is connection-bound).',
    ],
  };
}
