// Triage of FREB search results: who (user), from where (client, X-Forwarded-For), what the NTLM
// AUTHENTICATE carried for channel binding, and the order an admin reads them in - BAD_BINDINGS
// first, then the other errors, warnings, other failures, successes last; newest first within a
// rank. Also the CSV export of the result rows (RFC 4180).
import { severityOf, type FindingCode } from '../findings';
import { describeWin32 } from '../win32Status';
import type { FrebAnalysis } from './frebAnalyze';

/**
 * Channel binding of the NTLM AUTHENTICATE in the request's Authorization header, from the token
 * decoder: absent (no MsvAvChannelBindings), zero (16 zero bytes: the client had no TLS channel
 * to bind to, or does not support EPA), present (a hash), malformed (an AV pair that is not the 16
 * bytes MS-NLMP 2.2.2.1 prescribes); null when the request carries no NTLM AUTHENTICATE.
 */
export type CbtState = 'absent' | 'zero' | 'present' | 'malformed';

export interface FrebTriage {
  /** The authenticated user (IIS), else the domain\user of the NTLM AUTHENTICATE, else null. */
  user: string | null;
  /** Where the user came from: 'iis' (the request's user) or 'token' (the AUTHENTICATE only). */
  userSource: 'iis' | 'token' | null;
  /** GENERAL_ENDPOINT_INFORMATION RemoteAddress: the TCP peer (a load balancer behind one). */
  clientIp: string | null;
  /** The X-Forwarded-For request header as sent (may list several addresses). */
  xff: string | null;
  /** The client to show: the first X-Forwarded-For address when present, else the client IP. */
  client: string | null;
  cbt: CbtState | null;
  /** The AUTHENTICATE's channel bindings (hex) when present. */
  channelBindings: string | null;
}

/** The triage fields of an analyzed trace. */
export function frebTriage(a: FrebAnalysis): FrebTriage {
  const xffHeader = a.requestHeaders.filter((h) => h.name.toLowerCase() === 'x-forwarded-for').pop();
  const xff = xffHeader ? xffHeader.value.trim() || null : null;
  const firstXff = xff ? xff.split(',')[0]!.trim() || null : null;
  const n = a.authorization?.decoded?.ntlm;
  const auth3 = n && n.messageType === 3 ? n : null;
  const cbt: CbtState | null = auth3 ? (auth3.channelBindingsMalformed ? 'malformed' : auth3.channelBindingsState) : null;
  const iisUser = a.entry.user?.trim() || null;
  const tokenUser = auth3 && (auth3.user || auth3.domain) ? (auth3.domain ? `${auth3.domain}\\${auth3.user ?? ''}` : auth3.user) : null;
  return {
    user: iisUser ?? tokenUser,
    userSource: iisUser ? 'iis' : tokenUser ? 'token' : null,
    clientIp: a.clientIp?.trim() || null,
    xff,
    client: firstXff ?? (a.clientIp?.trim() || null),
    cbt,
    channelBindings: auth3 && cbt === 'present' ? auth3.channelBindings : null,
  };
}

/** The name of a Win32/HRESULT/SSPI status (SEC_E_BAD_BINDINGS), or null when unknown or 0. */
export function win32Name(code: number | null, known?: string | null): string | null {
  if (known) return known;
  if (!code) return null;
  return describeWin32(code)?.name ?? null;
}

/** What triage ordering needs of a row. */
export interface TriageRow {
  findings: FindingCode[];
  statusCode: number | null;
  win32Status: number | null;
  timeMs: number | null;
  path: string;
}

/**
 * 0 BAD_BINDINGS, 1 another error finding, 2 a warning finding, 3 a 5xx, 4 another failure (4xx
 * or a Win32 error), 5 the rest (success, slow requests).
 */
export function triageRank(r: TriageRow): number {
  if (r.findings.includes('BAD_BINDINGS')) return 0;
  if (r.findings.some((f) => severityOf(f) === 'error')) return 1;
  if (r.findings.some((f) => severityOf(f) === 'warning')) return 2;
  if (r.statusCode !== null && r.statusCode >= 500) return 3;
  if ((r.statusCode !== null && r.statusCode >= 400) || r.win32Status) return 4;
  return 5;
}

/** Worst first; within a rank the newest request first, then by path (stable across runs). */
export function compareTriage(a: TriageRow, b: TriageRow): number {
  return triageRank(a) - triageRank(b) || (b.timeMs ?? -Infinity) - (a.timeMs ?? -Infinity) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** A row of the CSV export. */
export interface FrebCsvRow {
  path: string;
  time: string | null;
  url: string | null;
  statusCode: number | null;
  subStatusCode: number | null;
  win32Status: number | null;
  codeName: string | null;
  user: string | null;
  client: string | null;
  xff: string | null;
  cbt: CbtState | null;
  timeTaken: number | null;
}

export const FREB_CSV_COLUMNS = [
  'file',
  'time',
  'url',
  'status',
  'substatus',
  'win32',
  'win32 name',
  'user',
  'client',
  'xff',
  'cbt state',
  'duration ms',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF (quotes doubled), and
 * also when it starts with = + - @ or a tab - a spreadsheet would run it as a formula (a trace's
 * URL or user name is attacker-chosen text), so such a value gets a leading apostrophe.
 */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as CSV: a header line, CRLF line ends (RFC 4180), in the order given. */
export function frebMatchesCsv(rows: FrebCsvRow[]): string {
  const lines = [FREB_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.path,
        r.time,
        r.url,
        r.statusCode,
        r.subStatusCode,
        r.win32Status === null ? null : `0x${r.win32Status.toString(16).toUpperCase().padStart(8, '0')}`,
        win32Name(r.win32Status, r.codeName),
        r.user,
        r.client,
        r.xff,
        r.cbt,
        r.timeTaken,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** Parses RFC 4180 CSV (for tests and round trips): quoted fields with "" escapes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
