// IIS configuration XML (applicationHost.config, web.config) read safely, with the position of every
// element we judge. A structural pass walks all tags once: it refuses what a config never holds and
// an attacker would send (DOCTYPE and entity declarations, absurd nesting, sizes beyond any real
// server), names the line where a truncated or mismatched file goes wrong (the same limits as the
// FREB reader), and notes where each <location> and each section we read
// (security/authentication/windowsAuthentication, security/access, security/ipSecurity) lies.
// fast-xml-parser then parses only those sections (preserveOrder keeps <clear/>/<add>/<remove> in
// order, captureMetaData gives offsets): the other 95% of an applicationHost.config (sites, modules,
// handlers, MIME maps) is checked for structure but never built into objects.
import { XMLParser } from 'fast-xml-parser';
import { lineOf, lineStarts as lineStartsOf } from '../textLines';
import { tagEnd } from '../xmlTags';

/** 1-based line of an offset. */
const lineNumberAt = (starts: readonly number[], offset: number): number => lineOf(starts, offset) + 1;

/** Real applicationHost.config files are 150-400 KB; far beyond that we refuse, not stall. */
export const MAX_CONFIG_CHARS = 16 * 1024 * 1024;
/** applicationHost.config nests 9 levels (configuration/location/system.webServer/.../spn). */
export const MAX_CONFIG_DEPTH = 40;

export class IisConfigFormatError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export interface XmlElement {
  name: string;
  /** Attribute values with the XML built-in entities decoded. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Offset of '<' in the text. */
  start: number;
  /** 1-based line and 0-based column of '<'. */
  line: number;
  column: number;
}

export type SectionName = 'windowsAuthentication' | 'access' | 'ipSecurity';

/** The server level (sections right under <configuration>) or one <location>. */
export interface ConfigContainer {
  /** The <location> element (its attributes, no children), or null for the root level. */
  location: XmlElement | null;
  /** Last line of the <location> (or of the file). */
  endLine: number;
  sections: Record<SectionName, XmlElement[]>;
}

export interface ConfigXml {
  containers: ConfigContainer[];
  /** Whether <system.applicationHost> is there (applicationHost.config, not a web.config). */
  applicationHost: boolean;
  /** `Site/app` of every <application> below the site root (system.applicationHost/sites), as written. */
  applications: string[];
  /** Offsets where each line starts (index 0 = line 1). */
  lineStarts: number[];
}

const NAME_END = /[\s/>]/;

/** The section a start tag opens, given the names of its ancestors (below <configuration>[/<location>]). */
function sectionOf(stack: Array<{ name: string }>, name: string): SectionName | null {
  const base = stack.length >= 2 && stack[1]!.name === 'location' ? 2 : 1;
  const rel = stack.length - base;
  if (rel < 2 || stack[base]!.name !== 'system.webServer' || stack[base + 1]!.name !== 'security') return null;
  if (rel === 2 && (name === 'access' || name === 'ipSecurity')) return name;
  if (rel === 3 && name === 'windowsAuthentication' && stack[base + 2]!.name === 'authentication') return name;
  return null;
}

interface Span {
  section: SectionName;
  start: number;
  end: number;
  container: number;
}
interface LocationTag {
  start: number;
  tagEnd: number;
  end: number;
}

/** The structural pass: throws IisConfigFormatError naming the line on anything unsafe or broken. */
function attrOf(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
  if (!m) return null;
  return (m[1] ?? m[2] ?? '')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function scan(
  text: string,
  lineStarts: number[],
): { rootName: string; spans: Span[]; locations: LocationTag[]; applicationHost: boolean; applications: string[] } {
  const lineAt = (offset: number): number => lineNumberAt(lineStarts, offset);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: Array<{ name: string; at: number }> = [];
  const spans: Span[] = [];
  const locations: LocationTag[] = [];
  let open: Span | null = null;
  let openDepth = 0;
  let applicationHost = false;
  const applications: string[] = [];
  let siteName: string | null = null;
  let rootName = '';
  let rootClosed = false;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      if (!rootName && text.slice(i).trim()) throw new IisConfigFormatError(lineAt(i), 'text outside any element: not an XML document');
      break;
    }
    if (!rootName && text.slice(i, lt).trim()) throw new IisConfigFormatError(lineAt(i), 'text before the root element: not an XML document');
    const c1 = text.charCodeAt(lt + 1);
    if (c1 === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const e = text.indexOf('-->', lt + 4);
        if (e < 0) throw new IisConfigFormatError(lineAt(lt), 'comment is not closed (file truncated?)');
        i = e + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        if (!stack.length) throw new IisConfigFormatError(lineAt(lt), 'CDATA section outside the root element');
        const e = text.indexOf(']]>', lt + 9);
        if (e < 0) throw new IisConfigFormatError(lineAt(lt), 'CDATA section is not closed (file truncated?)');
        i = e + 3;
        continue;
      }
      const word = /^<!([A-Za-z]*)/.exec(text.slice(lt, lt + 12))?.[1] ?? '';
      if (word === 'DOCTYPE' || word === 'ENTITY') {
        throw new IisConfigFormatError(lineAt(lt), `<!${word}> declaration refused: IIS configuration has none, and DTD entities can expand without bound`);
      }
      throw new IisConfigFormatError(lineAt(lt), `unexpected markup <!${word}`);
    }
    if (c1 === 0x3f /* ? */) {
      const e = text.indexOf('?>', lt + 2);
      if (e < 0) throw new IisConfigFormatError(lineAt(lt), 'processing instruction is not closed (file truncated?)');
      i = e + 2;
      continue;
    }
    if (c1 === 0x2f /* / */) {
      const e = text.indexOf('>', lt + 2);
      if (e < 0) throw truncated(stack, lineAt, n);
      const name = text.slice(lt + 2, e).trim();
      const top = stack.pop();
      if (!top) throw new IisConfigFormatError(lineAt(lt), `closing tag </${name}> without an open element`);
      if (top.name !== name) {
        throw new IisConfigFormatError(lineAt(lt), `closing tag </${name}> does not match <${top.name}> opened at line ${lineAt(top.at)}`);
      }
      if (open && stack.length === openDepth) {
        open.end = e + 1;
        spans.push(open);
        open = null;
      }
      if (stack.length === 1 && name === 'location') locations[locations.length - 1]!.end = e + 1;
      if (stack.length === 0) rootClosed = true;
      i = e + 1;
      continue;
    }
    const e = tagEnd(text, lt + 1);
    if (e < 0) throw truncated(stack, lineAt, n, lt);
    let nameEnd = lt + 1;
    while (nameEnd < e && !NAME_END.test(text[nameEnd]!)) nameEnd++;
    const name = text.slice(lt + 1, nameEnd);
    if (!name) throw new IisConfigFormatError(lineAt(lt), "'<' not followed by a tag name");
    if (rootClosed) throw new IisConfigFormatError(lineAt(lt), `element <${name}> after the end of the root element`);
    if (!rootName) rootName = name;
    const selfClosing = text.charCodeAt(e - 1) === 0x2f;
    if (stack.length === 3 && name === 'site' && stack[1]!.name === 'system.applicationHost' && stack[2]!.name === 'sites') {
      siteName = attrOf(text.slice(nameEnd, e), 'name');
    } else if (stack.length === 4 && name === 'application' && stack[3]!.name === 'site' && siteName) {
      const app = (attrOf(text.slice(nameEnd, e), 'path') ?? '').replace(/^\/+|\/+$/g, '');
      if (app) applications.push(`${siteName}/${app}`);
    }
    if (stack.length === 1) {
      if (name === 'location') locations.push({ start: lt, tagEnd: e + 1, end: e + 1 });
      else if (name === 'system.applicationHost') applicationHost = true;
    }
    if (!open) {
      const section = sectionOf(stack, name);
      if (section) {
        const container = stack.length >= 2 && stack[1]!.name === 'location' ? locations.length : 0;
        if (selfClosing) spans.push({ section, start: lt, end: e + 1, container });
        else {
          open = { section, start: lt, end: -1, container };
          openDepth = stack.length;
        }
      }
    }
    if (!selfClosing) {
      if (stack.length >= MAX_CONFIG_DEPTH) {
        throw new IisConfigFormatError(lineAt(lt), `elements nested deeper than ${MAX_CONFIG_DEPTH} levels: not an IIS configuration file`);
      }
      stack.push({ name, at: lt });
    } else if (stack.length === 0) {
      rootClosed = true;
    }
    i = e + 1;
  }
  if (!rootName) throw new IisConfigFormatError(1, 'no root element: the file is empty or not XML');
  if (stack.length) throw truncated(stack, lineAt, n);
  return { rootName, spans, locations, applicationHost, applications };
}

function truncated(stack: Array<{ name: string; at: number }>, lineAt: (o: number) => number, end: number, cutAt?: number): IisConfigFormatError {
  const endLine = lineAt(end);
  const cut = cutAt !== undefined ? ` (a tag is cut off at line ${lineAt(cutAt)})` : '';
  const inner = stack[stack.length - 1];
  if (!inner) return new IisConfigFormatError(endLine, `file ends inside a tag${cut}: truncated`);
  const outer = stack[1] ?? inner;
  return new IisConfigFormatError(endLine, `truncated: file ends at line ${endLine} with <${outer.name}> opened at line ${lineAt(outer.at)} not closed${cut}`);
}

const parser = new XMLParser({
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // The XML built-ins only: the scan refuses any DTD, and HTML entity names stay text.
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_CONFIG_DEPTH + 2,
});
// Declared as `Symbol` (the wrapper type) in fast-xml-parser's typings; it is a symbol.
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type OrderedNode = Record<string, unknown>;

function toElements(nodes: OrderedNode[], base: number, lineStarts: number[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of nodes) {
    let name: string | undefined;
    for (const k of Object.keys(node))
      if (k !== ':@' && k !== '#text') {
        name = k;
        break;
      }
    if (!name) continue;
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
    const start = base + (meta?.startIndex ?? 0);
    const line = lineNumberAt(lineStarts, start);
    const attrs: Record<string, string> = {};
    const raw = node[':@'] as Record<string, unknown> | undefined;
    if (raw) for (const [k, v] of Object.entries(raw)) attrs[k] = typeof v === 'string' ? v : String(v);
    const kids = node[name];
    out.push({
      name,
      attrs,
      children: Array.isArray(kids) ? toElements(kids as OrderedNode[], base, lineStarts) : [],
      start,
      line,
      column: start - lineStarts[line - 1]!,
    });
  }
  return out;
}

function parseFragment(text: string, start: number, end: number, lineStarts: number[]): XmlElement[] {
  let doc: OrderedNode[];
  try {
    doc = parser.parse(text.slice(start, end)) as OrderedNode[];
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new IisConfigFormatError(lineNumberAt(lineStarts, start), `XML error: ${msg.split('\n')[0]}`);
  }
  return toElements(doc, start, lineStarts);
}

/** Parses an IIS configuration file; throws IisConfigFormatError (with the line) when it is not one. */
export function parseConfigXml(text: string): ConfigXml {
  if (text.length === 0) throw new IisConfigFormatError(1, 'empty file (0 bytes): not an IIS configuration file');
  if (text.length > MAX_CONFIG_CHARS) {
    throw new IisConfigFormatError(1, `file larger than ${MAX_CONFIG_CHARS / 1048576} MiB: refused as an IIS configuration file`);
  }
  const lineStarts = lineStartsOf(text);
  const s = scan(text, lineStarts);
  if (s.rootName !== 'configuration') {
    throw new IisConfigFormatError(1, `root element is <${s.rootName}>, not <configuration>: not an IIS configuration file`);
  }
  const empty = (): Record<SectionName, XmlElement[]> => ({ windowsAuthentication: [], access: [], ipSecurity: [] });
  const containers: ConfigContainer[] = [{ location: null, endLine: lineStarts.length, sections: empty() }];
  for (const loc of s.locations) {
    // The start tag alone, closed, gives the <location>'s attributes decoded by the same parser.
    const tag = text.slice(loc.start, loc.tagEnd).replace(/\/?>$/, '/>');
    let el: XmlElement | undefined;
    try {
      el = toElements(parser.parse(tag) as OrderedNode[], loc.start, lineStarts)[0];
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new IisConfigFormatError(lineNumberAt(lineStarts, loc.start), `XML error: ${msg.split('\n')[0]}`);
    }
    containers.push({ location: el ?? null, endLine: lineNumberAt(lineStarts, loc.end - 1), sections: empty() });
  }
  for (const span of s.spans) {
    containers[span.container]!.sections[span.section].push(...parseFragment(text, span.start, span.end, lineStarts));
  }
  return { containers, applicationHost: s.applicationHost, applications: s.applications, lineStarts };
}
