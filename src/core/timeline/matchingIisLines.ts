// The IIS log lines that belong to an error text: requests to the endpoint's path (by default
// /EWS/mrsproxy.svc) within a time window around the time the text carries. The text's time is
// local time of wherever it was written (HCW, the admin's PowerShell); IIS logs UTC - the caller
// passes the offset between the two.
import { scanW3cBuffer, type W3cRecord, type W3cScanHandler } from '../w3c/w3cScanner';
import { outcomeOf, type Outcome } from './authTimeline';
import { findingOfWin32, findingRank } from '../findings';

export interface MatchingLine {
  line: number;
  /** ISO UTC as the log has it. */
  time: string;
  method: string;
  uri: string;
  /** "401.1" */
  status: string;
  win32: number;
  outcome: Outcome | null;
  clientIp: string;
  user: string;
}

export interface MatchingQuery {
  /** Epoch seconds (UTC), inclusive. */
  from: number;
  to: number;
  /** cs-uri-stem to match, case-insensitive (default /EWS/mrsproxy.svc); empty string = any URL. */
  uriStem?: string;
  /** Stop after this many lines (default 5000). */
  limit?: number;
  /** Only requests whose cs(User-Agent) contains this (case-insensitive; "+" and space alike), e.g. a probe's run id. */
  userAgentContains?: string;
}

export const DEFAULT_MRS_PATH = '/EWS/mrsproxy.svc';

/** The path of an endpoint URL ("https://host/EWS/mrsproxy.svc" -> "/EWS/mrsproxy.svc"); the MRS path when there is none. */
export function pathOfUrl(url: string | null | undefined): string {
  const m = url ? /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+(\/[^?#\s]*)?/i.exec(url) : null;
  const p = m?.[1];
  return p && p !== '/' ? p : DEFAULT_MRS_PATH;
}

/**
 * The UTC window around a local ISO-like time ("2024-11-05T14:23:18.825", maybe with Z or an offset):
 * `utcOffsetMinutes` is how far the text's clock is ahead of UTC (ignored when the time has a zone).
 */
export function timeWindow(time: string, utcOffsetMinutes: number, beforeMinutes: number, afterMinutes: number): { from: number; to: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(time);
  if (!m) return null;
  let t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
  const zone = m[7];
  if (zone === 'Z') {
    /* already UTC */
  } else if (zone) {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    t -= (z[1] === '-' ? -1 : 1) * (+z[2]! * 60 + +z[3]!) * 60;
  } else t -= utcOffsetMinutes * 60;
  if (!Number.isFinite(t)) return null;
  return { from: t - beforeMinutes * 60, to: t + afterMinutes * 60 };
}

export class MatchingLinesCollector implements W3cScanHandler {
  readonly lines: MatchingLine[] = [];
  /** Requests to the path at any time (to tell "wrong window" from "never called"). */
  pathRequests = 0;
  truncated = false;
  private readonly stem: string;
  private readonly ua: string | undefined;

  constructor(private readonly q: MatchingQuery) {
    this.stem = (q.uriStem ?? DEFAULT_MRS_PATH).toLowerCase();
    this.ua = q.userAgentContains?.toLowerCase().replace(/ /g, '+');
  }

  onRecord(rec: W3cRecord): void {
    const lay = rec.layout;
    if (!lay) return;
    const c = lay.columns;
    const stemCol = c.uriStem >= 0 ? c.uriStem : c.uri;
    let uri = stemCol >= 0 ? rec.str(stemCol) : '';
    if (c.uriStem < 0) uri = uri.split('?')[0]!;
    if (this.stem && uri.toLowerCase() !== this.stem) return;
    // IIS writes the User-Agent with "+" for spaces.
    if (this.ua !== undefined && (c.userAgent < 0 || !rec.str(c.userAgent).toLowerCase().replace(/ /g, '+').includes(this.ua))) return;
    this.pathRequests++;
    const t = rec.epochSeconds();
    if (!(t >= this.q.from && t <= this.q.to)) return;
    if (this.lines.length >= (this.q.limit ?? 5000)) {
      this.truncated = true;
      return;
    }
    const status = rec.num(c.status);
    const sub = rec.num(c.substatus);
    const win32 = rec.num(c.win32);
    this.lines.push({
      line: rec.line,
      time: rec.isoTime() ?? '',
      method: c.method >= 0 ? rec.str(c.method) : '',
      uri,
      status: sub >= 0 ? `${status}.${sub}` : String(status),
      win32,
      outcome: outcomeOf(status, sub, win32),
      clientIp: c.cIp >= 0 ? rec.str(c.cIp) : '',
      user: c.user >= 0 ? rec.str(c.user) : '',
    });
  }

  onMalformed(): void {
    /* not a request we can place in time */
  }
}

export function findMatchingIisLines(log: string | Buffer, q: MatchingQuery): { lines: MatchingLine[]; pathRequests: number; truncated: boolean } {
  const col = new MatchingLinesCollector(q);
  scanW3cBuffer(typeof log === 'string' ? Buffer.from(log, 'utf8') : log, col);
  return { lines: col.lines, pathRequests: col.pathRequests, truncated: col.truncated };
}

/**
 * The order of a list of matching lines: the requests that are a finding by themselves
 * (BAD_BINDINGS, then the other errors, in the findings table's order) first, then the rest;
 * in the given (time) order within each.
 */
export function errorsFirst<T extends Pick<MatchingLine, 'win32'>>(hits: readonly T[]): T[] {
  const rank = (h: T): number => {
    const code = findingOfWin32(h.win32);
    return code ? findingRank(code) : Number.MAX_SAFE_INTEGER;
  };
  return [...hits].sort((a, b) => rank(a) - rank(b));
}
