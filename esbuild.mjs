// One build for every bundle: the extension client, the language server, the CLI, workers,
// webview scripts, the WebAssembly kernel (src/wasm, AssemblyScript) and (outside --production)
// the e2e test suite. `--kernel` builds the kernel alone (for the unit tests).
import * as esbuild from 'esbuild';
import asc from 'assemblyscript/asc';
import { readdirSync, existsSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
const watch = process.argv.includes('--watch');

/** Every file under dir whose name matches re, so new workers and webviews need no edit here. */
function discover(dir, re) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => re.test(f))
    .map((f) => join(dir, f));
}

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};
const nodeCommon = { ...common, platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'] };

const builds = [
  { ...nodeCommon, entryPoints: { client: 'src/client/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...nodeCommon, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist' },
  {
    ...nodeCommon,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    define: { __VERSION__: JSON.stringify(version) },
  },
];
const workers = discover('src', /Worker\.ts$/);
if (workers.length) builds.push({ ...nodeCommon, entryPoints: workers, outdir: 'dist', entryNames: '[name]', external: ['vscode'] });
const webviews = discover('src/webview', /^[^/]+\.ts$/);
if (webviews.length)
  builds.push({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: webviews, outdir: 'dist/webview', entryNames: '[name]' });
if (!production) {
  const e2e = discover('test/e2e', /\.ts$/);
  if (e2e.length) builds.push({ ...nodeCommon, bundle: false, entryPoints: e2e, outdir: 'out/test/e2e', outbase: 'test/e2e', sourcemap: 'inline' });
}

/**
 * src/wasm/w3cKernel.ts to dist/w3cKernel.wasm (loaded by src/core/w3c/w3cKernel.ts beside the
 * bundles). Its fixed tables and chunks lie below 16 MiB (--memoryBase), the arena for open
 * handshakes above; the memory never grows (JavaScript keeps views on it).
 */
async function buildWasm() {
  const args = [
    'src/wasm/w3cKernel.ts',
    '-O3',
    '--runtime',
    'stub',
    '--enable',
    'simd',
    '--noAssert',
    '--use',
    'abort=',
    '--memoryBase',
    String(16 << 20),
    '--initialMemory',
    '2304',
    '--maximumMemory',
    '2304',
    '-o',
    'dist/w3cKernel.wasm',
  ];
  const out = [];
  const sink = {
    write: (s) => {
      out.push(String(s));
      return true;
    },
  };
  const { error } = await asc.main(args, { stdout: sink, stderr: sink });
  if (error) throw new Error(`asc src/wasm/w3cKernel.ts: ${error.message}\n${out.join('')}`);
}

if (process.argv.includes('--kernel')) {
  await buildWasm();
  process.exit(0);
}

if (!watch) rmSync('dist', { recursive: true, force: true });
await buildWasm();
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
