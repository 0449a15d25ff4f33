// Excerpts of logs too large for the editor (over 50 MB, or gzip): a read-only virtual document
// (scheme `iis-auth-lens-excerpt:`) holding the `#Fields` header block in force and the lines around
// a finding. Its first line says which lines of which file it shows, each line carries its real line
// number in front (a decoration, not text), and the selection lands on the finding's line. Never
// dirty, never asks to save; the language server is not given these documents (extension.ts), so no
// finding is computed from a cut-out. One tab per file is reused for the next finding.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ClientFeature, ClientContext } from '../context';
import { excerptDocument, type ExcerptDocument } from '../../core/files/logExcerpt';
import { readLogExcerpt } from '../../node/logExcerpt';

export const EXCERPT_SCHEME = 'iis-auth-lens-excerpt';
/** Returns the shown excerpts (uri, real line numbers, focus) for the e2e suite. */
export const EXCERPT_STATE_COMMAND = 'iisAuthLens.excerptState';
/** Lines shown before and after the finding. */
const CONTEXT_LINES = 15;

export interface Shown extends ExcerptDocument {
  file: string;
  focus: number;
}

class ExcerptProvider implements vscode.TextDocumentContentProvider {
  readonly shown = new Map<string, Shown>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.shown.get(uri.toString())?.text ?? `#${vscode.l10n.t('This excerpt is no longer available; open the finding again.')}\n`;
  }

  set(uri: vscode.Uri, s: Shown): void {
    this.shown.set(uri.toString(), s);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

const provider = new ExcerptProvider();
const lineNumberDecoration = vscode.window.createTextEditorDecorationType({
  before: { color: new vscode.ThemeColor('editorLineNumber.foreground'), margin: '0 1.2em 0 0' },
});
const focusDecoration = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
});

/** The excerpt URI of a file: one per file, so the next finding reuses its tab. */
export function excerptUri(file: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: EXCERPT_SCHEME,
    path: `/${vscode.l10n.t('{0} (excerpt)', path.basename(file))}`,
    query: new URLSearchParams({ file }).toString(),
  });
}

/** The log an excerpt URI shows (from its `file` query); undefined for any other URI. */
export function logOfExcerpt(uri: vscode.Uri): vscode.Uri | undefined {
  if (uri.scheme !== EXCERPT_SCHEME) return undefined;
  const file = new URLSearchParams(uri.query).get('file');
  return file ? vscode.Uri.file(file) : undefined;
}

/** What an open excerpt shows: its file, real line numbers and the line asked for. */
export function shownExcerpt(uri: vscode.Uri): Readonly<Shown> | undefined {
  return provider.shown.get(uri.toString());
}

/**
 * The log the user is looking at: the active editor's document (an excerpt stands for its log), or
 * the active tab's file when VS Code did not hand it to extensions (over 50 MB, no editor).
 */
export function activeLogUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor?.document.uri;
  if (editor) return logOfExcerpt(editor) ?? editor;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText ? (logOfExcerpt(input.uri) ?? input.uri) : undefined;
}

function decorate(editor: vscode.TextEditor): void {
  const s = provider.shown.get(editor.document.uri.toString());
  if (!s) return;
  const width = String(Math.max(...s.lineNumbers)).length;
  const opts: vscode.DecorationOptions[] = [];
  for (let i = 1; i < s.lineNumbers.length && i < editor.document.lineCount; i++) {
    opts.push({ range: new vscode.Range(i, 0, i, 0), renderOptions: { before: { contentText: String(s.lineNumbers[i]).padStart(width, '\u2007') } } });
  }
  editor.setDecorations(lineNumberDecoration, opts);
  editor.setDecorations(focusDecoration, s.focusIndex > 0 ? [new vscode.Range(s.focusIndex, 0, s.focusIndex, 0)] : []);
}

/** Waits until the open document of uri has the given text (after the provider fired a change). */
async function documentWithText(uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!open || open.getText() === text) return vscode.workspace.openTextDocument(uri);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      sub.dispose();
      resolve();
    }, 2000);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === uri.toString() && e.document.getText() === text) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
  return vscode.workspace.openTextDocument(uri);
}

/**
 * Shows the excerpt of file around the 1-based line in the excerpt tab of that file (read-only),
 * with the finding's line selected; other lines of the same window are selected too when given.
 */
export async function showLogExcerpt(file: string, line: number, options: { beside?: boolean; alsoSelect?: number[] } = {}): Promise<vscode.TextEditor> {
  const ex = await readLogExcerpt(file, line, CONTEXT_LINES, CONTEXT_LINES);
  const doc = excerptDocument(ex, file, (a, b, f) => vscode.l10n.t(' IIS Auth Lens: lines {0}..{1} of {2} (read-only excerpt)', a, b, f));
  const uri = excerptUri(file);
  provider.set(uri, { ...doc, file, focus: line });
  const textDoc = await documentWithText(uri, doc.text);
  if (textDoc.languageId !== 'iis-w3c-log') await vscode.languages.setTextDocumentLanguage(textDoc, 'iis-w3c-log');
  const selections = [line, ...(options.alsoSelect ?? []).filter((l) => l !== line)]
    .map((l) => doc.lineNumbers.indexOf(l))
    .filter((i) => i > 0 && i < textDoc.lineCount)
    // anchored at the line's end, the cursor at its start: the view does not scroll sideways past long query strings
    .map((i) => new vscode.Selection(i, textDoc.lineAt(i).text.length, i, 0));
  const editor = await vscode.window.showTextDocument(vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? textDoc, {
    preview: true,
    ...(options.beside ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true } : {}),
  });
  // the line numbers first, so revealing the line accounts for them (no sideways scroll that hides them)
  decorate(editor);
  if (selections.length) {
    editor.selections = selections;
    const at = selections[0]!.active;
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
  }
  return editor;
}

export const logExcerptView: ClientFeature<'logs/logExcerptView'> = {
  activate(_ctx: ClientContext) {
    const disposables = [
      provider,
      lineNumberDecoration,
      focusDecoration,
      vscode.workspace.registerTextDocumentContentProvider(EXCERPT_SCHEME, provider),
      vscode.window.onDidChangeVisibleTextEditors((eds) => {
        for (const e of eds) if (e.document.uri.scheme === EXCERPT_SCHEME) decorate(e);
      }),
    ];
    const commands = {
      // test hook: what the excerpt editors show
      [EXCERPT_STATE_COMMAND]: () =>
        vscode.window.visibleTextEditors
          .filter((e) => e.document.uri.scheme === EXCERPT_SCHEME)
          .map((e) => {
            const s = provider.shown.get(e.document.uri.toString());
            return {
              uri: e.document.uri.toString(),
              file: s?.file,
              focus: s?.focus,
              lineNumbers: s?.lineNumbers,
              languageId: e.document.languageId,
              isDirty: e.document.isDirty,
              // only once the editor shows this excerpt (the provider's text changes before the document does)
              selectedLine: e.document.getText() === s?.text ? s.lineNumbers[e.selection.active.line] : undefined,
              text: e.document.getText(),
              tabs: vscode.window.tabGroups.all
                .flatMap((g) => g.tabs)
                .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === EXCERPT_SCHEME).length,
            };
          }),
    };
    return { disposables, commands };
  },
};
