// `iisAuthLens/analyzeFile`: a log (or FREB trace) analyzed from disk with the core's streaming
// analyzer (gzip transparently), with LSP work-done progress and cancellation. The client uses it
// for files VS Code does not hand to extensions (over 50 MB) and for "Analyze IIS Logs in Folder...".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { Feature, ServerContext } from '../context';
import type { Finding } from '../../core/findings';
import { analyzeW3cFile } from '../../core/w3c/w3cAnalyze';
import { blockStats } from '../../core/w3c/w3cDocumentAnalysis';
import { analyzeFrebFile } from '../../core/freb/frebAnalyze';
import { sniffFile, type SniffedFile } from '../../node/logFiles';
import { AnalyzeFileRequest, onRequest, type AnalyzeFileParams, type AnalyzeFileResult, type CancellationTokenLike } from '../../protocol/requests';

/** "12.3 MB" / "456 KB" */
const fmtSize = (n: number, total: number): string =>
  total >= 1048576
    ? `${(n / 1048576).toFixed(total < 10 * 1048576 ? 1 : 0)} / ${(total / 1048576).toFixed(total < 10 * 1048576 ? 1 : 0)} MB`
    : `${Math.round(n / 1024)} / ${Math.round(total / 1024)} KB`;

const PRIORITY: Record<string, number> = { BAD_BINDINGS: 0, LOGON_DENIED: 1, INVALID_TOKEN: 1, HANDSHAKE_INCOMPLETE: 2, MALFORMED_LINE: 3 };

/** The `max` most important findings (BAD_BINDINGS first), back in line order. */
export function mostImportant(all: Finding[], max: number): Finding[] {
  if (all.length <= max) return all;
  return [...all]
    .sort((a, b) => (PRIORITY[a.code] ?? 2) - (PRIORITY[b.code] ?? 2) || a.line - b.line)
    .slice(0, max)
    .sort((a, b) => a.line - b.line);
}

export async function analyzeFileForEditor(ctx: ServerContext, p: AnalyzeFileParams, token: CancellationTokenLike): Promise<AnalyzeFileResult> {
  const file = p.path;
  const name = path.basename(file);
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { path: file, kind: 'unknown', error: `${file}: not a file` };
    size = st.size;
  } catch (err) {
    return { path: file, kind: 'unknown', error: `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}` };
  }
  // what the file is: the file pipeline's rule, as for a file named to the CLI
  let sniffed: SniffedFile;
  try {
    sniffed = await sniffFile(file, file, 'named');
  } catch (err) {
    return { path: file, kind: 'unknown', error: `${file}: ${(err as Error).message}` };
  }
  if (sniffed.kind === 'freb') {
    const r = await analyzeFrebFile(file);
    return { ...r, findingsTotal: r.findings?.length ?? 0 };
  }
  if (sniffed.kind === 'unknown') return { path: file, kind: 'unknown', error: `${file}: ${sniffed.reason}` };
  const t0 = performance.now();
  const progress = p.workDoneToken !== undefined ? ctx.connection.window.attachWorkDoneProgress(p.workDoneToken) : undefined;
  progress?.begin(`Analyzing ${name}`, 0, undefined, true);
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  let lastPct = -1;
  try {
    const a = await analyzeW3cFile(file, {
      // the window set for the file's folder (a resource setting), as for an open document
      handshakeWindowSeconds: (await ctx.loadResourceSettings(pathToFileURL(file).href)).handshakeWindowSeconds,
      signal: abort.signal,
      onProgress: ({ bytesRead }) => {
        const pct = Math.min(100, Math.floor((bytesRead / Math.max(1, size)) * 100));
        if (pct !== lastPct) {
          lastPct = pct;
          progress?.report(pct, fmtSize(bytesRead, size));
        }
      },
    });
    const findingsTotal = Object.values(a.summary.findings).reduce((n, k) => n + (k ?? 0), 0);
    const ms = performance.now() - t0;
    ctx.connection.console.log(`analyzeFile ${file}: ${a.lines} lines, ${findingsTotal} findings in ${Math.round(ms)} ms`);
    return {
      path: file,
      kind: 'w3c',
      lines: a.lines,
      requests: a.requests,
      bytes: a.bytes,
      summary: a.summary,
      findings: p.maxFindings !== undefined ? mostImportant(a.findings, p.maxFindings) : a.findings,
      findingsTotal,
      blocks: blockStats(a, a.lines),
      ms,
    };
  } catch (err) {
    if (token.isCancellationRequested || abort.signal.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, `analysis of ${name} cancelled`);
    return { path: file, kind: 'unknown', error: `${file}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    sub.dispose();
    progress?.done();
  }
}

export const w3cAnalyzeFile: Feature = {
  register(ctx: ServerContext) {
    onRequest(ctx.connection, AnalyzeFileRequest, (p, token) => analyzeFileForEditor(ctx, p, token));
  },
};
