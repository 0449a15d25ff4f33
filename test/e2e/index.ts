// The e2e test entry point VS Code loads inside the extension host (extensionTestsPath).
// Both runners use it: scripts/e2e-code-server.mjs (code-server + Chromium, used here and in CI)
// and scripts/e2e-electron.mjs (@vscode/test-electron, a developer laptop).
// Mocha TDD UI (`suite`/`test`); loads every suite/*.test.js next to this file; honours
// IAL_E2E_GREP (set by the runners' --grep); resolves when all tests pass, rejects otherwise.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import Mocha from 'mocha';
import { screenshot } from './util';

const EXTENSION_ID = 'iis-auth-lens.iis-auth-lens';

function say(line: string): void {
  // console.log in the extension host reaches the runner (browser console / stdout).
  console.log(`[e2e] ${line}`);
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  say(
    `running inside the VS Code extension host: ${vscode.env.appName} ${vscode.version}, appHost=${vscode.env.appHost}, ` +
      `uiKind=${vscode.UIKind[vscode.env.uiKind]}, remote=${vscode.env.remoteName ?? 'none'}, node ${process.version}, pid ${process.pid}`,
  );
  say(
    ext
      ? `extension ${EXTENSION_ID} ${String(ext.packageJSON.version)} from ${ext.extensionPath}; active before the tests: ${ext.isActive}`
      : `extension ${EXTENSION_ID} is NOT installed in this host`,
  );

  const grep = process.env.IAL_E2E_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000, ...(grep ? { grep } : {}) });
  if (grep) say(`only tests matching /${grep}/`);
  const suiteDir = path.join(__dirname, 'suite');
  const files = fs.existsSync(suiteDir)
    ? fs
        .readdirSync(suiteDir)
        .filter((f) => f.endsWith('.test.js'))
        .sort()
    : [];
  if (files.length === 0) throw new Error(`no e2e suites (*.test.js) in ${suiteDir}: was esbuild run?`);
  for (const f of files) mocha.addFile(path.join(suiteDir, f));
  await mocha.loadFilesAsync();
  // Each suite leaves the workbench as it found it, so the next suite's screenshots show its own
  // editors and not a pile-up of tabs and notifications from the suites before it.
  // A failing test leaves a trace of what the window showed: the tab groups as the API sees them,
  // the browser's view of them and its console (the runner prints both), and a screenshot.
  mocha.suite.afterEach('on failure: what the window showed', async function () {
    const t = this.currentTest;
    if (t?.state !== 'failed') return;
    for (const g of vscode.window.tabGroups.all) {
      const tabs = g.tabs.map((tab) => `${tab.isActive ? '*' : ''}${tab.label}${tab.input instanceof vscode.TabInputWebview ? ' [webview]' : ''}`);
      say(`failed "${t.title}": group ${g.viewColumn}${g.isActive ? ' (active)' : ''}: ${tabs.join(' | ')}`);
    }
    console.log(`@@failed ${t.title.replace(/\s+/g, ' ')}`);
    await screenshot(`failed-${t.title.replace(/[^\w.-]+/g, '-').slice(0, 60)}`).catch(() => undefined);
  });
  for (const s of mocha.suite.suites) {
    s.afterAll('close the editors and notifications of this suite', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('notifications.clearAll');
    });
  }

  const stats = await new Promise<Mocha.Stats>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve(runner.stats ?? { suites: 0, tests: 0, passes: 0, pending: 0, failures: 1 }));
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
  say(`mocha finished: ${stats.passes} passing, ${stats.failures} failing, ${stats.pending} pending`);
  say(`extension active after the tests: ${vscode.extensions.getExtension(EXTENSION_ID)?.isActive ?? false}`);
  if (stats.failures > 0) throw new Error(`${stats.failures} e2e test(s) failed`);
  if (stats.passes === 0) throw new Error(grep ? `--grep ${grep} matched no test` : 'no e2e test ran');
  // a pending (skipped) test is a prerequisite nobody installed: in CI that is a failure, not a pass
  if (stats.pending > 0 && (process.env.CI === 'true' || process.env.CI === '1')) throw new Error(`${stats.pending} e2e test(s) pending (skipped) under CI`);
}
