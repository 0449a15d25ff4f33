// A W3C log analyzed from disk for the editor's large-file and folder paths: streamed through the
// shared scanner (gzip transparently), with progress, cancellation and per-block statistics.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import type { Finding } from '../findings';
import type { W3cFileEntry } from '../analyzeResult';
import { W3cScanner } from './w3cScanner';
import { W3cAnalyzer } from './w3cFindings';
import { blockStats, type W3cBlockStats } from './w3cDocumentAnalysis';

export interface W3cFileAnalysisOptions {
  handshakeWindowSeconds?: number;
  /** At most this many findings are kept (counts stay complete). */
  maxFindings?: number;
  /** Called with bytes read from disk so far and the file size, at most every ~1 %. */
  onProgress?: (read: number, size: number) => void;
  /** Polled between chunks; the analysis stops (partial result, `cancelled: true`) when it returns true. */
  isCancelled?: () => boolean;
}

export interface W3cFileAnalysis extends W3cFileEntry {
  findings: Finding[];
  findingsTotal: number;
  blocks: W3cBlockStats[];
  cancelled: boolean;
  ms: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(path: string): boolean {
  const fd = fs.openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];
  } finally {
    fs.closeSync(fd);
  }
}

/** Streams `path` (plain or gzip) through the scanner. Rejects with a one-line message when it cannot be read. */
export async function analyzeW3cFile(path: string, opts: W3cFileAnalysisOptions = {}): Promise<W3cFileAnalysis> {
  const t0 = performance.now();
  const st = fs.statSync(path);
  if (!st.isFile()) throw new Error(`${path}: not a file`);
  const size = st.size;
  const gz = isGzip(path);
  const analyzer = new W3cAnalyzer({ handshakeWindowSeconds: opts.handshakeWindowSeconds ?? 120 });
  const scanner = new W3cScanner(analyzer);
  const raw = fs.createReadStream(path, { highWaterMark: 1 << 20 });
  let read = 0;
  let lastReport = -1;
  raw.on('data', (c: Buffer | string) => { read += c.length; });
  const input: NodeJS.ReadableStream = gz ? raw.pipe(zlib.createGunzip()) : raw;
  let cancelled = false;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      scanner.push(chunk);
      if (opts.onProgress) {
        const pct = Math.floor((read / Math.max(1, size)) * 100);
        if (pct !== lastReport) { lastReport = pct; opts.onProgress(read, size); }
      }
      if (opts.isCancelled?.()) { cancelled = true; break; }
    }
    if (!cancelled) scanner.end();
  } catch (err) {
    throw new Error(`${path}: ${gz ? 'gzip data is corrupt or truncated' : 'read failed'} after ${read} bytes (${err instanceof Error ? err.message : String(err)})`);
  } finally {
    raw.destroy();
  }
  const result = analyzer.finishAnalysis(scanner.bytes, scanner.lines);
  const all = result.findings;
  const blocks = blockStats(result, scanner.lines);
  const max = opts.maxFindings ?? Infinity;
  return {
    path, kind: 'w3c', lines: result.lines, requests: result.requests, bytes: result.bytes,
    summary: result.summary,
    findings: all.length > max ? all.slice(0, max) : all,
    findingsTotal: Object.values(result.summary.findings).reduce((n, k) => n + (k ?? 0), 0),
    blocks, cancelled, ms: performance.now() - t0,
  };
}
