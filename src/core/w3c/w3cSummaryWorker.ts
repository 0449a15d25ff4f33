// Worker thread of the parallel `analyze --summary` path (w3cParallel.ts). It may be started
// before the file is known (while the main thread still reads the arguments), then waits for a
// job: the plan of the file and the shared claim table. It joins unless the main thread has already
// finished without it, counts the units it claims (w3cSummaryUnits.ts), and posts its ranges; then
// it waits for the next job. A middle range first reads a lead-in to rebuild the directive and
// handshake state at its start; the main thread checks that state against the end of the range
// before it.
import { parentPort } from 'node:worker_threads';
import { countClaimedUnits, join, type SummaryPlan, type SummaryShared } from './w3cSummaryUnits';

interface Job {
  type: 'job';
  plan: SummaryPlan;
  shared: SummaryShared;
  thread: number;
}

parentPort!.on('message', (m: Job) => {
  if (m.type !== 'job') return;
  try {
    const ranges = join(new Int32Array(m.shared.claims), m.thread)
      ? countClaimedUnits(m.plan, m.shared, m.thread, (bytes) => parentPort!.postMessage({ type: 'progress', bytes }))
      : [];
    parentPort!.postMessage({ type: 'done', ranges });
  } catch (err) {
    parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
