// A whitespace-free view of a text with a map back to the original offsets. Error texts reach us
// wrapped anywhere: console output breaks words at the window width, articles and HCW entries
// break URLs ("...00313. resource.mailboxmigration..."). Matching phrases with all whitespace
// removed finds them wherever the breaks fall, in one linear pass.

export interface CompactText {
  /** The text without any whitespace. */
  text: string;
  /** offsets[i] is the offset in the original text of compact character i. */
  offsets: Uint32Array;
}

export function compact(original: string): CompactText {
  const offsets = new Uint32Array(original.length);
  const parts: string[] = [];
  let n = 0;
  // Runs of non-whitespace (\S is the complement of the \s the phrases drop), copied with their offsets.
  const re = /\S+/g;
  for (let m = re.exec(original); m; m = re.exec(original)) {
    const run = m[0];
    parts.push(run);
    for (let k = 0, at = m.index; k < run.length; k++) offsets[n++] = at + k;
  }
  return { text: parts.join(''), offsets: offsets.subarray(0, n) };
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
