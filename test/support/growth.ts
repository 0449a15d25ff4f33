// Bounded-time tests measure how the cost grows, never an absolute time: a shared, loaded machine
// makes absolute times flaky, but a linear routine stays about 4 times slower on 4 times the input
// while a quadratic one is 16 times slower (and a backtracking regex far more).
// Times are the process's CPU time (user + system), not the wall clock: other work on the machine
// stretches the wall clock of a run by whatever the scheduler decides, but hardly its CPU time.

/** The CPU milliseconds (user + system, this process) that fn took, and what it returned. */
export function cpuTimed<R>(fn: () => R): { ms: number; value: R } {
  const t0 = process.cpuUsage();
  const value = fn();
  const d = process.cpuUsage(t0);
  return { ms: (d.user + d.system) / 1000, value };
}

/** Best-of-`runs` CPU milliseconds of fn(input). */
export function bestMs<T>(input: T, fn: (input: T) => unknown, runs = 3): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) best = Math.min(best, cpuTimed(() => fn(input)).ms);
  return best;
}

/**
 * The time of fn on make(4n) divided by the time on make(n), best of a few runs each. n starts at
 * `n` and doubles until one run on make(n) takes at least `minMs` (timer noise and warm-up would
 * otherwise dominate) or n reaches `maxN`. A linear routine gives about 4; callers accept up to
 * 10 or so, well below the 16 of a quadratic one.
 */
export function growthRatio<T>(make: (n: number) => T, fn: (input: T) => unknown, n: number, opts: { minMs?: number; maxN?: number } = {}): Growth {
  const minMs = opts.minMs ?? 25;
  const maxN = opts.maxN ?? n * 1024;
  let a = make(n);
  fn(a);
  let small = bestMs(a, fn);
  while (small < minMs && n * 2 <= maxN) {
    n *= 2;
    a = make(n);
    fn(a);
    small = bestMs(a, fn);
  }
  const b = make(4 * n);
  const large = bestMs(b, fn, 2);
  return { n, ratio: large / Math.max(small, 0.05), small, large };
}

export interface Growth {
  n: number;
  ratio: number;
  small: number;
  large: number;
}

export function describeGrowth(g: Growth): string {
  return `n=${g.n}: ${g.small.toFixed(1)} ms, 4n: ${g.large.toFixed(1)} ms, ratio ${g.ratio.toFixed(1)} (linear about 4, quadratic 16)`;
}

/**
 * Fails unless fn grows at most `limit` times on 4 times the input. A loaded machine can make one
 * measurement look worse than it is, so up to three measurements are taken and the best counts;
 * a quadratic routine never gets below 16, a backtracking regex far above.
 */
export function assertSubQuadratic<T>(
  label: string,
  make: (n: number) => T,
  fn: (input: T) => unknown,
  n: number,
  opts: { limit?: number; minMs?: number; maxN?: number } = {},
): Growth {
  const limit = opts.limit ?? 10;
  let best: Growth | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const g = growthRatio(make, fn, n, opts);
    if (!best || g.ratio < best.ratio) best = g;
    // Still under minMs at the largest n allowed: fast at that size, so the ratio is timer and GC noise.
    if (g.ratio <= limit || (g.n * 2 > (opts.maxN ?? n * 1024) && g.small < (opts.minMs ?? 25))) return g;
  }
  throw new Error(`${label}: grows faster than linear: ${describeGrowth(best!)}`);
}
