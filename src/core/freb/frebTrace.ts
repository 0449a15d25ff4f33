// The FREB trace model: the request (from <failedRequest> attributes and events) and the ordered
// events with their names, levels, data and stored line numbers. freb.xsl is not there to render
// names, so everything comes from the raw XML: RenderingInfo/Opcode for the event name, the
// numeric Opcode as a fallback.
import { XMLParser } from 'fast-xml-parser';
import { parseWin32Code } from '../win32Status';
import { FrebFormatError, scanFreb, type EventPosition } from './frebScan';

/** Bigger than any real trace (those are 100 KB - a few MB); beyond this we refuse, not stall. */
export const MAX_FREB_BYTES = 64 * 1024 * 1024;

export interface FrebRequest {
  url: string | null;
  verb: string | null;
  siteId: number | null;
  appPoolId: string | null;
  processId: number | null;
  /** From the statusCode attribute ("401.2" -> 401). */
  statusCode: number | null;
  /** From "401.2", else HttpSubStatus of the last GENERAL_REQUEST_END. */
  subStatusCode: number | null;
  /** ErrorCode of the last MODULE_SET_RESPONSE_ERROR_STATUS, unsigned decimal; null when none. */
  win32Status: number | null;
  timeTaken: number | null;
  activityId: string | null;
  failureReason: string | null;
  triggerStatusCode: string | null;
  /** Root attribute authenticationType (NOT_AVAILABLE, anonymous, Negotiate, NTLM, ...). */
  authenticationType: string | null;
  userName: string | null;
  remoteUserName: string | null;
  tokenUserName: string | null;
}

export type FrebLevelName = 'General' | 'Critical Error' | 'Error' | 'Warning' | 'Information' | 'Verbose';

export interface FrebEvent {
  /** 0-based position in the trace. */
  index: number;
  /** RenderingInfo/Opcode ("AUTH_START"), or "Opcode N" when the trace has no rendering. */
  name: string;
  opcode: number | null;
  level: number | null;
  levelName: FrebLevelName | null;
  /** Provider name ("WWW Server", "ASPNET", ...). */
  provider: string | null;
  /** SystemTime as written ("2026-06-08T19:53:48.688Z"). */
  time: string | null;
  /** Milliseconds since epoch of `time`, or null. */
  timeMs: number | null;
  keywords: string[];
  /** EventData in order (names may repeat). */
  data: Array<[string, string]>;
  /** freb:Description texts by the Data name they render. */
  descriptions: Record<string, string>;
  /** 1-based lines in the stored file. */
  line: number;
  endLine: number;
  opcodeLine: number;
  dataLines: Record<string, number>;
}

export interface FrebTrace {
  request: FrebRequest;
  events: FrebEvent[];
  /** Physical lines of the file. */
  lines: number;
  /** Line of <failedRequest>. */
  rootLine: number;
}

export const LEVEL_NAMES: Record<number, FrebLevelName> = {
  0: 'General',
  1: 'Critical Error',
  2: 'Error',
  3: 'Warning',
  4: 'Information',
  5: 'Verbose',
};

/** Thrown when a text is not a FREB trace or not parseable: `line` and a one-line reason. */
export { FrebFormatError };

// Names by EventGuid + numeric Opcode for traces saved without RenderingInfo (seen in real IIS 10
// traces; only the events the analysis relies on).
const OPCODE_NAMES: Record<string, string> = {
  '{002E91E3-E7AE-44AB-8E07-99230FFA6ADE} 16': 'MODULE_SET_RESPONSE_ERROR_STATUS',
  '{002E91E3-E7AE-44AB-8E07-99230FFA6ADE} 17': 'MODULE_SET_RESPONSE_SUCCESS_STATUS',
  '{C33BBE8F-985B-4080-81E6-005F1A06B9E2} 10': 'AUTH_START',
  '{C33BBE8F-985B-4080-81E6-005F1A06B9E2} 11': 'AUTH_SUCCEEDED',
  '{C33BBE8F-985B-4080-81E6-005F1A06B9E2} 27': 'AUTH_REQUEST_AUTH_TYPE',
  '{C33BBE8F-985B-4080-81E6-005F1A06B9E2} 28': 'AUTH_END',
  '{D42CF7EF-DE92-473E-8B6C-621EA663113A} 1': 'GENERAL_REQUEST_START',
  '{D42CF7EF-DE92-473E-8B6C-621EA663113A} 2': 'GENERAL_REQUEST_END',
  '{D42CF7EF-DE92-473E-8B6C-621EA663113A} 44': 'USER_SET',
  '{D42CF7EF-DE92-473E-8B6C-621EA663113A} 47': 'GENERAL_RESPONSE_HEADERS',
  '{D42CF7EF-DE92-473E-8B6C-621EA663113A} 50': 'GENERAL_REQUEST_HEADERS',
  '{D42CF7EF-DE92-473E-8B6C-621EA663113A} 55': 'GENERAL_ENDPOINT_INFORMATION',
  '{D42CF7EF-DE92-473E-8B6C-621EA663113A} 56': 'GENERAL_SET_RESPONSE_HEADER',
};

const ARRAYS = new Set(['Event', 'Data', 'freb:Description', 'Keyword']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Only the XML built-ins: there is never a DTD (the scan refuses one) and HTML names stay text.
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 40,
  isArray: (name: string, _jpath: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute && ARRAYS.has(name),
});

type Node = Record<string, unknown>;

/** Parses a FREB trace; throws FrebFormatError (with the line) on anything that is not one. */
export function parseFreb(text: string): FrebTrace {
  if (text.length === 0) throw new FrebFormatError(1, 'empty file (0 bytes): not a FREB trace');
  if (text.length > MAX_FREB_BYTES) throw new FrebFormatError(1, `file larger than ${MAX_FREB_BYTES / 1048576} MiB: refused as a FREB trace`);
  const scan = scanFreb(text);
  if (scan.rootName !== 'failedRequest') {
    throw new FrebFormatError(scan.rootLine, `root element is <${scan.rootName}>, not <failedRequest>: not a FREB trace`);
  }
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? lineOf(text, Number(pos[1])) : scan.rootLine;
    throw new FrebFormatError(line, `XML error: ${msg.split('\n')[0]}`);
  }
  const root = doc.failedRequest as Node | undefined;
  if (!root || typeof root !== 'object') throw new FrebFormatError(scan.rootLine, 'no <failedRequest> element');
  const rawEvents = asArray(root.Event);
  if (rawEvents.length !== scan.events.length) {
    throw new FrebFormatError(scan.rootLine, `event count mismatch (${rawEvents.length} parsed, ${scan.events.length} scanned)`);
  }
  const events = rawEvents.map((e, k) => toEvent(e as Node, k, scan.events[k]));
  const request = toRequest(root, events);
  return { request, events, lines: scan.lines, rootLine: scan.rootLine };
}

function toEvent(e: Node, index: number, pos: EventPosition): FrebEvent {
  const sys = (e.System ?? {}) as Node;
  const rend = (e.RenderingInfo ?? {}) as Node;
  const opcode = int(text(sys.Opcode));
  const level = int(text(sys.Level));
  const rendered = text(rend.Opcode);
  const time = attr(sys.TimeCreated, 'SystemTime');
  const data: Array<[string, string]> = [];
  for (const d of asArray((e.EventData as Node | undefined)?.Data)) {
    const name = attr(d, 'Name');
    if (name !== null) data.push([name, text(d) ?? '']);
  }
  const descriptions: Record<string, string> = {};
  for (const d of asArray(rend['freb:Description'])) {
    const name = attr(d, 'Data');
    if (name !== null) descriptions[name] = (text(d) ?? '').replace(/\s*\r?\n\s*/g, ' ').trim();
  }
  const kw = (rend.Keywords ?? {}) as Node;
  const keywords = asArray(kw.Keyword)
    .map((k) => text(k) ?? '')
    .filter(Boolean);
  const t = time ? Date.parse(time) : NaN;
  const guid = text((e.ExtendedTracingInfo as Node | undefined)?.EventGuid)
    ?.trim()
    .toUpperCase();
  const fallback = guid && opcode !== null ? OPCODE_NAMES[`${guid} ${opcode}`] : undefined;
  return {
    index,
    name: rendered || fallback || (opcode !== null ? `Opcode ${opcode}` : 'Event'),
    opcode,
    level,
    levelName: level !== null ? (LEVEL_NAMES[level] ?? null) : null,
    provider: attr(sys.Provider, 'Name'),
    time,
    timeMs: Number.isFinite(t) ? t : null,
    keywords,
    data,
    descriptions,
    line: pos.line,
    endLine: pos.endLine,
    opcodeLine: pos.opcodeLine,
    dataLines: pos.dataLines,
  };
}

function toRequest(root: Node, events: FrebEvent[]): FrebRequest {
  const a = (n: string): string | null => {
    const v = root['@_' + n];
    return typeof v === 'string' ? v : null;
  };
  const status = a('statusCode');
  const m = status ? /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(status) : null;
  let sub: number | null = m?.[2] !== undefined ? Number(m[2]) : null;
  if (m && sub === null) {
    const end = lastEvent(events, 'GENERAL_REQUEST_END');
    sub = end ? int(dataValue(end, 'HttpSubStatus')) : null;
  }
  const err = lastEvent(events, 'MODULE_SET_RESPONSE_ERROR_STATUS');
  const code = err ? dataValue(err, 'ErrorCode') : null;
  return {
    url: a('url'),
    verb: a('verb'),
    siteId: int(a('siteId')),
    appPoolId: a('appPoolId'),
    processId: int(a('processId')),
    statusCode: m ? Number(m[1]) : null,
    subStatusCode: sub,
    win32Status: code !== null ? errorCodeValue(code) : null,
    timeTaken: int(a('timeTaken')),
    activityId: a('activityId'),
    failureReason: a('failureReason'),
    triggerStatusCode: a('triggerStatusCode'),
    authenticationType: a('authenticationType'),
    userName: a('userName'),
    remoteUserName: a('remoteUserName'),
    tokenUserName: a('tokenUserName'),
  };
}

/** ErrorCode as an unsigned decimal; a value that is not 32-bit stays as written (never wraps). */
export function errorCodeValue(raw: string): number | null {
  const v = parseWin32Code(raw);
  if (v !== undefined) return v;
  const n = Number(raw.trim());
  return raw.trim() && Number.isFinite(n) ? n : null;
}

export function lastEvent(events: FrebEvent[], name: string): FrebEvent | undefined {
  for (let k = events.length - 1; k >= 0; k--) if (events[k].name === name) return events[k];
  return undefined;
}

/** The last value of a Data item (names rarely repeat; the last one is what IIS acted on). */
export function dataValue(ev: FrebEvent, name: string): string | null {
  for (let k = ev.data.length - 1; k >= 0; k--) if (ev.data[k][0] === name) return ev.data[k][1];
  return null;
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object') {
    const t = (v as Node)['#text'];
    if (typeof t === 'string' || typeof t === 'number') return String(t);
    return '';
  }
  return null;
}

function attr(v: unknown, name: string): string | null {
  if (!v || typeof v !== 'object') return null;
  const t = (v as Node)['@_' + name];
  return typeof t === 'string' ? t : null;
}

function int(s: string | null): number | null {
  if (s === null) return null;
  const t = s.trim();
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

function lineOf(s: string, offset: number): number {
  let line = 1;
  for (let k = s.indexOf('\n'); k >= 0 && k < offset; k = s.indexOf('\n', k + 1)) line++;
  return line;
}
