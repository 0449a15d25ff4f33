// Helpers for e2e suites (they run inside the VS Code extension host).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const EXTENSION_ID = 'iis-auth-lens.iis-auth-lens';

/** What our activate() returns. */
export interface ExtensionApi {
  client: LanguageClient;
}

/**
 * Polls `cond` (sync or async) every 50 ms until it returns a truthy value, and returns that value.
 * Throws `timed out after N ms waiting for <what>` (with the last error, if cond threw) instead of sleeping blindly.
 */
export async function waitFor<T>(cond: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What `iisAuthLens.authTimelineState` says of one open timeline panel. */
export interface TimelinePanelState {
  uri: string;
  rendered: number;
  visible: boolean;
  errors: string[];
  urls: string[];
  requests: number;
  ms: number;
}

/**
 * Waits until the auth timeline panel of `uri` says its page drew (charts >= 0) and returns its state.
 * A webview draws only while visible (no retained context): if something covered the panel before
 * its page ran, the wait brings it back as a user would, and says so. Errors the page reported fail
 * at once; a timeout says what the panel looked like.
 */
export async function waitForTimelineDrawn(uri: vscode.Uri, timeoutMs: number): Promise<TimelinePanelState> {
  let last: TimelinePanelState | undefined;
  const start = Date.now();
  let reopened = false;
  return waitFor(
    async () => {
      const st = await vscode.commands.executeCommand<TimelinePanelState[]>('iisAuthLens.authTimelineState');
      last = st?.find((s) => s.uri === uri.toString());
      if (last?.errors.length) throw new Error(`the timeline page reported: ${last.errors.join('; ')}`);
      if (last && !last.visible && last.rendered < 0) {
        console.log('[e2e] the timeline panel was hidden before it drew; revealing it');
        await vscode.commands.executeCommand('iisAuthLens.openAuthTimeline', uri);
      } else if (last && last.rendered < 0 && !reopened && Date.now() - start > timeoutMs / 2) {
        // code-server's webview frame can wait forever for its service worker ("Found unexpected
        // service worker controller ... Waiting for controller"): a user closes and reopens the
        // panel; so does the test, once, and says so. A page that cannot draw fails both times.
        reopened = true;
        console.log(`[e2e] the timeline panel is visible but its page did not run in ${Date.now() - start} ms; closing and reopening it once`);
        const tabs = vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .filter(
            (t) =>
              t.input instanceof vscode.TabInputWebview &&
              t.input.viewType.includes('iisAuthLens.authTimeline') &&
              t.label.endsWith(uri.path.split('/').pop() ?? ''),
          );
        await vscode.window.tabGroups.close(tabs);
        await vscode.commands.executeCommand('iisAuthLens.openAuthTimeline', uri);
      }
      return last && last.rendered >= 0 ? last : undefined;
    },
    'the timeline webview to draw its charts',
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; panel state: ${JSON.stringify(last)}`);
  });
}

/** The root folder of the workspace the harness opened (a temp copy of test/fixtures/workspace). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open: the e2e runner should open a copy of test/fixtures/workspace');
  return folder.uri;
}

/** Opens a file of the workspace (path relative to its root) in an editor and returns the editor. */
export async function openFixture(relPath: string, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...relPath.split('/'));
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false, ...options });
}

/** Our extension, activated; returns what activate() returned ({ client }). */
export async function getExtensionApi(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this extension host`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  if (!api?.client) throw new Error(`extension ${EXTENSION_ID} activated but returned no { client }`);
  return api;
}

/** The diagnostics of uri once `accept` says they are complete (default: at least one), bounded. */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: readonly vscode.Diagnostic[]) => boolean = (d) => d.length > 0,
  timeoutMs = 15_000,
): Promise<readonly vscode.Diagnostic[]> {
  return waitFor(
    () => {
      const d = vscode.languages.getDiagnostics(uri);
      return accept(d) ? d : undefined;
    },
    `diagnostics of ${uri.path}`,
    timeoutMs,
  );
}

/** Closes every editor, so each test starts from the same window. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Where the harness writes screenshots (it sets IAL_E2E_SCREENSHOT_DIR; the fallback is the repo's test-output). */
export function screenshotDir(): string {
  return process.env.IAL_E2E_SCREENSHOT_DIR ?? path.resolve(__dirname, '..', '..', '..', 'test-output', 'screenshots');
}

/**
 * Asks the harness to take a screenshot of the whole VS Code window: the extension host cannot take
 * one itself, so it logs a marker line the harness watches for, then waits (bounded) for the PNG.
 * Returns the PNG's path. Under a runner without screenshot support (test-electron) it returns
 * undefined after logging why, instead of failing the test.
 */
export async function screenshot(name: string, timeoutMs = 20_000): Promise<string | undefined> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must be a plain file name, got ${JSON.stringify(name)}`);
  if (process.env.IAL_E2E_SCREENSHOTS !== '1') {
    console.log(`[e2e] screenshot ${name} skipped: this runner takes no screenshots`);
    return undefined;
  }
  const file = path.join(screenshotDir(), `${name}.png`);
  fs.rmSync(file, { force: true });
  console.log(`@@screenshot ${name}`);
  await waitFor(() => fs.existsSync(file) && fs.statSync(file).size > 0, `screenshot ${file}`, timeoutMs);
  return file;
}

/**
 * Asks the harness to click, with the mouse, the first problem of the file named `fileName` (a base
 * name) in the Problems panel: on its code link (`part` 'code') or on its message ('row'). Returns
 * the clicked row's text (it names the line, "[Ln 12, Col 1]"), or undefined under a runner without
 * a browser (test-electron). Throws when the harness found nothing to click.
 */
export async function clickProblem(fileName: string, part: 'code' | 'row', timeoutMs = 60_000): Promise<string | undefined> {
  if (process.env.IAL_E2E_SCREENSHOTS !== '1') {
    console.log(`[e2e] clickProblem ${fileName} skipped: this runner has no browser to click in`);
    return undefined;
  }
  const name = `click-${part}-${Date.now()}`;
  const file = path.join(screenshotDir(), `${name}.click.json`);
  await vscode.commands.executeCommand('workbench.panel.markers.view.focus');
  // one row per file: the harness finds the file's entry among few (earlier suites leave thousands of problems)
  await vscode.commands.executeCommand('workbench.actions.treeView.workbench.panel.markers.view.collapseAll');
  console.log(`@@clickProblem ${name} ${part} ${fileName}`);
  const asked = Date.now();
  await waitFor(() => fs.existsSync(file) && fs.statSync(file).size > 0, `the harness to click ${part} of a problem of ${fileName}`, timeoutMs);
  const answer = JSON.parse(fs.readFileSync(file, 'utf8')) as { text?: string; error?: string };
  fs.rmSync(file, { force: true });
  console.log(`[e2e] the harness answered the click on ${part} of a problem of ${fileName} after ${Date.now() - asked} ms`);
  if (answer.error !== undefined) throw new Error(`clickProblem ${fileName} ${part}: ${answer.error}`);
  return answer.text ?? '';
}
