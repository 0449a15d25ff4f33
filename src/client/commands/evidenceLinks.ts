// Links between the evidence: from an IIS log line to the FREB trace of the same request (same
// path, status and client, ending within seconds of the line's time) in the configured FREB
// folder (`iisAuthLens.freb.folder`, set with `iisAuthLens.setFrebFolder`).
import * as vscode from 'vscode';
import { open as openFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientFeature, ClientContext } from '../context';
import { iisRequestsOf, loadFrebRequest, pathOf, rankFrebMatches, type FrebRequest, type IisRequest } from '../../core/timeline/frebMatch';
import { headAttribute } from '../../core/freb/frebFilter';

const MAX_FILES = 50_000;

export interface OpenMatchingFrebArgs { uri?: string; line?: number; folder?: string }

/** The last search (for the e2e suite). */
export let lastFrebLink: { request: IisRequest; matches: string[]; scanned: number } | undefined;

async function setFrebFolder(): Promise<string | undefined> {
  const current = vscode.workspace.getConfiguration('iisAuthLens').get<string>('freb.folder');
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
    openLabel: vscode.l10n.t('Use as FREB folder'),
    title: vscode.l10n.t('Folder with the Failed Request Tracing files (e.g. C:\\inetpub\\logs\\FailedReqLogFiles\\W3SVC1)'),
    ...(current ? { defaultUri: vscode.Uri.file(current) } : {}),
  });
  const folder = picked?.[0]?.fsPath;
  if (!folder) return undefined;
  await vscode.workspace.getConfiguration('iisAuthLens').update('freb.folder', folder, vscode.ConfigurationTarget.Global);
  return folder;
}

async function traceFiles(folder: string): Promise<string[]> {
  const names = await readdir(folder, { recursive: true });
  return names.map(String).filter((n) => /(^|[\\/])fr\d+\.xml$/i.test(n)).slice(0, MAX_FILES).map((n) => join(folder, n));
}

/** Cheap look at the <failedRequest> start tag: can this trace be the request at all? */
async function headFits(file: string, req: IisRequest): Promise<boolean> {
  let fh;
  try {
    fh = await openFile(file, 'r');
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8');
    if (head.charCodeAt(0) === 0xfffd || buf[0] === 0x1f || buf[1] === 0) return true; // gzip / UTF-16: decide after a full read
    const url = headAttribute(head, 'url');
    const status = headAttribute(head, 'statusCode');
    if (url !== null && (pathOf(url) ?? '').toLowerCase() !== req.uri.toLowerCase()) return false;
    if (status !== null && Number.parseInt(status, 10) !== req.status) return false;
    return true;
  } catch {
    return true; // the full read reports the problem
  } finally {
    await fh?.close();
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
  const [req] = iisRequestsOf(Buffer.from(doc.getText(), 'utf8'), line);
  if (!req) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Line {0} is not a request line of an IIS log.', line));
    return undefined;
  }
  const folder = args.folder || vscode.workspace.getConfiguration('iisAuthLens').get<string>('freb.folder') || await setFrebFolder();
  if (!folder) return undefined;
  let files: string[];
  try {
    files = await traceFiles(folder);
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot read the FREB folder {0}: {1}', folder, err instanceof Error ? err.message : String(err)));
    return undefined;
  }
  const candidates: FrebRequest[] = [];
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Looking for the FREB trace of line {0} in {1} files', line, files.length), cancellable: true }, async (_p, token) => {
    for (const f of files) {
      if (token.isCancellationRequested) break;
      if (!(await headFits(f, req))) continue;
      const r = await loadFrebRequest(f);
      if ('error' in r) { ctx.log.warn(`openMatchingFreb: ${r.error}`); continue; }
      candidates.push(r);
    }
  });
  const matches = rankFrebMatches(req, candidates);
  lastFrebLink = { request: req, matches: matches.map((m) => m.item.path), scanned: files.length };
  ctx.log.info(`openMatchingFreb: line ${line} ${req.uri} ${req.status}.${req.substatus ?? ''} ${req.clientIp ?? ''}: ${matches.length} of ${files.length} trace(s) in ${folder}`);
  if (matches.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No FREB trace of this request in {0} ({1} traces). IIS writes traces only for the status codes its Failed Request Tracing rules name, and keeps only the newest files.', folder, files.length));
    return [];
  }
  let chosen = matches[0]!.item;
  if (matches.length > 1) {
    const pick = await vscode.window.showQuickPick(matches.map((m) => ({
      label: m.item.path.split(/[\\/]/).pop()!,
      description: `${m.item.statusCode}.${m.item.subStatusCode ?? ''} ${m.item.clientIp ?? ''} · Δ ${m.deltaMs} ms`,
      detail: m.item.path,
      item: m.item,
    })), { title: vscode.l10n.t('FREB traces that fit line {0}', line) });
    if (!pick) return matches.map((m) => m.item.path);
    chosen = pick.item;
  }
  const trace = await vscode.workspace.openTextDocument(vscode.Uri.file(chosen.path));
  const at = Math.min(trace.lineCount - 1, chosen.line - 1);
  await vscode.window.showTextDocument(trace, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(at, 0, at, 0), preview: false });
  return matches.map((m) => m.item.path);
}

export const evidenceLinks: ClientFeature = {
  activate(ctx) {
    return [
      vscode.commands.registerCommand('iisAuthLens.setFrebFolder', () => setFrebFolder()),
      vscode.commands.registerCommand('iisAuthLens.openMatchingFreb', (args?: OpenMatchingFrebArgs) => openMatchingFreb(ctx, args ?? {})),
    ];
  },
};
