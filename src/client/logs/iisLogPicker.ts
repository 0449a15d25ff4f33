// Which IIS logs to search when none is open: a folder (C:\inetpub\logs\LogFiles\W3SVC1, or a
// folder of copies from several servers), searched recursively for W3C logs by their content (the
// file pipeline's folder scan, as "Analyze IIS Logs in Folder..." does). Files still work: a
// command's `logs` argument may name files and folders alike.
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import { scanFolder } from '../../node/logFiles';

const DEFAULT_LOG_FOLDER = 'C:\\inetpub\\logs\\LogFiles';

/** Files stay files; a folder becomes the W3C logs below it (sorted by path). */
export async function expandIisLogs(uris: readonly vscode.Uri[]): Promise<{ logs: vscode.Uri[]; folders: string[] }> {
  const logs: vscode.Uri[] = [];
  const folders: string[] = [];
  for (const uri of uris) {
    let dir = false;
    if (uri.scheme === 'file') {
      try {
        dir = (await fs.promises.stat(uri.fsPath)).isDirectory();
      } catch {
        dir = false; // the search reports the unreadable file
      }
    }
    if (!dir) {
      logs.push(uri);
      continue;
    }
    folders.push(uri.fsPath);
    const scan = await scanFolder(uri.fsPath);
    const found = scan.entries
      .filter((e) => e.kind === 'w3c' && !e.error && typeof e.fsPath === 'string')
      .map((e) => e.fsPath as string)
      .sort();
    logs.push(...found.map((f) => vscode.Uri.file(f)));
  }
  return { logs, folders };
}

/**
 * Asks for a folder of IIS logs (the button says so) and returns the logs in it; undefined when
 * cancelled. A folder without any W3C log is said in a modal, so the admin sees why nothing ran.
 */
export async function pickIisLogFolder(title: string): Promise<vscode.Uri[] | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: true,
    defaultUri: fs.existsSync(DEFAULT_LOG_FOLDER) ? vscode.Uri.file(DEFAULT_LOG_FOLDER) : vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: vscode.l10n.t('Search the IIS logs in this folder'),
    title,
  });
  if (!picked?.length) return undefined;
  const { logs, folders } = await expandIisLogs(picked);
  if (!logs.length) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No IIS log in {0}.', folders.join(', ')), {
      modal: true,
      detail: vscode.l10n.t('W3C logs are found by their content (#Fields:), in subfolders too; IIS writes them to C:\\inetpub\\logs\\LogFiles\\W3SVCn.'),
    });
    return undefined;
  }
  return logs;
}
