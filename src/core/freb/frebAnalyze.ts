// FREB analysis: one trace -> the `analyze` entry of the CLI contract, and the authentication
// story (failure event, auth type, headers, findings) that the editor features and the report use.
import { readFile, stat } from 'node:fs/promises';
import type { PathLike } from 'node:fs';
import { decodeHead } from '../files/textEncoding';
import { gunzipSync } from 'node:zlib';
import type { FrebFileEntry } from '../analyzeResult';
import {
  findingOfWin32,
  isBadBindings,
  renderFindingMessage,
  SEC_E_NO_CREDENTIALS,
  severityOf,
  type Finding,
  type FindingCode,
  type FindingFacts,
} from '../findings';
import { describeWin32 } from '../win32Status';
import { decodeAuthorization, type AuthSniff } from './frebAuthScheme';
import type { DecodeResult } from '../authHeader';
import { dataValue, errorCodeValue, lastEvent, parseFreb, FrebFormatError, MAX_FREB_BYTES, type FrebEvent, type FrebTrace } from './frebTrace';

export interface FrebHeader {
  name: string;
  value: string;
  /** 1-based line in the stored file. */
  line: number;
}

export interface FrebFailure {
  event: FrebEvent;
  module: string | null;
  /** Notification name as rendered (AUTHENTICATE_REQUEST), else the number. */
  notification: string | null;
  httpStatus: number | null;
  httpSubStatus: number | null;
  httpReason: string | null;
  /** "401.1" */
  status: string | null;
  win32: number | null;
  /** "0x80090346" */
  hex: string | null;
  /** "SEC_E_BAD_BINDINGS" */
  codeName: string | null;
  /** freb:Description of ErrorCode, or the Windows message text. */
  text: string | null;
}

export interface FrebAnalysis {
  trace: FrebTrace;
  entry: FrebFileEntry;
  failure: FrebFailure | null;
  /** As IIS renders RequestAuthType of the last AUTH_REQUEST_AUTH_TYPE ("NT", "Anonymous"). */
  authType: string | null;
  /** The scheme the client used: from the Authorization header, else the root authenticationType. */
  authScheme: string | null;
  /** What the (last) Authorization header carries, or null without one. */
  authorization: (AuthSniff & { header: FrebHeader; decoded: DecodeResult | null }) | null;
  clientIp: string | null;
  requestHeaders: FrebHeader[];
  responseHeaders: FrebHeader[];
  findings: Finding[];
}

const AUTH_TYPE_NAMES: Record<string, string> = {
  '0': 'None',
  '1': 'Anonymous',
  '2': 'Basic',
  '4': 'NT',
  '8': 'Digest',
  '16': 'Passport',
  '32': 'Certificate',
  '64': 'MapCert',
  '128': 'MapCliCert',
};

/** Analyzes FREB text already in memory. Parse problems become `error` (never an exception). */
export function analyzeFrebText(text: string, path: string): FrebFileEntry {
  const r = tryAnalyzeFreb(text, path);
  return 'error' in r ? r.error : r.analysis.entry;
}

/** Reads (gunzips when needed) and analyzes one FREB file; an unreadable file gets `error`. */
export async function analyzeFrebFile(path: string): Promise<FrebFileEntry> {
  let text: string;
  try {
    text = await readFrebText(path);
  } catch (err) {
    return errorEntry(path, readErrorMessage(path, err));
  }
  return analyzeFrebText(text, path);
}

/** Reads a FREB file as text: UTF-8 (BOM stripped), UTF-16 with or without BOM, gzip by magic bytes. */
export async function readFrebText(path: PathLike): Promise<string> {
  const st = await stat(path);
  if (!st.isFile()) throw new Error('not a regular file');
  if (st.size > MAX_FREB_BYTES) throw new Error(`file is ${st.size} bytes, larger than ${MAX_FREB_BYTES / 1048576} MiB: refused as a FREB trace`);
  let buf = await readFile(path);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf, { maxOutputLength: MAX_FREB_BYTES });
    } catch (err) {
      throw new Error(`gzip data is corrupt or too large (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return decodeText(buf);
}

/** A trace's bytes as text: the file pipeline's decoding (UTF-8, BOM removed; UTF-16 LE/BE with or without BOM). */
export function decodeText(buf: Buffer): string {
  return decodeHead(buf).text;
}

/** Full analysis, or the error entry when the text is not a (safe, complete) FREB trace. */
export function tryAnalyzeFreb(text: string, path: string): { analysis: FrebAnalysis } | { error: FrebFileEntry; line: number; reason: string } {
  let trace: FrebTrace;
  try {
    trace = parseFreb(text);
  } catch (err) {
    const line = err instanceof FrebFormatError ? err.line : 1;
    const reason = err instanceof FrebFormatError ? err.reason : `unexpected parser failure: ${err instanceof Error ? err.message : String(err)}`;
    return { error: errorEntry(path, `${path}: line ${line}: ${reason}`), line, reason };
  }
  return { analysis: analyzeTrace(trace, path) };
}

/** The analysis of a parsed trace. */
export function analyzeTrace(trace: FrebTrace, path: string): FrebAnalysis {
  const req = trace.request;
  const authEv = lastEvent(trace.events, 'AUTH_REQUEST_AUTH_TYPE');
  let authType: string | null = null;
  if (authEv) {
    const raw = dataValue(authEv, 'RequestAuthType');
    authType = authEv.descriptions.RequestAuthType || (raw !== null ? (AUTH_TYPE_NAMES[raw.trim()] ?? raw) : null);
  }
  const requestHeaders = headersOf(trace.events, 'GENERAL_REQUEST_HEADERS');
  const responseHeaders = headersOf(trace.events, 'GENERAL_RESPONSE_HEADERS');
  for (const ev of trace.events) {
    if (ev.name === 'GENERAL_SET_RESPONSE_HEADER') {
      const name = dataValue(ev, 'HeaderName');
      if (name) responseHeaders.push({ name, value: dataValue(ev, 'HeaderValue') ?? '', line: ev.dataLines.HeaderValue ?? ev.line });
    }
  }
  const authorization = requestHeaders.filter((h) => h.name.toLowerCase() === 'authorization').pop();
  const sniff = authorization ? decodeAuthorization(authorization.value) : null;
  const authScheme = authorization
    ? authorization.value.trim().split(/\s+/)[0] || null
    : req.authenticationType && req.authenticationType !== 'NOT_AVAILABLE'
      ? req.authenticationType
      : null;
  const endpoint = lastEvent(trace.events, 'GENERAL_ENDPOINT_INFORMATION');
  const clientIp = endpoint ? dataValue(endpoint, 'RemoteAddress') : null;
  const failure = failureOf(trace);
  const user = req.userName ?? '';
  const findings: Finding[] = [];
  const code = failure ? findingFor(failure, req.statusCode) : null;
  if (failure && code) {
    findings.push({
      line: failure.event.line,
      code,
      severity: severityOf(code),
      message: renderFindingMessage(frebFindingFacts(failure, code)),
      time: failure.event.time,
      clientIp,
      user: user || null,
      uri: uriStem(req.url),
      status: failure.status,
      win32: failure.win32,
    });
  }
  const entry: FrebFileEntry = {
    path,
    kind: 'freb',
    url: req.url,
    verb: req.verb,
    statusCode: req.statusCode,
    subStatusCode: req.subStatusCode,
    win32Status: req.win32Status,
    timeTaken: req.timeTaken,
    siteId: req.siteId,
    appPoolId: req.appPoolId,
    authType,
    user,
    events: trace.events.length,
    findings,
  };
  return {
    trace,
    entry,
    failure,
    authType,
    authScheme,
    authorization: sniff && authorization ? { ...sniff, header: authorization } : null,
    clientIp,
    requestHeaders,
    responseHeaders,
    findings,
  };
}

/**
 * The one-line story of a trace, as the CodeLens shows it:
 * `POST /EWS/mrsproxy.svc -> 401.1 SEC_E_BAD_BINDINGS (0x80090346) · 15 ms · NTLM`.
 */
export function frebSummaryLine(a: FrebAnalysis): string {
  const e = a.entry;
  const status = e.statusCode === null ? '?' : e.subStatusCode ? `${e.statusCode}.${e.subStatusCode}` : String(e.statusCode);
  const parts = [`${e.verb ?? '?'} ${uriStem(e.url) ?? '?'} -> ${status}`];
  if (a.failure && a.failure.win32) parts[0] += a.failure.codeName ? ` ${a.failure.codeName} (${a.failure.hex})` : ` ${a.failure.hex ?? a.failure.win32}`;
  const tail: string[] = [];
  if (e.timeTaken !== null) tail.push(`${e.timeTaken} ms`);
  const mech = a.authorization ? (a.authorization.mechanism !== 'unknown' ? a.authorization.mechanism : a.authorization.scheme) : (e.authType ?? a.authScheme);
  if (mech) tail.push(mech);
  return [parts[0], ...tail].join(' · ');
}

function failureOf(trace: FrebTrace): FrebFailure | null {
  const ev = lastEvent(trace.events, 'MODULE_SET_RESPONSE_ERROR_STATUS');
  if (!ev) return null;
  const code = dataValue(ev, 'ErrorCode');
  const win32 = code !== null ? errorCodeValue(code) : null;
  const info = win32 !== null ? describeWin32(win32) : undefined;
  const httpStatus = intOf(dataValue(ev, 'HttpStatus'));
  const httpSubStatus = intOf(dataValue(ev, 'HttpSubStatus'));
  const described = ev.descriptions.ErrorCode?.replace(/\s*\(0x[0-9a-f]+\)\s*$/i, '').trim();
  return {
    event: ev,
    module: dataValue(ev, 'ModuleName'),
    notification: ev.descriptions.Notification ?? dataValue(ev, 'Notification'),
    httpStatus,
    httpSubStatus,
    httpReason: dataValue(ev, 'HttpReason'),
    status: httpStatus !== null ? (httpSubStatus ? `${httpStatus}.${httpSubStatus}` : String(httpStatus)) : null,
    win32,
    hex: win32 !== null && win32 >= 0 && win32 <= 0xffffffff ? '0x' + win32.toString(16).toUpperCase().padStart(8, '0') : null,
    codeName: info?.name ?? null,
    text: described || info?.text || null,
  };
}

/** The finding of a trace's failure (the findings table's codes; BAD_BINDINGS only with a 401). */
function findingFor(f: FrebFailure, statusCode: number | null): FindingCode | null {
  const w = f.win32;
  const status = f.httpStatus ?? statusCode;
  if (w === null || w === 0) return null;
  const byCode = findingOfWin32(w);
  if (byCode && (status === 401 || !isBadBindings(w))) return byCode;
  // The challenge leg (401.1 SEC_E_NO_CREDENTIALS) and the anonymous first leg (401.2) are the
  // handshake working as designed: the CodeLens tells them, a finding would be noise.
  if (w === SEC_E_NO_CREDENTIALS) return null;
  if (status === 401 && (f.httpSubStatus === 1 || (w >= 0x80090300 && w <= 0x800903ff) || (w >= 0xc0000000 && w <= 0xc0ffffff))) {
    return 'AUTH_FAILED';
  }
  return null;
}

/** What the message of a trace's finding is made of (the editor renders it again through l10n). */
export function frebFindingFacts(f: FrebFailure, code: FindingCode): FindingFacts {
  return {
    code,
    status: f.status ?? '?',
    win32: f.win32,
    codeName: f.codeName,
    module: f.module ?? null,
    notification: f.notification,
    text: f.text,
  };
}

function headersOf(events: FrebEvent[], name: string): FrebHeader[] {
  const out: FrebHeader[] = [];
  for (const ev of events) {
    if (ev.name !== name) continue;
    const raw = dataValue(ev, 'Headers');
    if (raw === null) continue;
    const first = ev.dataLines.Headers ?? ev.line;
    raw.split(/\r?\n/).forEach((l, k) => {
      const c = l.indexOf(':');
      if (c <= 0) return;
      out.push({ name: l.slice(0, c).trim(), value: l.slice(c + 1).trim(), line: first + k });
    });
  }
  return out;
}

/** The path of a FREB url ("https://h:443/EWS/mrsproxy.svc?x" -> "/EWS/mrsproxy.svc"). */
export function uriStem(url: string | null): string | null {
  if (!url) return null;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/[^?#]*)?/i.exec(url);
  if (m) return m[1] ?? '/';
  return url.split(/[?#]/)[0];
}

function intOf(s: string | null): number | null {
  return s !== null && /^\s*\d+\s*$/.test(s) ? Number(s) : null;
}

function errorEntry(path: string, error: string): FrebFileEntry {
  return {
    path,
    kind: 'freb',
    url: null,
    verb: null,
    statusCode: null,
    subStatusCode: null,
    win32Status: null,
    timeTaken: null,
    siteId: null,
    appPoolId: null,
    authType: null,
    user: null,
    events: 0,
    error,
  };
}

function readErrorMessage(path: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why =
    e?.code === 'ENOENT'
      ? 'no such file'
      : e?.code === 'EACCES'
        ? 'permission denied'
        : e?.code === 'EISDIR'
          ? 'is a folder'
          : e instanceof Error
            ? e.message
            : String(err);
  return `${path}: cannot read: ${why}`;
}
