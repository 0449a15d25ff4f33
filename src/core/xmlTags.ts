// The one scan that finds where an XML tag ends, for the pre-scans that refuse hostile XML before
// fast-xml-parser sees it (FREB traces, IIS configuration).

/** Index of the '>' that ends the tag starting before `from`, skipping quoted attribute values; -1 when the tag is cut off. */
export function tagEnd(text: string, from: number): number {
  let q = 0;
  for (let k = from; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (q) {
      if (c === q) q = 0;
    } else if (c === 0x22 || c === 0x27) {
      q = c;
    } else if (c === 0x3e) {
      return k;
    } else if (c === 0x3c) {
      return -1; // a '<' inside a tag: the tag was cut off
    }
  }
  return -1;
}
