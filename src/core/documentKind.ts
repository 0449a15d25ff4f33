// What a file is by its first bytes, for names no pattern covers (a renamed IIS log or FREB trace).
// Used by the client to switch a `log`/`xml` document to our language.

const W3C_SOFTWARE = /^\uFEFF?#Software: Microsoft/;
const W3C_DIRECTIVE = /^\uFEFF?#(Version: \d|Fields: \S|Date: \d{4}-\d{2}-\d{2})/;
// Optional XML declaration, stylesheet and comments (IIS writes `<!-- saved from url=... -->`), then the root.
// A comment may not run past its first `-->`, so every head parses one way only (no backtracking blow-up).
const FREB_ROOT = /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?((<\?xml-stylesheet[^>]*\?>|<!--(?:(?!-->)[\s\S])*-->)\s*)*<failedRequest[\s>]/;

/**
 * Exchange's own logs (Logging\HttpProxy, EWS, RPC Client Access, ...) carry `#Software: Microsoft
 * Exchange Server` and `#Fields:` too, but their fields are comma-separated (and a `#Log-type:`
 * line names them): not W3C extended logs. Returns what tells, for a message, or null.
 */
export function exchangeCsvLogSign(head: string): string | null {
  const text = head.slice(0, 8192);
  const logType = /^\uFEFF?#Log-type:[ \t]*([^\r\n]*)/m.exec(text);
  if (logType) return `#Log-type: ${logType[1].trim().slice(0, 60)}`;
  const fields = /^\uFEFF?#Fields:[ \t]*([^\r\n]*)/m.exec(text);
  return fields && fields[1].includes(',') && !/[ \t]/.test(fields[1].trim()) ? 'comma-separated #Fields' : null;
}

/**
 * 'w3c' when the head (the first lines of a file) is a W3C extended log header (IIS or HTTP.sys),
 * 'freb' when it is an IIS Failed Request Trace, otherwise undefined.
 */
export function detectDocumentKind(head: string): 'w3c' | 'freb' | undefined {
  const text = head.slice(0, 8192);
  if (FREB_ROOT.test(text)) return 'freb';
  if (exchangeCsvLogSign(text)) return undefined;
  const lines = text.split(/\r?\n/, 8);
  if (lines.some((l) => W3C_SOFTWARE.test(l))) return 'w3c';
  // Header blocks in another order or without #Software still carry two of #Version, #Date, #Fields.
  if (lines.filter((l) => W3C_DIRECTIVE.test(l)).length >= 2) return 'w3c';
  return undefined;
}
