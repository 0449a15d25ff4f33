#!/usr/bin/env node
// End-to-end tests inside a real VS Code extension host: code-server (VS Code 1.100 web) + Chromium.
//
// Usage (build first; the npm scripts do):
//   node esbuild.mjs && node scripts/e2e-code-server.mjs                 all suites in test/e2e/suite
//   node scripts/e2e-code-server.mjs --grep activation                   only tests whose full title matches
//   node scripts/e2e-code-server.mjs --vsix iis-auth-lens-0.1.0.vsix     against the packaged extension,
//                                                                        installed with --install-extension
//   options: --timeout SECONDS (overall, default 600)  --keep (keep the temp folder, print its path)
//            --in-place (load the extension from this repo instead of a snapshot of its build)
//
// What happens: code-server (installed once into ~/.cache/iis-auth-lens, see code-server-host.mjs)
// starts on a free 127.0.0.1 port with a fresh temp user-data and extensions folder and a temp copy of
// test/fixtures/workspace as the workspace. Chromium (playwright-core, /usr/bin/chromium) opens the
// workbench with a `payload` naming extensionDevelopmentPath (a temp snapshot of this repo's built
// extension: dist, package.json, syntaxes, media, ...) and extensionTestsPath
// (out/test/e2e/index.js, mocha TDD UI). The suite runs inside the extension host; its console output
// is printed here prefixed `[host]`; it ends through `codeAutomationExit(code)`, and this script exits
// with that code. Suites call `screenshot(name)` from test/e2e/util.ts: it logs `@@screenshot name`
// and this script writes test-output/screenshots/<name>.png; `clickProblem(...)` (`@@clickProblem`)
// clicks an entry of the Problems panel with the mouse. Every wait is bounded.
import { chromium } from 'playwright-core';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, inspect } from 'node:util';
import { ensureCodeServer, installExtension, startCodeServer, writeUserSettings } from './code-server-host.mjs';
import { parseScriptArgs, scriptFailer } from './scriptArgs.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Workbench chatter that says nothing about our tests (no network here: the marketplace lookups fail).
const WORKBENCH_NOISE =
  /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin extensions cache|\[Service Worker\]|ChatSessionStore:|Started local extension host|getaddrinfo (ENOTFOUND|EAI_AGAIN)|Failed to fetch|.*open-vsx\.org)/;
const CHROMIUM = process.env.IAL_CHROMIUM ?? '/usr/bin/chromium';

const USAGE = 'usage: node scripts/e2e-code-server.mjs [--grep PATTERN] [--vsix FILE] [--timeout SECONDS] [--keep] [--in-place]';
const fail = scriptFailer('e2e-code-server');
const opts = parseScriptArgs(fail, USAGE, {
  grep: { type: 'string' },
  vsix: { type: 'string' },
  timeout: { type: 'string', default: '600' },
  keep: { type: 'boolean', default: false },
  'in-place': { type: 'boolean', default: false },
});
const timeoutMs = Number(opts.timeout) * 1000;
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) fail(`--timeout must be a positive number of seconds, got ${opts.timeout}`, 2);

const testsEntry = join(repo, 'out', 'test', 'e2e', 'index.js');
if (!existsSync(testsEntry)) fail(`${testsEntry} is missing: run \`node esbuild.mjs\` first (npm run test:e2e does)`);
if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} not found: run scripts/setup-system.sh (apt-get install chromium)`);
const vsix = opts.vsix ? resolve(opts.vsix) : undefined;
if (vsix && !existsSync(vsix)) fail(`--vsix ${vsix}: no such file (npm run package makes it)`);

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const say = (m) => process.stdout.write(`[e2e] ${m}\n`);

const tmp = mkdtempSync(join(tmpdir(), 'ial-e2e-'));
const userDataDir = join(tmp, 'user-data');
const extensionsDir = join(tmp, 'extensions');
const workspace = join(tmp, 'workspace');
const shotDir = join(repo, 'test-output', 'screenshots');
mkdirSync(shotDir, { recursive: true });
writeUserSettings(userDataDir, { 'editor.minimap.enabled': false });
const fixtures = join(repo, 'test', 'fixtures', 'workspace');
if (existsSync(fixtures)) cpSync(fixtures, workspace, { recursive: true });
else mkdirSync(workspace, { recursive: true });

let server;
let browser;
let finished = false;
async function cleanup() {
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
  if (opts.keep) say(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (finished) return;
    finished = true;
    say(`${sig}: stopping`);
    void cleanup().then(() => process.exit(130));
  });
}

/**
 * Waits (bounded) until dist/ holds a complete build. In a working tree shared with others a build may
 * be running (esbuild empties dist/ first); a missing build after the wait means nobody built it.
 */
async function waitForBuild(timeoutMs = 45_000) {
  const need = ['client.js', 'server.js'].map((f) => join(repo, 'dist', f));
  const deadline = Date.now() + timeoutMs;
  let stableSince = 0;
  for (;;) {
    if (need.every((f) => existsSync(f))) {
      stableSince ||= Date.now();
      if (Date.now() - stableSince >= 1500) return; // present for a moment: not a build in progress
    } else {
      stableSince = 0;
      if (Date.now() > deadline) throw new Error(`${need.find((f) => !existsSync(f))} is missing: run \`node esbuild.mjs\` first (npm run test:e2e does)`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Copies what the extension needs at run time (the .vscodeignore whitelist, plus source maps) to dest. */
function snapshotExtension(dest) {
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(repo)) {
    if (
      /^(dist|syntaxes|media|language-configuration|l10n)$/.test(entry) ||
      /^(package\.json|package\.nls(\.[\w-]+)?\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(entry)
    ) {
      cpSync(join(repo, entry), join(dest, entry), { recursive: true });
    }
  }
  if (!existsSync(join(dest, 'dist', 'client.js')) || !existsSync(join(dest, 'dist', 'server.js'))) {
    throw new Error('dist/ was incomplete when the run started (a build running at the same time?): run `node esbuild.mjs` and try again');
  }
}

async function main() {
  await ensureCodeServer();
  if (vsix) {
    say(`installing ${vsix} into a fresh extensions folder`);
    const out = await installExtension(vsix, { userDataDir, extensionsDir });
    say(out.trim().split('\n').pop());
  }
  const env = process.env;
  // The extension host inherits code-server's environment: that is how grep and the screenshot folder reach the suite.
  env.IAL_E2E_SCREENSHOTS = '1';
  env.IAL_E2E_SCREENSHOT_DIR = shotDir;
  if (opts.grep) env.IAL_E2E_GREP = opts.grep;
  else delete env.IAL_E2E_GREP;
  // The extension's test mode (scripted prompts, credentials as command arguments): a development
  // extension has it by itself (ExtensionMode.Test); the one installed from a .vsix gets it from here.
  env.IIS_AUTH_LENS_TEST_HOOKS = '1';

  server = await startCodeServer({ userDataDir, extensionsDir, timeoutMs: 120_000 });
  say(`code-server ${server.url} up after ${secs()} s (workspace ${workspace})`);

  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  // VS Code only runs extensionTestsPath in extension-development mode. With --vsix the development
  // extension is an empty stand-in, so the extension under test is the one installed from the .vsix.
  let devPath = repo;
  if (!vsix && opts['in-place']) await waitForBuild();
  if (!vsix && !opts['in-place']) {
    // A snapshot of the built extension: several people share this working tree, and a rebuild
    // (esbuild empties dist/ first) during the run must not pull files from under the extension host.
    devPath = join(tmp, 'extension');
    await waitForBuild();
    snapshotExtension(devPath);
  }
  if (vsix) {
    devPath = join(tmp, 'dev-stand-in');
    mkdirSync(devPath);
    writeFileSync(
      join(devPath, 'package.json'),
      JSON.stringify({ name: 'e2e-stand-in', publisher: 'iis-auth-lens-tests', version: '0.0.0', engines: { vscode: '*' } }),
    );
  }
  const payload = [
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(testsEntry)],
  ];
  const url = `${server.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });

  let resolveExit;
  const exitCode = new Promise((r) => (resolveExit = r));
  const shots = [];
  const takeShot = async (name) => {
    try {
      // Two animation frames: the workbench has painted whatever the test just did.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const file = join(shotDir, `${name}.png`);
      await page.screenshot({ path: `${file}.tmp.png`, timeout: 15_000 });
      renameSync(`${file}.tmp.png`, file);
      say(`screenshot ${file}`);
    } catch (err) {
      say(`screenshot ${name} failed: ${err.message}`);
    }
  };
  const seen = new Set();
  // What the browser said lately (all frames, webviews included), printed when a test fails: the
  // workbench swallows a webview that never loads, and this is the only trace of why.
  const consoleTail = [];
  page.on('console', (msg) => {
    // the workbench's own log lines reach us through codeAutomationLog already
    if (/^%c (INFO|TRACE|DEBUG)/.test(msg.text())) return;
    consoleTail.push(`[${msg.type()}] ${msg.location()?.url?.slice(0, 80) ?? ''} ${msg.text().slice(0, 300)}`);
    if (consoleTail.length > 40) consoleTail.shift();
  });
  const dumpPage = async (name) => {
    try {
      const digest = await page.evaluate(() => ({
        focused: document.hasFocus(),
        visibility: document.visibilityState,
        tabs: [...document.querySelectorAll('.tab')].map(
          (t) => `${t.classList.contains('active') ? '*' : ' '}${t.getAttribute('aria-label') ?? t.textContent}`,
        ),
        webviews: [...document.querySelectorAll('iframe')].map((f) => {
          const r = f.getBoundingClientRect();
          const host = f.closest('.webview') ?? f.parentElement;
          return `${(f.getAttribute('src') ?? '').replace(/\?.*/, '').slice(-60)} ${Math.round(r.width)}x${Math.round(r.height)} ${host && getComputedStyle(host).visibility}`;
        }),
      }));
      say(`page at failure of "${name}": focused=${digest.focused} visibility=${digest.visibility}`);
      for (const t of digest.tabs) say(`  tab ${t}`);
      for (const w of digest.webviews) say(`  iframe ${w}`);
      for (const f of page.frames()) say(`  frame ${f.url().replace(/\?.*/, '').slice(-80)}${f.isDetached() ? ' (detached)' : ''}`);
      say(`browser console (last ${consoleTail.length}):`);
      for (const l of consoleTail) say(`  ${l}`);
    } catch (err) {
      say(`page digest for "${name}" failed: ${err.message}`);
    }
  };
  // `@@clickProblem NAME code|row FILE`: a real mouse click on the first problem of FILE (a base
  // name) in the Problems panel, on its code link or on its message; NAME.click.json answers with the
  // clicked row's text (which names the line) or why nothing was clicked.
  const clickProblem = async (name, part, fileName) => {
    const started = Date.now();
    let answer;
    try {
      // the panel shows a window of its rows (the suite collapses its files first): from the top,
      // scroll with the mouse wheel until the file's entry is there, then expand it
      const find = () =>
        page.evaluate((fileName) => {
          const list = document.querySelector('.markers-panel .monaco-list')?.getBoundingClientRect();
          const row = [...document.querySelectorAll('.markers-panel .monaco-list-row[aria-level="1"]')].find((r) => (r.textContent ?? '').includes(fileName));
          const twistie = row?.querySelector('.monaco-tl-twistie')?.getBoundingClientRect();
          return {
            list: list && { x: list.left + list.width / 2, y: list.top + list.height / 2 },
            below: row && list ? row.getBoundingClientRect().top - list.top : 0,
            row: !!row,
            expanded: row?.getAttribute('aria-expanded') !== 'false',
            twistie: twistie && { x: twistie.left + twistie.width / 2, y: twistie.top + twistie.height / 2 },
          };
        }, fileName);
      let at = await find();
      if (at.list) {
        await page.mouse.move(at.list.x, at.list.y);
        await page.mouse.wheel(0, -100_000);
      }
      for (let i = 0; i < 40 && at.list && !(at = await find()).row; i++) {
        await page.mouse.move(at.list.x, at.list.y);
        await page.mouse.wheel(0, 200);
        await page.waitForTimeout(100);
      }
      if (at.row && !at.expanded && at.twistie) {
        await page.mouse.click(at.twistie.x, at.twistie.y);
        await page.waitForTimeout(300);
      }
      // the entry at the top of the panel, so its first problem is in view
      if (at.row && at.list && at.below > 0) {
        await page.mouse.move(at.list.x, at.list.y);
        await page.mouse.wheel(0, at.below);
        await page.waitForTimeout(300);
      }
      // where the first problem's code link (or message) is, and whether that point hits it: the list
      // may still be moving after the scroll, and a click that lands on the row instead of the link
      // opens the raw file (so the point is measured until it holds still and hits the element)
      const measure = () =>
        page.evaluate(
          ({ part, fileName }) => {
            const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')].sort(
              (a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top,
            );
            const at = rows.findIndex((r) => r.getAttribute('aria-level') === '1' && (r.textContent ?? '').includes(fileName));
            if (at < 0) return { error: `no Problems entry for ${fileName} among ${rows.length} rows` };
            const row = rows.slice(at + 1).find((r) => r.getAttribute('aria-level') === '2');
            const el = row?.querySelector(part === 'code' ? 'a.monaco-link' : '.marker-message');
            if (!row || !el) return { error: `the first problem of ${fileName} has no ${part === 'code' ? 'code link' : 'message'}` };
            const r = el.getBoundingClientRect();
            const x = r.left + Math.min(r.width / 2, 40);
            const y = r.top + r.height / 2;
            const hit = document.elementFromPoint(x, y);
            return { x, y, text: row.textContent ?? '', hits: !!hit && (hit === el || el.contains(hit)) };
          },
          { part, fileName },
        );
      answer = await measure();
      for (let i = 0; i < 20 && !answer.error; i++) {
        await page.waitForTimeout(100);
        const again = await measure();
        const still = !again.error && again.x === answer.x && again.y === answer.y;
        answer = again;
        if (still && again.hits) break;
      }
      if (!answer.error && !answer.hits) answer = { error: `the first problem's ${part} did not hold still under the mouse at (${answer.x}, ${answer.y})` };
      if (!answer.error) delete answer.hits;
      if (!answer.error) await page.mouse.click(answer.x, answer.y);
    } catch (err) {
      answer = { error: err.message };
    }
    writeFileSync(join(shotDir, `${name}.click.json`), JSON.stringify(answer));
    say(`clicked ${part} of the first problem of ${fileName} in ${Date.now() - started} ms${answer.error ? `: ${answer.error}` : ''}`);
  };
  const onLine = (level, text) => {
    const c = /^@@clickProblem ([\w.-]+) (code|row) (.+)$/.exec(text.trim());
    if (c) {
      shots.push(clickProblem(c[1], c[2], c[3]));
      return;
    }
    const d = /^@@failed (.+)$/.exec(text.trim());
    if (d) {
      shots.push(dumpPage(d[1]));
      return;
    }
    const m = /^@@screenshot ([\w.-]+)$/.exec(text.trim());
    if (m) {
      if (!seen.has(m[1])) {
        seen.add(m[1]);
        shots.push(takeShot(m[1]).finally(() => seen.delete(m[1])));
      }
      return;
    }
    if (!process.env.IAL_E2E_DEBUG && WORKBENCH_NOISE.test(text)) return;
    // A crashed extension host never reports a result: fail now instead of at the overall timeout.
    if (/Extension host \(.*\) terminated unexpectedly|Extension host terminated unexpectedly/i.test(text)) {
      resolveExit(Promise.reject(new Error(`the extension host crashed: ${text.split('\n')[0]}`)));
    }
    const tag = level === 'error' ? '[host:error]' : level === 'warn' || level === 'warning' ? '[host:warn]' : '[host]';
    for (const line of text.replace(/\n+$/, '').split('\n')) process.stdout.write(`${tag} ${line}\n`);
  };

  // The workbench hands every log entry of its own and of the extension host (console.log of the
  // suite, mocha's reporter) to window.codeAutomationLog(level, args) when automation is on.
  await page.exposeFunction('codeAutomationLog', (level, args) => {
    const list = Array.isArray(args) ? args : [args];
    onLine(String(level), typeof list[0] === 'string' ? format(...list) : list.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number.isInteger(Number(code)) ? Number(code) : 1));
  if (process.env.IAL_E2E_DEBUG) page.on('console', (msg) => process.stdout.write(`[console:${msg.type()}] ${msg.text().slice(0, 300)}\n`));
  page.on('crash', () => resolveExit(Promise.reject(new Error('the browser page crashed'))));
  page.on('pageerror', (err) => process.stdout.write(`[browser:pageerror] ${err.message.slice(0, 300)}\n`));

  say(`opening the workbench in Chromium${vsix ? ' (extension from the .vsix)' : ' (extension from this repo)'}${opts.grep ? `, grep /${opts.grep}/` : ''}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  // A headless page is not focused by itself; without focus the workbench never shows keyboard-
  // triggered widgets such as hovers, and screenshots would miss them.
  await page.bringToFront();

  let timer;
  const timedOut = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`no result from the extension host after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const serverDied = new Promise((_, rej) => server.proc.once('exit', (code) => rej(new Error(`code-server exited (code ${code}) before the tests ended`))));
  let code;
  try {
    code = await Promise.race([exitCode, timedOut, serverDied]);
  } catch (err) {
    await takeShot('e2e-failure');
    say(`code-server output (tail):\n${server.output().slice(-4000)}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  await Promise.all(shots);
  return code;
}

let code = 1;
try {
  code = await main();
  say(code === 0 ? `e2e tests passed in the extension host (${secs()} s)` : `e2e tests FAILED in the extension host: exit code ${code} (${secs()} s)`);
} catch (err) {
  process.stderr.write(`e2e-code-server: ${err.message} (${secs()} s)\n`);
  code = 1;
}
finished = true;
await cleanup();
process.exit(code);
