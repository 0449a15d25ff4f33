// The CLI's fixed cost before any analysis, against `node -e 0` measured in the same run
// (interleaved runs, median of ROUNDS each; a shared machine drifts, interleaving spreads it):
//   --version, --help   the registry only (src/cli/commands.ts): no subcommand module is evaluated
//   analyze --summary --json on a small W3C log   the analyze graph only (no FREB parser, no token
//                       decoders, no probe), plus the W3C analysis of 19 lines
//   decode of an NTLM NEGOTIATE token   the decode graph only
// The bundle is built as dist/cli.js is (esbuild, one CJS file), into a temporary folder.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../test/support/cliProcess';

const ROOT = join(__dirname, '..');
const ROUNDS = Number(process.env.CLI_BENCH_ROUNDS ?? 20);
const LOG = join(ROOT, 'test', 'fixtures', 'w3c', 'exchange-iis10-edge-cases.log');
const NEGOTIATE = 'TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==';

function runMs(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${r.status}: ${String(r.stderr)}`);
  return ms;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function mainBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-startup-'));
  try {
    const cli = join(dir, 'cli.js');
    await buildCli(cli);
    // the W3C analysis looks for the WebAssembly kernel beside the bundle (else it runs the JavaScript path)
    const wasm = join(ROOT, 'dist', 'w3cKernel.wasm');
    if (existsSync(wasm)) copyFileSync(wasm, join(dir, 'w3cKernel.wasm'));
    else console.log('(no dist/w3cKernel.wasm: analyze runs the JavaScript path; `node esbuild.mjs --kernel` builds it)');

    const cases: [string, string[]][] = [
      ['node -e 0 (baseline)', ['-e', '0']],
      ['cli --version', [cli, '--version']],
      ['cli --help', [cli, '--help']],
      ['cli analyze --summary --json (19 lines)', [cli, 'analyze', '--summary', '--json', LOG]],
      ['cli decode --json NEGOTIATE', [cli, 'decode', '--json', NEGOTIATE]],
    ];
    const times = cases.map(() => [] as number[]);
    for (let w = 0; w < 2; w++) for (const [, a] of cases) runMs(a);
    for (let r = 0; r < ROUNDS; r++) cases.forEach(([, a], i) => times[i].push(runMs(a)));
    const base = median(times[0]);
    console.log(`${ROUNDS} interleaved runs each, median wall time`);
    cases.forEach(([name], i) => {
      const m = median(times[i]);
      const extra = i === 0 ? '' : `  +${(m - base).toFixed(1)} ms over node, ratio ${(m / base).toFixed(2)}`;
      console.log(`  ${name.padEnd(42)} ${m.toFixed(1).padStart(7)} ms${extra}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

mainBench().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
