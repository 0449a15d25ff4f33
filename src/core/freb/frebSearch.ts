// Folder search over FREB traces (C:\inetpub\logs\FailedReqLogFiles\W3SVCn\fr*.xml): cheap checks
// on the file head and raw text first, the full parse only for files that may still match.
// Runs in-process (CLI, tests) or inside frebSearchWorker.ts (the extension) with progress/cancel.
import { open, copyFile, mkdir, stat } from 'node:fs/promises';
import { readError, walkFolder, type LogFs } from '../../node/logFiles';
import * as path from 'node:path';
import type { FrebFileEntry } from '../analyzeResult';
import type { FindingCode } from '../findings';
import { analyzeFrebFile, readFrebText, tryAnalyzeFreb, type FrebAnalysis } from './frebAnalyze';
import { analysisMatches, compileFilter, headMayMatch, requestTime, textMayMatch, type CompiledFilter, type FrebFilter } from './frebFilter';
import { compareTriage, frebTriage, win32Name, type FrebTriage } from './frebTriage';

/** How much of a file the head check reads: the <failedRequest> tag and the first event. */
const HEAD_BYTES = 8192;

/** A matching trace: what the results list shows, with the triage fields (user, client, channel bindings). */
export interface FrebMatch extends FrebTriage {
  path: string;
  /** ISO time of the request start (first event), or null. */
  time: string | null;
  timeMs: number | null;
  url: string | null;
  verb: string | null;
  statusCode: number | null;
  subStatusCode: number | null;
  /** "401.1" or "404" */
  status: string;
  win32Status: number | null;
  /** SEC_E_BAD_BINDINGS etc. when known. */
  codeName: string | null;
  timeTaken: number | null;
  authType: string | null;
  findings: FindingCode[];
  /** Line of the event that carries the failure, or null. */
  failureLine: number | null;
}

export interface FrebSearchProgress {
  done: number;
  total: number;
  matched: number;
  /** Files that needed the full parse so far. */
  parsed: number;
}

export interface FrebSearchResult {
  files: number;
  parsed: number;
  matches: FrebMatch[];
  errors: Array<{ path: string; error: string }>;
  cancelled: boolean;
  ms: number;
}

export interface FrebSearchOptions {
  signal?: AbortSignal;
  onProgress?: (p: FrebSearchProgress) => void;
  /** Minimum interval between progress calls (default 100 ms). */
  progressIntervalMs?: number;
}

const FREB_NAME = /^fr.*\.xml(\.gz)?$/i;

/**
 * Every FREB trace (fr*.xml, fr*.xml.gz) under a folder, recursively, sorted by path: the file
 * pipeline's folder walk (node/logFiles.ts). Subfolders that cannot be listed go to `unreadable`
 * (when given) and the others are still searched; a top folder that cannot be listed throws.
 */
export async function listFrebFiles(folder: string, unreadable?: Array<{ path: string; error: string }>, fs?: LogFs): Promise<string[]> {
  const st = await stat(folder);
  if (!st.isDirectory()) throw new Error(`${folder}: not a folder`);
  const walk = await walkFolder(folder, { fs });
  if (walk.errors[0]?.path === folder) throw walk.errors[0].error;
  for (const e of walk.errors) unreadable?.push({ path: e.path, error: readError(e.path, e.error) });
  return walk.files
    .filter((f) => typeof f.fsPath === 'string' && FREB_NAME.test(path.basename(f.path)))
    .map((f) => f.fsPath as string)
    .sort();
}

/** Searches files (or a folder) for traces that match the filter; worst first (compareTriage). */
export async function searchFreb(input: string | string[], filter: FrebFilter, opts: FrebSearchOptions = {}): Promise<FrebSearchResult> {
  const t0 = performance.now();
  const unreadable: Array<{ path: string; error: string }> = [];
  const files = typeof input === 'string' ? await listFrebFiles(input, unreadable) : input;
  const c = compileFilter(filter);
  const result: FrebSearchResult = { files: files.length, parsed: 0, matches: [], errors: unreadable, cancelled: false, ms: 0 };
  const interval = opts.progressIntervalMs ?? 100;
  let lastProgress = 0;
  let done = 0;
  const report = (force: boolean): void => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (!force && now - lastProgress < interval) return;
    lastProgress = now;
    opts.onProgress({ done, total: files.length, matched: result.matches.length, parsed: result.parsed });
  };
  // A few files in flight hide I/O latency; parsing itself is synchronous and CPU-bound.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      if (opts.signal?.aborted) return;
      const file = files[next++];
      const r = await checkFile(file, c);
      if (r.parsed) result.parsed++;
      if (r.error) result.errors.push({ path: file, error: r.error });
      else if (r.analysis) result.matches.push(toMatch(r.analysis));
      done++;
      report(false);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker));
  result.cancelled = !!opts.signal?.aborted;
  report(true);
  result.matches.sort(compareTriage);
  result.ms = performance.now() - t0;
  return result;
}

interface CheckResult {
  analysis?: FrebAnalysis;
  error?: string;
  parsed: boolean;
}

async function checkFile(file: string, c: CompiledFilter): Promise<CheckResult> {
  try {
    if (!file.toLowerCase().endsWith('.gz')) {
      const head = await readHead(file);
      if (!headMayMatch(c, head)) return { parsed: false };
    }
    const text = await readFrebText(file);
    if (!textMayMatch(c, text)) return { parsed: false };
    const r = tryAnalyzeFreb(text, file);
    if ('error' in r) return { error: r.error.error, parsed: true };
    return analysisMatches(c, r.analysis) ? { analysis: r.analysis, parsed: true } : { parsed: true };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { error: `${file}: cannot read: ${e?.code ?? (e instanceof Error ? e.message : String(err))}`, parsed: false };
  }
}

async function readHead(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    const b = buf.subarray(0, bytesRead);
    // UTF-16 heads are rare; the full-text stage decides for them.
    if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return '';
    return b.toString('utf8');
  } finally {
    await fh.close();
  }
}

export function toMatch(a: FrebAnalysis): FrebMatch {
  const e = a.entry;
  const t = requestTime(a);
  const tr = frebTriage(a);
  return {
    path: e.path,
    time: t !== null ? new Date(t).toISOString() : null,
    timeMs: t,
    url: e.url,
    verb: e.verb,
    statusCode: e.statusCode,
    subStatusCode: e.subStatusCode,
    status: e.statusCode === null ? '?' : e.subStatusCode ? `${e.statusCode}.${e.subStatusCode}` : String(e.statusCode),
    win32Status: e.win32Status,
    codeName: win32Name(e.win32Status, a.failure?.codeName),
    timeTaken: e.timeTaken,
    authType: e.authType,
    user: tr.user,
    userSource: tr.userSource,
    clientIp: tr.clientIp,
    xff: tr.xff,
    client: tr.client,
    cbt: tr.cbt,
    channelBindings: tr.channelBindings,
    findings: (e.findings ?? []).map((f) => f.code),
    failureLine: a.failure?.event.line ?? null,
  };
}

/**
 * For `analyze --filter`: the analyze entry when the file matches, null when it does not (an
 * unreadable or broken file is returned as its error entry: errors are never filtered away).
 */
export async function analyzeFrebFileFiltered(file: string, filter: FrebFilter): Promise<FrebFileEntry | null> {
  const c = compileFilter(filter);
  let text: string;
  try {
    text = await readFrebText(file);
  } catch {
    return analyzeFrebFile(file);
  }
  return analyzeFrebTextFiltered(text, file, filter, c);
}

/** The same for a trace already read (a pipe, a name that is not UTF-8). */
export function analyzeFrebTextFiltered(text: string, file: string, filter: FrebFilter, c = compileFilter(filter)): FrebFileEntry | null {
  if (!headMayMatch(c, text.slice(0, HEAD_BYTES)) || !textMayMatch(c, text)) return null;
  const r = tryAnalyzeFreb(text, file);
  if ('error' in r) return r.error;
  return analysisMatches(c, r.analysis) ? r.analysis.entry : null;
}

/**
 * Where each trace goes (copyFrebMatches without touching the disk): names that collide get their
 * parent folder as prefix (two servers' W3SVC1\fr000001.xml: W3SVC1_fr000001.xml and
 * _W3SVC1_fr000001.xml), names compare without case (NTFS), and a trace already in the destination is
 * not copied onto itself. `p` is the path flavour: the platform's, or path.win32 for Windows paths
 * (drive letters, \\server\share) on any platform.
 */
export function frebCopyPlan(
  files: string[],
  destination: string,
  p: path.PlatformPath = path,
): { destination: string; copies: Array<{ src: string; target: string }>; sourceDirs: Set<string> } {
  const dest = p.resolve(destination);
  const caseless = p === path.win32 || process.platform === 'win32';
  const same = (a: string, b: string): boolean => (caseless ? a.toLowerCase() === b.toLowerCase() : a === b);
  const used = new Set<string>();
  const names = new Map<string, number>();
  for (const f of files) names.set(p.basename(f).toLowerCase(), (names.get(p.basename(f).toLowerCase()) ?? 0) + 1);
  const sourceDirs = new Set<string>();
  const copies: Array<{ src: string; target: string }> = [];
  for (const f of files) {
    const src = p.resolve(f);
    sourceDirs.add(p.dirname(src));
    let name = p.basename(src);
    if ((names.get(name.toLowerCase()) ?? 0) > 1) name = `${p.basename(p.dirname(src))}_${name}`;
    while (used.has(name.toLowerCase())) name = '_' + name;
    used.add(name.toLowerCase());
    const target = p.join(dest, name);
    if (!same(target, src)) copies.push({ src, target });
  }
  return { destination: dest, copies, sourceDirs };
}

export interface CopyResult {
  destination: string;
  /** The destination folder did not exist and was created. */
  created: boolean;
  copied: string[];
  /** freb.xsl copied along, so the copies still open in a browser as before. */
  stylesheet: boolean;
  /** Where the freb.xsl came from, or null. */
  stylesheetSource: string | null;
  errors: Array<{ path: string; error: string }>;
}

/**
 * What the article's Copy-FREBEvents script does: copy the matching traces into one folder
 * (created when missing), plus freb.xsl from their folder (IIS writes it next to the traces) or,
 * failing that, from `stylesheetDirs` (the searched folder). Names that collide (fr000001.xml from
 * W3SVC1 and W3SVC2) get the parent folder as prefix; a file is never copied onto itself.
 */
export async function copyFrebMatches(files: string[], destination: string, stylesheetDirs: string[] = []): Promise<CopyResult> {
  const created = (await mkdir(destination, { recursive: true })) !== undefined;
  const plan = frebCopyPlan(files, destination);
  const result: CopyResult = { destination: plan.destination, created, copied: [], stylesheet: false, stylesheetSource: null, errors: [] };
  const dest = plan.destination;
  for (const { src, target } of plan.copies) {
    try {
      await copyFile(src, target);
      result.copied.push(target);
    } catch (err) {
      result.errors.push({ path: src, error: `${src}: cannot copy: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    }
  }
  const target = path.join(dest, 'freb.xsl');
  for (const dir of [...plan.sourceDirs, ...stylesheetDirs.map((d) => path.resolve(d))]) {
    const xsl = path.join(dir, 'freb.xsl');
    if (xsl === target) {
      result.stylesheet = true;
      result.stylesheetSource = xsl;
      break;
    }
    try {
      await copyFile(xsl, target);
      result.stylesheet = true;
      result.stylesheetSource = xsl;
      break;
    } catch {
      // No freb.xsl here (IIS writes one per W3SVC folder, copies often lack it): try the next folder.
    }
  }
  return result;
}
