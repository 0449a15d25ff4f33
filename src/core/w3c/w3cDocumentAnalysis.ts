// The analysis of an open W3C log for the editor: the per-line model (w3cEditorModel.ts), the
// findings and the per-`#Fields`-block statistics, from one pass of the shared scanner.
import type { Finding } from '../findings';
import type { W3cScanHandler, W3cRecord } from './w3cScanner';
import { buildW3cEditorModel, type W3cEditorModel } from './w3cEditorModel';
import type { W3cLayout } from './w3cFields';

export const BAD_BINDINGS_CODES: ReadonlySet<number> = new Set([2148074310, 3221226331]);

/** Statistics of one `#Fields` block (a layout and the lines until the next header). */
export interface W3cBlockStats {
  /** 1-based block number. */
  index: number;
  /** 1-based line of the `#Fields` directive (0 for data before any #Fields read with the IIS default layout). */
  fieldsLine: number;
  /** 1-based first line of the header block (`#Software` ...), or fieldsLine. */
  headerLine: number;
  /** 1-based last line of the block. */
  endLine: number;
  fields: string[];
  requests: number;
  status401: number;
  badBindings: number;
  malformed: number;
  findings: number;
  topFailing: { uri: string; clientIp: string | null; count: number } | null;
}

export interface W3cDocumentAnalysis {
  model: W3cEditorModel;
  findings: Finding[];
  blocks: W3cBlockStats[];
  handshakeWindowSeconds: number;
  /** Milliseconds the scan and analysis took. */
  ms: number;
}

export interface W3cDocumentOptions {
  handshakeWindowSeconds?: number;
}

export class BlockCounter implements W3cScanHandler {
  readonly blocks = new Map<number, { requests: number; status401: number; badBindings: number; malformed: number; fails: Map<string, Map<string, number>> }>();

  private block(layoutIndex: number) {
    let b = this.blocks.get(layoutIndex);
    if (!b) {
      b = { requests: 0, status401: 0, badBindings: 0, malformed: 0, fails: new Map() };
      this.blocks.set(layoutIndex, b);
    }
    return b;
  }

  onRecord(r: W3cRecord): void {
    const lay = r.layout!;
    const b = this.block(lay.index);
    b.requests++;
    const c = lay.columns;
    if (r.num(c.status) !== 401) return;
    b.status401++;
    const w = r.num(c.win32);
    if (BAD_BINDINGS_CODES.has(w)) b.badBindings++;
    const uri = c.uriStem >= 0 ? r.str(c.uriStem) : c.uri >= 0 ? r.str(c.uri).split('?')[0]! : '-';
    const ip = c.cIp >= 0 ? r.str(c.cIp) : '-';
    let byIp = b.fails.get(uri);
    if (!byIp) { byIp = new Map(); b.fails.set(uri, byIp); }
    byIp.set(ip, (byIp.get(ip) ?? 0) + 1);
  }

  onMalformed(r: W3cRecord): void {
    if (r.layout) this.block(r.layout.index).malformed++;
  }
}

export function analyzeW3cDocument(text: string | Buffer, opts: W3cDocumentOptions = {}): W3cDocumentAnalysis {
  const t0 = performance.now();
  const handshakeWindowSeconds = opts.handshakeWindowSeconds ?? 120;
  const counter = new BlockCounter();
  const findingsSink = createFindingsCollector(handshakeWindowSeconds);
  const model = buildW3cEditorModel(text, fanOut([counter, findingsSink.handler]));
  const findings = findingsSink.finish();

  const blocks = blockStats(model.layouts, counter, model.lineCount);
  // Findings per block by line.
  for (const f of findings) {
    const blk = blockOfLine(blocks, f.line);
    if (blk) blk.findings++;
  }
  return { model, findings, blocks, handshakeWindowSeconds, ms: performance.now() - t0 };
}

/** The per-block statistics from the layouts of a scan and its BlockCounter (findings counted by the caller). */
export function blockStats(lays: W3cLayout[], counter: BlockCounter, lineCount: number): W3cBlockStats[] {
  const blocks: W3cBlockStats[] = [];
  for (let i = 0; i < lays.length; i++) {
    const lay = lays[i]!;
    const next = lays[i + 1];
    const headerLine = lay.fieldsLine ? lay.headerLine || lay.fieldsLine : 1;
    const endLine = next ? Math.max(headerLine, (next.headerLine || next.fieldsLine || lineCount + 1) - 1) : lineCount;
    const b = counter.blocks.get(lay.index);
    let top: W3cBlockStats['topFailing'] = null;
    if (b) {
      for (const [uri, byIp] of b.fails) {
        let n = 0, bestIp: string | null = null, bestN = 0;
        for (const [ip, k] of byIp) { n += k; if (k > bestN) { bestN = k; bestIp = ip; } }
        if (!top || n > top.count) top = { uri, clientIp: bestIp === '-' ? null : bestIp, count: n };
      }
    }
    blocks.push({
      index: i + 1, fieldsLine: lay.fieldsLine, headerLine, endLine, fields: lay.fields,
      requests: b?.requests ?? 0, status401: b?.status401 ?? 0, badBindings: b?.badBindings ?? 0, malformed: b?.malformed ?? 0,
      findings: 0, topFailing: top,
    });
  }
  return blocks;
}

/** The block that holds a 1-based line (binary search over headerLine). */
export function blockOfLine(blocks: W3cBlockStats[], line: number): W3cBlockStats | undefined {
  let lo = 0, hi = blocks.length - 1, hit: W3cBlockStats | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (blocks[mid]!.headerLine <= line) { hit = blocks[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  return hit ?? blocks[0];
}

export function fanOut(handlers: W3cScanHandler[]): W3cScanHandler {
  return {
    onDirective: (r, n, v, l) => { for (const h of handlers) h.onDirective?.(r, n, v, l); },
    onRecord: (r) => { for (const h of handlers) h.onRecord(r); },
    onMalformed: (r, reason) => { for (const h of handlers) h.onMalformed(r, reason); },
    onBlank: (r) => { for (const h of handlers) h.onBlank?.(r); },
  };
}

/** Findings from B1's analyzer (placeholder until its API lands: MALFORMED_LINE and the win32 codes). */
export function createFindingsCollector(_windowSeconds: number): { handler: W3cScanHandler; finish(): Finding[] } {
  const out: Finding[] = [];
  return {
    handler: {
      onRecord() { /* wired to the core analyzer */ },
      onMalformed(r, reason) {
        out.push({ line: r.line, code: 'MALFORMED_LINE', severity: 'warning', message: `Line does not fit its #Fields: ${reason}` });
      },
    },
    finish: () => out,
  };
}
