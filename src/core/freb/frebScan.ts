// A light structural scan of a FREB file's raw text. fast-xml-parser gives no positions and its
// errors on a cut file say "line 1", so this pass walks the tags once to (1) refuse DOCTYPE and
// entity declarations in the prolog, (2) enforce depth limits, (3) name the line where a truncated
// or mismatched file goes wrong, and (4) record the line of every <Event>, its rendered <Opcode>
// and each <Data Name="..."> so findings and diagnostics point at the stored file.

import { tagEnd } from '../xmlTags';

/** Where and why a file is not a well-formed, safe FREB trace. */
export class FrebFormatError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export interface EventPosition {
  /** 1-based line of `<Event`. */
  line: number;
  /** 1-based line of `</Event>` (or of the self-closing tag). */
  endLine: number;
  /** Offset of `<Event` in the text. */
  start: number;
  /** Offset just after `</Event>`. */
  end: number;
  /** Line of `<RenderingInfo><Opcode>`, or the event line when there is none. */
  opcodeLine: number;
  /** Line of each `<Data Name="...">` (first occurrence per name). */
  dataLines: Record<string, number>;
}

export interface FrebScan {
  rootName: string;
  /** Line of the root element's start tag. */
  rootLine: number;
  events: EventPosition[];
  /** Total physical lines of the text. */
  lines: number;
}

/** Nesting deeper than this is not FREB (real traces nest 5 levels) and would only cost stack. */
export const MAX_DEPTH = 32;

const NAME_END = /[\s/>]/;

/** Scans the raw text; throws FrebFormatError naming the line on anything unsafe or broken. */
export function scanFreb(text: string): FrebScan {
  const lineStarts = new LineCounter(text);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: Array<{ name: string; line: number }> = [];
  const events: EventPosition[] = [];
  let rootName = '';
  let rootLine = 0;
  let rootClosed = false;
  let current: EventPosition | null = null;
  const n = text.length;

  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      if (!rootName && text.slice(i).trim()) throw new FrebFormatError(lineStarts.lineAt(i), 'text outside any element: not an XML document');
      break;
    }
    if (!rootName && text.slice(i, lt).trim()) {
      throw new FrebFormatError(lineStarts.lineAt(i), 'text before the root element: not an XML document');
    }
    const c1 = text.charCodeAt(lt + 1);
    if (c1 === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const e = text.indexOf('-->', lt + 4);
        if (e < 0) throw new FrebFormatError(lineStarts.lineAt(lt), 'comment is not closed (file truncated?)');
        i = e + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        if (!stack.length) throw new FrebFormatError(lineStarts.lineAt(lt), 'CDATA section outside the root element');
        const e = text.indexOf(']]>', lt + 9);
        if (e < 0) throw new FrebFormatError(lineStarts.lineAt(lt), 'CDATA section is not closed (file truncated?)');
        i = e + 3;
        continue;
      }
      const word = /^<!([A-Za-z]*)/.exec(text.slice(lt, lt + 12))?.[1] ?? '';
      if (word === 'DOCTYPE' || word === 'ENTITY') {
        throw new FrebFormatError(lineStarts.lineAt(lt), `<!${word}> declaration refused: FREB traces have none, and DTD entities can expand without bound`);
      }
      throw new FrebFormatError(lineStarts.lineAt(lt), `unexpected markup <!${word}`);
    }
    if (c1 === 0x3f /* ? */) {
      const e = text.indexOf('?>', lt + 2);
      if (e < 0) throw new FrebFormatError(lineStarts.lineAt(lt), 'processing instruction is not closed (file truncated?)');
      i = e + 2;
      continue;
    }
    if (c1 === 0x2f /* / */) {
      const e = text.indexOf('>', lt + 2);
      if (e < 0) throw truncated(stack, lineStarts, text);
      const name = text.slice(lt + 2, e).trim();
      const open = stack.pop();
      if (!open) throw new FrebFormatError(lineStarts.lineAt(lt), `closing tag </${name}> without an open element`);
      if (open.name !== name) {
        throw new FrebFormatError(lineStarts.lineAt(lt), `closing tag </${name}> does not match <${open.name}> opened at line ${open.line}`);
      }
      if (stack.length === 1 && name === 'Event' && current) {
        current.endLine = lineStarts.lineAt(lt);
        current.end = e + 1;
        current = null;
      }
      if (stack.length === 0) rootClosed = true;
      i = e + 1;
      continue;
    }
    // A start tag: find its end, skipping quoted attribute values (they may hold '>').
    const e = tagEnd(text, lt + 1);
    if (e < 0) throw truncated(stack, lineStarts, text, lt);
    let nameEnd = lt + 1;
    while (nameEnd < e && !NAME_END.test(text[nameEnd])) nameEnd++;
    const name = text.slice(lt + 1, nameEnd);
    if (!name) throw new FrebFormatError(lineStarts.lineAt(lt), "'<' not followed by a tag name");
    const selfClosing = text.charCodeAt(e - 1) === 0x2f;
    const line = lineStarts.lineAt(lt);
    if (rootClosed) throw new FrebFormatError(line, `element <${name}> after the end of the root element`);
    if (!rootName) {
      rootName = name;
      rootLine = line;
    }
    if (stack.length === 1 && name === 'Event') {
      current = { line, endLine: line, start: lt, end: e + 1, opcodeLine: line, dataLines: {} };
      events.push(current);
      if (selfClosing) current = null;
    } else if (current) {
      const parent = stack[stack.length - 1].name;
      if (name === 'Opcode' && parent === 'RenderingInfo') current.opcodeLine = line;
      else if (name === 'Data' && parent === 'EventData') {
        const m = /\bName\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(text.slice(nameEnd, e));
        const dn = m ? (m[1] ?? m[2]) : undefined;
        if (dn !== undefined && !(dn in current.dataLines)) current.dataLines[dn] = line;
      }
    }
    if (!selfClosing) {
      if (stack.length >= MAX_DEPTH) throw new FrebFormatError(line, `elements nested deeper than ${MAX_DEPTH} levels: not a FREB trace`);
      stack.push({ name, line });
    } else if (stack.length === 0) {
      rootClosed = true;
    }
    i = e + 1;
  }
  if (!rootName) throw new FrebFormatError(1, 'no root element: the file is empty or not XML');
  if (stack.length) throw truncated(stack, lineStarts, text);
  return { rootName, rootLine, events, lines: lineStarts.lineAt(text.length) };
}

function truncated(stack: Array<{ name: string; line: number }>, lines: LineCounter, text: string, at?: number): FrebFormatError {
  const endLine = lines.lineAt(text.length);
  const inner = stack[stack.length - 1];
  const cut = at !== undefined ? ` (a tag is cut off at line ${lines.lineAt(at)})` : '';
  if (!inner) return new FrebFormatError(endLine, `file ends inside a tag${cut}: truncated`);
  const outer = stack.find((s) => s.name === 'Event') ?? inner;
  return new FrebFormatError(endLine, `truncated: file ends at line ${endLine} with <${outer.name}> opened at line ${outer.line} not closed${cut}`);
}

/**
 * 1-based line of an offset; queries must be (mostly) increasing, which a scan is. It keeps the
 * next newline it has not counted yet, so a scan costs one pass over the text even when the whole
 * trace is one line (searching for the next newline on every call made a minified trace quadratic).
 */
class LineCounter {
  private pos = 0;
  private line = 1;
  private next: number;
  constructor(private readonly text: string) {
    this.next = text.indexOf('\n');
  }
  lineAt(offset: number): number {
    if (offset < this.pos) {
      this.pos = 0;
      this.line = 1;
      this.next = this.text.indexOf('\n');
    }
    while (this.next >= 0 && this.next < offset) {
      this.line++;
      this.next = this.text.indexOf('\n', this.next + 1);
    }
    this.pos = offset;
    return this.line;
  }
}
