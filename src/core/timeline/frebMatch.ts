// Links between evidence: the FREB trace of the request an IIS log line records, and back. One
// request leaves both: the W3C line (written when the request ends; UTC, whole seconds) and the
// trace (events with UTC timestamps from its start, plus timeTaken). Same path, same status,
// same client address, and the trace's end within a few seconds of the line's time.
import { scanW3cBuffer, type W3cRecord } from '../w3c/w3cScanner';
import { readFrebText, tryAnalyzeFreb, type FrebAnalysis } from '../freb/frebAnalyze';
import { requestTime } from '../freb/frebFilter';

export interface IisRequest {
  /** 1-based line in the IIS log. */
  line: number;
  /** Epoch seconds (UTC) of the line's date + time. */
  time: number;
  uri: string;
  status: number;
  substatus: number | null;
  win32: number | null;
  clientIp: string | null;
  timeTaken: number | null;
}

export interface FrebRequest {
  path: string;
  url: string | null;
  statusCode: number | null;
  subStatusCode: number | null;
  win32Status: number | null;
  clientIp: string | null;
  /** Epoch ms of the first event, or null. */
  startMs: number | null;
  timeTaken: number | null;
  /** 1-based line of the failure event (or 1). */
  line: number;
}

export interface EvidenceMatch<T> {
  item: T;
  /** |end of the FREB request - IIS line time| in ms (0 inside the line's second). */
  deltaMs: number;
  score: number;
}

/** How far apart (ms) the two ends of one request may be: IIS writes whole seconds, clocks are the same box. */
export const MAX_DELTA_MS = 3000;

/** The path of a FREB url ("https://host:443/EWS/mrsproxy.svc?x" -> "/EWS/mrsproxy.svc"). */
export function pathOf(url: string | null): string | null {
  if (!url) return null;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)?/i.exec(url);
  const p = m ? (m[1] ?? '/') : url.split('?')[0]!;
  return p || '/';
}

/** The request a W3C record describes (null without the fields to match on). */
export function iisRequestOf(rec: W3cRecord): IisRequest | null {
  const lay = rec.layout;
  if (!lay) return null;
  const c = lay.columns;
  const t = rec.epochSeconds();
  const stemCol = c.uriStem >= 0 ? c.uriStem : c.uri;
  const status = rec.num(c.status);
  if (!Number.isFinite(t) || stemCol < 0 || status < 0) return null;
  const num = (i: number): number | null => {
    const n = rec.num(i);
    return n >= 0 ? n : null;
  };
  const ip = c.cIp >= 0 ? rec.str(c.cIp) : '';
  return {
    line: rec.line,
    time: t,
    uri: rec.str(stemCol).split('?')[0]!,
    status,
    substatus: num(c.substatus),
    win32: num(c.win32),
    clientIp: ip && ip !== '-' ? ip : null,
    timeTaken: num(c.timeTaken),
  };
}

/** Win32 codes as IIS logs them vs. FREB's ErrorCode: 5 and 0x80070005 are the same failure. */
function sameWin32(a: number | null, b: number | null): boolean | null {
  if (a === null || b === null) return null;
  if (a === b) return true;
  const low = (n: number): number => (((n >>> 16) & 0x1fff) === 7 ? n & 0xffff : n);
  return low(a) === low(b);
}

/** null when the two cannot be the same request, else how well they fit (higher is better). */
export function matchScore(iis: IisRequest, freb: FrebRequest): EvidenceMatch<FrebRequest> | null {
  const fp = pathOf(freb.url);
  if (!fp || fp.toLowerCase() !== iis.uri.toLowerCase()) return null;
  if (freb.statusCode === null || freb.statusCode !== iis.status) return null;
  if (freb.subStatusCode !== null && iis.substatus !== null && freb.subStatusCode !== iis.substatus) return null;
  if (freb.clientIp && iis.clientIp && freb.clientIp.replace(/^::ffff:/, '') !== iis.clientIp.replace(/^::ffff:/, '')) return null;
  if (freb.startMs === null) return null;
  const end = freb.startMs + (freb.timeTaken ?? iis.timeTaken ?? 0);
  const lineStart = iis.time * 1000;
  const deltaMs = end < lineStart ? lineStart - end : end >= lineStart + 1000 ? end - (lineStart + 999) : 0;
  if (deltaMs > MAX_DELTA_MS) return null;
  let score = 100 - deltaMs / 100;
  const w = sameWin32(iis.win32, freb.win32Status);
  if (w === true) score += 20;
  if (w === false) score -= 20;
  if (freb.clientIp && iis.clientIp) score += 10;
  return { item: freb, deltaMs, score };
}

/** The FREB traces that can be the request of an IIS line, best first. */
export function rankFrebMatches(iis: IisRequest, traces: FrebRequest[]): Array<EvidenceMatch<FrebRequest>> {
  return traces
    .map((f) => matchScore(iis, f))
    .filter((m): m is EvidenceMatch<FrebRequest> => m !== null)
    .sort((a, b) => b.score - a.score);
}

/** The IIS lines that can be the request of a FREB trace, best first ("and back"). */
export function rankIisMatches(freb: FrebRequest, lines: IisRequest[]): Array<EvidenceMatch<IisRequest>> {
  const out: Array<EvidenceMatch<IisRequest>> = [];
  for (const l of lines) {
    const m = matchScore(l, freb);
    if (m) out.push({ item: l, deltaMs: m.deltaMs, score: m.score });
  }
  return out.sort((a, b) => b.score - a.score);
}

/** The matching key of an analysed FREB trace. */
export function frebRequestOf(a: FrebAnalysis, path: string): FrebRequest {
  const e = a.entry;
  return {
    path,
    url: e.url,
    statusCode: e.statusCode,
    subStatusCode: e.subStatusCode,
    win32Status: e.win32Status,
    clientIp: a.clientIp,
    startMs: requestTime(a),
    timeTaken: e.timeTaken,
    line: a.failure?.event.line ?? 1,
  };
}

/** Reads and analyses one FREB file; a file that is no trace gives its one-line error. */
export async function loadFrebRequest(path: string): Promise<FrebRequest | { path: string; error: string }> {
  let text: string;
  try {
    text = await readFrebText(path);
  } catch (err) {
    return { path, error: `${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const r = tryAnalyzeFreb(text, path);
  return 'error' in r ? { path, error: r.error.error ?? `${path}: not a FREB trace` } : frebRequestOf(r.analysis, path);
}

/** Every request of a W3C log (for the way back from a trace), or the one on a line. */
export function iisRequestsOf(log: Buffer, onlyLine?: number): IisRequest[] {
  const out: IisRequest[] = [];
  scanW3cBuffer(log, {
    onRecord(rec) {
      if (onlyLine !== undefined && rec.line !== onlyLine) return;
      const r = iisRequestOf(rec);
      if (r) out.push(r);
    },
    onMalformed() {
      /* a malformed line is no request to link */
    },
  });
  return out;
}
