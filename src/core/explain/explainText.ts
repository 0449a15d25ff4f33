// Recognises the error texts an admin meets first - MRS / migration-batch errors, HCW log entries,
// Test-MigrationServerAvailability output, the WCF 401 text in English, German and French, SSPI
// codes in decimal, hex, signed, NTSTATUS and name form - wherever they are and however they are
// wrapped, and explains each with the chain behind it. Linear in the size of the text; every
// pattern is a literal phrase or a bounded class, so a 1 MB line costs no backtracking.
import { describeWin32 } from '../win32Status';
import { parseHcwLog } from '../hcw/hcwLog';
import { CATALOG, hostOf, isHybridAgentHost, type ExplainCode, type NextStep, type Remediation } from './catalog';
import { compact, compactPhrase, QUOTE } from './compactText';
import { lineOf, lineStarts } from '../textLines';
import { findTimestamps, type FoundTimestamp } from './timestamps';

export interface ExplainMatch {
  /** 1-based line where the text starts. */
  line: number;
  code: ExplainCode;
  title: string;
  explanation: string;
  /** The endpoint named in the text (the on-premises HTTPS URL), or null. */
  url: string | null;
  /** ISO-like local time of the entry that carries the text, or null. */
  time: string | null;
  next: NextStep[];
  remediation: Remediation[];
  severity: 'warning' | 'information';
  /** Offsets of the recognised text in the original (end exclusive), and its last line (1-based). */
  start: number;
  end: number;
  endLine: number;
  /** The recognised text as written (at most 300 characters). */
  text: string;
  /** Exchange Online's internal net.tcp URL (MRS_PORT_9821), the schemes and header of a WCF 401, the notation of a code. */
  internalUrl?: string;
  scheme?: string;
  header?: string;
  notation?: string;
  /** True when the endpoint is a Hybrid Agent (Azure App Proxy) URL: no probe from outside. */
  hybridAgent?: boolean;
}

interface Hit {
  code: ExplainCode;
  start: number;
  end: number;
  scheme?: string;
  header?: string;
  notation?: string;
  internalUrl?: string;
  host?: string;
}

interface PhraseRecognizer {
  code: ExplainCode;
  re: RegExp;
  /** Builds the hit from a match over the compact text (offsets are compact offsets). */
  hit?(m: RegExpExecArray): Partial<Hit>;
}

const Q = QUOTE;
const NQ = `[^'"\u2018\u2019\u201A\u201C\u201D\u201E\u00AB\u00BB]`;
const p = compactPhrase;

/** The WCF HttpAuthorizationFailed text: scheme in group 1, server header in group 2. */
const WCF_401 = [
  // en: The HTTP request is unauthorized with client authentication scheme '{0}'. The authentication header received from the server was '{1}'.
  `${p('The HTTP request is unauthorized with client authentication scheme')}${Q}(${NQ}{1,40})${Q}\\.?(?:${p('The authentication header received from the server was')}${Q}(.{0,400}?)${Q}(?=\\.|-->|$))?`,
  // de: Die HTTP-Anforderung ist beim Clientauthentifizierungsschema "{0}" nicht autorisiert. Vom Server wurde der Authentifizierungsheader "{1}" empfangen.
  `${p('Die HTTP-Anforderung ist beim Clientauthentifizierungsschema')}${Q}(${NQ}{1,40})${Q}${p('nicht autorisiert')}\\.?(?:${p('Vom Server wurde der Authentifizierungsheader')}${Q}(.{0,400}?)${Q}${p('empfangen')})?`,
  // fr: La requête HTTP n'est pas autorisée avec un schéma d'authentification client '{0}'. L'en-tête d'authentification reçu du serveur était '{1}'.
  `${p("La requête HTTP n'est pas autorisée avec un schéma d'authentification client")}${Q}(${NQ}{1,40})${Q}\\.?(?:${p("L'en-tête d'authentification reçu du serveur était")}${Q}(.{0,400}?)${Q}(?=\\.|$))?`,
];

const PHRASES: PhraseRecognizer[] = [
  ...WCF_401.map((source): PhraseRecognizer => ({
    code: 'MRS_UNAUTHORIZED_NEGOTIATE',
    re: new RegExp(source, 'gid'),
  })),
  {
    code: 'MRS_PORT_9821',
    re: new RegExp(`net\\.tcp://([a-z0-9.-]{1,253}):9821/${p('Microsoft.Exchange.MailboxReplicationService')}`, 'gi'),
    hit: (m) => ({ host: m[1] }),
  },
  {
    code: 'MRS_401',
    re: new RegExp(
      [
        `(?:${p('The remote server returned an error:')})?\\(401\\)${p('Unauthorized')}`,
        `(?:${p('Der Remoteserver hat einen Fehler zurückgegeben:')})?\\(401\\)${p('Nicht autorisiert')}`,
        `(?:${p('Le serveur distant a retourné une erreur :')})?\\(401\\)${p('Non autorisé')}`,
      ].join('|'),
      'gi',
    ),
  },
  {
    // Test-MigrationServerAvailability / New-MigrationEndpoint: "The connection to the server 'x' could not be completed."
    code: 'TEST_MIGRATION_SERVER_AVAILABILITY',
    re: new RegExp(`(?:Microsoft\\.Exchange\\.Migration\\.)?MigrationServerConnectionFailedException`, 'gi'),
  },
  {
    code: 'MRS_CREDENTIALS_REJECTED',
    re: new RegExp(p('The Mailbox Replication Service was unable to connect to the remote server using the credentials provided'), 'gi'),
  },
  {
    code: 'SEC_E_BAD_BINDINGS',
    re: new RegExp(
      [
        `client${Q}?s${p('supplied SSPI channel bindings were incorrect')}`,
        p('Vom Client bereitgestellte SSPI-Kanalbindungen waren inkorrekt'),
        p('Die vom Client bereitgestellten SSPI-Kanalbindungen waren falsch'),
      ].join('|'),
      'gi',
    ),
  },
  {
    code: 'SEC_E_INVALID_TOKEN',
    re: new RegExp([p('The token supplied to the function is invalid'), p('Das der Funktion übergebene Token ist ungültig')].join('|'), 'gi'),
  },
  {
    code: 'SEC_E_LOGON_DENIED',
    re: new RegExp([p('The logon attempt failed'), p('Der Anmeldeversuch ist fehlgeschlagen'), p('Fehler beim Anmeldeversuch')].join('|'), 'gi'),
  },
  {
    code: 'SEC_E_NO_CREDENTIALS',
    re: new RegExp(
      [p('No credentials are available in the security package'), p('Im Sicherheitspaket sind keine Anmeldeinformationen verfügbar')].join('|'),
      'gi',
    ),
  },
];

/** Codes as numbers: decimal, signed decimal, 0x hex, and the names (also the article's "EC_E_" typo). */
const NUMBER = /(?<![\w.-])(?:-\d{10}|\d{10}|0x[0-9a-f]{8}|8009030[8ce]|80090346|c000035b)(?!\w|\.\d)/gi;
const NAME =
  /(?<![A-Za-z0-9])(S?EC_E_BAD_BINDINGS|STATUS_BAD_BINDINGS|SEC_E_INVALID_TOKEN|SEC_E_LOGON_DENIED|STATUS_LOGON_FAILURE|SEC_E_NO_CREDENTIALS)(?![A-Za-z0-9_])/gi;

const BY_NAME: Record<string, ExplainCode> = {
  SEC_E_BAD_BINDINGS: 'SEC_E_BAD_BINDINGS',
  STATUS_BAD_BINDINGS: 'SEC_E_BAD_BINDINGS',
  EC_E_BAD_BINDINGS: 'SEC_E_BAD_BINDINGS',
  SEC_E_INVALID_TOKEN: 'SEC_E_INVALID_TOKEN',
  SEC_E_LOGON_DENIED: 'SEC_E_LOGON_DENIED',
  STATUS_LOGON_FAILURE: 'SEC_E_LOGON_DENIED',
  SEC_E_NO_CREDENTIALS: 'SEC_E_NO_CREDENTIALS',
};

const HYBRID_HOST = /(?<![\w.-])(?:[\w<>{}-]{1,80}\.){1,10}msappproxy\.net$/i;

interface FoundUrl {
  start: number;
  end: number;
  url: string;
  isCall: boolean;
  endpoint: boolean;
}

/** URLs named in the text. Quoted ones are read from the compact text, which repairs wrapped URLs. */
function findUrls(text: string, c: ReturnType<typeof compact>): FoundUrl[] {
  const out: FoundUrl[] = [];
  const quoted = new RegExp(`${Q}((?:https?|net\\.tcp)://${NQ}{1,2048}?)${Q}`, 'gi');
  for (let m = quoted.exec(c.text); m; m = quoted.exec(c.text)) {
    const url = m[1]!.replace(/[.,;:]+$/, '');
    const before = c.text.slice(Math.max(0, m.index - 12), m.index).toLowerCase();
    const start = c.originalOffset(m.index + 1);
    const end = c.originalOffset(m.index + url.length) + 1;
    out.push({ start, end, url, isCall: /callto$|aufrufvon$|appelà$/.test(before), endpoint: false });
  }
  const quotedList = [...out];
  const bare = /(?<![\w'"\u2018\u2019\u201C\u201D])https?:\/\/[^\s'"<>()[\]{}\u2018\u2019\u201C\u201D]{1,2048}/gi;
  for (let m = bare.exec(text); m; m = bare.exec(text)) {
    const url = m[0].replace(/[.,;:]+$/, '');
    const q = lastAtOrBefore(quotedList, (u) => u.start, m.index);
    if (q >= 0 && m.index < quotedList[q]!.end) continue;
    out.push({ start: m.index, end: m.index + url.length, url, isCall: false, endpoint: false });
  }
  for (const u of out) {
    const host = hostOf(u.url) ?? '';
    u.endpoint = /^https?:/i.test(u.url) && (u.isCall || /\/ews\/|mrsproxy|\.svc\b|\/autodiscover\//i.test(u.url) || isHybridAgentHost(host));
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The last index i with arr[i].start (or index) <= offset, or -1. */
function lastAtOrBefore<T>(arr: readonly T[], key: (t: T) => number, offset: number): number {
  let lo = 0;
  let hi = arr.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(arr[mid]!) <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** How far (in lines) a continuation line inherits the time of its entry's first line. */
const MAX_ENTRY_LINES = 40;
/** How far around a text its endpoint URL may be named. */
const URL_WINDOW = 6000;

export interface ExplainOptions {
  /** Report every occurrence, not only the first of each code on a line (hovers want them all). */
  all?: boolean;
}

export function explainText(text: string, opts: ExplainOptions = {}): ExplainMatch[] {
  if (text.length === 0) return [];
  const starts = lineStarts(text);
  const stamps = findTimestamps(text);
  const c = compact(text);
  const urls = findUrls(text, c);

  // Entry structure: a line that starts with a timestamp, or follows a blank line, starts an entry.
  const lineCount = starts.length;
  const stampAtLineStart = new Int32Array(lineCount).fill(-1);
  for (let k = 0; k < stamps.length; k++) {
    const s = stamps[k]!;
    const li = lineOf(starts, s.index);
    if (/^[\s\uFEFF[]*$/.test(text.slice(starts[li]!, s.index)) && stampAtLineStart[li] === -1) stampAtLineStart[li] = k;
  }
  // A line continues the entry above when it is indented, looks like part of an exception, or the
  // line above stopped mid-sentence (console wrapping); a paragraph of prose starts its own entry.
  const entryStartLine = new Int32Array(lineCount);
  let prevBlank = true;
  let prevOpen = false;
  for (let li = 0; li < lineCount; li++) {
    const lineEnd = li + 1 < lineCount ? starts[li + 1]! : text.length;
    const head = text.slice(starts[li]!, Math.min(lineEnd, starts[li]! + 40));
    const tail = text.slice(Math.max(starts[li]!, lineEnd - 8), lineEnd).replace(/\s+$/, '');
    const blank = /^\s*$/.test(head) && (lineEnd - starts[li]! < 200 ? /^\s*$/.test(text.slice(starts[li]!, lineEnd)) : false);
    const indented = /^[ \t]/.test(head) || /^(?:at |-+>|\}|Error|Fehler|Inner|Innere|Microsoft\.|System\.)/.test(head);
    let start: number;
    if (li === 0 || stampAtLineStart[li]! >= 0) start = li;
    // Blank lines belong to the entry above; the next line decides whether the entry goes on
    // (forum posts and some consoles put a blank line between wrapped lines).
    else if (blank) start = entryStartLine[li - 1]!;
    else if (prevBlank) start = indented ? entryStartLine[li - 1]! : li;
    else start = indented || prevOpen ? entryStartLine[li - 1]! : li;
    entryStartLine[li] = start;
    if (!blank) prevOpen = !/[.!?:;)\]}'"\u2019\u201D]$/.test(tail);
    prevBlank = blank;
  }
  const nextEntryLine = new Int32Array(lineCount);
  nextEntryLine[lineCount - 1] = lineCount;
  for (let li = lineCount - 2; li >= 0; li--) nextEntryLine[li] = entryStartLine[li + 1] === li + 1 ? li + 1 : nextEntryLine[li + 1]!;

  const hits: Hit[] = [];
  const toOrig = (ci: number): number => c.originalOffset(ci);
  for (const r of PHRASES) {
    r.re.lastIndex = 0;
    for (let m = r.re.exec(c.text); m; m = r.re.exec(c.text)) {
      if (m[0].length === 0) {
        r.re.lastIndex++;
        continue;
      }
      const extra = r.hit?.(m) ?? {};
      // The scheme and header of a WCF 401 as written, not in their compact form.
      const idx = m.indices;
      if (idx?.[1]) extra.scheme = originalOf(text, c, idx[1][0], idx[1][1] - idx[1][0]);
      if (idx?.[2]) extra.header = originalOf(text, c, idx[2][0], idx[2][1] - idx[2][0]);
      const start = toOrig(m.index);
      const end = toOrig(m.index + m[0].length - 1) + 1;
      let code = r.code;
      if (code === 'MRS_UNAUTHORIZED_NEGOTIATE' && extra.scheme && !/^(negotiate|ntlm|kerberos)$/i.test(extra.scheme)) code = 'WCF_HTTP_UNAUTHORIZED';
      hits.push({
        ...extra,
        code,
        start,
        end,
        internalUrl: r.code === 'MRS_PORT_9821' ? `net.tcp://${extra.host}:9821/Microsoft.Exchange.MailboxReplicationService` : undefined,
      });
    }
  }
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m; m = NUMBER.exec(text)) {
    // Hex written without 0x (event logs, forum posts): only the exact codes we explain.
    const info = describeWin32(/^[0-9]{10}$|^-|^0x/i.test(m[0]) ? m[0] : `0x${m[0]}`);
    const code = info ? BY_NAME[info.name] : undefined;
    if (!code) continue;
    // "401 1 2148074254" in an IIS log line is the normal challenge leg of a handshake, not an error.
    if (code === 'SEC_E_NO_CREDENTIALS' && /\b401\s+1\s+$/.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    hits.push({ code, start: m.index, end: m.index + m[0].length, notation: m[0] });
  }
  NAME.lastIndex = 0;
  for (let m = NAME.exec(text); m; m = NAME.exec(text)) {
    const code = BY_NAME[m[1]!.toUpperCase()];
    if (code) hits.push({ code, start: m.index, end: m.index + m[0].length, notation: m[1] });
  }
  // Hybrid Agent hosts: find the rare suffix first, then read the host name backwards from it.
  const lower = text.length < 64 * 1024 * 1024 ? text.toLowerCase() : text;
  for (let i = lower.indexOf('.msappproxy.net'); i >= 0; i = lower.indexOf('.msappproxy.net', i + 1)) {
    const from = Math.max(0, i - 900);
    if (/[\w-]/.test(text.charAt(i + 15))) continue;
    const m = HYBRID_HOST.exec(text.slice(from, i + 15));
    if (m) hits.push({ code: 'HYBRID_AGENT_ENDPOINT', start: from + m.index, end: i + 15, host: m[0] });
  }
  for (const entry of parseHcwLog(text).entries) {
    if (entry.kind === 'FINISH' && entry.error && /^Test-MigrationServerAvailability$/i.test(entry.cmdlet ?? '')) {
      hits.push({ code: 'TEST_MIGRATION_SERVER_AVAILABILITY', start: entry.index, end: entry.keywordIndex + entry.keywordLength });
    }
  }

  hits.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  const seen = new Set<string>();
  const out: ExplainMatch[] = [];
  for (const h of hits) {
    const li = lineOf(starts, h.start);
    const key = opts.all ? `${h.start}|${h.code}` : `${li}|${h.code}`;
    if (seen.has(key)) continue;
    seen.add(key);

    // The entry around the hit: from the last timestamp on its line (or its entry's first line) to the next entry.
    const k = lastAtOrBefore(stamps, (s: FoundTimestamp) => s.index, h.start);
    let entryStart = starts[entryStartLine[li]!]!;
    let time: string | null = null;
    if (k >= 0 && stamps[k]!.index >= starts[li]!) {
      entryStart = stamps[k]!.index;
      time = stamps[k]!.iso;
    } else {
      const el = entryStartLine[li]!;
      const sk = stampAtLineStart[el]!;
      if (sk >= 0 && li - el <= MAX_ENTRY_LINES) time = stamps[sk]!.iso;
    }
    const nel = nextEntryLine[li]!;
    let entryEnd = nel < lineCount ? starts[nel]! : text.length;
    if (k + 1 < stamps.length && stamps[k + 1]!.index > h.start && stamps[k + 1]!.index < entryEnd) entryEnd = stamps[k + 1]!.index;
    const lo = Math.max(entryStart, h.start - URL_WINDOW);
    const hi = Math.min(entryEnd, h.end + URL_WINDOW);

    let url: string | null = null;
    const inWindow: FoundUrl[] = [];
    for (let ui = lastAtOrBefore(urls, (u) => u.start, lo - 1) + 1; ui < urls.length && urls[ui]!.start < hi; ui++) {
      const u = urls[ui]!;
      if (u.endpoint && /^https?:/i.test(u.url)) inWindow.push(u);
    }
    if (h.code === 'HYBRID_AGENT_ENDPOINT') {
      url = inWindow.find((u) => u.start <= h.start && h.end <= u.end + 2)?.url ?? null;
    } else {
      const before = inWindow.filter((u) => u.start <= h.start);
      const after = inWindow.filter((u) => u.start > h.start);
      const call = [...before].reverse().find((u) => u.isCall);
      url = h.code === 'MRS_PORT_9821' ? (after[0]?.url ?? call?.url ?? null) : (call?.url ?? after[0]?.url ?? before[before.length - 1]?.url ?? null);
    }
    const hybridAgent = h.code === 'HYBRID_AGENT_ENDPOINT' || (url !== null && isHybridAgentHost(hostOf(url) ?? ''));
    const entry = CATALOG[h.code];
    let next = entry.next;
    if (hybridAgent) next = next.filter((n) => n !== 'probe');
    const match: ExplainMatch = {
      line: li + 1,
      code: h.code,
      title: entry.title,
      explanation: hybridAgent && h.code !== 'HYBRID_AGENT_ENDPOINT' ? `${entry.explanation} ${CATALOG.HYBRID_AGENT_ENDPOINT.explanation}` : entry.explanation,
      url,
      time,
      next,
      remediation: entry.remediation,
      severity: entry.severity,
      start: h.start,
      end: h.end,
      endLine: lineOf(starts, Math.max(h.start, h.end - 1)) + 1,
      text: oneLine(text.slice(h.start, Math.min(h.end, h.start + 600))).slice(0, 300),
    };
    if (h.internalUrl) match.internalUrl = h.internalUrl;
    if (h.scheme) match.scheme = h.scheme;
    if (h.header) match.header = h.header;
    if (h.notation) match.notation = h.notation;
    if (hybridAgent) match.hybridAgent = true;
    out.push(match);
  }
  return out;
}

/** The original text of a compact range, whitespace runs collapsed to one space. */
function originalOf(text: string, c: ReturnType<typeof compact>, ci: number, len: number): string {
  if (len <= 0 || ci < 0) return '';
  const s = c.originalOffset(ci);
  const e = c.originalOffset(ci + len - 1) + 1;
  return oneLine(text.slice(s, e));
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
