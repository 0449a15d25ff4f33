// Which files `analyze` reads and what each is: W3C log, FREB trace or neither. Decided by the
// first bytes (directives / <failedRequest>), with the name as a fallback for unreadable files.
import { open, readdir, stat } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

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

/**
 * Kind of a file from its first 8 KiB (gunzipped when gzip); throws when it cannot be read.
 * Without a directive or <failedRequest> in the head, the name decides only when `byName` is set
 * (a file named on the command line); in folders other programs' *.log files are skipped.
 */
export async function sniffKind(path: string, byName = true): Promise<SniffedKind> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const b = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    head = b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    try {
      // a partial gzip member: decompress what the head holds
      head = gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
    } catch {
      return byName ? kindByName(path) : 'unknown';
    }
  }
  let text: string;
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) text = head.subarray(2).toString('utf16le');
  else text = head.toString('utf8');
  if (/<failedRequest[\s>]/.test(text)) return 'freb';
  if (W3C_DIRECTIVE.test(text)) return 'w3c';
  if (!byName) return FREB_NAME.test(basename(path)) && /<\?xml|<!--/.test(text) ? 'freb' : 'unknown';
  return kindByName(path);
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
