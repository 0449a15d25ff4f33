// Hybrid Configuration Wizard logs: one entry per
//   2024.11.05 14:23:13.397 10276 [Client=UX, Session=Tenant, Cmdlet=Test-MigrationServerAvailability, Thread=12] START ...
// continuation lines (exception texts) belong to the entry above. Entries are also found in the
// middle of a line, because pasted HCW output often arrives with its line breaks lost.
import { lineOf, lineStarts } from '../textLines';

export type HcwKind = 'START' | 'FINISH' | 'OTHER';

export interface HcwEntry {
  /** Offset of the timestamp in the text. */
  index: number;
  /** Offset just after the entry (the next entry's timestamp or the end of the text). */
  end: number;
  /** 1-based line of the timestamp, and of the entry's last character. */
  line: number;
  endLine: number;
  /** As written ("2024.11.05 14:23:18.825") and ISO-like local time ("2024-11-05T14:23:18.825"). */
  timestamp: string;
  time: string;
  /** The number after the timestamp (HCW's running entry number). */
  sequence: number;
  /** The bracket's key=value pairs: Client, Session, Cmdlet, Thread, ... */
  fields: Record<string, string>;
  cmdlet: string | null;
  kind: HcwKind;
  /** Offset and length of the START/FINISH keyword (or of the bracket for OTHER). */
  keywordIndex: number;
  keywordLength: number;
  /** The text after the bracket, whitespace of wrapped lines kept. */
  message: string;
  /** FINISH Time=5428,0ms. */
  durationMs: number | null;
  /** FINISH Results=1. */
  results: number | null;
  /** FINISH {ErrorDetail=...}: the error text, or null. */
  error: string | null;
}

export interface HcwInvocation {
  cmdlet: string;
  start: HcwEntry | null;
  finish: HcwEntry | null;
  durationMs: number | null;
  failed: boolean;
}

export interface HcwLog {
  entries: HcwEntry[];
  invocations: HcwInvocation[];
}

const HEADER = /(?<!\S)(\d{4})\.(\d{2})\.(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,7}) +(\d{1,10}) +\[([^\]\r\n]{0,1000})\]/g;

function parseFields(bracket: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of bracket.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return fields;
}

/** Whether a text looks like an HCW log (at least one entry header). */
export function looksLikeHcwLog(text: string): boolean {
  HEADER.lastIndex = 0;
  const found = HEADER.test(text.slice(0, 64 * 1024));
  HEADER.lastIndex = 0;
  return found;
}

export function parseHcwLog(text: string): HcwLog {
  const starts = lineStarts(text);
  const raw: Array<{ m: RegExpExecArray }> = [];
  const re = new RegExp(HEADER.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) raw.push({ m });

  const entries: HcwEntry[] = [];
  for (let k = 0; k < raw.length; k++) {
    const m = raw[k]!.m;
    const index = m.index;
    const end = k + 1 < raw.length ? raw[k + 1]!.m.index : text.length;
    const headerEnd = index + m[0].length;
    const body = text.slice(headerEnd, end);
    const fields = parseFields(m[9]!);
    const kw = /^\s*(START|FINISH)\b/.exec(body);
    const kind: HcwKind = kw ? (kw[1] as HcwKind) : 'OTHER';
    const keywordIndex = kw ? headerEnd + kw[0].length - kw[1]!.length : index + m[0].length - m[9]!.length - 2;
    const keywordLength = kw ? kw[1]!.length : m[9]!.length + 2;
    // trimEnd, not /\s+$/: the regex retries from every blank of a long run that is not at the end (quadratic).
    const message = (kw ? body.slice(kw[0].length) : body).trimEnd().replace(/^ /, '');
    let durationMs: number | null = null;
    let results: number | null = null;
    let error: string | null = null;
    if (kind === 'FINISH') {
      const t = /\bTime=(\d{1,12})(?:[.,](\d{1,6}))?\s?ms\b/.exec(message);
      if (t) durationMs = Number(`${t[1]}.${t[2] ?? '0'}`);
      const r = /\bResults=(\d{1,9})\b/.exec(message);
      if (r) results = Number(r[1]);
    }
    const detail = message.indexOf('ErrorDetail=');
    if (detail >= 0) {
      let rest = message.slice(detail + 'ErrorDetail='.length).trimEnd();
      if (rest.endsWith('}')) rest = rest.slice(0, -1);
      error = rest.trim() || null;
    }
    const endTrim = index + m[0].length + body.trimEnd().length;
    const [, y, mo, d, h, mi, s, frac] = m;
    entries.push({
      index,
      end,
      line: lineOf(starts, index) + 1,
      endLine: lineOf(starts, Math.max(index, endTrim - 1)) + 1,
      timestamp: `${y}.${mo}.${d} ${h}:${mi}:${s}.${frac}`,
      time: `${y}-${mo}-${d}T${h}:${mi}:${s}.${frac}`,
      sequence: Number(m[8]),
      fields,
      cmdlet: fields.Cmdlet || null,
      kind,
      keywordIndex,
      keywordLength,
      message,
      durationMs,
      results,
      error,
    });
  }

  // Pair START with FINISH of the same cmdlet on the same thread and session, innermost first.
  const open = new Map<string, HcwInvocation[]>();
  const invocations: HcwInvocation[] = [];
  for (const entry of entries) {
    if (!entry.cmdlet || entry.kind === 'OTHER') continue;
    const key = `${entry.cmdlet}|${entry.fields.Thread ?? ''}|${entry.fields.Session ?? ''}|${entry.fields.Client ?? ''}`;
    if (entry.kind === 'START') {
      const inv: HcwInvocation = { cmdlet: entry.cmdlet, start: entry, finish: null, durationMs: null, failed: false };
      invocations.push(inv);
      const stack = open.get(key) ?? [];
      stack.push(inv);
      open.set(key, stack);
    } else {
      const inv = open.get(key)?.pop();
      const target = inv ?? { cmdlet: entry.cmdlet, start: null, finish: null, durationMs: null, failed: false };
      if (!inv) invocations.push(target);
      target.finish = entry;
      target.durationMs = entry.durationMs;
      target.failed = entry.error !== null;
    }
  }
  invocations.sort((a, b) => (a.start ?? a.finish)!.index - (b.start ?? b.finish)!.index);
  return { entries, invocations };
}
