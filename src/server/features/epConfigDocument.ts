// One Extended Protection reading per IIS configuration document and version, shared by the
// CodeLens, diagnostics and hover. An IIS configuration document is an XML document named
// applicationHost.config (also copies such as EX01_applicationHost.config) or web.config.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { IisConfigFormatError, analyzeEpConfig, webConfigLocationFromPath, type EpConfigReport, type EpLocation } from '../../core/iisConfig/epConfig';

export type EpConfigState = { report: EpConfigReport } | { line: number; reason: string };

const cache = new Map<string, { version: number; state: EpConfigState }>();

function fileName(uri: string): string {
  return decodeURIComponent(uri.split(/[/\\]/).pop() ?? '');
}

export function isEpConfigDocument(doc: TextDocument): boolean {
  if (doc.languageId !== 'xml') return false;
  const name = fileName(doc.uri);
  return /applicationhost\.config$/i.test(name) || /^web\.config$/i.test(name);
}

export function epConfigStateOf(doc: TextDocument): EpConfigState | null {
  if (!isEpConfigDocument(doc)) return null;
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit.state;
  let state: EpConfigState;
  try {
    const isWeb = /^web\.config$/i.test(fileName(doc.uri));
    const path = decodeURIComponent(doc.uri.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''));
    state = { report: analyzeEpConfig(doc.getText(), { webConfigLocation: isWeb ? webConfigLocationFromPath(path) : undefined }) };
  } catch (err) {
    state =
      err instanceof IisConfigFormatError ? { line: err.line, reason: err.reason } : { line: 1, reason: err instanceof Error ? err.message : String(err) };
  }
  cache.set(doc.uri, { version: doc.version, state });
  if (cache.size > 16) cache.delete(cache.keys().next().value!);
  return state;
}

export function epConfigReportOf(doc: TextDocument): EpConfigReport | null {
  const s = epConfigStateOf(doc);
  return s && 'report' in s ? s.report : null;
}

/** The reported location whose <location> element holds this 1-based line. */
export function epLocationAtLine(report: EpConfigReport, line: number): EpLocation | null {
  let best: EpLocation | null = null;
  for (const l of report.locations) if (l.line <= line && line <= l.endLine && (!best || l.line > best.line)) best = l;
  return best;
}
