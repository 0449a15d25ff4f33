// Which files `analyze` reads and what each is: W3C log, FREB trace or neither. The rule is the
// core's (core/files/fileKind.ts), the reading and the folder walk are the Node layer's
// (node/logFiles.ts), shared with the language server and the editor's commands.
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { detectFileKind, kindByName as kindOfName, baseName, type FileKind } from '../core/files/fileKind';
import {
  isStreamOnly,
  nodeLogFs,
  readError,
  openStreamInput,
  scanFolder,
  sniffBytes,
  sniffFile,
  walkFolder,
  type LogFs,
  type StreamInput,
} from '../node/logFiles';

export type SniffedKind = FileKind;

export function kindByName(path: string): SniffedKind {
  return kindOfName(path);
}

/** What a file is, and for 'unknown' why (one line, for the error entry). */
export interface Sniffed {
  kind: SniffedKind;
  why?: string;
}

/**
 * What the head of a file (decoded) says it is; `byName`: the file was named on the command line
 * (then an IIS log name decides for a headerless log). Exchange's own CSV logs and binary data are
 * 'unknown' with the reason.
 */
export function sniffText(text: string, name: string, byName: boolean): Sniffed {
  const k = detectFileKind(text, name, byName ? 'named' : 'content');
  return k.kind === 'unknown' ? { kind: k.kind, why: k.reason } : { kind: k.kind };
}

/**
 * Kind of a file from its first 8 KiB (gunzipped when gzip, decoded from UTF-16); throws when it
 * cannot be read. Without a directive or <failedRequest> root, the name decides only when
 * `byName` is set (a file named on the command line); in folders other programs' *.log files are skipped.
 */
export async function sniff(path: string, byName = true): Promise<Sniffed> {
  const s = await sniffFile(path, path, byName ? 'named' : 'content');
  return s.kind === 'unknown' ? { kind: s.kind, why: s.reason } : { kind: s.kind };
}

export async function sniffKind(path: string, byName = true): Promise<SniffedKind> {
  return (await sniff(path, byName)).kind;
}

/** Files under a folder, recursively, sorted by path; symlinked folders are not followed. Throws when the folder cannot be listed. */
export async function listFolder(dir: string): Promise<string[]> {
  const r = await walkFolder(dir);
  if (r.errors.length && r.errors[0]!.path === dir) throw r.errors[0]!.error;
  return r.files.map((f) => f.path);
}

/** One input of `analyze`: the path shown, the path opened, its kind, and a stream when it can be read only once. */
export interface AnalyzeInput {
  path: string;
  fsPath: string | Buffer;
  kind: SniffedKind;
  error?: string;
  why?: string;
  /** A pipe or FIFO (`<(zcat log.gz)`), already opened and sniffed. */
  input?: StreamInput;
}

export { readError };

export interface CollectOptions {
  fs?: LogFs;
  /** How long a FIFO may stay without data before it is refused (ms). */
  fifoTimeoutMs?: number;
}

/**
 * Expand the arguments into inputs in a stable order: arguments as given, folder contents sorted.
 * In a folder, only what its content says is a W3C log or FREB trace is taken (the rest goes to
 * `skipped`); a subfolder that cannot be listed is an error entry of its own, the rest is analyzed.
 */
export async function collectInputs(paths: string[], skipped: string[], opts: CollectOptions = {}): Promise<AnalyzeInput[]> {
  const fs = opts.fs ?? nodeLogFs;
  const out: AnalyzeInput[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ path: '-', fsPath: '-', kind: 'w3c' });
      continue;
    }
    let st: Stats;
    try {
      st = opts.fs ? await fs.stat(p) : await stat(p);
    } catch (err) {
      out.push({ path: p, fsPath: p, kind: kindByName(p), error: readError(p, err) });
      continue;
    }
    if (st.isDirectory()) {
      const scan = await scanFolder(p, { fs });
      out.push(...scan.entries);
      skipped.push(...scan.skipped);
      continue;
    }
    if (isStreamOnly(st)) {
      // a pipe or FIFO can be read once: sniff its head and keep the stream for the analysis
      try {
        const input = await openStreamInput(p, opts.fifoTimeoutMs);
        const s = sniffBytes(input.head, baseName(p), 'named');
        // `<(cat log)` is /dev/fd/63: no name to go by, a headerless log is still a log
        const kind = s.kind === 'unknown' && !s.reason.startsWith('binary') && !s.reason.startsWith('an Exchange') ? 'w3c' : s.kind;
        if (kind === 'unknown') input.stream.destroy();
        out.push({ path: p, fsPath: p, kind, ...(kind === 'unknown' ? { why: s.reason } : { input }) });
      } catch (err) {
        out.push({ path: p, fsPath: p, kind: kindByName(p), error: readError(p, err) });
      }
      continue;
    }
    try {
      const s = await sniffFile(p, p, 'named', fs);
      out.push({ path: p, fsPath: p, kind: s.kind, ...(s.kind === 'unknown' ? { why: s.reason } : {}) });
    } catch (err) {
      out.push({ path: p, fsPath: p, kind: kindByName(p), error: readError(p, err) });
    }
  }
  return out;
}
