// The excerpt of a log on disk around one line (header block + window), read through the file
// pipeline (gzip by magic bytes, UTF-16, CR-only line ends) so the line numbers are the ones the
// findings name. Reads from the start only as far as the window's end.
import type { PathLike } from 'node:fs';
import { logChunks } from './logFiles';
import { ExcerptCollector, type LogExcerpt } from '../core/files/logExcerpt';

export async function readLogExcerpt(file: PathLike, focus: number, before = 10, after = 10, signal?: AbortSignal): Promise<LogExcerpt> {
  const c = new ExcerptCollector(focus, before, after);
  const input = logChunks(file, signal ? { signal } : {});
  let carry: Buffer | null = null;
  try {
    for await (const chunk of input) {
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = null;
      let pos = 0;
      for (;;) {
        const lf = buf.indexOf(10, pos);
        if (lf < 0) {
          carry = buf.subarray(pos);
          break;
        }
        const end = lf > pos && buf[lf - 1] === 13 ? lf - 1 : lf;
        // lines before the window are only looked at for header directives (no decode per line)
        const text = buf[pos] === 35 || c.wantsText() ? buf.toString('utf8', pos, end) : '';
        if (!c.push(text)) return c.result();
        pos = lf + 1;
      }
    }
    if (carry?.length) c.push(carry.toString('utf8').replace(/\r$/, ''));
    return c.result();
  } finally {
    await input.return(undefined);
  }
}
