// One FREB analysis per document version, shared by the FREB CodeLens, diagnostics, hover and
// Outline. A FREB document is languageId `freb`, or an `xml` document named fr<digits>*.xml (Red Hat
// XML users keep their XML mode and still get these features).
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { tryAnalyzeFreb, type FrebAnalysis } from '../../core/freb/frebAnalyze';
import { FREB_XML_MODE_NAME } from '../../core/files/fileKind';

export type FrebDocState = { analysis: FrebAnalysis } | { error: string; line: number; reason: string };

const cache = new Map<string, { version: number; state: FrebDocState }>();

export function isFrebDocument(doc: TextDocument): boolean {
  if (doc.languageId === 'freb') return true;
  if (doc.languageId !== 'xml') return false;
  const name = decodeURIComponent(doc.uri.split(/[/\\]/).pop() ?? '');
  return FREB_XML_MODE_NAME.test(name);
}

export function frebStateOf(doc: TextDocument): FrebDocState {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit.state;
  const r = tryAnalyzeFreb(doc.getText(), decodeURIComponent(doc.uri.split('/').pop() ?? doc.uri));
  const state: FrebDocState = 'analysis' in r ? r : { error: r.error.error ?? r.reason, line: r.line, reason: r.reason };
  cache.set(doc.uri, { version: doc.version, state });
  if (cache.size > 16) cache.delete(cache.keys().next().value!);
  return state;
}

/** The analysis of a FREB document that parsed; null for other documents and broken traces. */
export function frebAnalysisOf(doc: TextDocument): FrebAnalysis | null {
  if (!isFrebDocument(doc)) return null;
  const state = frebStateOf(doc);
  return 'analysis' in state ? state.analysis : null;
}
