// Worker thread of the parallel `analyze --summary` path (w3cParallel.ts): counts one byte range
// of a plain W3C log. A middle range first reads a lead-in (the bytes just before it) to rebuild
// the directive and handshake state in force at its start; the main thread checks that state
// against the end state of the range before and falls back to one sequential pass when they differ.
import { parentPort, workerData } from 'node:worker_threads';
import { runSummaryRange, type SummaryRangeJob } from './w3cSummaryRange';

const job = workerData as SummaryRangeJob;
try {
  const r = runSummaryRange(job, (bytes) => parentPort!.postMessage({ type: 'progress', bytes }));
  parentPort!.postMessage({ type: 'done', result: r });
} catch (err) {
  parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
