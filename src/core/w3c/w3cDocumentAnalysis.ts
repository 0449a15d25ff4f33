// The analysis of an open W3C log for the editor: the per-line model (w3cEditorModel.ts), the
// findings and the per-`#Fields`-block statistics, from one pass of the shared scanner.
import type { Finding } from '../findings';
import { buildW3cEditorModel, type W3cEditorModel } from './w3cEditorModel';
import { W3cAnalyzer, type W3cAnalysis } from './w3cFindings';

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

export function analyzeW3cDocument(text: string | Buffer, opts: W3cDocumentOptions = {}): W3cDocumentAnalysis {
  const t0 = performance.now();
  const handshakeWindowSeconds = opts.handshakeWindowSeconds ?? 120;
  const analyzer = new W3cAnalyzer({ handshakeWindowSeconds });
  const model = buildW3cEditorModel(text, analyzer);
  const result = analyzer.finishAnalysis(model.buf.length, model.lineCount);
  const blocks = blockStats(result, model.lineCount);
  return { model, findings: result.findings, blocks, handshakeWindowSeconds, ms: performance.now() - t0 };
}

/** The editor's view of the analyzer's blocks: contiguous line ranges, findings counted per block. */
export function blockStats(a: W3cAnalysis, lineCount: number): W3cBlockStats[] {
  const src = a.blocks;
  const blocks = src.map((b, i): W3cBlockStats => {
    const headerLine = b.fieldsLine ? b.headerLine || b.fieldsLine : Math.max(1, b.headerLine);
    const next = src[i + 1];
    const nextHeader = next ? (next.fieldsLine ? next.headerLine || next.fieldsLine : next.headerLine) : lineCount + 1;
    const lay = a.layouts.find((l) => l.index === b.layoutIndex);
    const uri = b.topFailingUri?.value;
    return {
      index: i + 1, fieldsLine: b.fieldsLine, headerLine, endLine: Math.max(headerLine, nextHeader - 1),
      fields: lay?.fields ?? [], requests: b.requests, status401: b.status401, badBindings: b.badBindings, malformed: b.malformed,
      findings: 0,
      topFailing: uri ? { uri, clientIp: b.topFailingClient && b.topFailingClient.value !== '-' ? b.topFailingClient.value : null, count: b.topFailingUri!.count } : null,
    };
  });
  for (const f of a.findings) {
    const blk = blockOfLine(blocks, f.line);
    if (blk) blk.findings++;
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
