// Find the Authorization header value or bare token under a cursor, looking only at the line
// (and at most a bounded window of it): hovers must stay cheap on multi-megabyte log lines.

export interface LocatedToken {
  /** Offsets within the line. */
  start: number;
  end: number;
  /** Text for decodeToken: "Authorization: Negotiate TlRM...", "NTLM TlRM..." or the bare token. */
  text: string;
}

const WINDOW = 64 * 1024;

const HEADER_RE =
  /(?:^|[^A-Za-z-])((?:Proxy-)?Authorization|(?:WWW|Proxy)-Authenticate)["']?\s*[:=]\s*["']?(Negotiate|NTLM|Kerberos|Basic|Bearer)[ +]([A-Za-z0-9+/_.~-]+=*)/gi;
const SCHEME_RE = /(?:^|[^A-Za-z0-9])(Negotiate|NTLM|Kerberos|Basic|Bearer)[ +]([A-Za-z0-9+/_.~-]{8,}=*)/gi;
const BARE_RE =
  /(?:^|[^A-Za-z0-9+/])(TlRMTVNT[A-Za-z0-9+/]*=*|YI[A-Za-z0-9+/]{10,}=*|o[A-Za-z0-9+/]{14,}=*|eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)/g;

function scan(re: RegExp, s: string, base: number, ch: number, build: (m: RegExpExecArray, start: number, end: number) => LocatedToken): LocatedToken | null {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    // Skip the one-character lookbehind group that precedes the match.
    const lead = m[0].length - m[0].replace(/^[^A-Za-z]/, '').length;
    const start = base + m.index + lead;
    const end = base + m.index + m[0].length;
    if (ch >= start && ch <= end) return build(m, start, end);
    if (start > ch) break;
    if (m[0].length === 0) re.lastIndex++;
  }
  return null;
}

/** The token around character `ch` of `line`, or null. */
export function findTokenAt(line: string, ch: number): LocatedToken | null {
  let base = 0;
  let s = line;
  if (line.length > WINDOW) {
    base = Math.max(0, ch - WINDOW / 2);
    s = line.slice(base, base + WINDOW);
  }
  return (
    scan(HEADER_RE, s, base, ch, (m, start, end) => ({ start, end, text: `${m[1]}: ${m[2]} ${m[3]}` })) ??
    scan(SCHEME_RE, s, base, ch, (m, start, end) => ({ start, end, text: `${m[1]} ${m[2]}` })) ??
    scan(BARE_RE, s, base, ch, (m, start, end) => ({ start, end, text: m[1] }))
  );
}
