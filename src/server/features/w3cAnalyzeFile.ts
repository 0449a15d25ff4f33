// `iisAuthLens/analyzeFile`: a log (or FREB trace) analyzed from disk, streaming, with LSP
// work-done progress and cancellation. The client uses it for files VS Code does not hand to
// extensions (over 50 MB) and for "Analyze IIS Logs in Folder...".
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CancellationToken } from 'vscode-languageserver/node';
import type { Feature, ServerContext } from '../context';
import { analyzeW3cFile } from '../../core/w3c/w3cFileAnalysis';
import { analyzeFrebFile } from '../../core/freb/frebAnalyze';
import { ANALYZE_FILE_REQUEST, type AnalyzeFileParams, type AnalyzeFileResult } from './w3cProtocol';

const fmtMB = (n: number): string => (n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0);

export async function analyzeFileForEditor(ctx: ServerContext, p: AnalyzeFileParams, token: CancellationToken): Promise<AnalyzeFileResult> {
  const file = p.path;
  const name = path.basename(file);
  if (!fs.existsSync(file)) return { path: file, kind: 'unknown', error: `${file}: no such file` };
  if (/^fr\d+\.xml$/i.test(name)) {
    try {
      const r = await analyzeFrebFile(file);
      return { ...r, findingsTotal: r.findings?.length ?? 0 };
    } catch (err) {
      return { path: file, kind: 'freb', url: null, verb: null, statusCode: null, subStatusCode: null, win32Status: null, timeTaken: null,
        siteId: null, appPoolId: null, authType: null, user: null, events: 0, error: err instanceof Error ? err.message : String(err) };
    }
  }
  const progress = p.workDoneToken !== undefined ? ctx.connection.window.attachWorkDoneProgress(p.workDoneToken) : undefined;
  progress?.begin(`Analyzing ${name}`, 0, undefined, true);
  try {
    const r = await analyzeW3cFile(file, {
      handshakeWindowSeconds: ctx.settings().handshakeWindowSeconds,
      ...(p.maxFindings !== undefined ? { maxFindings: p.maxFindings } : {}),
      isCancelled: () => token.isCancellationRequested,
      onProgress: (read, size) => progress?.report(Math.min(100, Math.floor((read / Math.max(1, size)) * 100)), `${fmtMB(read)} / ${fmtMB(size)} MB`),
    });
    ctx.connection.console.log(`analyzeFile ${file}: ${r.lines} lines, ${r.findingsTotal} findings in ${Math.round(r.ms)} ms${r.cancelled ? ' (cancelled)' : ''}`);
    return r;
  } catch (err) {
    return { path: file, kind: 'unknown', error: err instanceof Error ? err.message : String(err) };
  } finally {
    progress?.done();
  }
}

export const w3cAnalyzeFile: Feature = {
  register(ctx: ServerContext) {
    ctx.connection.onRequest(ANALYZE_FILE_REQUEST, (p: AnalyzeFileParams, token: CancellationToken) => analyzeFileForEditor(ctx, p, token));
  },
};
