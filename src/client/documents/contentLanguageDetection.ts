// Content detection for logs and traces whose file name our patterns do not cover.
// VS Code uses a language's `firstLine` only when no file name or extension matches, so a renamed
// IIS log (`W3SVC1-today.log`) opens as `log` and a renamed FREB trace (`failed-401.xml`) as `xml`.
// We look at the first lines once per opening of a document and switch to our language when the content says so.
import * as vscode from 'vscode';
import { detectLanguage } from '../../core/documentKind';
import type { ClientFeature } from '../context';

export { detectLanguage };

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
      const target = detectLanguage(doc.languageId, doc.getText(new vscode.Range(new vscode.Position(0, 0), end)).slice(0, 8192), (k) => {
        reason = k.reason;
      });
      if (!target) return;
      switched.add(key);
      try {
        await vscode.languages.setTextDocumentLanguage(doc, target);
        ctx.log.info(`${doc.uri.fsPath || key}: content is ${target} (${reason}), language switched from ${doc.languageId}`);
      } catch (err) {
        ctx.log.warn(`could not switch ${key} to ${target}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    // A document that is really closed is detected again when reopened (it opens as `log` again).
    // A language change fires close and open back to back: the document is open again before the
    // timer runs, so neither our own switch nor the user's switch back forgets the choice.
    const forget = (doc: vscode.TextDocument): void => {
      const key = doc.uri.toString();
      if (!switched.has(key)) return;
      setTimeout(() => {
        if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) switched.delete(key);
      }, 0);
    };
    for (const doc of vscode.workspace.textDocuments) void check(doc);
    return { disposables: [vscode.workspace.onDidOpenTextDocument((doc) => void check(doc)), vscode.workspace.onDidCloseTextDocument(forget)] };
  },
};
