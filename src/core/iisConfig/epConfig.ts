// Extended Protection as IIS applies it, read from applicationHost.config (or one web.config):
// windowsAuthentication (enabled, providers, useKernelMode, useAppPoolCredentials), its
// extendedProtection (tokenChecking, flags, <spn>) and access sslFlags, resolved per <location>
// with IIS inheritance (server level, then each ancestor path, then the location itself; in a
// collection <clear/> empties what was inherited, <add> appends, <remove> drops one key), judged
// against Exchange's expected table and against the MRS / TLS-termination failure of the articles.
import { IisConfigFormatError, parseConfigXml, type ConfigContainer, type XmlElement } from './iisConfigXml';
import { BACK_END, FRONT_END, IIS_MANAGER_NAME, expectedFor, judge, type EpState, type ExchangeBuild, type TokenChecking } from './exchangeEpTable';
import { CMD_EXCLUDE_EWS_FRONTEND, psSetExtendedProtection } from './epCommands';
import type { Severity } from '../findings';

export { IisConfigFormatError };

export type EpFindingCode = 'EP_LESS_SECURE' | 'EP_UNSUPPORTED' | 'EP_MRS_PROXY_RISK' | 'EP_NOT_CONFIGURED';

export interface EpFinding {
  line: number;
  code: EpFindingCode;
  severity: Severity;
  location: string;
  message: string;
  fix: string;
  /** Values behind the message, so an editor can word it in its own language. */
  tokenChecking: TokenChecking;
  expected: TokenChecking | null;
  /** EP_NOT_CONFIGURED: how many Exchange virtual directories are at None. */
  count?: number;
  /** EP_MRS_PROXY_RISK: the fix choices in the order an admin should weigh them (`fix` joins them). */
  fixes?: string[];
}

/** Where a resolved value was written: the element's line and the <location> path ('' = server level). */
export interface SetAt {
  line: number;
  path: string;
}

export interface EpLocation {
  location: string;
  site: string | null;
  vdir: string | null;
  windowsAuthentication: boolean;
  providers: string[];
  useKernelMode: boolean;
  useAppPoolCredentials: boolean;
  tokenChecking: TokenChecking;
  flags: string;
  spns: string[];
  sslFlags: string;
  expected: TokenChecking | null;
  state: EpState;
  /** Line of the <location> element (1-based). */
  line: number;
  /** Last line of the <location> element. */
  endLine: number;
  /** <windowsAuthentication> / <extendedProtection> inside this <location>, when there. */
  windowsAuthenticationLine: number | null;
  extendedProtectionLine: number | null;
  /** Where the applied tokenChecking comes from; null = IIS's default (None). */
  tokenCheckingSetAt: SetAt | null;
  /** IP-filter mitigation (ipSecurity allowUnlisted="false"), the script's -RestrictType EWSBackend. */
  ipFilter: boolean;
}

export interface EpConfigReport {
  kind: 'applicationHost' | 'web.config';
  locations: EpLocation[];
  findings: EpFinding[];
  /** What Exchange's MRS endpoint (Default Web Site/EWS/mrsproxy.svc) gets, when this is an Exchange config. */
  mrsProxy: { tokenChecking: TokenChecking; setAt: SetAt | null } | null;
  lines: number;
}

export interface EpConfigOptions {
  /** Exchange build (--exchange-version); without it a build that supports EP is assumed. */
  build?: ExchangeBuild | null;
  /** For a web.config: the `Site/VDir` it belongs to, when known. */
  webConfigLocation?: string | null;
}

interface Source {
  /** Normalised path ('' = server level), compared case-insensitively. */
  path: string;
  depth: number;
  order: number;
  container: ConfigContainer;
  /** inheritInChildApplications="false": the settings stop at the next application below the path. */
  stopsAtApplications: boolean;
}

function normPath(p: string | undefined): string {
  const s = (p ?? '')
    .trim()
    .replace(/\\/g, '/')
    .replace(/^\/+|\/+$/g, '');
  return s === '.' ? '' : s;
}

const TOKEN_VALUES: Record<string, TokenChecking> = { none: 'None', allow: 'Allow', require: 'Require' };

function bool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return /^true$/i.test(v.trim()) ? true : /^false$/i.test(v.trim()) ? false : undefined;
}

/** Canonical flag list: IIS accepts any order and spacing ("Ssl, Ssl128"); we print "Ssl,Ssl128". */
export function normFlags(v: string, order: readonly string[]): string {
  const parts = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = order.filter((o) => parts.some((p) => p.toLowerCase() === o.toLowerCase()));
  const unknown = parts.filter((p) => !order.some((o) => o.toLowerCase() === p.toLowerCase()));
  const all = [...known.filter((k) => k !== 'None' || (known.length === 1 && !unknown.length)), ...unknown];
  return all.length ? all.join(',') : 'None';
}

const SSL_ORDER = ['None', 'Ssl', 'Ssl128', 'SslNegotiateCert', 'SslRequireCert', 'SslMapCert'];
const EP_FLAG_ORDER = ['None', 'Proxy', 'NoServiceNameCheck', 'AllowDotlessSpn', 'ProxyCohosting'];

interface Resolved {
  enabled: boolean;
  providers: string[];
  useKernelMode: boolean;
  useAppPoolCredentials: boolean;
  tokenChecking: TokenChecking;
  tokenCheckingSetAt: SetAt | null;
  flags: string;
  spns: string[];
  sslFlags: string;
  ipFilter: boolean;
}

/** Applies a collection's <clear/>, <add>, <remove> in document order. */
function applyCollection(list: string[], el: XmlElement, add: string, remove: string, clear: string, key: string): string[] {
  let out = list;
  for (const c of el.children) {
    if (c.name === clear) out = [];
    else if (c.name === add && c.attrs[key] !== undefined) {
      const v = c.attrs[key]!;
      out = [...out.filter((x) => x.toLowerCase() !== v.toLowerCase()), v];
    } else if (c.name === remove && c.attrs[key] !== undefined) {
      const v = c.attrs[key]!.toLowerCase();
      out = out.filter((x) => x.toLowerCase() !== v);
    }
  }
  return out;
}

/** Sources by lower-cased path, each list in document order; the server level under ''. */
interface SourceIndex {
  byPath: Map<string, Source[]>;
  /** Lower-cased `Site/app` of every application below a site root. */
  applications: Set<string>;
}

function indexSources(sources: Source[], applications: string[]): SourceIndex {
  const index: SourceIndex = { byPath: new Map(), applications: new Set(applications.map((a) => a.toLowerCase())) };
  for (const s of sources) {
    const k = s.path.toLowerCase();
    const list = index.byPath.get(k);
    if (list) list.push(s);
    else index.byPath.set(k, [s]);
  }
  return index;
}

function resolve(index: SourceIndex, path: string): Resolved {
  // IIS_schema.xml defaults.
  const r: Resolved = {
    enabled: false,
    providers: [],
    useKernelMode: true,
    useAppPoolCredentials: false,
    tokenChecking: 'None',
    tokenCheckingSetAt: null,
    flags: 'None',
    spns: [],
    sslFlags: 'None',
    ipFilter: false,
  };
  const lower = path.toLowerCase();
  // The server level, then each ancestor path and the path itself (a lookup per segment, so a
  // config with thousands of locations stays linear).
  const segments = lower ? lower.split('/') : [];
  const applicable = [...(index.byPath.get('') ?? [])].sort((a, b) => a.depth - b.depth || a.order - b.order);
  for (let k = 1; k <= segments.length; k++) applicable.push(...(index.byPath.get(segments.slice(0, k).join('/')) ?? []));
  // Is there an application strictly below `from` segments, down to the path itself?
  const appBetween = (from: number): boolean => {
    for (let k = from + 1; k <= segments.length; k++) if (index.applications.has(segments.slice(0, k).join('/'))) return true;
    return false;
  };
  for (const s of applicable) {
    if (s.stopsAtApplications && appBetween(Math.max(0, s.depth))) continue;
    for (const wa of s.container.sections.windowsAuthentication) {
      r.enabled = bool(wa.attrs.enabled) ?? r.enabled;
      r.useKernelMode = bool(wa.attrs.useKernelMode) ?? r.useKernelMode;
      r.useAppPoolCredentials = bool(wa.attrs.useAppPoolCredentials) ?? r.useAppPoolCredentials;
      for (const p of wa.children.filter((c) => c.name === 'providers')) r.providers = applyCollection(r.providers, p, 'add', 'remove', 'clear', 'value');
      for (const ep of wa.children.filter((c) => c.name === 'extendedProtection')) {
        const tc = ep.attrs.tokenChecking;
        if (tc !== undefined) {
          r.tokenChecking = TOKEN_VALUES[tc.trim().toLowerCase()] ?? r.tokenChecking;
          r.tokenCheckingSetAt = { line: ep.line, path: s.path };
        }
        if (ep.attrs.flags !== undefined) r.flags = normFlags(ep.attrs.flags, EP_FLAG_ORDER);
        r.spns = applyCollection(r.spns, ep, 'spn', 'removeSpn', 'clearSpns', 'name');
      }
    }
    for (const a of s.container.sections.access) {
      if (a.attrs.sslFlags !== undefined) r.sslFlags = normFlags(a.attrs.sslFlags, SSL_ORDER);
    }
    for (const ip of s.container.sections.ipSecurity) {
      const allow = bool(ip.attrs.allowUnlisted);
      if (allow !== undefined) r.ipFilter = !allow;
    }
  }
  return r;
}

function collectSources(containers: ConfigContainer[]): Source[] {
  // Sections directly under <configuration> are the server level (or, in a web.config, its folder).
  return containers.map((c, order) => {
    if (!c.location) return { path: '', depth: -1, order, container: c, stopsAtApplications: false };
    const path = normPath(c.location.attrs.path);
    const stops = /^false$/i.test((c.location.attrs.inheritInChildApplications ?? '').trim());
    return { path, depth: path ? path.split('/').length : 0, order, container: c, stopsAtApplications: stops };
  });
}

function splitLocation(path: string): { site: string | null; vdir: string | null } {
  const k = path.indexOf('/');
  if (k < 0) return { site: path || null, vdir: null };
  return { site: path.slice(0, k), vdir: path.slice(k + 1) };
}

function toLocation(index: SourceIndex, src: Source, name: string, build: ExchangeBuild | null | undefined, judgeIt: boolean): EpLocation {
  const r = resolve(index, src.path);
  const exp = judgeIt ? expectedFor(name, build) : null;
  const wa = src.container.sections.windowsAuthentication[0] ?? null;
  const ep = wa?.children.find((c) => c.name === 'extendedProtection') ?? null;
  const { site, vdir } = splitLocation(name);
  return {
    location: name,
    site,
    vdir,
    windowsAuthentication: r.enabled,
    providers: r.providers,
    useKernelMode: r.useKernelMode,
    useAppPoolCredentials: r.useAppPoolCredentials,
    tokenChecking: r.tokenChecking,
    flags: r.flags,
    spns: r.spns,
    sslFlags: r.sslFlags,
    expected: exp?.tokenChecking ?? null,
    state: judge(r.tokenChecking, exp?.tokenChecking ?? null),
    line: src.container.location?.line ?? 1,
    endLine: src.container.endLine,
    windowsAuthenticationLine: wa?.line ?? null,
    extendedProtectionLine: ep?.line ?? null,
    tokenCheckingSetAt: r.tokenCheckingSetAt,
    ipFilter: r.ipFilter,
  };
}

/** Line a finding about this location points at: its extendedProtection, else windowsAuthentication, else <location>. */
export function findingLine(l: EpLocation): number {
  return l.extendedProtectionLine ?? l.windowsAuthenticationLine ?? l.line;
}

const MRS_PATH = `${FRONT_END}/EWS/mrsproxy.svc`;

export function mrsFixChoices(): string[] {
  return [
    'Serve the same certificate on the reverse proxy / load balancer and on Exchange (same key), so the channel binding MRS computes matches the one IIS checks.',
    'Publish /EWS/mrsproxy.svc with TLS pass-through (layer 4, no TLS termination), so MRS sees the Exchange certificate.',
    `Keep Extended Protection everywhere else and leave ${FRONT_END}/EWS at None: ${CMD_EXCLUDE_EWS_FRONTEND}`,
    `Only last, turn Extended Protection off for ${FRONT_END}/EWS by hand: ${psSetExtendedProtection(`${FRONT_END}/EWS`, 'None')}`,
  ];
}

function findingsFor(
  kind: EpConfigReport['kind'],
  locations: EpLocation[],
  mrs: EpConfigReport['mrsProxy'],
  mrsLine: number | null,
  build: ExchangeBuild | null | undefined,
): EpFinding[] {
  const out: EpFinding[] = [];
  const exchange = locations.filter((l) => l.expected !== null);
  const notConfigured =
    kind === 'applicationHost' && exchange.length > 0 && exchange.some((l) => l.expected !== 'None') && exchange.every((l) => l.tokenChecking === 'None');
  if (notConfigured) {
    const first = exchange.reduce((a, b) => (b.line < a.line ? b : a));
    out.push({
      line: first.line,
      code: 'EP_NOT_CONFIGURED',
      severity: 'warning',
      location: first.location,
      tokenChecking: 'None',
      expected: null,
      count: exchange.length,
      message: `Extended Protection is not configured: all ${exchange.length} Exchange virtual directories are at tokenChecking None${build ? '' : ' (assuming a build that supports it: August 2022 SU or later)'}.`,
      fix: `Enable it with CSS-Exchange's script on the Exchange server (it checks the prerequisites first): .\\ExchangeExtendedProtectionManagement.ps1 - or, where MRS / the Hybrid Agent / a TLS-terminating device reaches EWS: ${CMD_EXCLUDE_EWS_FRONTEND}`,
    });
  }
  for (const l of exchange) {
    if (l.state === 'less-secure' && !notConfigured) {
      const mitigated = l.ipFilter && l.location.toLowerCase() === `${BACK_END}/EWS`.toLowerCase();
      out.push({
        line: findingLine(l),
        code: 'EP_LESS_SECURE',
        severity: mitigated ? 'info' : 'warning',
        location: l.location,
        tokenChecking: l.tokenChecking,
        expected: l.expected,
        message: `${l.location}: Extended Protection ${l.tokenChecking} (${IIS_MANAGER_NAME[l.tokenChecking]}), Exchange expects ${l.expected} (${IIS_MANAGER_NAME[l.expected!]}): less secure than supported${mitigated ? '; the IP-filter mitigation (ipSecurity allowUnlisted="false") is in place' : ''}.`,
        fix:
          l.location.toLowerCase() === `${FRONT_END}/EWS`.toLowerCase()
            ? `This is what ${CMD_EXCLUDE_EWS_FRONTEND} leaves for MRS behind a TLS-terminating device; otherwise set ${l.expected}: ${psSetExtendedProtection(l.location, l.expected!)}`
            : `Set ${l.expected}: ${psSetExtendedProtection(l.location, l.expected!)}`,
      });
    } else if (l.state === 'unsupported') {
      out.push({
        line: findingLine(l),
        code: 'EP_UNSUPPORTED',
        severity: 'error',
        location: l.location,
        tokenChecking: l.tokenChecking,
        expected: l.expected,
        message: `${l.location}: Extended Protection ${l.tokenChecking} (${IIS_MANAGER_NAME[l.tokenChecking]}) is stricter than Exchange supports (${l.expected}, ${IIS_MANAGER_NAME[l.expected!]}); clients break (e.g. Outlook for Mac on OAB, ActiveSync devices, Autodiscover).`,
        fix: `Set ${l.expected}: ${psSetExtendedProtection(l.location, l.expected!)}`,
      });
    }
  }
  if (mrs && mrs.tokenChecking !== 'None' && mrsLine !== null) {
    const l = locations.find((x) => x.location.toLowerCase() === `${FRONT_END}/EWS`.toLowerCase());
    out.push({
      line: mrs.setAt?.line ?? mrsLine,
      code: 'EP_MRS_PROXY_RISK',
      severity: mrs.tokenChecking === 'Require' ? 'warning' : 'info',
      location: l?.location ?? `${FRONT_END}/EWS`,
      tokenChecking: mrs.tokenChecking,
      expected: l?.expected ?? null,
      message: `${FRONT_END}/EWS (and /EWS/mrsproxy.svc) at ${mrs.tokenChecking} (${IIS_MANAGER_NAME[mrs.tokenChecking]}): Exchange Online MRS and the Hybrid Agent use Extended Protection when it is offered, so mailbox moves fail with 401 (SEC_E_BAD_BINDINGS) behind a device that terminates TLS with another certificate. With the same certificate every setting works; with another certificate in front only None works.`,
      fix: mrsFixChoices()
        .map((c, i) => `${i + 1}. ${c}`)
        .join(' '),
      fixes: mrsFixChoices(),
    });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** Reads one applicationHost.config or web.config; throws IisConfigFormatError (with the line) when it is not one. */
export function analyzeEpConfig(text: string, options: EpConfigOptions = {}): EpConfigReport {
  const { containers, applicationHost, applications, lineStarts } = parseConfigXml(text);
  const isAppHost =
    applicationHost ||
    (options.webConfigLocation === undefined &&
      containers.some((c) => c.location && /^(Default Web Site|Exchange Back End)(\/|$)/i.test(normPath(c.location.attrs.path))));
  const kind: EpConfigReport['kind'] = isAppHost ? 'applicationHost' : 'web.config';
  const sources = collectSources(containers);
  const index = indexSources(sources, applications);
  const locations: EpLocation[] = [];
  if (kind === 'applicationHost') {
    for (const s of sources) {
      if (!s.container.location || !s.path) continue;
      const exchangeVdir = expectedFor(s.path, options.build) !== null;
      const hasWa = s.container.sections.windowsAuthentication.length > 0;
      if (exchangeVdir || hasWa) locations.push(toLocation(index, s, s.path, options.build, true));
    }
  } else {
    // A web.config: its root-level sections belong to its own folder (named by the caller when known).
    const here = sources[0]!;
    const hasSections = here.container.sections.windowsAuthentication.length > 0 || here.container.sections.access.length > 0;
    const name = options.webConfigLocation ?? '';
    if (hasSections) {
      const l = toLocation(index, here, name || '(this folder)', options.build, Boolean(name));
      // Only a value written in this file is judged: the rest comes from applicationHost.config.
      if (!l.tokenCheckingSetAt) {
        l.expected = null;
        l.state = 'not-exchange';
      }
      locations.push(l);
    }
    for (const s of sources.slice(1)) {
      const full = [name, s.path].filter(Boolean).join('/');
      if (s.container.sections.windowsAuthentication.length > 0) {
        const l = toLocation(index, s, full || s.path, options.build, Boolean(name));
        if (!l.tokenCheckingSetAt) {
          l.expected = null;
          l.state = 'not-exchange';
        }
        locations.push(l);
      }
    }
  }
  let mrsProxy: EpConfigReport['mrsProxy'] = null;
  let mrsLine: number | null = null;
  const ews = locations.find((l) => l.location.toLowerCase() === `${FRONT_END}/EWS`.toLowerCase());
  if (kind === 'applicationHost' && ews) {
    const r = resolve(index, MRS_PATH);
    mrsProxy = { tokenChecking: r.tokenChecking, setAt: r.tokenCheckingSetAt };
    mrsLine = findingLine(ews);
  }
  return { kind, locations, findings: findingsFor(kind, locations, mrsProxy, mrsLine, options.build), mrsProxy, lines: lineStarts.length };
}

/**
 * `Site/VDir` of an Exchange web.config from where it lives: ...\FrontEnd\HttpProxy\<vdir>\web.config
 * is Default Web Site, ...\ClientAccess\<vdir>\web.config is Exchange Back End.
 */
export function webConfigLocationFromPath(filePath: string): string | null {
  const parts = filePath.replace(/\\/g, '/').split('/');
  if (parts.length < 3 || !/^web\.config$/i.test(parts[parts.length - 1]!)) return null;
  const vdir = parts[parts.length - 2]!;
  const parent = parts[parts.length - 3]!.toLowerCase();
  const grand = (parts[parts.length - 4] ?? '').toLowerCase();
  const map: Record<string, string> = {
    ews: 'EWS',
    owa: 'OWA',
    ecp: 'ECP',
    oab: 'OAB',
    mapi: 'MAPI',
    rpc: 'RPC',
    autodiscover: 'Autodiscover',
    powershell: 'PowerShell',
    sync: 'Microsoft-Server-ActiveSync',
    api: 'API',
    pushnotifications: 'PushNotifications',
    rpcwithcert: 'RPCWithCert',
  };
  const name = map[vdir.toLowerCase()];
  if (!name) return null;
  if (parent === 'httpproxy' && grand === 'frontend') return `${FRONT_END}/${name}`;
  if (parent === 'clientaccess') return `${BACK_END}/${name}`;
  // the back end's EWS lives one folder deeper: ...\V15\ClientAccess\exchweb\ews\web.config
  if (name === 'EWS' && parent === 'exchweb' && grand === 'clientaccess') return `${BACK_END}/EWS`;
  return null;
}

/** Counts per state, for summaries. */
export function stateCounts(locations: EpLocation[]): Record<EpState, number> {
  const c: Record<EpState, number> = { expected: 0, 'less-secure': 0, unsupported: 0, 'not-exchange': 0 };
  for (const l of locations) c[l.state]++;
  return c;
}
