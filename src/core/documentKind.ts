// What a file is by its first bytes, for names no pattern covers (a renamed IIS log or FREB trace).
// Used by the client to switch a `log`/`xml` document to our language; the rule is the file pipeline's.

import { detectFileKind, type FileKindResult } from './files/fileKind';

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

/** The language a document's content calls for, if it is one of ours and the current one is generic. */
export function detectLanguage(languageId: string, head: string, found?: (k: FileKindResult) => void): 'iis-w3c-log' | 'freb' | undefined {
  // the file pipeline's rule on content alone, as for a file found in a folder (core/files/fileKind.ts)
  const k = detectFileKind(head, '', 'content');
  found?.(k);
  if (k.kind === 'w3c' && (languageId === 'log' || languageId === 'plaintext')) return 'iis-w3c-log';
  // a trace saved as .txt or .log opens as plain text: the content decides, as for the CLI
  if (k.kind === 'freb' && (languageId === 'xml' || languageId === 'plaintext' || languageId === 'log')) return 'freb';
  return undefined;
}
