// The matches of one explained text grouped by kind, with bounded memory: a log with 200,000
// BAD_BINDINGS lines is one explanation and a list of lines, not 200,000 copies of the explanation
// (522 MB of JSON before). The first MAX_LISTED_MATCHES matches are kept whole, in order, for the
// per-match list the CLI contract defines; each kind keeps its first MAX_EXAMPLES occurrences and up
// to MAX_GROUP_LINES line numbers; counts are always exact.
import type { ExplainMatch } from './explainText';

export const MAX_LISTED_MATCHES = 1000;
export const MAX_GROUP_LINES = 100_000;
export const MAX_EXAMPLES = 5;

export interface ExplainGroup {
  code: ExplainMatch['code'];
  title: string;
  severity: ExplainMatch['severity'];
  explanation: string;
  next: ExplainMatch['next'];
  remediation: ExplainMatch['remediation'];
  hybridAgent?: boolean;
  /** Every occurrence counted. */
  count: number;
  /** 1-based lines of the occurrences (a line once), the first MAX_GROUP_LINES of them. */
  lines: number[];
  linesTruncated: boolean;
  /** The first occurrences, whole. */
  examples: ExplainMatch[];
}

export class ExplainGroups {
  readonly matches: ExplainMatch[] = [];
  count = 0;
  private readonly byKey = new Map<string, ExplainGroup>();

  add(m: ExplainMatch): void {
    this.count++;
    if (this.matches.length < MAX_LISTED_MATCHES) this.matches.push(m);
    // A text about a Hybrid Agent endpoint gets a longer explanation: a kind of its own.
    const key = `${m.code}|${m.hybridAgent ? 1 : 0}`;
    let g = this.byKey.get(key);
    if (!g) {
      g = {
        code: m.code,
        title: m.title,
        severity: m.severity,
        explanation: m.explanation,
        next: m.next,
        remediation: m.remediation,
        count: 0,
        lines: [],
        linesTruncated: false,
        examples: [],
      };
      if (m.hybridAgent) g.hybridAgent = true;
      this.byKey.set(key, g);
    }
    g.count++;
    if (g.examples.length < MAX_EXAMPLES) g.examples.push(m);
    if (g.lines[g.lines.length - 1] !== m.line) {
      if (g.lines.length < MAX_GROUP_LINES) g.lines.push(m.line);
      else g.linesTruncated = true;
    }
  }

  /** Kinds in the order of their first occurrence. */
  get groups(): ExplainGroup[] {
    return [...this.byKey.values()];
  }

  get matchesTruncated(): boolean {
    return this.count > this.matches.length;
  }
}

/** "1-3, 7, 9-12": ascending line numbers as ranges, at most maxRanges of them ("..." after). */
export function lineRanges(lines: readonly number[], maxRanges = 30): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length && out.length < maxRanges; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    out.push(j > i ? `${lines[i]}-${lines[j]}` : `${lines[i]}`);
    i = j;
    if (out.length === maxRanges && j + 1 < lines.length) out.push('...');
  }
  return out.join(', ');
}
