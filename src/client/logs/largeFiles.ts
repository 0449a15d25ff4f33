// Logs too large for VS Code to hand to extensions (over 50 MB): detected when opened in a tab,
// analyzed from disk by the language server (streaming, `iisAuthLens/analyzeFile`) with
// progress and cancel; findings become diagnostics for the file and the summary goes to the view.
import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { WorkDoneProgress, type WorkDoneProgressReport, type WorkDoneProgressBegin, type WorkDoneProgressEnd } from 'vscode-languageclient/node';
import type { ClientFeature, ClientContext } from '../context';
import { AnalyzeFileRequest, sendRequest, type AnalyzeFileParams, type AnalyzeFileResult } from '../../protocol/requests';
import { fileStamp, logSummary } from './logSummaryView';
import { showFindings } from './showFindings';
import { isIisLogName } from '../../core/files/fileKind';
import { sniffFile, type SniffedFile } from '../../node/logFiles';

/** VS Code does not synchronise documents above this size with extensions. */
export const SYNC_LIMIT_BYTES = 50 * 1024 * 1024;
/** Findings published as diagnostics per file (the counts in the view are always complete). */
export const MAX_DIAGNOSTICS = 10_000;

/**
 * What the file pipeline makes of a file on disk (node/logFiles.ts): an IIS log name lets a
 * headerless log count, any other name needs the content to say it (as the editor does for an open
 * document). Gzip, UTF-16 with or without BOM and CR-only line ends are looked through.
 */
async function sniffLogOnDisk(file: string): Promise<SniffedFile | null> {
  try {
    return await sniffFile(file, file, isIisLogName(file) ? 'named' : 'content');
  } catch {
    return null;
  }
}

/** True when the file is a W3C extended log by the pipeline's rule (not Exchange's comma-separated logs). */
export async function startsLikeW3c(file: string): Promise<boolean> {
  return (await sniffLogOnDisk(file))?.kind === 'w3c';
}

function thresholdBytes(): number {
  const mb = vscode.workspace.getConfiguration('iisAuthLens').get<number>('largeFile.thresholdMB') ?? 50;
  return Math.max(1, mb) * 1024 * 1024;
}

const isSynced = (uri: vscode.Uri): boolean => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());

/** Resolves true if VS Code opens the document for extensions within ms (files under 50 MB are synchronised). */
function waitForSync(uri: vscode.Uri, ms: number): Promise<boolean> {
  if (isSynced(uri)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const sub = vscode.workspace.onDidOpenTextDocument((d) => {
      if (d.uri.toString() === uri.toString()) {
        clearTimeout(timer);
        sub.dispose();
        resolve(true);
      }
    });
    const timer = setTimeout(() => {
      sub.dispose();
      resolve(isSynced(uri));
    }, ms);
  });
}

let progressIds = 0;

/**
 * Analyzes one file from disk through the language server, reporting progress into `progress`.
 * Returns undefined when cancelled before the server answered.
 */
export async function analyzeFileFromDisk(
  ctx: ClientContext,
  uri: vscode.Uri,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
  share = 100,
): Promise<AnalyzeFileResult> {
  const workDoneToken = `iisAuthLens.analyzeFile.${process.pid}.${++progressIds}`;
  let last = 0;
  const sub = ctx.client.onProgress(WorkDoneProgress.type, workDoneToken, (v: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => {
    if (v.kind === 'end') return;
    const pct = v.percentage ?? last;
    progress.report({ increment: ((pct - last) * share) / 100, ...(v.message ? { message: v.message } : {}) });
    last = pct;
  });
  try {
    const params: AnalyzeFileParams = { path: uri.fsPath, maxFindings: MAX_DIAGNOSTICS, workDoneToken };
    const result = await sendRequest(ctx.client, AnalyzeFileRequest, params, token);
    if (last < 100) progress.report({ increment: ((100 - last) * share) / 100 });
    return result;
  } finally {
    sub.dispose();
  }
}

/** Analyze with a cancellable notification; results go to the view and the Problems panel. */
export async function analyzeLargeFile(ctx: ClientContext, uri: vscode.Uri): Promise<AnalyzeFileResult | undefined> {
  const name = path.basename(uri.fsPath);
  const started = Date.now();
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('IIS Auth Lens: analyzing {0} from disk', name),
        cancellable: true,
      },
      (progress, token) => analyzeFileFromDisk(ctx, uri, progress, token),
    );
    logSummary.set(uri, result);
    ctx.log.info(
      `Analyzed ${uri.fsPath} from disk in ${Date.now() - started} ms: ` +
        (result.error
          ? `error: ${result.error}`
          : `${result.kind}, ${'requests' in result ? result.requests : 0} requests, ${result.findingsTotal ?? 0} findings`),
    );
    if (result.error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} could not be analyzed: {1}', name, result.error));
    } else if ((result.findingsTotal ?? 0) > MAX_DIAGNOSTICS) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          '{0}: {1} findings; the first {2} are in the Problems panel, all counts in the Log Analysis view.',
          name,
          (result.findingsTotal ?? 0).toLocaleString('en-US'),
          MAX_DIAGNOSTICS.toLocaleString('en-US'),
        ),
      );
    }
    void vscode.commands.executeCommand('iisAuthLens.logSummary.focus').then(undefined, () => undefined);
    return result;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/cancel/i.test(msg)) {
      ctx.log.info(`Analysis of ${uri.fsPath} cancelled.`);
      return undefined;
    }
    ctx.log.error(`Analysis of ${uri.fsPath} failed: ${msg}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} could not be analyzed: {1}', name, msg));
    return undefined;
  }
}

/**
 * A tab opened on a big log that is analyzed already: a click on one of its problems in Problems opens
 * the file itself, and VS Code tells no extension which line of a file over 50 MB was asked for. So
 * the file's findings are offered, worst first; a pick opens its read-only excerpt (in place of the
 * file's preview tab). The code link of each problem opens its excerpt directly.
 */
async function offerFindings(ctx: ClientContext, uri: vscode.Uri, bytes: number): Promise<void> {
  const analyzed = logSummary.get(uri)?.result;
  const findings = analyzed && 'findings' in analyzed && Array.isArray(analyzed.findings) ? analyzed.findings : [];
  if (!findings.length) return;
  ctx.log.info(`${uri.fsPath} opened in a tab again: offering its ${findings.length} findings.`);
  await showFindings(
    ctx,
    {
      uri: uri.toString(),
      findings,
      title: vscode.l10n.t(
        '{0} ({1} MB) is too large for the editor: pick a finding to open its excerpt',
        path.basename(uri.fsPath),
        Math.round(bytes / 1048576),
      ),
    },
    { placeHolder: vscode.l10n.t('VS Code does not tell extensions which line of a file over 50 MB was opened'), ignoreFocusOut: true },
  );
}

export const largeFiles: ClientFeature<'logs/largeFiles'> = {
  activate(ctx: ClientContext) {
    // A file whose analysis the Log Analysis store keeps for its current size and mtime (from here,
    // the command or Analyze Folder) is not analyzed again when its tab opens: its findings are
    // offered. Clearing it there forgets it, so reopening analyzes again.
    /** Files being analyzed now, so a second tab or click does not start another run. */
    const running = new Set<string>();

    const consider = async (uri: vscode.Uri, opened = false): Promise<void> => {
      if (uri.scheme !== 'file' || isSynced(uri)) return;
      let st;
      try {
        st = await fs.stat(uri.fsPath);
      } catch {
        return;
      }
      if (!st.isFile() || st.size < thresholdBytes()) return;
      if (logSummary.get(uri)?.stamp === fileStamp(st)) {
        if (opened) await offerFindings(ctx, uri, st.size);
        return;
      }
      const key = uri.toString();
      if (running.has(key)) return;
      if (!(await startsLikeW3c(uri.fsPath))) return;
      // Under 50 MB VS Code does hand the document over; then the server analyzes it as usual.
      if (st.size < SYNC_LIMIT_BYTES && (await waitForSync(uri, 1500))) return;
      if (running.has(key)) return;
      running.add(key);
      try {
        ctx.log.info(`${uri.fsPath} is ${(st.size / 1048576).toFixed(1)} MB: analyzing it from disk.`);
        await analyzeLargeFile(ctx, uri);
      } finally {
        running.delete(key);
      }
    };

    const considerTabs = (tabs: readonly vscode.Tab[], opened: boolean): void => {
      for (const tab of tabs) {
        if (tab.input instanceof vscode.TabInputText) {
          consider(tab.input.uri, opened).catch((err: unknown) => ctx.log.error(`large-file check failed: ${String(err)}`));
        }
      }
    };

    considerTabs(
      vscode.window.tabGroups.all.flatMap((g) => g.tabs),
      false,
    );
    return {
      disposables: [
        // a click in Problems opens the tab (in the web host it closes again at once: "too large")
        vscode.window.tabGroups.onDidChangeTabs((e) => considerTabs(e.opened, true)),
      ],
      commands: {
        'iisAuthLens.analyzeLargeFile': async (arg?: vscode.Uri | string) => {
          let uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg;
          if (!uri) {
            const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
            uri = input instanceof vscode.TabInputText ? input.uri : undefined;
          }
          if (!uri) {
            const picked = await vscode.window.showOpenDialog({
              canSelectMany: false,
              openLabel: vscode.l10n.t('Analyze'),
              filters: { [vscode.l10n.t('IIS logs')]: ['log', 'gz', 'txt'] },
            });
            uri = picked?.[0];
          }
          if (!uri) return undefined;
          const key = uri.toString();
          running.add(key);
          try {
            return await analyzeLargeFile(ctx, uri);
          } finally {
            running.delete(key);
          }
        },
      },
    };
  },
};
