// Entry points over the scanner + analyzer: a Buffer, a string (the editor's document), a stream
// or a file on disk (.gz transparently, streamed: memory stays flat on GB-sized logs).
import { createReadStream, type PathLike } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { W3cAnalyzer, type W3cAnalysis, type W3cAnalyzeOptions } from './w3cFindings';
import { W3cScanner, type W3cScanHandler, type W3cRecord } from './w3cScanner';
import type { W3cLayout } from './w3cFields';
import { acquireW3cKernel, releaseW3cKernel, KERNEL_CHUNK, type W3cKernel } from './w3cKernel';
import { KernelArenaFull, W3cCounter, type W3cCounting } from './w3cCounter';
import { LogTextDecoder, detectLineEndsBytes, detectTextEncoding } from '../files/textEncoding';
import { gunzipIfGzip, gzipError } from '../../node/logFiles';

export function analyzeW3cBuffer(buf: Buffer, opts?: W3cAnalyzeOptions): W3cAnalysis {
  const an = new W3cAnalyzer(opts);
  const sc = new W3cScanner(an);
  sc.push(buf);
  sc.end();
  return an.finishAnalysis(sc.bytes, sc.lines);
}

export function analyzeW3cText(text: string, opts?: W3cAnalyzeOptions): W3cAnalysis {
  return analyzeW3cBuffer(Buffer.from(text, 'utf8'), opts);
}

export interface StreamProgress {
  /** Bytes read from the source so far (compressed bytes for .gz). */
  bytesRead: number;
}

export interface StreamAnalyzeOptions extends W3cAnalyzeOptions {
  onProgress?: (p: StreamProgress) => void;
  signal?: AbortSignal;
}

/** A log from a stream (stdin, a pipe): gzip is told by its magic bytes, as for files. */
export async function analyzeW3cStream(stream: Readable, opts: StreamAnalyzeOptions = {}): Promise<W3cAnalysis> {
  try {
    return await scanStream((await gunzipIfGzip(stream)).stream, opts, false);
  } catch (e) {
    throw gzipError(e);
  }
}

/**
 * A stream's chunks are copied into the WebAssembly kernel's read buffer (its SIMD tokenizer, and
 * with `kernelCounts` and collectFindings false its whole-chunk counting: only for a source that can
 * be read again when the kernel's arena fills up, see analyzeW3cFile).
 */
async function scanStream(stream: Readable, opts: StreamAnalyzeOptions, kernelCounts: boolean): Promise<W3cAnalysis> {
  const kernel = acquireW3cKernel();
  try {
    const an: W3cCounting = kernel && kernelCounts && opts.collectFindings === false ? new W3cCounter(kernel, opts) : new W3cAnalyzer(opts);
    const sc = new W3cScanner(an, kernel);
    // the scanner copies what outlives a push, so one read buffer serves every chunk
    const push = (b: Buffer): void => {
      if (!kernel) {
        sc.push(b);
        return;
      }
      for (let p = 0; p < b.length; p += KERNEL_CHUNK) {
        const n = b.copy(kernel.chunk, 0, p, Math.min(b.length, p + KERNEL_CHUNK));
        sc.push(kernel.chunk.subarray(0, n));
      }
    };
    // UTF-16 logs (Notepad "Unicode" saves, some exporters, with or without BOM) are transcoded to
    // UTF-8 on the fly, and CR-only line ends read as LF (core/files/textEncoding.ts)
    const dec = new LogTextDecoder();
    for await (const chunk of stream) {
      if (opts.signal?.aborted) {
        stream.destroy();
        throw new Error('cancelled');
      }
      const buf = dec.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer));
      if (buf.length) push(buf);
    }
    const last = dec.end();
    if (last.length) push(last);
    sc.end();
    return an.finishAnalysis(sc.bytes, sc.lines);
  } finally {
    releaseW3cKernel(kernel);
  }
}

/** True when the first bytes are a gzip header. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Analyze a log on disk, streaming (1 MiB reads). `.gz` (or gzip magic) is decompressed on the fly;
 * `bytes` in the result is the size of the log itself (uncompressed).
 */
export async function analyzeW3cFile(path: PathLike, opts: StreamAnalyzeOptions = {}): Promise<W3cAnalysis> {
  // the kernel counts (collectFindings false); in the rare case that its arena for open
  // handshakes fills up, W3cAnalyzer counts the file again
  try {
    return await readFile(path, opts, true);
  } catch (e) {
    if (e instanceof KernelArenaFull) return readFile(path, opts, false);
    throw e;
  }
}

async function analyzeGzipFile(path: PathLike, opts: StreamAnalyzeOptions, kernelCounts: boolean): Promise<W3cAnalysis> {
  const src = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  if (opts.onProgress)
    src.on('data', (c) => {
      bytesRead += (c as Buffer).length;
      opts.onProgress!({ bytesRead });
    });
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  src.on('error', (e) => gunzip.destroy(e));
  src.pipe(gunzip);
  try {
    return await scanStream(gunzip, opts, kernelCounts);
  } catch (e) {
    throw gzipError(e);
  } finally {
    src.destroy();
  }
}

/**
 * A plain file read into two reused 4 MiB buffers in the WebAssembly kernel's memory (w3cKernel.ts;
 * the scanner copies what outlives a push), so a GB-sized log costs no allocation per chunk.
 * Counting only (collectFindings false) and with `kernelCounts`, the kernel counts the lines
 * itself (W3cCounter). Gzip (told by its magic bytes, not the name) and UTF-16 files go through
 * the stream path.
 */
async function readFile(path: PathLike, opts: StreamAnalyzeOptions, kernelCounts: boolean): Promise<W3cAnalysis> {
  const fh = await open(path, 'r');
  let pending: Promise<unknown> | null = null;
  let kernel: W3cKernel | null = null;
  try {
    // read straight into the WebAssembly tokenizer's memory when it is there; two buffers, so the
    // next read runs (libuv thread) while this one is scanned
    kernel = acquireW3cKernel();
    const bufs = kernel ? kernel.chunks : [Buffer.allocUnsafe(1 << 22), Buffer.allocUnsafe(1 << 22)];
    let buf = bufs[0];
    let { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (isGzip(buf.subarray(0, bytesRead))) return await analyzeGzipFile(path, opts, kernelCounts);
    // UTF-16 (with or without BOM) and CR-only line ends: decoded on the way (LogTextDecoder)
    const head = buf.subarray(0, Math.min(bytesRead, 1 << 16));
    if (detectTextEncoding(head).encoding !== 'utf-8' || detectLineEndsBytes(head) === 'cr') {
      return await scanStream(createReadStream('', { fd: fh.fd, start: 0, autoClose: false, highWaterMark: 1 << 20 }), opts, false);
    }
    const an: W3cCounting = kernel && kernelCounts && opts.collectFindings === false ? new W3cCounter(kernel, opts) : new W3cAnalyzer(opts);
    const sc = new W3cScanner(an, kernel);
    let pos = 0,
      cur = 0;
    while (bytesRead > 0) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      pos += bytesRead;
      const next = bufs[1 - cur];
      const read = fh.read(next, 0, next.length, pos);
      pending = read.catch(() => undefined);
      sc.push(buf.subarray(0, bytesRead));
      opts.onProgress?.({ bytesRead: pos });
      ({ bytesRead } = await read);
      pending = null;
      cur = 1 - cur;
      buf = next;
    }
    sc.end();
    return an.finishAnalysis(sc.bytes, sc.lines);
  } finally {
    if (pending) await pending;
    await fh.close();
    releaseW3cKernel(kernel);
  }
}

/** A scan handler that fans out to several (e.g. the analyzer and the editor's line model). */
export class W3cTee implements W3cScanHandler {
  constructor(private readonly hs: W3cScanHandler[]) {}
  onDirective(rec: W3cRecord, name: string, value: string, layout: W3cLayout | null): void {
    for (const h of this.hs) h.onDirective?.(rec, name, value, layout);
  }
  onRecord(rec: W3cRecord): void {
    for (const h of this.hs) h.onRecord(rec);
  }
  onMalformed(rec: W3cRecord, reason: string): void {
    for (const h of this.hs) h.onMalformed(rec, reason);
  }
  onBlank(rec: W3cRecord): void {
    for (const h of this.hs) h.onBlank?.(rec);
  }
}
