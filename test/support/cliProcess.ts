// Plumbing shared by the tests that run the CLI as a process against servers they start: a free
// loopback port, waiting for a port to open, building the CLI bundle, and one bounded CLI run.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

const root = join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} did not open within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Bundles src/cli/main.ts to outfile, as esbuild.mjs builds dist/cli.js (package version included).
 * `worker: true` also bundles the parallel --summary worker beside it, where the CLI looks for it.
 */
export async function buildCli(outfile: string, opts: { worker?: boolean } = {}): Promise<void> {
  const node: BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'error' };
  await build({ ...node, entryPoints: [join(root, 'src', 'cli', 'main.ts')], outfile, define: { __VERSION__: JSON.stringify(version) } });
  if (opts.worker)
    await build({ ...node, entryPoints: [join(root, 'src', 'core', 'w3c', 'w3cSummaryWorker.ts')], outfile: join(dirname(outfile), 'w3cSummaryWorker.js') });
}

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

/** Runs `node cli ...args` with stdin, killed after 30 s. */
export function runCliProcess(cli: string, args: string[], stdin: string | null): Promise<CliRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '',
      err = '';
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    p.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), 30000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, ms: Date.now() - t0 });
    });
    p.stdin.end(stdin ?? undefined);
  });
}
