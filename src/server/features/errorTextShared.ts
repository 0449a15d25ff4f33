// What the error-text diagnostics, hover and HCW CodeLens share: which documents they look at and
// one cached explainText() result per document version.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { explainText, type ExplainMatch } from '../../core/explain/explainText';
import type { ErrorTextCommandArgs } from '../../protocol/requests';

/** Languages where pasted error output and logs live (untitled documents count whatever their language). */
export const ERROR_TEXT_LANGUAGES = new Set(['plaintext', 'log', 'hcw-log']);
/** Beyond this the document is left to the CLI / large-file path. */
const MAX_CHARS = 16 * 1024 * 1024;

export function wantsErrorTexts(doc: TextDocument): boolean {
  if (doc.getText().length > MAX_CHARS) return false;
  // IIS logs and FREB traces have analyzers of their own; an untitled one would get each finding twice.
  if (doc.languageId === 'iis-w3c-log' || doc.languageId === 'freb') return false;
  return ERROR_TEXT_LANGUAGES.has(doc.languageId) || doc.uri.startsWith('untitled:');
}

const cache = new Map<string, { version: number; all: ExplainMatch[]; first: ExplainMatch[] }>();

function analyzed(doc: TextDocument): { all: ExplainMatch[]; first: ExplainMatch[] } {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit;
  const all = explainText(doc.getText(), { all: true });
  const seen = new Set<string>();
  const first = all.filter((m) => {
    const key = `${m.line}|${m.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const entry = { version: doc.version, all, first };
  cache.set(doc.uri, entry);
  if (cache.size > 64) cache.delete(cache.keys().next().value!);
  return entry;
}

/** One match per code and line (what the CLI reports): for diagnostics. */
export function matchesOf(doc: TextDocument): ExplainMatch[] {
  return analyzed(doc).first;
}

/** Every occurrence: for hovers. */
export function allMatchesOf(doc: TextDocument): ExplainMatch[] {
  return analyzed(doc).all;
}

export function forgetDocument(uri: string): void {
  cache.delete(uri);
}

export type { ErrorTextCommandArgs };

export function commandArgs(uri: string, m: ExplainMatch): ErrorTextCommandArgs {
  return { uri, line: m.line, endLine: m.endLine, code: m.code, url: m.url, time: m.time };
}
