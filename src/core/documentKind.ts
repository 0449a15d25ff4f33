// What a file is by its first bytes, for names no pattern covers (a renamed IIS log or FREB trace).
// Used by the client to switch a `log`/`xml` document to our language; the rule is the file pipeline's.

import { detectFileKind } from './files/fileKind';

export { exchangeCsvLogSign } from './files/fileKind';

/**
 * 'w3c' when the head (the first lines of a file, decoded) is a W3C extended log header (IIS or
 * HTTP.sys), 'freb' when it is an IIS Failed Request Trace, otherwise undefined: the pipeline's
 * rule (core/files/fileKind.ts) on content alone, as for a file found in a folder.
 */
export function detectDocumentKind(head: string): 'w3c' | 'freb' | undefined {
  const k = detectFileKind(head, '', 'content').kind;
  return k === 'unknown' ? undefined : k;
}
