#!/usr/bin/env node
// End-to-end tests in a desktop VS Code (Electron) via @vscode/test-electron: the same suite as
// scripts/e2e-code-server.mjs (test/e2e/index.ts), for a developer laptop where VS Code can be
// downloaded. On the CI machines VS Code cannot be downloaded: use e2e-code-server.mjs there.
//
//   node esbuild.mjs && node scripts/e2e-electron.mjs [--grep PATTERN] [--vscode-version 1.100.3|stable]
//                                                    [--vscode-executable /path/to/code]
// Linux without a display: run it under `xvfb-run -a`. Screenshots are not taken by this runner
// (util.screenshot() logs that it skipped them).
//
// On Windows (where most users of the extension are), in PowerShell or cmd, with Node 20+ and Git:
//   npm ci
//   node esbuild.mjs
//   node scripts/e2e-electron.mjs                              # the current VS Code (stable)
//   node scripts/e2e-electron.mjs --vscode-version 1.100.3     # the declared minimum (engines.vscode)
//   node scripts/e2e-electron.mjs --vscode-executable "%LOCALAPPDATA%\Programs\Microsoft VS Code\Code.exe"
// VS Code is downloaded once to %USERPROFILE%\.cache\iis-auth-lens\vscode-test. The suite opens a
// copy of test/fixtures/workspace under %TEMP%, so the logs, traces and file URIs it checks carry
// drive letters and backslashes. The unit stage runs on Windows too (`bash scripts/node-tests.sh
// test/unit` from Git Bash); the integration stage needs the Debian packages of
// scripts/setup-system.sh (haproxy, nginx, python3-ntlm-auth): run it in WSL.
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScriptArgs, scriptFailer } from './scriptArgs.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: node scripts/e2e-electron.mjs [--grep PATTERN] [--vscode-version VERSION|stable] [--vscode-executable PATH]';

const fail = scriptFailer('e2e-electron');
const opts = parseScriptArgs(fail, USAGE, {
  grep: { type: 'string' },
  'vscode-version': { type: 'string', default: process.env.IAL_VSCODE_VERSION ?? 'stable' },
  'vscode-executable': { type: 'string', default: process.env.IAL_VSCODE_EXECUTABLE },
});

const extensionTestsPath = join(repo, 'out', 'test', 'e2e', 'index.js');
if (!existsSync(extensionTestsPath)) fail(`${extensionTestsPath} is missing: run \`node esbuild.mjs\` first (npm run test:e2e:electron does)`);
if (!existsSync(join(repo, 'dist', 'client.js'))) fail('dist/client.js is missing: run `node esbuild.mjs` first');

let vscodeExecutablePath = opts['vscode-executable'];
if (vscodeExecutablePath && !existsSync(vscodeExecutablePath)) fail(`--vscode-executable ${vscodeExecutablePath}: no such file`);
if (!vscodeExecutablePath) {
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({
      version: opts['vscode-version'],
      // Outside the repo, next to the code-server host: nothing to git-ignore.
      cachePath: join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'iis-auth-lens', 'vscode-test'),
      timeout: 30_000,
      extensionDevelopmentPath: repo,
    });
  } catch (err) {
    fail(
      `could not download VS Code ${opts['vscode-version']} (${err instanceof Error ? err.message : String(err)}).\n` +
        'Machines without access to update.code.visualstudio.com run the same suite in code-server instead: npm run test:e2e ' +
        '(or pass --vscode-executable /path/to/an/installed/code).',
    );
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'ial-e2e-electron-'));
const workspace = join(tmp, 'workspace');
const fixtures = join(repo, 'test', 'fixtures', 'workspace');
if (existsSync(fixtures)) cpSync(fixtures, workspace, { recursive: true });
else mkdirSync(workspace, { recursive: true });

let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repo,
    extensionTestsPath,
    extensionTestsEnv: { IAL_E2E_GREP: opts.grep, IAL_E2E_SCREENSHOTS: '0' },
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-telemetry',
      '--user-data-dir',
      join(tmp, 'user-data'),
      // Our own, or test-electron puts them under ./.vscode-test in the repo.
      '--extensions-dir',
      join(tmp, 'extensions'),
    ],
  });
} catch (err) {
  process.stderr.write(`e2e-electron: the test run failed: ${err instanceof Error ? err.message : String(err)}\n`);
  code = typeof err?.code === 'number' && err.code !== 0 ? err.code : 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.stdout.write(code === 0 ? '[e2e] e2e tests passed in VS Code (Electron)\n' : `[e2e] e2e tests FAILED in VS Code (Electron): exit code ${code}\n`);
process.exit(code);
