// The JSON model the "FREB report" webview renders (it replaces freb.xsl): request summary, the
// failure first, the event timeline with depths and durations, headers with the auth decoded.
// Built in the extension host from the same analysis the CLI and the server use.
import type { Finding } from '../findings';
import type { DecodeResult } from '../authHeader';
import type { AuthSniff } from './frebAuthScheme';
import { frebSummaryLine, type FrebAnalysis } from './frebAnalyze';
import { decodeAuthorization } from './frebAuthScheme';
import { cbtLine, micText, versionText } from '../tokenReport';
import { FREB_EVENT_DOCS } from './frebEventDocs';
import { buildEventTree, eventLabel, type FrebNode } from './frebTree';

export interface FrebReportEvent {
  index: number;
  name: string;
  label: string;
  level: number | null;
  levelName: string | null;
  time: string | null;
  /** ms since the first event. */
  offsetMs: number | null;
  /** For X_START events with their X_END: the time between them. */
  durationMs: number | null;
  depth: number;
  line: number;
  isFailure: boolean;
  doc: string | null;
  data: Array<[string, string]>;
  descriptions: Record<string, string>;
}

export interface FrebReportHeader {
  name: string;
  value: string;
  line: number;
  /** For Authorization / WWW-Authenticate with a token: "NTLM AUTHENTICATE (type 3)" etc. */
  auth: string | null;
  /** Decoded fields of the token (user, SPN, channel bindings, flags ...). */
  details: Array<[string, string]>;
}

export interface FrebReportModel {
  file: string;
  summary: string;
  request: Array<[string, string]>;
  failure: {
    line: number;
    status: string | null;
    codeName: string | null;
    hex: string | null;
    text: string | null;
    module: string | null;
    notification: string | null;
    /** For BAD_BINDINGS: what the client's AUTHENTICATE carried and how to compare it. */
    bindingsHint: string | null;
    /** For BAD_BINDINGS: the `host:port` of the request, whose certificate the report offers to compare (Check Channel Bindings). */
    bindingsTarget: string | null;
  } | null;
  findings: Finding[];
  events: FrebReportEvent[];
  requestHeaders: FrebReportHeader[];
  responseHeaders: FrebReportHeader[];
  totalMs: number | null;
}

const NTLM_TYPES = ['', 'NEGOTIATE', 'CHALLENGE', 'AUTHENTICATE'];

function authOf(name: string, value: string): { auth: string | null; details: Array<[string, string]> } {
  const none = { auth: null, details: [] };
  if (!/^(authorization|www-authenticate|proxy-authorization|proxy-authenticate)$/i.test(name)) return none;
  const s = decodeAuthorization(value);
  if (!s) return none;
  return { auth: authLabel(s, value), details: detailsOf(s.decoded) };
}

function detailsOf(d: DecodeResult | null): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!d) return out;
  const put = (k: string, v: unknown): void => {
    if (v !== null && v !== undefined && v !== '') out.push([k, String(v)]);
  };
  if (d.spnego) put('SPNEGO', [d.spnego.state, ...(d.spnego.mechTypes ?? [])].filter(Boolean).join(' '));
  const n = d.ntlm;
  if (n) {
    put('NTLM message', `${n.messageTypeName} (type ${n.messageType})`);
    if (n.user || n.domain) put('User', `${n.domain ?? ''}\\${n.user ?? ''}`);
    put('Workstation', n.workstation);
    put('Target name', n.targetName);
    put('SPN (MsvAvTargetName)', n.spn);
    if (n.messageType === 3)
      put(
        'Channel bindings',
        n.channelBindingsMalformed ? cbtLine(n) : n.channelBindingsState === 'present' ? `present ${n.channelBindings}` : n.channelBindingsState,
      );
    if (n.messageType === 3) put('MIC', micText(n));
    put('NTLM version', n.ntlmVersion);
    put('Timestamp', n.timestamp);
    put('OS version', versionText(n));
    put('Flags', n.flags.join(' '));
  }
  const k = d.kerberos as unknown as Record<string, unknown> | undefined;
  if (k) for (const key of ['realm', 'sname', 'etype', 'messageType']) put(`Kerberos ${key}`, k[key]);
  if (d.basic) put('Basic user', `${d.basic.user} (password not shown)`);
  if (d.offers?.length) put('Offers', d.offers.join(', '));
  return out;
}

function authLabel(s: AuthSniff, value: string): string | null {
  if (s.mechanism === 'NTLM')
    return `NTLM ${NTLM_TYPES[s.ntlmMessageType ?? 0] ?? ''}${s.ntlmMessageType ? ` (type ${s.ntlmMessageType})` : ''}${s.scheme.toLowerCase() !== 'ntlm' ? ` in ${s.scheme}` : ''}`
      .replace(/\s+/g, ' ')
      .trim();
  if (s.mechanism === 'unknown') return value.trim().includes(' ') ? null : `${s.scheme} (scheme offered, no token)`;
  return `${s.mechanism}${s.mechanism !== s.scheme ? ` in ${s.scheme}` : ''}`;
}

/** `host:port` of the traced request (the port its scheme implies when the URL names none). */
function requestHostPort(a: FrebAnalysis): string | null {
  try {
    const u = new URL(a.entry.url ?? '');
    return `${u.hostname}:${u.port || (u.protocol === 'http:' ? '80' : '443')}`;
  } catch {
    return null;
  }
}

function bindingsHint(a: FrebAnalysis): string | null {
  if (!a.findings.some((f) => f.code === 'BAD_BINDINGS')) return null;
  const n = a.authorization?.decoded?.ntlm;
  const host = requestHostPort(a) ?? 'HOST';
  // The report is the editor's (the CLI has its own output): it names the editor's command, which
  // the button below the hint runs with this trace's AUTHENTICATE and host.
  const compare = `Compare them with the bindings of the certificate IIS itself presents (Check Channel Bindings Against Certificate with ${host}, asked from inside, not through the proxy). A different value means TLS is terminated in between with another certificate.`;
  if (n && n.messageType === 3) {
    if (n.channelBindingsMalformed)
      return `The client's NTLM AUTHENTICATE carried malformed channel bindings (${(n.channelBindings ?? '').length / 2} bytes where MS-NLMP requires 16): IIS cannot match them. ${compare}`;
    if (n.channelBindingsState === 'present') return `The client's NTLM AUTHENTICATE carried channel bindings ${n.channelBindings}. ${compare}`;
    return `The client's NTLM AUTHENTICATE carried ${n.channelBindingsState} channel bindings: with Extended Protection "Require" IIS rejects that.`;
  }
  return compare;
}

export function buildFrebReportModel(a: FrebAnalysis, file: string): FrebReportModel {
  const events: FrebReportEvent[] = [];
  const first = a.trace.events.find((e) => e.timeMs !== null)?.timeMs ?? null;
  const walk = (nodes: FrebNode[], depth: number): void => {
    for (const n of nodes) {
      const ev = n.event;
      events.push({
        index: ev.index,
        name: ev.name,
        label: eventLabel(ev),
        level: ev.level,
        levelName: ev.levelName,
        time: ev.time,
        offsetMs: first !== null && ev.timeMs !== null ? ev.timeMs - first : null,
        durationMs: n.end ? n.durationMs : null,
        depth,
        line: ev.line,
        isFailure: a.failure?.event === ev,
        doc: FREB_EVENT_DOCS[ev.name] ?? null,
        data: ev.data,
        descriptions: ev.descriptions,
      });
      walk(n.children, depth + 1);
      if (n.end) {
        const end = n.end;
        events.push({
          index: end.index,
          name: end.name,
          label: eventLabel(end),
          level: end.level,
          levelName: end.levelName,
          time: end.time,
          offsetMs: first !== null && end.timeMs !== null ? end.timeMs - first : null,
          durationMs: null,
          depth,
          line: end.line,
          isFailure: a.failure?.event === end,
          doc: FREB_EVENT_DOCS[end.name] ?? null,
          data: end.data,
          descriptions: end.descriptions,
        });
      }
    }
  };
  walk(buildEventTree(a.trace.events), 0);
  const r = a.trace.request;
  const e = a.entry;
  const request: Array<[string, string]> = [];
  const put = (k: string, v: string | number | null | undefined): void => {
    if (v !== null && v !== undefined && v !== '') request.push([k, String(v)]);
  };
  put('URL', r.url);
  put('Verb', r.verb);
  put('Status', e.statusCode === null ? null : e.subStatusCode ? `${e.statusCode}.${e.subStatusCode}` : String(e.statusCode));
  put(
    'Win32 status',
    e.win32Status === null ? null : `${e.win32Status}${a.failure?.hex ? ` (${a.failure.hex}${a.failure.codeName ? ' ' + a.failure.codeName : ''})` : ''}`,
  );
  put('Time taken', r.timeTaken === null ? null : `${r.timeTaken} ms`);
  put('Auth type (requested)', a.authType);
  put('Authentication (root)', r.authenticationType);
  put('User', r.userName);
  put('Token user', r.tokenUserName);
  put('Client address', a.clientIp);
  put('Site', r.siteId);
  put('App pool', r.appPoolId);
  put('Process', r.processId);
  put('Failure reason', r.failureReason);
  put('Trigger status', r.triggerStatusCode);
  put('Activity ID', r.activityId);
  put('Events', a.trace.events.length);
  const hdr = (h: { name: string; value: string; line: number }): FrebReportHeader => ({ ...h, ...authOf(h.name, h.value) });
  const f = a.failure;
  return {
    file,
    summary: frebSummaryLine(a),
    request,
    failure: f
      ? {
          line: f.event.line,
          status: f.status,
          codeName: f.codeName,
          hex: f.hex,
          text: f.text,
          module: f.module,
          notification: f.notification,
          bindingsHint: bindingsHint(a),
          bindingsTarget: a.findings.some((x) => x.code === 'BAD_BINDINGS') && a.authorization?.decoded?.ntlm?.messageType === 3 ? requestHostPort(a) : null,
        }
      : null,
    findings: a.findings,
    events,
    requestHeaders: a.requestHeaders.map(hdr),
    responseHeaders: a.responseHeaders.map(hdr),
    totalMs: r.timeTaken,
  };
}
