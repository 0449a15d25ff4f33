// One parsed model per open IIS W3C log and document version, shared by the W3C features
// (tokens, hover, diagnostics, CodeLens, outline, folding): the text is scanned once per edit.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeW3cDocument, type W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';

export const W3C_LANGUAGE = 'iis-w3c-log';

interface Entry {
  version: number;
  analysis: W3cDocumentAnalysis;
}

/** Models kept (most recently used last); a 50 MB log's model is ~2-3x its size. */
const MAX_MODELS = 4;
const cache = new Map<string, Entry>();

export function isW3cDocument(doc: TextDocument): boolean {
  return doc.languageId === W3C_LANGUAGE;
}

/** The analysis of this document version (built on first use, then cached). */
/** Receives one line per model built for a large document (the server's log). */
let logLarge: ((msg: string) => void) | undefined;
export function setW3cModelLog(log: (msg: string) => void): void {
  logLarge = log;
}

export function w3cAnalysis(doc: TextDocument, handshakeWindowSeconds: number): W3cDocumentAnalysis {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version && hit.analysis.handshakeWindowSeconds === handshakeWindowSeconds) {
    cache.delete(doc.uri);
    cache.set(doc.uri, hit);
    return hit.analysis;
  }
  cache.delete(doc.uri);
  const analysis = analyzeW3cDocument(doc.getText(), { handshakeWindowSeconds });
  cache.set(doc.uri, { version: doc.version, analysis });
  if (logLarge && analysis.model.text.length >= 1 << 20) {
    logLarge(
      `W3C log ${doc.uri} v${doc.version}: ${analysis.model.lineCount} lines, ${analysis.findings.length} findings, analyzed in ${Math.round(analysis.ms)} ms`,
    );
  }
  while (cache.size > MAX_MODELS) cache.delete(cache.keys().next().value as string);
  return analysis;
}

/** Forget a closed document. */
export function dropW3cAnalysis(uri: string): void {
  cache.delete(uri);
}
