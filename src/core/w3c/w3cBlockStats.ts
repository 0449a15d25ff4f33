// Statistics per #Fields block of a W3C log (from its header to the next #Fields), for the
// CodeLens, the Outline and the Log Analysis view: requests, 401s, BAD_BINDINGS, failed
// authentications and the URI and client that failed most.
import type { W3cLayout } from './w3cFields';
import type { W3cRecord } from './w3cScanner';

/** Lines of failed authentications kept per block. */
export const MAX_FAILURE_LINES = 1000;

export interface W3cTop {
  value: string;
  count: number;
}

/** Statistics of one #Fields block (from its header to the next #Fields), for CodeLens and Outline. */
export interface W3cBlockStats {
  layoutIndex: number;
  /** 1-based line of the #Fields directive (0: implicit default layout). */
  fieldsLine: number;
  /** 1-based first line of the header block. */
  headerLine: number;
  /** 1-based last line that belongs to the block. */
  lastLine: number;
  fieldCount: number;
  requests: number;
  malformed: number;
  status401: number;
  badBindings: number;
  /** Failed authentications: 401s other than the normal handshake legs (401.2, 401.1 SEC_E_NO_CREDENTIALS). */
  failures: number;
  topFailingUri: W3cTop | null;
  topFailingClient: W3cTop | null;
  /** Lines of the failed authentications (at most 1000). */
  failureLines: number[];
}

export interface BlockAcc {
  stats: W3cBlockStats;
  uris: Map<string, number>;
  clients: Map<string, number>;
}

/** A failed authentication (a 401 other than the normal handshake legs) of the block. */
export function countFailure(b: BlockAcc, rec: W3cRecord): void {
  const col = rec.layout!.columns;
  b.stats.failures++;
  if (b.stats.failureLines.length < MAX_FAILURE_LINES) b.stats.failureLines.push(rec.line);
  const u = rec.str(col.uriStem >= 0 ? col.uriStem : col.uri);
  b.uris.set(u, (b.uris.get(u) ?? 0) + 1);
  const c = rec.str(col.cIp);
  b.clients.set(c, (b.clients.get(c) ?? 0) + 1);
}

export class BlockStatsBuilder {
  readonly layouts: W3cLayout[] = [];
  private readonly blocks: BlockAcc[] = [];
  /** The block the last line belonged to. */
  current: BlockAcc | null = null;

  start(layout: W3cLayout): void {
    this.layouts.push(layout);
    // the previous block ends right before this block's header
    if (this.current && layout.headerLine - 1 >= this.current.stats.fieldsLine) this.current.stats.lastLine = layout.headerLine - 1;
    const acc: BlockAcc = {
      stats: {
        layoutIndex: layout.index,
        fieldsLine: layout.fieldsLine,
        headerLine: layout.headerLine,
        lastLine: layout.fieldsLine,
        fieldCount: layout.fields.length,
        requests: 0,
        malformed: 0,
        status401: 0,
        badBindings: 0,
        failures: 0,
        topFailingUri: null,
        topFailingClient: null,
        failureLines: [],
      },
      uris: new Map(),
      clients: new Map(),
    };
    this.blocks.push(acc);
    this.current = acc;
  }

  /** The block of a data line (lines before any #Fields start an implicit block with the default layout). */
  forRecord(rec: W3cRecord): BlockAcc | null {
    const lay = rec.layout;
    if (lay && (!this.current || this.current.stats.layoutIndex !== lay.index || lay.fieldsLine === 0)) {
      if (lay.fieldsLine === 0 && !this.layouts.includes(lay)) {
        this.start(lay);
        this.current!.stats.headerLine = rec.line;
      }
    }
    return this.current;
  }

  /** The statistics, with the top failing URI and client of each block. */
  result(): W3cBlockStats[] {
    return this.blocks.map((b) => {
      b.stats.topFailingUri = top(b.uris);
      b.stats.topFailingClient = top(b.clients);
      return b.stats;
    });
  }

  reset(): void {
    this.layouts.length = 0;
    this.blocks.length = 0;
    this.current = null;
  }
}

function top(m: Map<string, number>): W3cTop | null {
  let best: W3cTop | null = null;
  for (const [value, count] of m) if (!best || count > best.count || (count === best.count && value < best.value)) best = { value, count };
  return best;
}
