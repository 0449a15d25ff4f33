// One table of Extended Protection across servers (one applicationHost.config each), the way
// ExchangeExtendedProtectionManagement.ps1 -ShowExtendedProtection lists every server: rows are the
// Exchange virtual directories in the script's order, columns the servers, and a row whose servers
// hold different values is flagged (behind one load balancer, a request succeeds or fails by node).
import { EXPECTED_EP, type EpState, type TokenChecking } from './exchangeEpTable';
import type { EpConfigReport } from './epConfig';

export interface EpServerInput {
  server: string;
  report: EpConfigReport;
}

export interface EpServerCell {
  server: string;
  tokenChecking: TokenChecking | null;
  state: EpState | null;
  line: number | null;
}

export interface EpMatrixRow {
  location: string;
  expected: TokenChecking | null;
  cells: EpServerCell[];
  /** Servers that have this virtual directory hold different values. */
  disagree: boolean;
}

export interface EpMatrix {
  servers: string[];
  rows: EpMatrixRow[];
  /** Rows whose servers disagree. */
  disagreements: number;
}

const ORDER = new Map(EXPECTED_EP.map((e, i) => [`${e.site}/${e.vdir}`.toLowerCase(), i]));

/** A server's name from its file: the folder of `applicationHost.config`, else the file name without `_ApplicationHost.config`. */
export function serverNameFromPath(filePath: string): string {
  const parts = filePath.replace(/\\/g, '/').split('/').filter(Boolean);
  const base = parts[parts.length - 1] ?? filePath;
  if (/^applicationHost\.config$/i.test(base) && parts.length >= 2) {
    // ...\EX01\Windows\System32\inetsrv\config\applicationHost.config copied as is, or read over the
    // admin share (\\EX01\c$\Windows\...): those folders, the drive and the share say nothing.
    let k = parts.length - 2;
    while (k > 0 && /^(config|inetsrv|system32|windows|[a-z]:|[a-z]\$)$/i.test(parts[k]!)) k--;
    return parts[k]!;
  }
  return base.replace(/[_.-]?applicationHost\.config$/i, '').replace(/\.config$/i, '') || base;
}

/**
 * Rows for the Exchange virtual directories; with `includeOther`, also every other location that
 * sets Windows authentication (a plain IIS server has no Exchange rows at all).
 */
export function buildEpMatrix(inputs: EpServerInput[], includeOther = false): EpMatrix {
  const keys = new Map<string, { location: string; expected: TokenChecking | null }>();
  for (const i of inputs) {
    for (const l of i.report.locations) {
      if (l.expected === null && !includeOther) continue;
      const k = l.location.toLowerCase();
      if (!keys.has(k)) keys.set(k, { location: l.location, expected: l.expected });
    }
  }
  const sorted = [...keys.entries()].sort((a, b) => (ORDER.get(a[0]) ?? 999) - (ORDER.get(b[0]) ?? 999) || a[0].localeCompare(b[0]));
  const rows: EpMatrixRow[] = sorted.map(([k, { location, expected }]) => {
    const cells = inputs.map((i): EpServerCell => {
      const l = i.report.locations.find((x) => x.location.toLowerCase() === k);
      return { server: i.server, tokenChecking: l?.tokenChecking ?? null, state: l?.state ?? null, line: l?.line ?? null };
    });
    const values = new Set(cells.map((c) => c.tokenChecking).filter((v) => v !== null));
    return { location, expected, cells, disagree: values.size > 1 };
  });
  return { servers: inputs.map((i) => i.server), rows, disagreements: rows.filter((r) => r.disagree).length };
}
