// What HTTP.sys error logs (HTTPERR) add to a W3C summary. Their connection-level entries
// (Timer_ConnectionIdle, Client_Reset, Connection_Dropped...) have no HTTP status: sc-status is
// `-`, counted as the status "-" so that summary.status adds up to the requests. The s-reason
// column is the one that says what happened: its histogram is summary.reason.
import type { W3cSummary } from '../analyzeResult';

/** The status key for sc-status `-`. */
export const STATUS_DASH = '-';

export function countReason(reasons: Map<string, number>, reason: string): void {
  reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
}

/** summary.reason: most frequent first, then by name. */
export function reasonHistogram(reasons: Iterable<[string, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of [...reasons].filter((e) => e[1] > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) out[k] = v;
  return out;
}

/** The summary with status "-" (when any) and the s-reason histogram (when the log has that column and lines). */
export function withHttpErrCounts(summary: W3cSummary, statusDash: number, reasons: Iterable<[string, number]>): W3cSummary {
  if (statusDash > 0) summary.status[STATUS_DASH] = statusDash;
  const reason = reasonHistogram(reasons);
  if (Object.keys(reason).length > 0) summary.reason = reason;
  return summary;
}
