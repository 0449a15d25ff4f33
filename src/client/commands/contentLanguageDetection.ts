// Content detection for logs and traces whose file name our patterns do not cover.
// VS Code uses a language's `firstLine` only when no file name or extension matches, so a renamed
// IIS log (`W3SVC1-today.log`) opens as `log` and a renamed FREB trace (`failed-401.xml`) as `xml`.
// We look at the first lines once per document and switch to our language when the content says so.
import * as vscode from 'vscode';
import { detectFileKind, type FileKindResult } from '../../core/files/fileKind';
import type { ClientFeature } from '../context';

/** The language a document's content calls for, if it is one of ours and the current one is generic. */
export function detectLanguage(languageId: string, head: string, found?: (k: FileKindResult) => void): 'iis-w3c-log' | 'freb' | undefined {
  // the file pipeline's rule on content alone, as for a file found in a folder (core/files/fileKind.ts)
  const k = detectFileKind(head, '', 'content');
  found?.(k);
  if (k.kind === 'w3c' && (languageId === 'log' || languageId === 'plaintext')) return 'iis-w3c-log';
  if (k.kind === 'freb' && languageId === 'xml') return 'freb';
  return undefined;
}

export const contentLanguageDetection: ClientFeature = {
  activate(ctx) {
    // A user who switches the language back keeps their choice: each document is switched at most once.
    const switched = new Set<string>();
    const check = async (doc: vscode.TextDocument): Promise<void> => {
      if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-scm') return;
      const key = doc.uri.toString();
      if (switched.has(key)) return;
      const end = doc.lineCount > 40 ? new vscode.Position(40, 0) : doc.lineAt(doc.lineCount - 1).range.end;
      let reason = '';
      const target = detectLanguage(doc.languageId, doc.getText(new vscode.Range(new vscode.Position(0, 0), end)).slice(0, 8192), (k) => { reason = k.reason; });
      if (!target) return;
      switched.add(key);
      try {
        await vscode.languages.setTextDocumentLanguage(doc, target);
        ctx.log.info(`${doc.uri.fsPath || key}: content is ${target} (${reason}), language switched from ${doc.languageId}`);
      } catch (err) {
        ctx.log.warn(`could not switch ${key} to ${target}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    for (const doc of vscode.workspace.textDocuments) void check(doc);
    return [vscode.workspace.onDidOpenTextDocument((doc) => void check(doc))];
  },
};
