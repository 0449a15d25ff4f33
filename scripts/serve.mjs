#!/usr/bin/env node
// `npm start`: VS Code in the browser (code-server, the same host as the e2e tests) with this
// extension installed and the samples/ folder open. The npm script builds first.
//
//   node scripts/serve.mjs [--port N] [--folder DIR]      (default: port 8080 if free, folder samples/)
//   node scripts/serve.mjs --check                          start, check the workbench answers and our
//                                                           extension is installed, stop (exit 0/1)
//
// The extension is installed the way a user installs it: the current build is packed into a .vsix
// (vsce, into a temp folder; dist/ is not touched) and installed with `code-server --install-extension`
// into a fresh extensions folder, so every start serves the latest build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, ensureCodeServer, freePort, installExtension, startCodeServer, writeUserSettings } from './code-server-host.mjs';
import { parseScriptArgs, scriptFailer } from './scriptArgs.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: node scripts/serve.mjs [--port N] [--folder DIR] [--check]   (npm start builds first, then runs this)';

const fail = scriptFailer('serve');
const opts = parseScriptArgs(fail, USAGE, {
  port: { type: 'string', default: process.env.PORT },
  folder: { type: 'string', default: join(repo, 'samples') },
  check: { type: 'boolean', default: false },
});
const folder = resolve(opts.folder);
if (!existsSync(folder) || !statSync(folder).isDirectory()) fail(`--folder ${folder}: not a folder`, 2);
if (!existsSync(join(repo, 'dist', 'client.js'))) fail('dist/client.js is missing: run `node esbuild.mjs` first (npm start does)');
let port;
if (opts.port !== undefined) {
  port = Number(opts.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port must be 1-65535, got ${opts.port}`, 2);
}

/** 8080 when it is free (an easy URL to remember), otherwise any free port. */
async function pickPort() {
  const { createServer } = await import('node:net');
  const free = await new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(8080, '127.0.0.1', () => s.close(() => res(true)));
  });
  return free ? 8080 : freePort();
}

const version = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;
const tmp = mkdtempSync(join(tmpdir(), 'ial-serve-'));
// Settings and window layout survive restarts; the extensions folder is fresh each time.
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'iis-auth-lens');
const userDataDir = join(cache, 'serve-user-data');
const extensionsDir = join(tmp, 'extensions');
let server;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await server?.stop().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}

try {
  await ensureCodeServer();
  const vsix = join(tmp, `iis-auth-lens-${version}.vsix`);
  process.stderr.write('serve: packing the current build and installing it into code-server\n');
  execFileSync(
    process.execPath,
    [join(repo, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix],
    {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 120_000,
    },
  );
  writeUserSettings(userDataDir, { 'workbench.startupEditor': 'none' });
  await installExtension(vsix, { userDataDir, extensionsDir });
  server = await startCodeServer({ port: port ?? (await pickPort()), userDataDir, extensionsDir, workspace: folder, timeoutMs: 120_000 });
} catch (err) {
  process.stderr.write(`serve: ${err.message}\n`);
  await shutdown(1);
}

const url = `${server.url}?folder=${encodeURIComponent(folder)}`;
const rel = relative(process.cwd(), folder) || '.';
process.stdout.write(
  [
    '',
    `IIS Auth Lens ${version} in VS Code (code-server ${CODE_SERVER_VERSION}), ${rel}/ open:`,
    '',
    `    ${url}`,
    '',
    'The same analysis from the command line:',
    '',
    `    npx iis-auth-lens analyze ${rel.startsWith('..') ? folder : rel}/`,
    '',
    `Desktop VS Code: npm run package && code --install-extension iis-auth-lens-${version}.vsix`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

if (opts.check) {
  // What a newcomer's browser gets: the workbench page for the folder, and our extension installed.
  let problem;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    const html = await res.text();
    if (res.status !== 200 || !/workbench/i.test(html)) problem = `the workbench page answered ${res.status}`;
    const installed = JSON.parse(readFileSync(join(extensionsDir, 'extensions.json'), 'utf8'));
    const ours = installed.find((e) => e.identifier?.id === 'iis-auth-lens.iis-auth-lens');
    if (!ours) problem ??= `iis-auth-lens is not in ${extensionsDir}/extensions.json`;
    else if (!existsSync(join(extensionsDir, ours.relativeLocation ?? '', 'dist', 'client.js'))) problem ??= 'the installed extension has no dist/client.js';
  } catch (err) {
    problem = err.message;
  }
  process.stdout.write(problem ? `serve --check: FAILED: ${problem}\n` : 'serve --check: OK (workbench answers, extension installed)\n');
  await shutdown(problem ? 1 : 0);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void shutdown(0));
server.proc.once('exit', (code, signal) => {
  if (stopping) return;
  process.stderr.write(`serve: code-server stopped (code ${code}, signal ${signal}); last output:\n${server.output().slice(-2000)}\n`);
  void shutdown(code || 1);
});
