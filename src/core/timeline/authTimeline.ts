// The auth timeline of an IIS log: per URL, how requests ended over time - successes, the
// challenge legs of NTLM/Negotiate handshakes, and the failures that matter (BAD_BINDINGS,
// LOGON_DENIED, INVALID_TOKEN) - so the moment a change fixed things is visible at a glance.
// Built in one streaming pass over B1's W3C scanner (minute buckets, merged at the end), so a
// file of any size needs memory only per URL and minute.
import { scanW3cBuffer, type W3cRecord, type W3cScanHandler } from '../w3c/w3cScanner';
import { findingOfWin32, SEC_E_BAD_BINDINGS, SEC_E_INVALID_TOKEN, SEC_E_LOGON_DENIED, SEC_E_NO_CREDENTIALS, type FindingCode } from '../findings';

export const OUTCOMES = ['success', 'challenge', 'badBindings', 'logonDenied', 'invalidToken', 'otherAuthFailure', 'otherError'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The outcome of each finding a 401 is by its win32 code alone (the findings table's findingOfWin32). */
const FINDING_OUTCOME: Partial<Record<FindingCode, Outcome>> = { BAD_BINDINGS: 'badBindings', LOGON_DENIED: 'logonDenied', INVALID_TOKEN: 'invalidToken' };

export const OUTCOME_LABELS: Record<Outcome, string> = {
  success: 'success (2xx/3xx)',
  challenge: 'challenge legs (401.2, 401.1 0x8009030E)',
  badBindings: `BAD_BINDINGS (${SEC_E_BAD_BINDINGS})`,
  logonDenied: `LOGON_DENIED (${SEC_E_LOGON_DENIED})`,
  invalidToken: `INVALID_TOKEN (${SEC_E_INVALID_TOKEN})`,
  otherAuthFailure: 'other 401',
  otherError: 'other 4xx/5xx',
};

export type Counts = Record<Outcome, number>;
export type Lines = Record<Outcome, number[]>;

export interface TimelineBucket {
  /** Start of the bucket, ISO UTC (IIS log time). */
  start: string;
  counts: Counts;
  /** Up to LINES_PER_CELL 1-based line numbers per outcome, for jumping to the requests. */
  lines: Lines;
}

export interface UrlTimeline {
  /** cs-uri-stem as first written (URLs are grouped case-insensitively). */
  uri: string;
  totals: Counts;
  buckets: TimelineBucket[];
  /** The last failing request (BAD_BINDINGS / LOGON_DENIED / INVALID_TOKEN / other 401 after credentials). */
  lastFailure: { time: string; line: number } | null;
  /** The first success after the last failure: "from 17:16 the requests end in 200". */
  firstSuccessAfterLastFailure: { time: string; line: number } | null;
}

export interface AuthTimeline {
  bucketSeconds: number;
  /** First and last request time (ISO UTC), null when no request had a time. */
  from: string | null;
  to: string | null;
  /** Bucket start times shared by every URL (ISO UTC). */
  bucketStarts: string[];
  urls: UrlTimeline[];
  /** Requests read, and requests without a usable time (not charted). */
  requests: number;
  untimed: number;
}

export interface TimelineOptions {
  /** Bucket width; default: chosen so the span fits in about 90 buckets (at least 60 s). */
  bucketSeconds?: number;
  /** How many URLs to chart (the ones with the most authentication failures and challenges first). */
  maxUrls?: number;
  /** Only this cs-uri-stem (case-insensitive), e.g. /EWS/mrsproxy.svc. */
  uri?: string;
}

export const LINES_PER_CELL = 50;
const MAX_TRACKED_URLS = 5000;
const NICE = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

const zeroCounts = (): Counts => ({ success: 0, challenge: 0, badBindings: 0, logonDenied: 0, invalidToken: 0, otherAuthFailure: 0, otherError: 0 });
const zeroLines = (): Lines => ({ success: [], challenge: [], badBindings: [], logonDenied: [], invalidToken: [], otherAuthFailure: [], otherError: [] });
const FAILURES: Outcome[] = ['badBindings', 'logonDenied', 'invalidToken', 'otherAuthFailure'];

/** How IIS ended a request, from sc-status, sc-substatus and sc-win32-status. */
export function outcomeOf(status: number, substatus: number, win32: number): Outcome | null {
  if (status < 100) return null;
  if (status === 401) {
    const finding = findingOfWin32(win32);
    if (finding) return FINDING_OUTCOME[finding]!;
    if (win32 === SEC_E_NO_CREDENTIALS || substatus === 2 || (substatus === 0 && (win32 === 0 || win32 === 5))) return 'challenge';
    return 'otherAuthFailure';
  }
  if (status < 400) return 'success';
  return 'otherError';
}

interface Cell {
  counts: Counts;
  lines: Lines;
}
interface UrlAcc {
  uri: string;
  minutes: Map<number, Cell>;
  totals: Counts;
  lastFailure: { t: number; line: number } | null;
  successes: Array<{ t: number; line: number }>;
}

export class AuthTimelineBuilder implements W3cScanHandler {
  private readonly urls = new Map<string, UrlAcc>();
  private minT = Infinity;
  private maxT = -Infinity;
  requests = 0;
  untimed = 0;

  constructor(private readonly opts: TimelineOptions = {}) {}

  onRecord(rec: W3cRecord): void {
    const lay = rec.layout;
    if (!lay) return;
    this.requests++;
    const c = lay.columns;
    const status = rec.num(c.status);
    const outcome = outcomeOf(status, rec.num(c.substatus), rec.num(c.win32));
    if (!outcome) return;
    const stemCol = c.uriStem >= 0 ? c.uriStem : c.uri;
    let uri = stemCol >= 0 ? rec.str(stemCol) : '';
    if (c.uriStem < 0) uri = uri.split('?')[0]!;
    if (!uri || uri === '-') return;
    const key = uri.toLowerCase();
    if (this.opts.uri && key !== this.opts.uri.toLowerCase()) return;
    const t = rec.epochSeconds();
    if (!Number.isFinite(t)) {
      this.untimed++;
      return;
    }
    let acc = this.urls.get(key);
    if (!acc) {
      if (this.urls.size >= MAX_TRACKED_URLS && status !== 401) return;
      acc = { uri, minutes: new Map(), totals: zeroCounts(), lastFailure: null, successes: [] };
      this.urls.set(key, acc);
    }
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
    const minute = Math.floor(t / 60);
    let cell = acc.minutes.get(minute);
    if (!cell) {
      cell = { counts: zeroCounts(), lines: zeroLines() };
      acc.minutes.set(minute, cell);
    }
    cell.counts[outcome]++;
    if (cell.lines[outcome].length < LINES_PER_CELL) cell.lines[outcome].push(rec.line);
    acc.totals[outcome]++;
    if (FAILURES.includes(outcome)) {
      if (!acc.lastFailure || t >= acc.lastFailure.t) acc.lastFailure = { t, line: rec.line };
      acc.successes.length = 0;
    } else if (outcome === 'success' && acc.lastFailure && acc.successes.length === 0) {
      acc.successes.push({ t, line: rec.line });
    }
  }

  onMalformed(): void {
    /* malformed lines are analyze's findings, not timeline data */
  }

  result(): AuthTimeline {
    const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
    const ranked = [...this.urls.values()]
      .map((u) => ({
        u,
        failures: FAILURES.reduce((s, o) => s + u.totals[o], 0),
        challenges: u.totals.challenge,
        // the signal first: URLs with BAD_BINDINGS, then with the other errors of the findings table
        badBindings: u.totals.badBindings,
        errors: u.totals.badBindings + u.totals.invalidToken,
      }))
      .filter((x) => this.opts.uri || x.failures + x.challenges > 0)
      .sort(
        (a, b) =>
          b.badBindings - a.badBindings || b.errors - a.errors || b.failures - a.failures || b.challenges - a.challenges || a.u.uri.localeCompare(b.u.uri),
      )
      .slice(0, this.opts.maxUrls ?? 12);
    if (!Number.isFinite(this.minT) || ranked.length === 0) {
      return { bucketSeconds: this.opts.bucketSeconds ?? 60, from: null, to: null, bucketStarts: [], urls: [], requests: this.requests, untimed: this.untimed };
    }
    const span = this.maxT - this.minT + 1;
    const bucketSeconds =
      this.opts.bucketSeconds && this.opts.bucketSeconds >= 60
        ? Math.round(this.opts.bucketSeconds / 60) * 60
        : (NICE.find((n) => span / n <= 90) ?? Math.ceil(span / 90 / 86400) * 86400);
    const first = Math.floor(this.minT / bucketSeconds) * bucketSeconds;
    const count = Math.floor(this.maxT / bucketSeconds) - Math.floor(this.minT / bucketSeconds) + 1;
    const bucketStarts = Array.from({ length: count }, (_, i) => iso(first + i * bucketSeconds));
    const urls: UrlTimeline[] = ranked.map(({ u }) => {
      const buckets: TimelineBucket[] = bucketStarts.map((start) => ({ start, counts: zeroCounts(), lines: zeroLines() }));
      for (const [minute, cell] of u.minutes) {
        const b = buckets[Math.floor((minute * 60 - first) / bucketSeconds)]!;
        for (const o of OUTCOMES) {
          b.counts[o] += cell.counts[o];
          const room = LINES_PER_CELL - b.lines[o].length;
          if (room > 0 && cell.lines[o].length) b.lines[o].push(...cell.lines[o].slice(0, room));
        }
      }
      for (const b of buckets) for (const o of OUTCOMES) b.lines[o].sort((x, y) => x - y);
      const fix = u.successes[0];
      return {
        uri: u.uri,
        totals: u.totals,
        buckets,
        lastFailure: u.lastFailure ? { time: iso(u.lastFailure.t), line: u.lastFailure.line } : null,
        firstSuccessAfterLastFailure: fix ? { time: iso(fix.t), line: fix.line } : null,
      };
    });
    return { bucketSeconds, from: iso(this.minT), to: iso(this.maxT), bucketStarts, urls, requests: this.requests, untimed: this.untimed };
  }
}

/** The timeline of a whole log held in memory (an open document, a test file). */
export function buildAuthTimeline(log: string | Buffer, opts: TimelineOptions = {}): AuthTimeline {
  const b = new AuthTimelineBuilder(opts);
  scanW3cBuffer(typeof log === 'string' ? Buffer.from(log, 'utf8') : log, b);
  return b.result();
}
