// The custom requests between the client and the server for IIS W3C logs. Shared by both sides:
// only types and method names here, nothing that pulls server code into the client bundle.
import type { Finding } from '../../core/findings';
import type { FileEntry } from '../../core/analyzeResult';
import type { W3cBlockStats } from '../../core/w3c/w3cDocumentAnalysis';

/** `iisAuthLens/analyzeFile`: analyze a file from disk (streaming; `.gz` too). */
export const ANALYZE_FILE_REQUEST = 'iisAuthLens/analyzeFile';
/** `iisAuthLens/findings`: the findings of an open document (one `#Fields` block or all). */
export const FINDINGS_REQUEST = 'iisAuthLens/findings';

export interface AnalyzeFileParams {
  /** Absolute file system path. */
  path: string;
  /** At most this many findings are returned (the counts in `summary` are always complete). */
  maxFindings?: number;
  /** LSP work-done progress token created by the client. */
  workDoneToken?: string | number;
}

/** Per `#Fields` block of a W3C log. */
export type W3cBlockInfo = W3cBlockStats;

export type AnalyzeFileResult = FileEntry & {
  /** Total number of findings (the `findings` array may be capped by maxFindings). */
  findingsTotal?: number;
  blocks?: W3cBlockInfo[];
  /** Milliseconds the analysis took. */
  ms?: number;
};

export interface FindingsParams {
  uri: string;
  /** 1-based block index; all blocks when absent. */
  block?: number;
}

/** Arguments of the client command `iisAuthLens.showFindings` (JSON-serialisable). */
export interface ShowFindingsArgs {
  uri: string;
  /** 1-based block index (the findings are asked from the server for an open document). */
  block?: number;
  /** Title of the quick pick. */
  title?: string;
  /** Findings given inline (e.g. from the summary of a file analyzed from disk). */
  findings?: Finding[];
}
