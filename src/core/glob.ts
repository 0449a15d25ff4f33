// Wildcard patterns as PowerShell's -like reads them (`*` any run, `?` one character, whole
// value, case-insensitive), matched without a regular expression: `.*` per star backtracks, and
// 'User-Agent:*MSIE*MSIE*Windows*' on a 30 KB header ran for minutes. Here the pattern is split at
// its stars and each piece is found leftmost in turn, which is exact for globs and costs one pass
// over the text per piece (at worst text x pattern length when a piece holds `?`).

export interface GlobMatcher {
  readonly source: string;
  test(text: string): boolean;
}

/** Longest pattern accepted: a real URL or header glob is a few dozen characters. */
export const MAX_GLOB_LENGTH = 2048;

export class GlobTooLongError extends Error {}

/** One UTF-16 unit folded for a case-insensitive comparison (units whose lower case is longer stay). */
function fold(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const l = text[i]!.toLowerCase();
    out += l.length === 1 ? l : text[i]!;
  }
  return out;
}

/** Whether piece (with `?` as any unit) matches text at offset. */
function matchesAt(text: string, at: number, piece: string): boolean {
  if (at + piece.length > text.length) return false;
  for (let k = 0; k < piece.length; k++) {
    const p = piece.charCodeAt(k);
    if (p !== 0x3f && p !== text.charCodeAt(at + k)) return false;
  }
  return true;
}

/** Leftmost offset >= from where piece matches, or -1. */
function find(text: string, piece: string, from: number): number {
  const q = piece.indexOf('?');
  if (q < 0) return text.indexOf(piece, from);
  if (q === piece.length - 1 && q > 0) {
    // Common "abc?" shape: search the literal head, then check the rest.
    for (let at = text.indexOf(piece.slice(0, q), from); at >= 0; at = text.indexOf(piece.slice(0, q), at + 1)) {
      if (matchesAt(text, at, piece)) return at;
    }
    return -1;
  }
  for (let at = from; at + piece.length <= text.length; at++) if (matchesAt(text, at, piece)) return at;
  return -1;
}

export function compileGlob(glob: string): GlobMatcher {
  if (glob.length > MAX_GLOB_LENGTH) throw new GlobTooLongError(`pattern of ${glob.length} characters (at most ${MAX_GLOB_LENGTH})`);
  const pieces = fold(glob).split('*');
  const anchoredStart = pieces[0]!;
  const anchoredEnd = pieces.length > 1 ? pieces[pieces.length - 1]! : null;
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0);
  const test = (raw: string): boolean => {
    const text = fold(raw);
    if (anchoredEnd === null) return text.length === anchoredStart.length && matchesAt(text, 0, anchoredStart);
    if (text.length < anchoredStart.length + anchoredEnd.length) return false;
    if (!matchesAt(text, 0, anchoredStart)) return false;
    const endAt = text.length - anchoredEnd.length;
    if (!matchesAt(text, endAt, anchoredEnd)) return false;
    // Each middle piece leftmost after the previous one, and all before the fixed tail.
    let at = anchoredStart.length;
    for (const piece of middle) {
      const found = find(text, piece, at);
      if (found < 0 || found + piece.length > endAt) return false;
      at = found + piece.length;
    }
    return true;
  };
  return { source: glob, test };
}
