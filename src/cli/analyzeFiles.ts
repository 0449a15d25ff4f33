// Which files `analyze` reads and what each is: W3C log, FREB trace or neither. Decided by the
// first bytes (directives / <failedRequest>), with the name as a fallback for unreadable files.
import { open, readdir, stat } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { exchangeCsvLogSign } from '../core/documentKind';

export type SniffedKind = 'w3c' | 'freb' | 'unknown';

const W3C_NAME = /\.log(\.gz)?$/i;
const FREB_NAME = /^fr\d+\.xml(\.gz)?$/i;
const W3C_DIRECTIVE = /^(\uFEFF)?#(Software|Version|Date|Fields|Remark|Start-Date|End-Date):/m;

export function kindByName(path: string): SniffedKind {
  const name = basename(path);
  if (FREB_NAME.test(name)) return 'freb';
  if (W3C_NAME.test(name)) return 'w3c';
  return 'unknown';
}

/** What a file is, and for 'unknown' why (one line, for the error entry). */
export interface Sniffed {
  kind: SniffedKind;
  why?: string;
}

/** A W3C data line as IIS writes it without a #Fields header (the default layout starts with date and time). */
const DATE_TIME_RECORD = /^\d{4}-\d{2}-\d{2}[ \t]+\d{1,2}:\d{2}:\d{2}[ \t]/;

function clip(s: string): string {
  const t = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return t.length > 60 ? t.slice(0, 60) + '...' : t;
}

/**
 * What the head of a file (decoded) says it is. Exchange's own logs (HttpProxy, EWS, RPC client
 * access...) carry `#Software:`/`#Fields:` directives too, but comma-separated: they are not W3C
 * extended logs and are told apart here. Binary data is never a log.
 */
export function sniffText(text: string, name: string, byName: boolean): Sniffed {
  if (/<failedRequest[\s>]/.test(text)) return { kind: 'freb' };
  const csv = exchangeCsvLogSign(text);
  if (csv) return { kind: 'unknown', why: `an Exchange-style CSV log (${csv}), not an IIS W3C extended log (space-separated #Fields) or FREB trace` };
  if (W3C_DIRECTIVE.test(text)) return { kind: 'w3c' };
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return { kind: 'unknown', why: `binary data (a NUL byte at offset ${nul}), not an IIS W3C log or FREB trace` };
  if (!byName) return FREB_NAME.test(name) && /<\?xml|<!--/.test(text) ? { kind: 'freb' } : { kind: 'unknown' };
  const kind = kindByName(name);
  if (kind !== 'w3c') return kind === 'unknown' ? { kind, why: 'not an IIS W3C log or FREB trace (no #Fields/#Software directive, no <failedRequest>)' } : { kind };
  // a *.log without directives: a W3C log only if it starts like the IIS default layout (IIS
  // writes the header; a headerless log is one cut out of a bigger one). An empty file is an empty log.
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
  if (first === undefined || DATE_TIME_RECORD.test(first.replace(/^\uFEFF/, ''))) return { kind };
  return { kind: 'unknown', why: `not an IIS W3C log or FREB trace: no #Fields/#Software directive, and the first line is not a 'date time ...' record: '${clip(first)}'` };
}

/**
 * Kind of a file from its first 8 KiB (gunzipped when gzip); throws when it cannot be read.
 * Without a directive or <failedRequest> in the head, the name decides only when `byName` is set
 * (a file named on the command line); in folders other programs' *.log files are skipped.
 */
export async function sniff(path: string, byName = true): Promise<Sniffed> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const b = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    head = b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (gzip) {
    try {
      // a partial gzip member: decompress what the head holds
      head = gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
    } catch {
      return { kind: byName ? kindByName(path) : 'unknown' };
    }
  }
  let text: string;
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) text = head.subarray(2).toString('utf16le');
  else text = head.toString('utf8');
  const s = sniffText(text, basename(path), byName);
  // a *.gz stored plain is read as it is; when it is no log either, the name may be why
  if (!gzip && s.why && /\.gz$/i.test(path)) s.why = `named .gz but not gzip data (no gzip header), and ${s.why}`;
  return s;
}

export async function sniffKind(path: string, byName = true): Promise<SniffedKind> {
  return (await sniff(path, byName)).kind;
}

/** Files under a folder, recursively, sorted by path; symlinked folders are not followed. */
export async function listFolder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
      else if (e.isSymbolicLink()) {
        const st = await stat(p).catch(() => null);
        if (st?.isFile()) out.push(p);
      }
    }
  };
  await walk(dir);
  return out;
}
