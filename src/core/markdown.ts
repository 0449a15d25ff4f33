// The one Markdown builder for everything that reaches a hover, a tooltip or a decode document.
// Text that comes from a document (a log value, a header, a token's user name, an error text) goes
// through mdText() or mdCode() and can never become markup, HTML, an autolink or a link - least of
// all a `command:` or `file:` link, which VS Code would run with the extension's rights. Links are
// made only by mdCommandLink(), from a command the caller names and arguments it built itself.
// Plain-text surfaces that still interpret something (CodeLens titles and tree labels render
// `$(icon)`) get plainLabel().

/** Characters that start inline markup, a link, HTML or an entity anywhere in a paragraph. */
const INLINE_SPECIAL = /[\\`*_[\]()<>&|~]/g;
/** C0 controls (but tab) and DEL: never shown, and some renderers treat them as line ends. */
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Schemes that renderers link without brackets, or that VS Code runs: their colon is escaped. */
const AUTOLINK_SCHEME = /\b(https?|ftp|file|command|vscode(?:-insiders)?|mailto|javascript|data):/gi;

function oneLine(s: string): string {
  return String(s)
    .replace(CONTROLS, '')
    .replace(/\r\n?|\n|\u2028|\u2029/g, ' ');
}

/**
 * Document text as literal Markdown text: every character that could open markup is
 * backslash-escaped (CommonMark renders `\x` as `x`), line breaks become spaces, so no block
 * (heading, list, quote, table row, fence) can start; the scheme colon of `http:`, `https:`,
 * `ftp:`, `command:`, `file:`, `vscode:`, `mailto:`, `javascript:`, `data:` and the dot of `www.`
 * are escaped so GFM's extended autolinks find nothing; and `@` too (e-mail autolinks). Times
 * such as 14:23:18 keep their colons.
 */
export function mdText(s: string): string {
  return (
    oneLine(s)
      .replace(INLINE_SPECIAL, '\\$&')
      .replace(AUTOLINK_SCHEME, '$1\\:')
      .replace(/\b(www)\./gi, '$1\\.')
      .replace(/@/g, '\\@')
      // At the start of the text a paragraph could still open a block: a heading, quote, list item, rule.
      .replace(/^(\s*)([#>+=-])/, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/, '$1\\$2')
  );
}

/** Inline code for any text: the fence is one backtick longer than the longest run inside. */
export function mdCode(s: string): string {
  const text = oneLine(s);
  if (text === '') return '` `';
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space at each end when both are there: pad when the text starts or ends
  // with a backtick (it would join the fence) or a space (it would be stripped).
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return fence + pad + text + pad + fence;
}

/** Inline code inside a GFM table cell, where `|` ends the cell even within code. */
export function mdCellCode(s: string): string {
  return mdCode(s).replace(/\|/g, '\\|');
}

/** Document text in bold. */
export function mdBold(s: string): string {
  return `**${mdText(s)}**`;
}

/** A fenced code block whose fence no line of the text can close. */
export function mdFence(s: string, lang = ''): string {
  const text = String(s).replace(CONTROLS, '').replace(/\r\n?/g, '\n');
  let longest = 2;
  for (const run of text.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang.replace(/[^A-Za-z0-9_-]/g, '')}\n${text}\n${fence}`;
}

/** Command ids the server may link to: ours, never a built-in such as `vscode.open`. */
const OUR_COMMAND = /^iisAuthLens\.[A-Za-z]+$/;

/**
 * A `command:` link the caller builds from its own command id and arguments (JSON, URI-encoded
 * including the `(`, `)`, `'`, `!` and `*` that encodeURIComponent leaves alone: a `)` in an
 * argument would end the link and turn the rest into Markdown); label and tooltip are escaped text.
 */
export function mdCommandLink(label: string, command: string, args: readonly unknown[], tooltip?: string): string {
  if (!OUR_COMMAND.test(command)) throw new Error(`not an IIS Auth Lens command: ${command}`);
  const encoded = encodeURIComponent(JSON.stringify(args)).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const target = `command:${command}?${encoded}`;
  const title = tooltip === undefined ? '' : ` "${oneLine(tooltip).replace(/["\\]/g, '\\$&')}"`;
  return `[${mdText(label)}](${target}${title})`;
}

/**
 * Document text for a plain-text label that VS Code still scans for `$(icon)` (CodeLens titles,
 * tree items, status bar): icons escaped, line breaks as spaces, at most `max` characters.
 */
export function plainLabel(s: string, max = 200): string {
  let text = oneLine(s).replace(/\$\(/g, '\\$(');
  if (text.length > max) text = text.slice(0, max - 1) + '…';
  return text;
}
