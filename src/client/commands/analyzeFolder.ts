// "Analyze IIS Logs in Folder...": every W3C log below a folder (recursive, `.gz` too) analyzed
// from disk by the language server, one file at a time, with progress and cancel. Results go to
// the Log Analysis view and each file's findings to the Problems panel.
import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ClientFeature, ClientContext } from '../context';
import type { AnalyzeFileResult } from '../../server/features/w3cProtocol';
import { logSummary } from './logSummaryView';
import { analyzeFileFromDisk, looksLikeIisLogName, startsLikeW3c } from './largeFiles';

/** Folders never worth descending into. */
const SKIP_DIRS = new Set(['node_modules', '.git', '$RECYCLE.BIN', 'System Volume Information']);

/** Every IIS W3C log below dir: IIS log names (also .gz), or any .log/.txt that starts like one. */
export async function findLogs(dir: string, token?: vscode.CancellationToken): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    if (token?.isCancellationRequested) return;
    let entries;
    try { entries = await fs.readdir(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(p);
      } else if (e.isFile()) {
        if (looksLikeIisLogName(e.name)) out.push(p);
        else if (/\.(log|txt)$/i.test(e.name) && await startsLikeW3c(p)) out.push(p);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

export interface FolderAnalysis {
  folder: string;
  files: AnalyzeFileResult[];
  cancelled: boolean;
}

export async function analyzeFolder(ctx: ClientContext, folder?: vscode.Uri): Promise<FolderAnalysis | undefined> {
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
      openLabel: vscode.l10n.t('Analyze IIS Logs'),
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    folder = picked?.[0];
  }
  if (!folder) return undefined;
  if (folder.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Only folders on disk can be analyzed ({0}).', folder.toString()));
    return undefined;
  }
  const dir = folder.fsPath;
  const started = Date.now();
  const analysis: FolderAnalysis = { folder: dir, files: [], cancelled: false };
  await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification,
    title: vscode.l10n.t('IIS Auth Lens: analyzing logs in {0}', path.basename(dir) || dir),
    cancellable: true,
  }, async (progress, token) => {
    progress.report({ message: vscode.l10n.t('searching for logs…') });
    const files = await findLogs(dir, token);
    ctx.log.info(`Analyze folder ${dir}: ${files.length} logs found.`);
    if (files.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No IIS logs found in {0}.', dir));
      return;
    }
    // Progress share per file by size, so one big log does not stall the bar at the end.
    const sizes = await Promise.all(files.map((f) => fs.stat(f).then((s) => s.size, () => 0)));
    const total = sizes.reduce((a, b) => a + b, 0) || 1;
    for (let i = 0; i < files.length; i++) {
      if (token.isCancellationRequested) { analysis.cancelled = true; break; }
      const file = files[i]!;
      const uri = vscode.Uri.file(file);
      const label = `${i + 1}/${files.length} ${path.relative(dir, file)}`;
      progress.report({ message: label });
      try {
        const sub = { report: (v: { message?: string; increment?: number }) => progress.report({ message: label + (v.message ? ` · ${v.message}` : ''), ...(v.increment !== undefined ? { increment: v.increment } : {}) }) };
        const result = await analyzeFileFromDisk(ctx, uri, sub, token, (sizes[i]! / total) * 100);
        analysis.files.push(result);
        logSummary.set(uri, result);
      } catch (err) {
        if (token.isCancellationRequested) { analysis.cancelled = true; break; }
        const msg = err instanceof Error ? err.message : String(err);
        ctx.log.error(`Analyze ${file}: ${msg}`);
        const failed: AnalyzeFileResult = { path: file, kind: 'unknown', error: msg };
        analysis.files.push(failed);
        logSummary.set(uri, failed);
      }
    }
  });
  const bad = analysis.files.reduce((n, r) => n + (r.kind === 'w3c' ? r.summary.findings.BAD_BINDINGS ?? 0 : 0), 0);
  const findings = analysis.files.reduce((n, r) => n + (r.findingsTotal ?? 0), 0);
  const errors = analysis.files.filter((r) => r.error).length;
  ctx.log.info(`Analyzed ${analysis.files.length} logs in ${dir} in ${Date.now() - started} ms: ${findings} findings, ${bad} BAD_BINDINGS, ${errors} unreadable${analysis.cancelled ? ' (cancelled)' : ''}.`);
  if (analysis.files.length) {
    void vscode.commands.executeCommand('iisAuthLens.logSummary.focus').then(undefined, () => undefined);
    const msg = vscode.l10n.t('{0} logs analyzed: {1} findings, {2} BAD_BINDINGS.', analysis.files.length, findings.toLocaleString('en-US'), bad.toLocaleString('en-US')) +
      (errors ? ' ' + vscode.l10n.t('{0} could not be read.', errors) : '') +
      (analysis.cancelled ? ' ' + vscode.l10n.t('Cancelled before the end.') : '');
    void (errors ? vscode.window.showWarningMessage(msg) : vscode.window.showInformationMessage(msg));
  }
  return analysis;
}

export const analyzeFolderCommand: ClientFeature = {
  activate(ctx: ClientContext): vscode.Disposable[] {
    return [vscode.commands.registerCommand('iisAuthLens.analyzeFolder', (uri?: vscode.Uri | string) =>
      analyzeFolder(ctx, typeof uri === 'string' ? vscode.Uri.file(uri) : uri))];
  },
};
