// "Analyze IIS Logs in Folder...": every W3C log and FREB trace below a folder (recursive, `.gz` too) analyzed
// from disk by the language server, one file at a time, with progress and cancel. Results go to
// the Log Analysis view and each file's findings to the Problems panel.
import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ClientFeature, ClientContext } from '../context';
import type { AnalyzeFileResult } from '../../protocol/requests';
import { logSummary } from './logSummaryView';
import { analyzeFileFromDisk } from './largeFiles';
import { scanFolder } from '../../node/logFiles';

export interface FoundInFolder {
  /** W3C logs and FREB traces (by content, as `iis-auth-lens analyze folder/` takes them), sorted. */
  files: string[];
  /** Subfolders that could not be listed and files that could not be read or named: path and why. */
  unreadable: Array<{ path: string; error: string }>;
}

/**
 * Every IIS W3C log and FREB trace below dir: the file pipeline's one folder scan (node/logFiles.ts),
 * the CLI's, so both find the same files.
 */
export async function findLogs(dir: string, token?: vscode.CancellationToken): Promise<FoundInFolder> {
  const scan = await scanFolder(dir, { cancelled: () => token?.isCancellationRequested ?? false });
  const out: FoundInFolder = { files: [], unreadable: [] };
  for (const e of scan.entries) {
    if (e.error) out.unreadable.push({ path: e.path, error: e.error });
    // the language server takes a path as text: a name that is not UTF-8 cannot travel there
    else if (typeof e.fsPath !== 'string')
      out.unreadable.push({ path: e.path, error: `${e.path}: the file name is not valid UTF-8; analyze it with iis-auth-lens analyze` });
    else out.files.push(e.fsPath);
  }
  return out;
}

export interface FolderAnalysis {
  folder: string;
  files: AnalyzeFileResult[];
  cancelled: boolean;
}

export async function analyzeFolder(ctx: ClientContext, folder?: vscode.Uri): Promise<FolderAnalysis | undefined> {
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
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
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('IIS Auth Lens: analyzing logs in {0}', path.basename(dir) || dir),
      cancellable: true,
    },
    async (progress, token) => {
      progress.report({ message: vscode.l10n.t('searching for logs…') });
      const found = await findLogs(dir, token);
      const files = found.files;
      ctx.log.info(`Analyze folder ${dir}: ${files.length} logs and traces found${found.unreadable.length ? `, ${found.unreadable.length} unreadable` : ''}.`);
      for (const u of found.unreadable) {
        ctx.log.error(`Analyze folder: ${u.error}`);
        const failed: AnalyzeFileResult = { path: u.path, kind: 'unknown', error: u.error };
        analysis.files.push(failed);
        logSummary.set(vscode.Uri.file(u.path), failed);
      }
      if (files.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No IIS logs found in {0}.', dir));
        return;
      }
      // Progress share per file by size, so one big log does not stall the bar at the end.
      const sizes = await Promise.all(
        files.map((f) =>
          fs.stat(f).then(
            (s) => s.size,
            () => 0,
          ),
        ),
      );
      const total = sizes.reduce((a, b) => a + b, 0) || 1;
      for (let i = 0; i < files.length; i++) {
        if (token.isCancellationRequested) {
          analysis.cancelled = true;
          break;
        }
        const file = files[i]!;
        const uri = vscode.Uri.file(file);
        const label = `${i + 1}/${files.length} ${path.relative(dir, file)}`;
        progress.report({ message: label });
        try {
          const sub = {
            report: (v: { message?: string; increment?: number }) =>
              progress.report({ message: label + (v.message ? ` · ${v.message}` : ''), ...(v.increment !== undefined ? { increment: v.increment } : {}) }),
          };
          const result = await analyzeFileFromDisk(ctx, uri, sub, token, (sizes[i]! / total) * 100);
          analysis.files.push(result);
          logSummary.set(uri, result);
        } catch (err) {
          if (token.isCancellationRequested) {
            analysis.cancelled = true;
            break;
          }
          const msg = err instanceof Error ? err.message : String(err);
          ctx.log.error(`Analyze ${file}: ${msg}`);
          const failed: AnalyzeFileResult = { path: file, kind: 'unknown', error: msg };
          analysis.files.push(failed);
          logSummary.set(uri, failed);
        }
      }
    },
  );
  const bad = analysis.files.reduce(
    (n, r) =>
      n +
      (r.kind === 'w3c' ? (r.summary.findings.BAD_BINDINGS ?? 0) : r.kind === 'freb' ? (r.findings ?? []).filter((f) => f.code === 'BAD_BINDINGS').length : 0),
    0,
  );
  const findings = analysis.files.reduce((n, r) => n + (r.findingsTotal ?? 0), 0);
  const errors = analysis.files.filter((r) => r.error).length;
  ctx.log.info(
    `Analyzed ${analysis.files.length} files (logs and FREB traces) in ${dir} in ${Date.now() - started} ms: ${findings} findings, ${bad} BAD_BINDINGS, ${errors} unreadable${analysis.cancelled ? ' (cancelled)' : ''}.`,
  );
  if (analysis.files.length) {
    void vscode.commands.executeCommand('iisAuthLens.logSummary.focus').then(undefined, () => undefined);
    const msg =
      vscode.l10n.t(
        '{0} files analyzed: {1} findings, {2} BAD_BINDINGS.',
        analysis.files.length,
        findings.toLocaleString('en-US'),
        bad.toLocaleString('en-US'),
      ) +
      (errors ? ' ' + vscode.l10n.t('{0} could not be read.', errors) : '') +
      (analysis.cancelled ? ' ' + vscode.l10n.t('Cancelled before the end.') : '');
    void (errors ? vscode.window.showWarningMessage(msg) : vscode.window.showInformationMessage(msg));
  }
  return analysis;
}

export const analyzeFolderCommand: ClientFeature<'logs/analyzeFolder'> = {
  activate(ctx: ClientContext) {
    return {
      commands: { 'iisAuthLens.analyzeFolder': (uri?: vscode.Uri | string) => analyzeFolder(ctx, typeof uri === 'string' ? vscode.Uri.file(uri) : uri) },
    };
  },
};
