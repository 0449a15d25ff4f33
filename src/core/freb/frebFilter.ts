// Filters for FREB folder searches (the article's Copy-FREBEvents script: URL -like, header text
// -like, plus status, win32 code and time range). Two stages: a cheap check on the raw text that
// may let a non-match through but never drops a match, then an exact check on the parsed trace.
import { parseWin32Code } from '../win32Status';
import type { FrebAnalysis } from './frebAnalyze';
import { compileGlob, type GlobMatcher } from '../glob';

export interface StatusPattern {
  status: number;
  /** null: any sub-status. */
  sub: number | null;
}

export interface HeaderPattern {
  /** Header name, compared case-insensitively. */
  name: string;
  /** Glob (`*`, `?`) on the value, case-insensitive, whole value; null = header present. */
  value: string | null;
}

export interface FrebFilter {
  // Glob on the whole URL or on its path ("*/EWS/mrsproxy.svc", "/ews/*"), case-insensitive.
  url?: string;
  /** Any of these statuses ("401", "401.1"). */
  status?: StatusPattern[];
  /** Any of these win32 / ErrorCode values (unsigned). */
  win32?: number[];
  /** All of these request headers. */
  headers?: HeaderPattern[];
  /** Request start time range (ms since epoch, inclusive). */
  from?: number;
  to?: number;
}

export class FrebFilterError extends Error {}

export const FILTER_HELP = [
  'FREB filters (--filter KEY=VALUE, repeatable; all must match):',
  '  url=GLOB          URL or its path, * and ? wildcards, case-insensitive (url=*/EWS/mrsproxy.svc)',
  '  status=LIST       status or status.substatus, comma-separated (status=401.1,401.2)',
  '  win32=LIST        ErrorCode of the failing event, decimal or hex (win32=0x80090346)',
  '  header=NAME[:GLOB] a request header, optionally with a value glob (header=X-Forwarded-For:52.*)',
  '  from=TIME, to=TIME request start time range, ISO 8601 (from=2026-11-21T10:00:00Z)',
].join('\n');

/** Longest `KEY=VALUE` clause: a URL or header glob is a few dozen characters. */
export const MAX_FILTER_CLAUSE = 2048;

/** The clause as error messages quote it: short, whatever was typed (or pasted by mistake). */
function quoted(clause: string): string {
  const c = clause.length > 60 ? `${clause.slice(0, 57)}...` : clause;
  return JSON.stringify(c).slice(1, -1);
}

/** Adds one `KEY=VALUE` clause to a filter; throws FrebFilterError naming what is wrong. */
export function addFilterClause(filter: FrebFilter, input: string): FrebFilter {
  if (input.length > MAX_FILTER_CLAUSE) {
    throw new FrebFilterError(`filter "${quoted(input)}" has ${input.length} characters: at most ${MAX_FILTER_CLAUSE}`);
  }
  const clause = quoted(input);
  const eq = input.indexOf('=');
  if (eq <= 0) throw new FrebFilterError(`filter "${clause}": expected KEY=VALUE (url, status, win32, header, from, to)`);
  const key = input.slice(0, eq).trim().toLowerCase();
  const value = input.slice(eq + 1).trim();
  if (!value) throw new FrebFilterError(`filter "${clause}": empty value`);
  switch (key) {
    case 'url':
      filter.url = value;
      break;
    case 'status':
      filter.status = [...(filter.status ?? []), ...value.split(',').map((s) => parseStatus(s.trim(), clause))];
      break;
    case 'win32':
    case 'errorcode':
      filter.win32 = [
        ...(filter.win32 ?? []),
        ...value.split(',').map((s) => {
          const n = parseWin32Code(s.trim());
          if (n === undefined) throw new FrebFilterError(`filter "${clause}": "${quoted(s.trim())}" is not a 32-bit code (decimal or 0x hex)`);
          return n;
        }),
      ];
      break;
    case 'header': {
      const c = value.indexOf(':');
      const name = (c < 0 ? value : value.slice(0, c)).trim();
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new FrebFilterError(`filter "${clause}": "${quoted(name)}" is not a header name`);
      filter.headers = [...(filter.headers ?? []), { name, value: c < 0 ? null : value.slice(c + 1).trim() }];
      break;
    }
    case 'from':
    case 'since':
    case 'to':
    case 'until': {
      const t = Date.parse(value);
      if (!Number.isFinite(t)) throw new FrebFilterError(`filter "${clause}": "${quoted(value)}" is not a date/time (use ISO 8601, e.g. 2026-11-21T10:00:00Z)`);
      if (key === 'from' || key === 'since') filter.from = t;
      else filter.to = t;
      break;
    }
    default:
      throw new FrebFilterError(`filter "${clause}": unknown key "${quoted(key)}" (url, status, win32, header, from, to)`);
  }
  return filter;
}

function parseStatus(s: string, clause: string): StatusPattern {
  const m = /^(\d{3})(?:\.(\d+))?$/.exec(s);
  if (!m) throw new FrebFilterError(`filter "${clause}": "${quoted(s)}" is not a status (401 or 401.1)`);
  return { status: Number(m[1]), sub: m[2] !== undefined ? Number(m[2]) : null };
}

/**
 * Takes every `--filter KEY=VALUE` (or `--filter=KEY=VALUE`) out of argv. For the CLI: `analyze`
 * can pass the filter to `analyzeFrebFileFiltered` (frebSearch.ts) and keep `rest` as its args.
 */
export function frebFilterFromArgs(argv: string[]): { filter: FrebFilter | null; rest: string[] } {
  const rest: string[] = [];
  let filter: FrebFilter | null = null;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    let clause: string | undefined;
    if (a === '--filter') {
      clause = argv[++k];
      if (clause === undefined) throw new FrebFilterError('--filter needs KEY=VALUE');
    } else if (a.startsWith('--filter=')) {
      clause = a.slice('--filter='.length);
    }
    if (clause === undefined) rest.push(a);
    else filter = addFilterClause(filter ?? {}, clause);
  }
  return { filter, rest };
}

export function isEmptyFilter(f: FrebFilter): boolean {
  return !f.url && !f.status?.length && !f.win32?.length && !f.headers?.length && f.from === undefined && f.to === undefined;
}

/** What the raw-text stage needs, compiled once per search. */
export interface CompiledFilter {
  filter: FrebFilter;
  url: GlobMatcher | null;
  headerValues: Array<GlobMatcher | null>;
  /** Raw-text needles per win32 code (decimal, signed, hex), any of which must occur. */
  win32Needles: string[];
  /** Header names, each of which must start a line or follow a '>' in the raw text. */
  headerNeedles: string[];
}

export function compileFilter(filter: FrebFilter): CompiledFilter {
  const win32Needles: string[] = [];
  for (const n of filter.win32 ?? []) {
    const hex = n.toString(16);
    win32Needles.push(
      `>${n}<`,
      `>${n | 0}<`,
      `>0x${hex}<`,
      `>0x${hex.toUpperCase()}<`,
      `>0x${hex.padStart(8, '0')}<`,
      `>0x${hex.padStart(8, '0').toUpperCase()}<`,
    );
  }
  return {
    filter,
    url: filter.url ? compileGlob(filter.url) : null,
    headerValues: (filter.headers ?? []).map((h) => (h.value !== null ? compileGlob(h.value) : null)),
    win32Needles,
    headerNeedles: (filter.headers ?? []).map((h) => h.name),
  };
}

export function urlMatches(re: GlobMatcher, url: string | null): boolean {
  if (url === null) return false;
  if (re.test(url)) return true;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/is.exec(url);
  if (!m) return false;
  const path = m[1] ?? '/';
  return re.test(path) || re.test(path.split('?')[0]);
}

/** Attribute value from the <failedRequest> start tag of a raw head, entities left as written. */
export function headAttribute(head: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(head);
  return m ? (m[1] ?? m[2]) : null;
}

const unescapeXml = (s: string): string => s.replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

/**
 * The cheap stage on the head of the file (the <failedRequest> start tag and the first event):
 * false only when the trace cannot match. `head` must hold at least the root start tag; when it
 * does not, the answer is true (undecided).
 */
export function headMayMatch(c: CompiledFilter, head: string): boolean {
  const rootStart = head.indexOf('<failedRequest');
  const rootEnd = rootStart < 0 ? -1 : head.indexOf('>', rootStart);
  if (rootEnd < 0) return true;
  const tag = head.slice(rootStart, rootEnd);
  const f = c.filter;
  if (c.url) {
    const u = headAttribute(tag, 'url');
    if (u !== null && !urlMatches(c.url, unescapeXml(u))) return false;
  }
  if (f.status?.length) {
    const s = headAttribute(tag, 'statusCode');
    const m = s ? /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(s) : null;
    if (m) {
      const st = Number(m[1]);
      const sub = m[2] !== undefined ? Number(m[2]) : null;
      // Without ".SS" in the attribute the sub-status is only in the events: decide on status.
      if (!f.status.some((p) => p.status === st && (p.sub === null || sub === null || p.sub === sub))) return false;
    }
  }
  if (f.from !== undefined || f.to !== undefined) {
    const t = /<TimeCreated\s+SystemTime\s*=\s*"([^"]+)"/.exec(head.slice(rootEnd));
    const ms = t ? Date.parse(t[1]) : NaN;
    if (Number.isFinite(ms) && ((f.from !== undefined && ms < f.from) || (f.to !== undefined && ms > f.to))) return false;
  }
  return true;
}

/** The cheap stage on the whole raw text (win32 codes and header names). */
export function textMayMatch(c: CompiledFilter, text: string): boolean {
  if (c.win32Needles.length && !c.win32Needles.some((n) => text.includes(n))) return false;
  for (const name of c.headerNeedles) if (!headerNameInText(text, name)) return false;
  return true;
}

const BLANK = /\s/;
const LINE_END = /[\n\r\u2028\u2029]/;

/**
 * Whether `name`, blanks and ':' start a line or follow a '>' (blanks between allowed), as
 * /(^|[>\n])\s*NAME\s*:/im did, in one pass: that regex rescanned a long run of blank lines from
 * each of its lines.
 */
export function headerNameInText(text: string, name: string): boolean {
  const re = new RegExp(name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'), 'gi');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let after = m.index + m[0].length;
    while (after < text.length && BLANK.test(text[after]!)) after++;
    if (text[after] !== ':') continue;
    let before = m.index - 1;
    while (before >= 0 && BLANK.test(text[before]!) && !LINE_END.test(text[before]!)) before--;
    if (before < 0 || text[before] === '>' || LINE_END.test(text[before]!)) return true;
  }
  return false;
}

/** The exact check on a parsed trace. */
export function analysisMatches(c: CompiledFilter, a: FrebAnalysis): boolean {
  const f = c.filter;
  const e = a.entry;
  if (c.url && !urlMatches(c.url, e.url)) return false;
  if (f.status?.length && !f.status.some((p) => p.status === e.statusCode && (p.sub === null || p.sub === e.subStatusCode))) return false;
  if (f.win32?.length && (e.win32Status === null || !f.win32.includes(e.win32Status))) return false;
  for (let k = 0; k < (f.headers ?? []).length; k++) {
    const h = f.headers![k];
    const re = c.headerValues[k];
    const name = h.name.toLowerCase();
    if (!a.requestHeaders.some((x) => x.name.toLowerCase() === name && (!re || re.test(x.value)))) return false;
  }
  if (f.from !== undefined || f.to !== undefined) {
    const t = requestTime(a);
    if (t === null) return false;
    if (f.from !== undefined && t < f.from) return false;
    if (f.to !== undefined && t > f.to) return false;
  }
  return true;
}

/** Start time of the request: the first event's timestamp. */
export function requestTime(a: FrebAnalysis): number | null {
  for (const ev of a.trace.events) if (ev.timeMs !== null) return ev.timeMs;
  return null;
}
