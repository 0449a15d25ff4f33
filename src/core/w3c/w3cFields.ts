// W3C extended log field names (#Fields), the columns the analysis needs, and what each field means.

/** Column index of each field the analysis uses in one #Fields layout; -1 when the layout lacks it. */
export interface W3cColumns {
  date: number;
  time: number;
  sIp: number;
  cIp: number;
  method: number;
  uriStem: number;
  uriQuery: number;
  /** cs-uri (HTTPERR logs: stem and query in one field). */
  uri: number;
  port: number;
  user: number;
  userAgent: number;
  host: number;
  status: number;
  substatus: number;
  win32: number;
  timeTaken: number;
  /** s-reason (HTTPERR). */
  reason: number;
}

/** One #Fields block: the field names in order and where it starts. */
export interface W3cLayout {
  /** 0-based index of the layout in the file. */
  index: number;
  /** 1-based line of the `#Fields:` directive; 0 for the implicit IIS default layout (no #Fields seen). */
  fieldsLine: number;
  /** 1-based first line of the header block the #Fields belongs to (the first directive line before it). */
  headerLine: number;
  fields: string[];
  /** Lower-cased field names, for lookups. */
  lower: string[];
  columns: W3cColumns;
  /** Date from the last `#Date:` directive before this layout ("2026-11-21"), used when there is no date field. */
  date: string | null;
  /** `#Software:` value of this header block. */
  software: string | null;
  /** True for HTTP.sys error logs (`#Software: Microsoft HTTP API`). */
  httpErr: boolean;
}

/** The layout IIS writes by default (W3C, IIS 7-10); used when a file has data but no #Fields. */
export const IIS_DEFAULT_FIELDS = [
  'date',
  'time',
  's-ip',
  'cs-method',
  'cs-uri-stem',
  'cs-uri-query',
  's-port',
  'cs-username',
  'c-ip',
  'cs(User-Agent)',
  'cs(Referer)',
  'sc-status',
  'sc-substatus',
  'sc-win32-status',
  'time-taken',
];

export function columnsOf(fields: string[]): W3cColumns {
  const lower = fields.map((f) => f.toLowerCase());
  const at = (...names: string[]): number => {
    for (const n of names) {
      const i = lower.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  return {
    date: at('date'),
    time: at('time'),
    sIp: at('s-ip'),
    cIp: at('c-ip'),
    method: at('cs-method'),
    uriStem: at('cs-uri-stem'),
    uriQuery: at('cs-uri-query'),
    uri: at('cs-uri'),
    port: at('s-port'),
    user: at('cs-username'),
    userAgent: at('cs(user-agent)'),
    host: at('cs-host', 'cs(host)'),
    status: at('sc-status'),
    substatus: at('sc-substatus'),
    win32: at('sc-win32-status'),
    timeTaken: at('time-taken'),
    reason: at('s-reason'),
  };
}

export function makeLayout(index: number, fieldsLine: number, headerLine: number, fields: string[], date: string | null, software: string | null): W3cLayout {
  return {
    index,
    fieldsLine,
    headerLine,
    fields,
    lower: fields.map((f) => f.toLowerCase()),
    columns: columnsOf(fields),
    date,
    software,
    httpErr: !!software && /HTTP API/i.test(software),
  };
}

/** The semantic kind of a field, for colouring and hovers. */
export type W3cFieldKind =
  | 'date'
  | 'time'
  | 'ip'
  | 'port'
  | 'method'
  | 'uri'
  | 'query'
  | 'user'
  | 'status'
  | 'substatus'
  | 'win32'
  | 'number'
  | 'userAgent'
  | 'referer'
  | 'header'
  | 'host'
  | 'version'
  | 'site'
  | 'reason'
  | 'other';

const FIELD_INFO: Record<string, [W3cFieldKind, string]> = {
  date: ['date', 'Date of the request (UTC)'],
  time: ['time', 'Time the request finished (UTC)'],
  's-sitename': ['site', 'Site service name and instance (W3SVC1)'],
  's-computername': ['site', 'Name of the server'],
  's-ip': ['ip', 'Server IP address the request arrived on'],
  'cs-method': ['method', 'HTTP method (verb)'],
  'cs-uri-stem': ['uri', 'URL path (without the query)'],
  'cs-uri-query': ['query', 'Query string'],
  'cs-uri': ['uri', 'URL (HTTPERR: path and query)'],
  's-port': ['port', 'Server port'],
  'cs-username': ['user', 'Authenticated user name; "-" for anonymous requests (the first leg of every NTLM/Negotiate handshake is anonymous)'],
  'c-ip': ['ip', 'Client IP address as IIS sees it: behind a proxy or load balancer this is the proxy (see X-Forwarded-For)'],
  'c-port': ['port', 'Client port'],
  'cs-version': ['version', 'HTTP protocol version'],
  'cs(user-agent)': ['userAgent', 'User-Agent header ("+" stands for a space)'],
  'cs(cookie)': ['header', 'Cookie header ("+" stands for a space)'],
  'cs(referer)': ['referer', 'Referer header'],
  'cs-host': ['host', 'Host header'],
  'sc-status': ['status', 'HTTP status code'],
  'sc-substatus': ['substatus', 'IIS substatus code (401.1 logon failed, 401.2 no/unsupported credentials ...)'],
  'sc-win32-status': ['win32', 'Windows status of the request (Win32 error, SSPI SEC_E_* or NTSTATUS code; 0 = success)'],
  'sc-bytes': ['number', 'Bytes sent by the server'],
  'cs-bytes': ['number', 'Bytes received by the server'],
  'time-taken': ['number', 'Time taken in milliseconds'],
  's-siteid': ['site', 'Site ID (HTTPERR)'],
  's-reason': ['reason', 'HTTP.sys reason the request failed (HTTPERR)'],
  's-queuename': ['site', 'Application pool queue (HTTPERR)'],
  'x-forwarded-for': ['ip', 'Custom field: X-Forwarded-For header (the client address in front of a proxy)'],
};

/** Kind and description of a field name; custom fields (`cs(Header)`, `X-Forwarded-For`) included. */
export function describeField(name: string): { kind: W3cFieldKind; description: string } {
  const l = name.toLowerCase();
  const hit = FIELD_INFO[l];
  if (hit) return { kind: hit[0], description: hit[1] };
  const m = /^(cs|sc|s|c)\((.+)\)$/.exec(l);
  if (m) {
    const dir = m[1] === 'cs' ? 'request' : m[1] === 'sc' ? 'response' : m[1] === 's' ? 'server' : 'client';
    return {
      kind: 'header',
      description: `${dir === 'request' || dir === 'response' ? dir : dir + ' value'} header ${name.slice(m[1].length + 1, -1)} (custom field)`,
    };
  }
  return { kind: 'other', description: 'Custom field' };
}

/** The value as a reader wants it: `-` is empty, `+` in header fields stands for a space. */
export function displayValue(fieldName: string, raw: string): string {
  if (raw === '-') return '';
  const l = fieldName.toLowerCase();
  if (l.startsWith('cs(') || l.startsWith('sc(')) return raw.replace(/\+/g, ' ');
  return raw;
}
