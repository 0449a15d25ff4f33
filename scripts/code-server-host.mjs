#!/usr/bin/env node
// The code-server host (VS Code 1.100 in the browser) that the e2e tests and `npm start` share.
//
//   node scripts/code-server-host.mjs install      install into the cache (idempotent), print its folder
//   node scripts/code-server-host.mjs path         print the code-server entry point (installs if needed)
//
// As a module: `ensureCodeServer()` and `startCodeServer({ userDataDir, extensionsDir, workspace })`.
//
// Why the recipe below: VS Code cannot be downloaded on the CI machines, but npm works. code-server
// 4.100.3 is the last release that runs on node 20. Its postinstall script expects yarn and network
// access for native modules, so we install with --ignore-scripts and do by hand what it would do:
// install the VS Code server's own dependencies, rebuild the native modules against this node, use
// the system ripgrep, and recreate the few symlinks the release tarball normally carries.
// The result lives outside the repo (default ~/.cache/iis-auth-lens/code-server-4.100.3, or
// $IAL_CODE_SERVER_DIR) with a completion marker, so the second run starts in seconds.
import { spawn, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  writeFileSync,
  readFileSync,
  readdirSync,
  rmSync,
  renameSync,
  copyFileSync,
  chmodSync,
  symlinkSync,
  lstatSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const MARKER = '.iis-auth-lens-installed';
const INSTALL_STEP_TIMEOUT_MS = 20 * 60_000;

/** The folder the host is (or will be) installed in. */
export function codeServerDir() {
  if (process.env.IAL_CODE_SERVER_DIR) return resolve(process.env.IAL_CODE_SERVER_DIR);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'iis-auth-lens', `code-server-${CODE_SERVER_VERSION}`);
}

/** The node entry point of the installed code-server. */
export function codeServerEntry(dir = codeServerDir()) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function isInstalled(dir) {
  try {
    return readFileSync(join(dir, MARKER), 'utf8').trim() === CODE_SERVER_VERSION && existsSync(codeServerEntry(dir));
  } catch {
    return false;
  }
}

function log(msg) {
  process.stderr.write(`[code-server-host] ${msg}\n`);
}

/**
 * node-gyp needs this node's headers. Distribution packages (Debian/NodeSource) ship them next to the
 * binary; pointing node-gyp there avoids a download from nodejs.org, which CI machines may not reach.
 */
function nodeHeadersEnv() {
  if (process.env.npm_config_nodedir) return {};
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node.h')) ? { npm_config_nodedir: prefix } : {};
}

function run(cmd, args, cwd) {
  log(`${cwd}$ ${cmd} ${args.join(' ')}`);
  try {
    execFileSync(cmd, args, {
      cwd,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: INSTALL_STEP_TIMEOUT_MS,
      // npm_config_yes: node-pty's install script runs `npx node-gyp`, which must not wait for a prompt
      // (or be refused by a `yes=false` in the user's npmrc).
      env: {
        ...process.env,
        ...nodeHeadersEnv(),
        npm_config_yes: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      },
    });
  } catch (err) {
    const why = err.signal === 'SIGTERM' ? `timed out after ${INSTALL_STEP_TIMEOUT_MS / 60_000} min` : `exit ${err.status ?? err.message}`;
    throw new Error(`code-server install step failed (${why}): ${cmd} ${args.join(' ')} in ${cwd}`);
  }
}

function forceSymlink(target, path) {
  try {
    lstatSync(path);
    rmSync(path, { force: true });
  } catch {
    /* absent */
  }
  symlinkSync(target, path);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Whether a package folder holds a compiled addon (build/Release/*.node). */
function hasAddon(pkgDir) {
  const rel = join(pkgDir, 'build', 'Release');
  try {
    return readdirSync(rel).some((f) => f.endsWith('.node'));
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes an exclusive lock (a directory holding the owner's pid) so that two test runs started at the
 * same time do not install into the same folder. A lock whose owner died is taken over.
 */
async function withLock(lockDir, timeoutMs, fn) {
  const deadline = Date.now() + timeoutMs;
  mkdirSync(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* being written or removed */
      }
      const age = (() => {
        try {
          return Date.now() - statSync(lockDir).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if ((Number.isInteger(owner) && owner > 0 && !processAlive(owner)) || (!Number.isInteger(owner) && age > 60_000)) {
        log(`removing stale install lock ${lockDir}`);
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`another code-server install (pid ${owner}) still holds ${lockDir} after ${Math.round(timeoutMs / 60_000)} min`);
      await sleep(2000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Installs code-server into the cache folder unless already done; returns the folder. */
export async function ensureCodeServer({ quiet = false } = {}) {
  const dir = codeServerDir();
  if (isInstalled(dir)) return dir;
  return withLock(`${dir}.lock`, 25 * 60_000, async () => {
    if (isInstalled(dir)) return dir; // another run finished it while we waited
    const started = Date.now();
    if (!quiet) log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (one time, a few minutes)`);
    // Build in a sibling folder and rename at the end, so a half-finished install is never used.
    const tmp = `${dir}.partial`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'iis-auth-lens-code-server-host', private: true }, null, 2));
    run('npm', ['install', '--ignore-scripts', '--no-save', '--omit=dev', `code-server@${CODE_SERVER_VERSION}`], tmp);

    const cs = join(tmp, 'node_modules', 'code-server');
    const vs = join(cs, 'lib', 'vscode');
    if (!existsSync(join(vs, 'package.json'))) throw new Error(`unexpected code-server layout: ${vs}/package.json missing`);
    run('npm', ['install', '--omit=dev', '--ignore-scripts'], vs);

    const rgDir = join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin');
    const systemRg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => existsSync(p));
    if (!systemRg) throw new Error('ripgrep (rg) is missing: run scripts/setup-system.sh (apt-get install ripgrep)');
    mkdirSync(rgDir, { recursive: true });
    copyFileSync(systemRg, join(rgDir, 'rg'));
    chmodSync(join(rgDir, 'rg'), 0o755);

    run('npm', ['rebuild', 'kerberos', 'node-pty', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog', '@vscode/deviceid'], vs);
    // npm may skip install scripts quietly (allowScripts policies): check that the addons exist.
    const unbuilt = ['kerberos', 'node-pty', '@vscode/spdlog', 'native-watchdog'].filter((m) => !hasAddon(join(vs, 'node_modules', m)));
    if (unbuilt.length)
      throw new Error(`native modules did not build: ${unbuilt.join(', ')} (needs g++, make, python3 and the headers from scripts/setup-system.sh)`);
    forceSymlink('node_modules', join(vs, 'node_modules.asar'));
    forceSymlink('code-linux.sh', join(vs, 'bin', 'remote-cli', 'code-server'));
    forceSymlink('browser-linux.sh', join(vs, 'bin', 'helpers', 'browser.sh'));
    run('npm', ['install', '--omit=dev', '--ignore-scripts'], join(vs, 'extensions'));
    run('npm', ['rebuild', 'argon2'], tmp); // hoisted to the top-level node_modules
    if (!existsSync(join(tmp, 'node_modules', 'argon2', 'lib', 'binding')))
      log('warning: argon2 did not build (only needed for password auth, which we do not use)');

    writeFileSync(join(tmp, MARKER), `${CODE_SERVER_VERSION}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    if (!quiet) log(`code-server ${CODE_SERVER_VERSION} installed in ${secs} s`);
    return dir;
  });
}

/** Writes User/settings.json for a quiet workbench: no welcome page, trust prompt, update or telemetry traffic. */
export function writeUserSettings(userDataDir, extra = {}) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    ...extra,
  };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** Installs a .vsix into extensionsDir the way a user does (`code-server --install-extension`), bounded. */
export async function installExtension(vsix, { userDataDir, extensionsDir, timeoutMs = 120_000 }) {
  const dir = await ensureCodeServer();
  mkdirSync(userDataDir, { recursive: true });
  const configFile = join(userDataDir, 'code-server-config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  try {
    return execFileSync(
      process.execPath,
      [codeServerEntry(dir), '--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, encoding: 'utf8' },
    );
  } catch (err) {
    const why = err.signal === 'SIGTERM' ? `timed out after ${timeoutMs / 1000} s` : `exit ${err.status}`;
    throw new Error(
      `installing ${vsix} into code-server failed (${why}): ${String(err.stderr || err.stdout || '')
        .trim()
        .split('\n')
        .slice(-3)
        .join(' | ')}`,
    );
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function answers(url) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
    await r.arrayBuffer();
    return r.status > 0 && r.status < 500;
  } catch {
    return false;
  }
}

/**
 * Starts code-server on 127.0.0.1 and waits (bounded) until it answers HTTP.
 * Returns { url, port, proc, stop() }; stop() ends only the process group it started.
 */
export async function startCodeServer({ port, userDataDir, extensionsDir, workspace, extraArgs = [], timeoutMs = 90_000, onOutput } = {}) {
  if (!userDataDir || !extensionsDir) throw new Error('startCodeServer needs userDataDir and extensionsDir');
  const dir = await ensureCodeServer();
  const p = port ?? (await freePort());
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  // Our own config file: a user's ~/.config/code-server/config.yaml (password, cert, bind address)
  // must not change how the tests or `npm start` run, and we do not write into it.
  const configFile = join(userDataDir, 'code-server-config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const args = [
    codeServerEntry(dir),
    '--config',
    configFile,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${p}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    ...extraArgs,
  ];
  if (workspace) args.push(workspace);
  const proc = spawn(process.execPath, args, {
    // Its own process group, so stop() can end code-server and the extension hosts it forks.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VSCODE_PROXY_URI: '', CS_DISABLE_FILE_DOWNLOADS: '', DONT_PROMPT_WSL_INSTALL: '1' },
  });
  let output = '';
  const collect = (chunk) => {
    const s = chunk.toString();
    output = (output + s).slice(-20_000);
    onOutput?.(s);
  };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  let exited = null;
  const exitPromise = new Promise((r) =>
    proc.on('exit', (code, signal) => {
      exited = { code, signal };
      r();
    }),
  );

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exited) return;
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const t = setTimeout(() => {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 5000);
    await exitPromise;
    clearTimeout(t);
    // Children (extension host, language server) may outlive the main process for a moment.
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* group empty */
    }
  };

  const url = `http://127.0.0.1:${p}/`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`code-server exited early (code ${exited.code}, signal ${exited.signal}); its output:\n${output}`);
    if (await answers(`${url}healthz`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within ${timeoutMs / 1000} s; its output:\n${output}`);
    }
    await sleep(250);
  }
  return { url, port: p, proc, stop, output: () => output };
}

// CLI
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'install';
  try {
    if (cmd === 'install') {
      const t0 = Date.now();
      const dir = await ensureCodeServer();
      log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      process.stdout.write(`${dir}\n`);
    } else if (cmd === 'path') {
      process.stdout.write(`${codeServerEntry(await ensureCodeServer())}\n`);
    } else {
      process.stderr.write('usage: node scripts/code-server-host.mjs [install|path]\n');
      process.exit(2);
    }
  } catch (err) {
    process.stderr.write(`code-server-host: ${err.message}\n`);
    process.exit(1);
  }
}
