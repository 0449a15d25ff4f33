// The XML attribute under the cursor on one line of a configuration file (IIS writes each element's
// attributes on its start tag's line), for hovers on tokenChecking, flags and sslFlags values.

export interface AttributeAt {
  /** Element whose start tag holds the attribute, when it starts on this line. */
  element: string | null;
  name: string;
  /** Raw value as written (entities not decoded). */
  value: string;
  /** 0-based columns: the name's start, the value's start (after the quote) and end (before it). */
  nameStart: number;
  valueStart: number;
  valueEnd: number;
}

const ATTR = /([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function xmlAttributeAt(line: string, character: number): AttributeAt | null {
  for (const m of line.matchAll(ATTR)) {
    const nameStart = m.index;
    const quote = m[0].search(/["']/);
    const valueStart = nameStart + quote + 1;
    const value = m[2] ?? m[3] ?? '';
    const valueEnd = valueStart + value.length;
    if (character < nameStart || character > valueEnd) continue;
    const before = line.slice(0, nameStart);
    const tags = [...before.matchAll(/<([A-Za-z_][\w:.-]*)/g)];
    const element = tags.length ? tags[tags.length - 1]![1]! : null;
    return { element, name: m[1]!, value, nameStart, valueStart, valueEnd };
  }
  return null;
}
