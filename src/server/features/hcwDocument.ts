// One parsed HCW log per document version, shared by the HCW outline, folding and CodeLens.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseHcwLog, type HcwLog } from '../../core/hcw/hcwLog';

const cache = new Map<string, { version: number; log: HcwLog }>();

export function isHcwDocument(doc: TextDocument): boolean {
  return doc.languageId === 'hcw-log';
}

export function hcwLogOf(doc: TextDocument): HcwLog {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit.log;
  const log = parseHcwLog(doc.getText());
  cache.set(doc.uri, { version: doc.version, log });
  if (cache.size > 32) cache.delete(cache.keys().next().value!);
  return log;
}

export function forgetHcw(uri: string): void {
  cache.delete(uri);
}
