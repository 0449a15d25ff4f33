// `iisAuthLens.findMatchingIisLines`: from an error text (its time and endpoint) to the requests in
// the IIS logs - the open ones, or logs the admin picks - within a window around that time on the
// endpoint's path (/EWS/mrsproxy.svc). The text's clock is usually local time, IIS logs UTC: the
// admin says which (defaulting to this computer's offset).
import * as vscode from 'vscode';
import type { ClientFeature, ClientContext } from '../context';
import { W3cScanner } from '../../core/w3c/w3cScanner';
import { errorsFirst, MatchingLinesCollector, pathOfUrl, timeWindow, type MatchingLine } from '../../core/timeline/matchingIisLines';
import { explainText } from '../../core/explain/explainText';
import { scanW3cLog } from '../../node/logFiles';
import { scannerBytes } from '../../core/files/textEncoding';
import { expandIisLogs, pickIisLogFolder } from './iisLogPicker';

export interface FindLinesArgs {
  /** ISO-like time of the error text (local, or with Z / an offset). */
  time?: string | null;
  url?: string | null;
  /** How far the text's clock is ahead of UTC, in minutes; asked when absent. */
  utcOffsetMinutes?: number;
  /** Minutes before and after the time (default 10). */
  windowMinutes?: number;
  /** IIS logs or folders of them to search (file URIs); default: the open IIS logs, else the admin picks a folder. */
  logs?: string[];
  /** Document and line of the text (from a hover); used when time is missing. */
  uri?: string;
  line?: number;
}

export interface LineHit extends MatchingLine {
  log: vscode.Uri;
}

/** The last search (for the e2e suite). */
export let lastSearch: { hits: LineHit[]; window: { from: number; to: number }; path: string } | undefined;

const OUTCOME_ICON: Record<string, string> = {
  success: '$(pass)',
  challenge: '$(key)',
  badBindings: '$(error)',
  logonDenied: '$(error)',
  invalidToken: '$(error)',
  otherAuthFailure: '$(warning)',
  otherError: '$(warning)',
};

async function scanFile(uri: vscode.Uri, collector: MatchingLinesCollector, token: vscode.CancellationToken): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const scanner = new W3cScanner(collector);
    scanner.push(scannerBytes(open.getText()));
    scanner.end();
    return;
  }
  // from disk through the file pipeline (gzip, UTF-16 with or without BOM, CR-only line ends), as the CLI reads it
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  try {
    await scanW3cLog(uri.fsPath, collector, { signal: abort.signal });
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    sub.dispose();
  }
}

async function askOffset(): Promise<number | undefined> {
  const local = -new Date().getTimezoneOffset();
  const fmt = (m: number): string =>
    `UTC${m >= 0 ? '+' : '-'}${String(Math.floor(Math.abs(m) / 60)).padStart(2, '0')}:${String(Math.abs(m) % 60).padStart(2, '0')}`;
  const items: Array<vscode.QuickPickItem & { offset: number }> = [
    { label: vscode.l10n.t('Local time of this computer ({0})', fmt(local)), description: vscode.l10n.t('HCW and PowerShell write local time'), offset: local },
    { label: vscode.l10n.t('UTC'), description: vscode.l10n.t('the time is already UTC, as in IIS logs'), offset: 0 },
  ];
  for (let h = -12; h <= 14; h++) if (h * 60 !== local && h !== 0) items.push({ label: fmt(h * 60), offset: h * 60 });
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Which clock wrote the time of the error text? (IIS logs are UTC)') });
  return pick?.offset;
}

async function logsToSearch(args: FindLinesArgs): Promise<vscode.Uri[] | undefined> {
  if (args.logs?.length) return (await expandIisLogs(args.logs.map((l) => vscode.Uri.parse(l)))).logs;
  const open = vscode.workspace.textDocuments.filter((d) => d.languageId === 'iis-w3c-log').map((d) => d.uri);
  if (open.length) return open;
  return pickIisLogFolder(vscode.l10n.t('Folder with the IIS logs to search (e.g. C:\\inetpub\\logs\\LogFiles\\W3SVC1)'));
}

export async function findMatchingLines(ctx: ClientContext, args: FindLinesArgs = {}): Promise<LineHit[] | undefined> {
  let time = args.time ?? null;
  let url = args.url ?? null;
  if (!time) {
    // From the active editor's selection or the line the hover was on.
    const editor = vscode.window.activeTextEditor;
    const doc = args.uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri) : editor?.document;
    if (doc) {
      const text = args.line
        ? doc.lineAt(Math.min(doc.lineCount - 1, args.line - 1)).text
        : doc.getText(editor && !editor.selection.isEmpty ? editor.selection : undefined);
      const m = explainText(text).find((x) => x.time) ?? null;
      time = m?.time ?? null;
      url = url ?? m?.url ?? null;
    }
  }
  if (!time) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Time of the error'),
      prompt: vscode.l10n.t('The text carries no time. Enter it as yyyy-mm-ddThh:mm:ss (local time or with Z).'),
      validateInput: (v) => (timeWindow(v.trim(), 0, 0, 0) ? undefined : vscode.l10n.t('Expected yyyy-mm-ddThh:mm:ss')),
    });
    if (!typed) return undefined;
    time = typed.trim();
  }
  const offset = args.utcOffsetMinutes ?? (/(Z|[+-]\d{2}:?\d{2})$/.test(time) ? 0 : await askOffset());
  if (offset === undefined) return undefined;
  const windowMinutes = args.windowMinutes ?? 10;
  const window = timeWindow(time, offset, windowMinutes, windowMinutes);
  if (!window) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot read the time {0}.', time));
    return undefined;
  }
  const logs = await logsToSearch(args);
  if (!logs?.length) return undefined;
  const path = pathOfUrl(url);
  const hits: LineHit[] = [];
  let pathRequests = 0;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Searching {0} in {1} IIS log(s)', path, logs.length), cancellable: true },
    async (_p, token) => {
      for (const log of logs) {
        const col = new MatchingLinesCollector({ ...window, uriStem: path });
        try {
          await scanFile(log, col, token);
        } catch (err) {
          ctx.log.error(`findMatchingIisLines: ${log.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
          void vscode.window.showErrorMessage(vscode.l10n.t('Cannot read {0}: {1}', log.fsPath, err instanceof Error ? err.message : String(err)));
          continue;
        }
        pathRequests += col.pathRequests;
        hits.push(...col.lines.map((l) => ({ ...l, log })));
      }
    },
  );
  lastSearch = { hits, window, path };
  const iso = (t: number): string => new Date(t * 1000).toISOString().slice(0, 19) + 'Z';
  ctx.log.info(
    `findMatchingIisLines: ${path} ${iso(window.from)}..${iso(window.to)} in ${logs.length} log(s): ${hits.length} line(s), ${pathRequests} request(s) to the path in total`,
  );
  if (hits.length === 0) {
    // Modal, not a toast: "nothing there" is the answer and must stay until read (not awaited).
    void vscode.window.showInformationMessage(
      pathRequests
        ? vscode.l10n.t(
            'No request to {0} between {1} and {2} (UTC); the logs have {3} at other times - check the time zone.',
            path,
            iso(window.from),
            iso(window.to),
            pathRequests,
          )
        : vscode.l10n.t('No request to {0} in these logs at all: the calls did not reach this server (DNS, firewall, proxy or Hybrid Agent).', path),
      { modal: true, detail: vscode.l10n.t('Searched {0} log(s).', logs.length) },
    );
    return hits;
  }
  const pick = await vscode.window.showQuickPick(
    errorsFirst(hits).map((h) => ({
      label: `${OUTCOME_ICON[h.outcome ?? ''] ?? ''} ${h.time.slice(11, 19)}  ${h.status} ${h.win32}`,
      description: [h.outcome, h.clientIp, h.user !== '-' ? h.user : null].filter(Boolean).join(' · '),
      detail: `${vscode.workspace.asRelativePath(h.log)}:${h.line}  ${h.method} ${h.uri}`,
      hit: h,
    })),
    {
      title: vscode.l10n.t('{0} request(s) to {1} between {2} and {3} (UTC)', hits.length, path, iso(window.from).slice(11), iso(window.to).slice(11)),
      placeHolder: vscode.l10n.t('Pick a request to go to its line'),
      matchOnDescription: true,
      matchOnDetail: true,
    },
  );
  if (pick) {
    const doc = await vscode.workspace.openTextDocument(pick.hit.log);
    const line = Math.min(doc.lineCount - 1, pick.hit.line - 1);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, doc.lineAt(line).text.length), preview: false });
  }
  return hits;
}

export const findMatchingIisLines: ClientFeature<'logs/findMatchingIisLines'> = {
  activate(ctx) {
    return { commands: { 'iisAuthLens.findMatchingIisLines': (args?: FindLinesArgs) => findMatchingLines(ctx, args ?? {}) } };
  },
};
