// Links between the evidence: from an IIS log line to the FREB trace of the same request (same
// path, status and client, ending within seconds of the line's time) in the configured FREB
// folder (`iisAuthLens.freb.folder`, set with `iisAuthLens.setFrebFolder`), and back from a
// trace to its IIS log line (`iisAuthLens.openMatchingIisLine`).
import * as vscode from 'vscode';
import { Readable } from 'node:stream';
import type { ClientFeature, ClientContext } from '../context';
import {
  frebRequestOf,
  iisRequestsOf,
  loadFrebRequest,
  pathOf,
  rankFrebMatches,
  rankIisMatches,
  type FrebRequest,
  type IisRequest,
} from '../../core/timeline/frebMatch';
import { tryAnalyzeFreb } from '../../core/freb/frebAnalyze';
import { headAttribute } from '../../core/freb/frebFilter';
import { baseName, FREB_NAME } from '../../core/files/fileKind';
import { scannerBytes } from '../../core/files/textEncoding';
import { readHead, readLogBytes, sniffBytes, walkFolder } from '../../node/logFiles';
import { expandIisLogs, pickIisLogFolder } from '../logs/iisLogPicker';

const MAX_FILES = 50_000;
/** A log searched whole in memory for the line of one trace. */
const MAX_LOG_BYTES = 1 << 30;

export interface OpenMatchingFrebArgs {
  uri?: string;
  line?: number;
  folder?: string;
}

/** The last search (for the e2e suite). */
export let lastFrebLink: { request: IisRequest; matches: string[]; scanned: number } | undefined;

async function setFrebFolder(): Promise<string | undefined> {
  const current = vscode.workspace.getConfiguration('iisAuthLens').get<string>('freb.folder');
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Use as FREB folder'),
    title: vscode.l10n.t('Folder with the Failed Request Tracing files (e.g. C:\\inetpub\\logs\\FailedReqLogFiles\\W3SVC1)'),
    ...(current ? { defaultUri: vscode.Uri.file(current) } : {}),
  });
  const folder = picked?.[0]?.fsPath;
  if (!folder) return undefined;
  await vscode.workspace.getConfiguration('iisAuthLens').update('freb.folder', folder, vscode.ConfigurationTarget.Global);
  return folder;
}

/** The traces below the folder: the file pipeline's folder walk, files named as IIS names traces (fr000001.xml, also .gz). */
async function traceFiles(folder: string): Promise<string[]> {
  const walk = await walkFolder(folder);
  if (walk.errors[0]?.path === folder) throw walk.errors[0].error;
  return walk.files
    .filter((f) => typeof f.fsPath === 'string' && FREB_NAME.test(baseName(f.path)))
    .slice(0, MAX_FILES)
    .map((f) => f.fsPath as string);
}

/** Cheap look at the <failedRequest> start tag: can this trace be the request at all? */
async function headFits(file: string, req: IisRequest): Promise<boolean> {
  try {
    // decoded by the file pipeline: gzip, UTF-16 with or without BOM
    const head = sniffBytes(await readHead(file), file, 'named').text;
    const url = headAttribute(head, 'url');
    const status = headAttribute(head, 'statusCode');
    if (url !== null && (pathOf(url) ?? '').toLowerCase() !== req.uri.toLowerCase()) return false;
    if (status !== null && Number.parseInt(status, 10) !== req.status) return false;
    return true;
  } catch {
    return true; // the full read reports the problem
  }
}

export async function openMatchingFreb(ctx: ClientContext, args: OpenMatchingFrebArgs = {}): Promise<string[] | undefined> {
  const editor = vscode.window.activeTextEditor;
  const doc = args.uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)) : editor?.document;
  if (!doc) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open an IIS log and put the cursor on a request line.'));
    return undefined;
  }
  const line = args.line ?? (editor && editor.document === doc ? editor.selection.active.line + 1 : 1);
  const [req] = iisRequestsOf(scannerBytes(doc.getText()), line);
  if (!req) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Line {0} is not a request line of an IIS log.', line));
    return undefined;
  }
  const folder = args.folder || vscode.workspace.getConfiguration('iisAuthLens').get<string>('freb.folder') || (await setFrebFolder());
  if (!folder) return undefined;
  let files: string[];
  try {
    files = await traceFiles(folder);
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot read the FREB folder {0}: {1}', folder, err instanceof Error ? err.message : String(err)));
    return undefined;
  }
  const candidates: FrebRequest[] = [];
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Looking for the FREB trace of line {0} in {1} files', line, files.length),
      cancellable: true,
    },
    async (_p, token) => {
      for (const f of files) {
        if (token.isCancellationRequested) break;
        if (!(await headFits(f, req))) continue;
        const r = await loadFrebRequest(f);
        if ('error' in r) {
          ctx.log.warn(`openMatchingFreb: ${r.error}`);
          continue;
        }
        candidates.push(r);
      }
    },
  );
  const matches = rankFrebMatches(req, candidates);
  lastFrebLink = { request: req, matches: matches.map((m) => m.item.path), scanned: files.length };
  ctx.log.info(
    `openMatchingFreb: line ${line} ${req.uri} ${req.status}.${req.substatus ?? ''} ${req.clientIp ?? ''}: ${matches.length} of ${files.length} trace(s) in ${folder}`,
  );
  if (matches.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'No FREB trace of this request in {0} ({1} traces). IIS writes traces only for the status codes its Failed Request Tracing rules name, and keeps only the newest files.',
        folder,
        files.length,
      ),
    );
    return [];
  }
  let chosen = matches[0]!.item;
  if (matches.length > 1) {
    const pick = await vscode.window.showQuickPick(
      matches.map((m) => ({
        label: m.item.path.split(/[\\/]/).pop()!,
        description: `${m.item.statusCode}.${m.item.subStatusCode ?? ''} ${m.item.clientIp ?? ''} · Δ ${m.deltaMs} ms`,
        detail: m.item.path,
        item: m.item,
      })),
      { title: vscode.l10n.t('FREB traces that fit line {0}', line) },
    );
    if (!pick) return matches.map((m) => m.item.path);
    chosen = pick.item;
  }
  const trace = await vscode.workspace.openTextDocument(vscode.Uri.file(chosen.path));
  const at = Math.min(trace.lineCount - 1, chosen.line - 1);
  await vscode.window.showTextDocument(trace, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(at, 0, at, 0), preview: false });
  return matches.map((m) => m.item.path);
}

export interface OpenMatchingIisLineArgs {
  uri?: string;
  /** IIS logs or folders of them (URIs). */
  logs?: string[];
}

/** What the last "Open Matching IIS Log Line" said when nothing matched (for the e2e suite). */
export let lastIisLineNoMatch: string | undefined;

/**
 * And back: from a FREB trace to the IIS log line of the same request (the open IIS logs, else a
 * folder of logs the admin picks). No match is said in a modal: it is an answer, not a toast.
 */
export async function openMatchingIisLine(ctx: ClientContext, args: OpenMatchingIisLineArgs = {}): Promise<Array<{ log: string; line: number }> | undefined> {
  const doc = args.uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)) : vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a FREB trace first.'));
    return undefined;
  }
  const r = tryAnalyzeFreb(doc.getText(), doc.uri.fsPath);
  if ('error' in r) {
    void vscode.window.showErrorMessage(r.error.error ?? vscode.l10n.t('Not a FREB trace.'));
    return undefined;
  }
  const freb = frebRequestOf(r.analysis, doc.uri.fsPath);
  let logs = args.logs
    ? (await expandIisLogs(args.logs.map((l) => vscode.Uri.parse(l)))).logs
    : vscode.workspace.textDocuments.filter((d) => d.languageId === 'iis-w3c-log').map((d) => d.uri);
  if (logs.length === 0 && !args.logs)
    logs = (await pickIisLogFolder(vscode.l10n.t('Folder with the IIS logs of this request (e.g. C:\\inetpub\\logs\\LogFiles\\W3SVC1)'))) ?? [];
  if (logs.length === 0) return undefined;
  const found: Array<{ log: vscode.Uri; line: number; deltaMs: number; score: number }> = [];
  for (const log of logs) {
    try {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === log.toString());
      // from disk through the file pipeline (gzip, UTF-16, CR-only line ends), as the CLI reads it
      const buf = open
        ? scannerBytes(open.getText())
        : await readLogBytes(log.scheme === 'file' ? log.fsPath : Readable.from([Buffer.from(await vscode.workspace.fs.readFile(log))]), MAX_LOG_BYTES);
      for (const m of rankIisMatches(freb, iisRequestsOf(buf))) found.push({ log, line: m.item.line, deltaMs: m.deltaMs, score: m.score });
    } catch (err) {
      ctx.log.error(`openMatchingIisLine: ${log.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  found.sort((a, b) => b.score - a.score);
  ctx.log.info(`openMatchingIisLine: ${doc.uri.fsPath}: ${found.length} line(s) in ${logs.length} log(s)`);
  if (found.length === 0) {
    const msg = vscode.l10n.t(
      'No line of these IIS logs records this request ({0} {1}, client {2}).',
      pathOf(freb.url) ?? '?',
      `${freb.statusCode ?? '?'}.${freb.subStatusCode ?? '?'}`,
      freb.clientIp ?? '?',
    );
    const detail = vscode.l10n.t(
      "Searched {0} log(s): {1}. IIS logs are UTC and written per site (W3SVCn) and day; the request may be in another site's folder or a later log file, or logging was off for it.",
      logs.length,
      logs
        .slice(0, 5)
        .map((l) => l.fsPath)
        .join(', ') + (logs.length > 5 ? ', ...' : ''),
    );
    lastIisLineNoMatch = msg;
    ctx.log.warn(`openMatchingIisLine: ${msg}`);
    // Modal, not a toast: the answer must not vanish before the admin has read it. Not awaited (a
    // modal blocks until closed); the e2e suite reads lastIisLineNoMatch.
    void vscode.window.showInformationMessage(msg, { modal: true, detail });
    return [];
  }
  const best = found[0]!;
  const log = await vscode.workspace.openTextDocument(best.log);
  const at = Math.min(log.lineCount - 1, best.line - 1);
  await vscode.window.showTextDocument(log, {
    viewColumn: vscode.ViewColumn.Beside,
    selection: new vscode.Range(at, 0, at, log.lineAt(at).text.length),
    preview: false,
  });
  return found.map((f) => ({ log: f.log.toString(), line: f.line }));
}

export const evidenceLinks: ClientFeature<'freb/evidenceLinks'> = {
  activate(ctx) {
    return {
      commands: {
        'iisAuthLens.setFrebFolder': () => setFrebFolder(),
        'iisAuthLens.openMatchingFreb': (args?: OpenMatchingFrebArgs) => openMatchingFreb(ctx, args ?? {}),
        'iisAuthLens.openMatchingIisLine': (args?: OpenMatchingIisLineArgs) => openMatchingIisLine(ctx, args ?? {}),
      },
    };
  },
};
