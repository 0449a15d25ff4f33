// The shape of `iis-auth-lens analyze --json` (docs/cli.md). Field names are fixed.
import type { Finding, FindingCode } from './findings';

export interface W3cSummary {
  /** sc-status values; "-" for lines without one (HTTPERR's connection-level entries). */
  status: Record<string, number>;
  win32: Record<string, number>;
  findings: Partial<Record<FindingCode, number>>;
  /** s-reason values (HTTPERR), most frequent first; only when the log has that column. */
  reason?: Record<string, number>;
}

export interface W3cFileEntry {
  path: string;
  kind: 'w3c';
  lines: number;
  requests: number;
  bytes: number;
  summary: W3cSummary;
  /** Omitted with --summary. */
  findings?: Finding[];
  error?: string;
}

export interface FrebFileEntry {
  path: string;
  kind: 'freb';
  url: string | null;
  verb: string | null;
  statusCode: number | null;
  subStatusCode: number | null;
  win32Status: number | null;
  timeTaken: number | null;
  siteId: number | null;
  appPoolId: string | null;
  authType: string | null;
  user: string | null;
  events: number;
  findings?: Finding[];
  error?: string;
}

export interface UnknownFileEntry {
  path: string;
  kind: 'unknown';
  error?: string;
}

export type FileEntry = W3cFileEntry | FrebFileEntry | UnknownFileEntry;

export interface AnalyzeResult {
  files: FileEntry[];
}
