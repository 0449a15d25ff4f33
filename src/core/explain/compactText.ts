// A whitespace-free view of a text with a map back to the original offsets. Error texts reach us
// wrapped anywhere: console output breaks words at the window width, articles and HCW entries
// break URLs ("...00313. resource.mailboxmigration..."). Matching phrases with all whitespace
// removed finds them wherever the breaks fall, in one linear pass.

export interface CompactText {
  /** The text without any whitespace. */
  text: string;
  /** The offset in the original text of compact character ci (0 <= ci < text.length). */
  originalOffset(ci: number): number;
}

/** True for the code units JavaScript's `\s` matches (the whitespace the phrases drop). */
export function isWhitespaceCode(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * The map back is kept per run of non-whitespace (a word), not per character: four bytes per
 * character of a 100 MB paste is memory the machine has to fault in, and that, not the scan, was
 * most of the time explain took. A lookup is a binary search over the runs.
 */
export function compact(original: string): CompactText {
  // The text itself from the regex engine's native replace; the runs from one scan below (a
  // string per run, as joining the runs would need, is the garbage this avoids).
  const text = original.replace(/\s+/g, '');
  // runCompact[k] is where run k starts in the compact text, runOriginal[k] where it starts in the original.
  let runCompact = new Uint32Array(1024);
  let runOriginal = new Uint32Array(1024);
  let runs = 0;
  let removed = 0;
  const add = (compactAt: number, originalAt: number): void => {
    if (runs === runCompact.length) {
      const c = new Uint32Array(runs * 2);
      c.set(runCompact);
      runCompact = c;
      const o = new Uint32Array(runs * 2);
      o.set(runOriginal);
      runOriginal = o;
    }
    runCompact[runs] = compactAt;
    runOriginal[runs++] = originalAt;
  };
  add(0, 0);
  // The runs of whitespace, found by code unit (a regex match per run allocates, and a log has a
  // run per word).
  const len = original.length;
  let i = 0;
  while (i < len) {
    if (!isWhitespaceCode(original.charCodeAt(i))) {
      i++;
      continue;
    }
    const from = i;
    while (i < len && isWhitespaceCode(original.charCodeAt(i))) i++;
    removed += i - from;
    // a leading run of whitespace moves run 0; later ones start a new run
    if (from === 0) runOriginal[0] = i;
    else if (i < len) add(i - removed, i);
  }
  const starts = runCompact;
  const origins = runOriginal;
  return {
    text,
    originalOffset(ci: number): number {
      let lo = 0;
      let hi = runs - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid]! <= ci) lo = mid;
        else hi = mid - 1;
      }
      return origins[lo]! + (ci - starts[lo]!);
    },
  };
}

/** Escapes a phrase for a RegExp over compact text: whitespace dropped, quotes of any kind. */
export function compactPhrase(phrase: string): string {
  let out = '';
  for (const ch of phrase) {
    if (/\s/.test(ch)) continue;
    if (ch === "'" || ch === '"') {
      out += QUOTE;
      continue;
    }
    out += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return out;
}

/** Any quote character the .NET texts use in any language, straight or typographic. */
export const QUOTE = `['"\u2018\u2019\u201A\u201C\u201D\u201E\u00AB\u00BB]`;
