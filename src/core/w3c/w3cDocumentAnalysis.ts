// What the editor features need of an open W3C log, on top of the core's document model
// (w3cDocument.ts: one scan gives per-line field spans and the analysis): contiguous line ranges
// per `#Fields` block with their statistics, and the client that failed most at the block's top
// failing URI.
import type { Finding } from '../findings';
import type { W3cAnalysis } from './w3cFindings';
import { parseW3cDocument, type W3cDocumentModel } from './w3cDocument';
import { DEFAULT_HANDSHAKE_WINDOW_SECONDS } from '../findings';

/** Statistics of one `#Fields` block (a layout and the lines until the next header). */
export interface W3cBlockStats {
  /** 1-based block number. */
  index: number;
  /** 1-based line of the `#Fields` directive (0 for data before any #Fields, read with the IIS default layout). */
  fieldsLine: number;
  /** 1-based first line of the header block (`#Software` ...), or fieldsLine. */
  headerLine: number;
  /** 1-based last line of the block (the line before the next header block). */
  endLine: number;
  fields: string[];
  requests: number;
  status401: number;
  badBindings: number;
  malformed: number;
  findings: number;
  /** URI with the most failed authentications (401s other than the normal handshake legs) and the client that failed most there. */
  topFailing: { uri: string; clientIp: string | null; count: number } | null;
}

export interface W3cDocumentAnalysis {
  model: W3cDocumentModel;
  findings: Finding[];
  blocks: W3cBlockStats[];
  handshakeWindowSeconds: number;
  /** Milliseconds the scan and analysis took. */
  ms: number;
  /**
   * Editor line (0-based) of each log line (index = line - 1), only when the text holds lone CRs:
   * the log's lines end at LF (as the CLI counts them), editors also break at a lone CR.
   */
  docLineOf?: Int32Array;
}

export interface W3cDocumentOptions {
  handshakeWindowSeconds?: number;
}

export function analyzeW3cDocument(text: string, opts: W3cDocumentOptions = {}): W3cDocumentAnalysis {
  const t0 = performance.now();
  const handshakeWindowSeconds = opts.handshakeWindowSeconds ?? DEFAULT_HANDSHAKE_WINDOW_SECONDS;
  const model = parseW3cDocument(text, { handshakeWindowSeconds });
  const blocks = blockStats(model.analysis, model.lineCount, model);
  const out: W3cDocumentAnalysis = { model, findings: model.analysis.findings, blocks, handshakeWindowSeconds, ms: 0 };
  if (hasLoneCr(text)) out.docLineOf = editorLines(text, model.lineCount);
  out.ms = performance.now() - t0;
  return out;
}

/** A CR that is not part of a CRLF (~10 ms on 50 MB: only CRs are visited). */
function hasLoneCr(text: string): boolean {
  for (let p = text.indexOf('\r'); p >= 0; p = text.indexOf('\r', p + 1)) if (text.charCodeAt(p + 1) !== 10) return true;
  return false;
}

/** Editor line of every LF-terminated line, counting lone CRs as the editor does. */
function editorLines(text: string, lines: number): Int32Array {
  const map = new Int32Array(lines);
  let doc = 0,
    p = 0;
  for (let l = 0; l < lines; l++) {
    map[l] = doc;
    const lf = text.indexOf('\n', p);
    const end = lf < 0 ? text.length : lf;
    for (let cr = text.indexOf('\r', p); cr >= 0 && cr < end; cr = text.indexOf('\r', cr + 1)) {
      if (cr + 1 < end) doc++; // a CR not directly before the LF breaks the editor's line
    }
    doc++;
    p = end + 1;
  }
  return map;
}

/** Editor line (0-based) of a 1-based log line. */
export function docLine(a: W3cDocumentAnalysis, line: number): number {
  return a.docLineOf ? (a.docLineOf[line - 1] ?? line - 1) : line - 1;
}

/** 1-based log line that holds the editor line (0-based). */
export function logLine(a: W3cDocumentAnalysis, editorLine: number): number {
  const map = a.docLineOf;
  if (!map) return editorLine + 1;
  let lo = 0,
    hi = map.length - 1,
    hit = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid]! <= editorLine) {
      hit = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return hit + 1;
}

/**
 * The editor's view of the analyzer's blocks: contiguous line ranges, findings counted per block.
 * With the document model, the top failing client is the one that failed most at the top URI
 * (from the block's failure lines); without it, the analyzer's overall top client.
 */
export function blockStats(a: W3cAnalysis, lineCount: number, model?: W3cDocumentModel): W3cBlockStats[] {
  const src = a.blocks;
  const blocks = src.map((b, i): W3cBlockStats => {
    const headerLine = b.fieldsLine ? b.headerLine || b.fieldsLine : Math.max(1, b.headerLine);
    const next = src[i + 1];
    const nextHeader = next ? (next.fieldsLine ? next.headerLine || next.fieldsLine : next.headerLine) : lineCount + 1;
    const lay = a.layouts.find((l) => l.index === b.layoutIndex);
    let topFailing: W3cBlockStats['topFailing'] = null;
    const uri = b.topFailingUri?.value;
    if (uri) {
      let clientIp: string | null = b.topFailingClient?.value ?? null;
      if (model) {
        const byIp = new Map<string, number>();
        for (const l of b.failureLines) {
          const u = model.value(l, 'cs-uri-stem') || (model.value(l, 'cs-uri').split('?')[0] ?? '');
          if (u !== uri) continue;
          const ip = model.value(l, 'c-ip');
          byIp.set(ip, (byIp.get(ip) ?? 0) + 1);
        }
        let best = 0,
          bestIp: string | null = null;
        for (const [ip, n] of byIp)
          if (n > best || (n === best && bestIp !== null && ip < bestIp)) {
            best = n;
            bestIp = ip;
          }
        if (bestIp !== null) clientIp = bestIp;
      }
      topFailing = { uri, clientIp: clientIp && clientIp !== '-' ? clientIp : null, count: b.topFailingUri!.count };
    }
    return {
      index: i + 1,
      fieldsLine: b.fieldsLine,
      headerLine,
      endLine: Math.max(headerLine, nextHeader - 1),
      fields: lay?.fields ?? [],
      requests: b.requests,
      status401: b.status401,
      badBindings: b.badBindings,
      malformed: b.malformed,
      findings: 0,
      topFailing,
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
  let lo = 0,
    hi = blocks.length - 1,
    hit: W3cBlockStats | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (blocks[mid]!.headerLine <= line) {
      hit = blocks[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return hit ?? blocks[0];
}
