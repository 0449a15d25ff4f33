// What a file is - IIS W3C log, FREB trace or neither - and why, from its decoded head (and, for
// a file the user named, its name). One rule for the CLI, the language server, the editor's
// content-language switch, large files and every folder walk.
export type FileKind = 'w3c' | 'freb' | 'unknown';

export interface FileKindResult {
  kind: FileKind;
  /** What told (for a known kind) or why not (for 'unknown'): one line. */
  reason: string;
}

/**
 * 'named': a file the user pointed at (a CLI argument, a log opened in a tab): an IIS log name
 * decides for a headerless log that starts like the default layout, and `fr*.xml` for an XML
 * head. 'content': found in a folder walk or a document of a generic language: content only.
 */
export type KindMode = 'named' | 'content';

/** IIS writes traces as fr000001.xml; folder copies get .gz. */
export const FREB_NAME = /^fr\d+\.xml(\.gz)?$/i;
/** An editor document in `xml` mode with such a name (fr<digits>...xml) is served as a FREB trace by the language server. */
export const FREB_XML_MODE_NAME = /^fr[0-9][^/\\]*\.xml$/i;
/** IIS (u_ex, u_in, u_nc, *_x for enhanced logging), IIS 6 (ex/in/nc + date) and HTTP.sys names. */
export const IIS_LOG_NAME = /^(u_ex|u_in|u_nc|httperr).*\.log(\.gz)?$|^(ex|in|nc)\d{4,}.*\.log(\.gz)?$|_x\.log(\.gz)?$/i;
const ANY_LOG_NAME = /\.log(\.gz)?$/i;

const W3C_SOFTWARE = /^#Software: Microsoft/;
const W3C_DIRECTIVE = /^#(Software|Version|Date|Fields|Remark|Start-Date|End-Date):/;
const W3C_HEADER_DIRECTIVE = /^#(Version: \d|Fields: \S|Date: \d{4}-\d{2}-\d{2})/;
const W3C_FIELDS = /^#Fields:[ \t]*\S/;
/** A #Fields line that names W3C fields (not just any text after the word). */
const W3C_FIELD_LIST = /^#Fields:.*[ \t](date|time|c-ip|s-ip|cs-method|cs-uri-stem|sc-status)([ \t]|$)/;
// Optional XML declaration, stylesheet and comments (IIS writes `<!-- saved from url=... -->`), then the root.
// A comment may not run past its first `-->`, so every head parses one way only (no backtracking blow-up).
/** A W3C data line as IIS writes it without a #Fields header (the default layout starts with date and time). */
const DATE_TIME_RECORD = /^\d{4}-\d{2}-\d{2}[ \t]+\d{1,2}:\d{2}:\d{2}[ \t]/;

/** The last path component, for either separator. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** Kind by name alone (for a file that cannot be read at all). */
export function kindByName(path: string): FileKind {
  const name = baseName(path);
  if (FREB_NAME.test(name)) return 'freb';
  if (ANY_LOG_NAME.test(name)) return 'w3c';
  return 'unknown';
}

/** True for names IIS gives its logs (and gzip copies of them). */
export function isIisLogName(path: string): boolean {
  return IIS_LOG_NAME.test(baseName(path));
}

function clip(s: string): string {
  const t = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return t.length > 60 ? t.slice(0, 60) + '...' : t;
}

/**
 * Where the root element of an XML head starts: after whitespace, the XML declaration and
 * stylesheet processing instructions (`<?xml...?>`) and comments; -1 when one of those is cut off.
 * Scanned with indexOf, not one regex (comments in a pattern backtrack on hostile heads).
 */
function rootElementStart(text: string): number {
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    const pi = text.startsWith('<?xml', at);
    if (!pi && !text.startsWith('<!--', at)) return at;
    const end = text.indexOf(pi ? '?>' : '-->', at + 4);
    if (end < 0) return -1;
    at = end + (pi ? 2 : 3);
  }
}

/** The head's root element is <name> (followed by whitespace or '>'). */
function rootIs(text: string, name: string): boolean {
  const at = rootElementStart(text);
  if (at < 0 || !text.startsWith(`<${name}`, at)) return false;
  const next = text.charAt(at + name.length + 1);
  return next === '>' || /\s/.test(next);
}

/** applicationHost.config / web.config: a <configuration> root with an IIS section further on in the head. */
function looksLikeIisConfig(text: string): boolean {
  return rootIs(text, 'configuration') && /<(?:system\.applicationHost|system\.webServer|configSections)[\s>]/.test(text);
}

const NOT_OURS = 'not an IIS W3C log or FREB trace (no #Fields/#Software directive, no <failedRequest>)';

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
 * The kind of a file from its decoded head (BOM removed, see decodeHead; at most the first 8 KiB
 * are looked at). A FREB trace is an XML document whose root is <failedRequest> (a README that
 * mentions the element is not one). A W3C log has `#Software: Microsoft...` in its first lines, or
 * starts with a directive and carries #Fields (or two of #Version, #Date, #Fields). Exchange's
 * comma-separated logs with the same directives are not W3C logs. Binary data is never a log.
 */
export function detectFileKind(head: string, name: string, mode: KindMode): FileKindResult {
  const text = (head.charCodeAt(0) === 0xfeff ? head.slice(1) : head).slice(0, 8192);
  const base = baseName(name);
  if (rootIs(text, 'failedRequest')) return { kind: 'freb', reason: '<failedRequest> root element' };
  const csv = exchangeCsvLogSign(text);
  if (csv) return { kind: 'unknown', reason: `an Exchange-style CSV log (${csv}), not an IIS W3C extended log (space-separated #Fields) or FREB trace` };
  const lines = text.split(/\r\n|\r|\n/, 40);
  if (lines.slice(0, 8).some((l) => W3C_SOFTWARE.test(l))) return { kind: 'w3c', reason: '#Software: Microsoft directive' };
  const first = lines.find((l) => l.trim() !== '');
  if (first !== undefined && W3C_DIRECTIVE.test(first)) {
    if (lines.slice(0, 8).filter((l) => W3C_HEADER_DIRECTIVE.test(l)).length >= 2)
      return { kind: 'w3c', reason: 'W3C header directives (#Version, #Date, #Fields)' };
    if (lines.some((l) => W3C_FIELDS.test(l))) return { kind: 'w3c', reason: 'starts with a W3C directive and has #Fields' };
  }
  // a log cut out of a bigger one: data lines first, then the header IIS writes after a restart
  if (first !== undefined && DATE_TIME_RECORD.test(first) && lines.some((l) => W3C_FIELD_LIST.test(l) && !l.includes(','))) {
    return { kind: 'w3c', reason: "starts with a 'date time ...' record and has #Fields further on" };
  }
  if (looksLikeIisConfig(text))
    return {
      kind: 'unknown',
      reason:
        'an IIS configuration file (<configuration> with <system.applicationHost> or <system.webServer>), not a log or FREB trace: its Extended Protection settings are read by `iis-auth-lens epconfig`',
    };
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return { kind: 'unknown', reason: `binary data (a NUL byte at offset ${nul}), not an IIS W3C log or FREB trace` };
  if (mode === 'content') return { kind: 'unknown', reason: NOT_OURS };
  if (FREB_NAME.test(base) && /^\s*(<\?xml|<!--)/.test(text)) return { kind: 'freb', reason: 'named fr*.xml and starts as XML' };
  if (kindByName(base) !== 'w3c') return { kind: 'unknown', reason: NOT_OURS };
  // a *.log without directives: a W3C log only if it starts like the IIS default layout (IIS
  // writes the header; a headerless log is one cut out of a bigger one). An empty file is an empty log.
  if (first === undefined) return { kind: 'w3c', reason: 'an empty file named *.log' };
  if (DATE_TIME_RECORD.test(first)) return { kind: 'w3c', reason: "named *.log and starts with a 'date time ...' record" };
  return {
    kind: 'unknown',
    reason: `not an IIS W3C log or FREB trace: no #Fields/#Software directive, and the first line is not a 'date time ...' record: '${clip(first)}'`,
  };
}
