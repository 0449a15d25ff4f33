// Evidence is precious: "Open Read-Only" makes the active log or trace read-only in this session
// (VS Code's own session lock: no keystroke, paste or autosave writes to it), and with
// `iisAuthLens.openEvidenceReadOnly` every IIS log and FREB trace opened in the editor is.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ClientFeature, ClientContext } from '../context';
import { isIisLogName } from '../../core/files/fileKind';

export const OPEN_READ_ONLY_COMMAND = 'iisAuthLens.openReadOnly';
const EVIDENCE_LANGUAGES = new Set(['iis-w3c-log', 'freb']);

/** True for a file that is evidence by its name: IIS logs (and gzip copies), HTTPERR logs, FREB traces. */
export function isEvidenceName(file: string): boolean {
  const base = path.basename(file);
  return isIisLogName(file) || /^fr\d+\.xml$/i.test(base);
}

function isEvidence(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file') return false;
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  return doc ? EVIDENCE_LANGUAGES.has(doc.languageId) || isEvidenceName(uri.fsPath) : isEvidenceName(uri.fsPath);
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText ? input.uri : vscode.window.activeTextEditor?.document.uri;
}

/** Makes the active editor read-only in this session (the file on disk is not touched). */
async function lockActive(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession');
}

export const evidenceReadOnly: ClientFeature<'documents/evidenceReadOnly'> = {
  activate(ctx: ClientContext) {
    /** Editors already switched by the setting (a user who unlocks one is not overruled). */
    const locked = new Set<string>();
    const enabled = (): boolean => vscode.workspace.getConfiguration('iisAuthLens').get<boolean>('openEvidenceReadOnly') === true;
    const onActive = async (): Promise<void> => {
      if (!enabled()) return;
      const uri = activeTabUri();
      if (!uri || locked.has(uri.toString()) || !isEvidence(uri)) return;
      locked.add(uri.toString());
      try {
        await lockActive();
        ctx.log.info(`${uri.fsPath}: opened read-only (iisAuthLens.openEvidenceReadOnly).`);
      } catch (err) {
        ctx.log.warn(`Could not make ${uri.fsPath} read-only: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    const run = (): void => {
      onActive().catch(() => undefined);
    };
    run();
    return {
      disposables: [
        vscode.window.onDidChangeActiveTextEditor(run),
        vscode.window.tabGroups.onDidChangeTabs((e) => {
          if (e.opened.length || e.changed.some((t) => t.isActive)) run();
        }),
        vscode.workspace.onDidCloseTextDocument((d) => locked.delete(d.uri.toString())),
      ],
      commands: {
        [OPEN_READ_ONLY_COMMAND]: async (arg?: vscode.Uri) => {
          let uri = arg instanceof vscode.Uri ? arg : activeTabUri();
          if (!uri) {
            const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Open Read-Only') });
            uri = picked?.[0];
          }
          if (!uri) return;
          if (uri.toString() !== activeTabUri()?.toString()) await vscode.commands.executeCommand('vscode.open', uri);
          locked.add(uri.toString());
          await lockActive();
          ctx.log.info(`${uri.fsPath}: read-only in this session.`);
        },
      },
    };
  },
};
