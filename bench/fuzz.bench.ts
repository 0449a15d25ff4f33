// Token fuzzer at scale: 1,000,000 seeded random and mutated inputs through decodeToken.
// Prints throughput, the slowest single call, and the ratio against a baseline measured in the
// same run (generating the input and base64-decoding it, without any token decoding).
// `node --import tsx bench/fuzz.bench.ts [N]`
import { performance } from 'node:perf_hooks';
import { decodeToken } from '../src/core/authHeader';
import { loadSeeds, mulberry32, nextInput } from '../test/unit/tokenFuzzGen';

const N = Number(process.argv[2] ?? 1_000_000);
const seeds = loadSeeds();

function baseline(): number {
  const rnd = mulberry32(1);
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = nextInput(rnd, seeds);
    sink += Buffer.from(s.slice(s.lastIndexOf(' ') + 1), 'base64').length;
  }
  const ms = performance.now() - t0;
  if (sink < 0) console.log(sink);
  return ms;
}

function fuzz(): { ms: number; worst: number; worstInput: string; errors: number; thrown: number; mech: Record<string, number>; times: Float64Array } {
  const times = new Float64Array(N);
  const rnd = mulberry32(1);
  let worst = 0;
  let worstInput = '';
  let errors = 0;
  let thrown = 0;
  const mech: Record<string, number> = {};
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = nextInput(rnd, seeds);
    const c0 = performance.now();
    try {
      const r = decodeToken(s);
      if (r.error) errors++;
      mech[r.mechanism] = (mech[r.mechanism] ?? 0) + 1;
    } catch {
      thrown++;
    }
    const dt = performance.now() - c0;
    times[i] = dt;
    if (dt > worst) {
      worst = dt;
      worstInput = s;
    }
  }
  return { ms: performance.now() - t0, worst, worstInput, errors, thrown, mech, times };
}

const base = baseline();
const f = fuzz();
console.log(`inputs                 ${N}`);
console.log(`baseline (gen+base64)  ${base.toFixed(0)} ms`);
console.log(`fuzz decodeToken       ${f.ms.toFixed(0)} ms  (${(N / (f.ms / 1000)).toFixed(0)} inputs/s, ${(f.ms / base).toFixed(2)}x baseline)`);
const sorted = Float64Array.from(f.times).sort();
const pct = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(3);
console.log(`per call (ms)          p50 ${pct(0.5)}  p99 ${pct(0.99)}  p99.9 ${pct(0.999)}  p99.99 ${pct(0.9999)}`);
console.log(
  `slowest call           ${f.worst.toFixed(2)} ms  ${JSON.stringify(f.worstInput.slice(0, 80))} (includes GC pauses and scheduling on a shared machine)`,
);
console.log(`rejected with error    ${f.errors} (${((100 * f.errors) / N).toFixed(1)}%)`);
console.log(`exceptions escaped     ${f.thrown}`);
console.log(`mechanisms             ${JSON.stringify(f.mech)}`);
process.exitCode = f.thrown === 0 ? 0 : 1;
