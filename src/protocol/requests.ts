// The custom LSP protocol of IIS Auth Lens: every request between the client and the server as a
// typed descriptor (method, parameters, result), and the arguments of the client commands that
// the server's CodeLenses and hover links carry. Imported by both sides; types and method names
// only, nothing that pulls server code into the client bundle or the client into the server.
import type { Finding } from '../core/findings';
import type { FileEntry } from '../core/analyzeResult';
import type { W3cBlockStats } from '../core/w3c/w3cDocumentAnalysis';

/** A request of ours: its method name, and (for the compiler only) its parameter and result types. */
export interface Request<P, R> {
  readonly method: string;
  /** Never set: carries P and R. */
  readonly types?: { params: P; result: R };
}

/** `iisAuthLens/analyzeFile`: analyze a file from disk (streaming; `.gz` too), with work-done progress. */
export const AnalyzeFileRequest: Request<AnalyzeFileParams, AnalyzeFileResult> = { method: 'iisAuthLens/analyzeFile' };
/** `iisAuthLens/findings`: the findings of an open document (one `#Fields` block or all). */
/** A finding of an open document with the range of the field that shows it (as in Problems). */
export type RangedFinding = Finding & { range?: { start: { line: number; character: number }; end: { line: number; character: number } } };
export const FindingsRequest: Request<FindingsParams, RangedFinding[]> = { method: 'iisAuthLens/findings' };

export const ANALYZE_FILE_REQUEST = AnalyzeFileRequest.method;
export const FINDINGS_REQUEST = FindingsRequest.method;

/** The part of vscode-languageclient's LanguageClient that sends a request. */
export interface RequestSender {
  sendRequest<R>(method: string, param: unknown, token?: unknown): Promise<R>;
}
/** The part of vscode-languageserver's Connection that answers a request. */
export interface RequestReceiver {
  onRequest(method: string, handler: (params: never, token: never) => unknown): unknown;
}
/** A cancellation token as both libraries give it. */
export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** Client side: sends `req` with typed parameters and result. */
export function sendRequest<P, R>(client: RequestSender, req: Request<P, R>, params: P, token?: CancellationTokenLike): Promise<R> {
  return token ? client.sendRequest<R>(req.method, params, token) : client.sendRequest<R>(req.method, params);
}

/** Server side: answers `req` with a typed handler. */
export function onRequest<P, R>(connection: RequestReceiver, req: Request<P, R>, handler: (params: P, token: CancellationTokenLike) => R | Promise<R>): void {
  connection.onRequest(req.method, handler as (params: never, token: never) => unknown);
}

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

/** Arguments of the client commands `iisAuthLens.explainError` and `iisAuthLens.findMatchingIisLines` that the error-text hover links carry (JSON). */
export interface ErrorTextCommandArgs {
  uri: string;
  line: number;
  /** Last line of the recognised text (wrapped texts span lines). */
  endLine: number;
  code: string;
  url: string | null;
  time: string | null;
}
