// Worker thread for "Find FREB traces...": runs searchFreb off the extension host's event loop.
// Protocol: in { type: 'search', folder, filter } | { type: 'cancel' };
// out { type: 'progress', ...FrebSearchProgress } | { type: 'done', result } | { type: 'error', message }.
import { parentPort } from 'node:worker_threads';
import { searchFreb } from './frebSearch';
import type { FrebFilter } from './frebFilter';

export type FrebWorkerRequest = { type: 'search'; folder: string; filter: FrebFilter } | { type: 'cancel' };

const port = parentPort;
if (port) {
  const abort = new AbortController();
  port.on('message', (msg: FrebWorkerRequest) => {
    if (msg.type === 'cancel') {
      abort.abort();
      return;
    }
    searchFreb(msg.folder, msg.filter, {
      signal: abort.signal,
      progressIntervalMs: 150,
      onProgress: (p) => port.postMessage({ type: 'progress', ...p }),
    }).then(
      (result) => port.postMessage({ type: 'done', result }),
      (err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  });
}
