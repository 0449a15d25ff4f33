// The findings of an IIS W3C log as diagnostics: BAD_BINDINGS as errors, the other auth failures
// as warnings, malformed lines as information; the range is the field that shows the problem
// (sc-win32-status, sc-status) and related information links the legs of a failed handshake.
import * as l10n from '@vscode/l10n';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import type { Finding } from '../../core/findings';
import { columnOf, docLine, layoutOf, lineText, type W3cEditorModel } from '../../core/w3c/w3cEditorModel';
import type { W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { dropW3cAnalysis, isW3cDocument, w3cAnalysis } from './w3cModelCache';

export const DIAGNOSTIC_SOURCE = 'IIS Auth Lens';

const SEVERITY: Record<string, DiagnosticSeverity> = {
  BAD_BINDINGS: DiagnosticSeverity.Error,
  LOGON_DENIED: DiagnosticSeverity.Warning,
  INVALID_TOKEN: DiagnosticSeverity.Warning,
  HANDSHAKE_INCOMPLETE: DiagnosticSeverity.Warning,
  NO_CREDENTIALS: DiagnosticSeverity.Warning,
  AUTH_FAILED: DiagnosticSeverity.Warning,
  MALFORMED_LINE: DiagnosticSeverity.Information,
};

/** Range of the field `column` on a 1-based line, or of the whole line. */
function fieldRange(m: W3cEditorModel, line1: number, column: number | undefined): Range {
  const l = line1 - 1;
  const dl = docLine(m, line1);
  if (l < 0 || l >= m.lineCount) return { start: { line: Math.max(0, dl), character: 0 }, end: { line: Math.max(0, dl), character: 0 } };
  const from = m.tokIndex[l]!, to = m.tokIndex[l + 1]!;
  if (column !== undefined && column >= 0 && from + column < to) {
    return {
      start: { line: dl, character: columnOf(m, l, m.tokStart[from + column]!) },
      end: { line: dl, character: columnOf(m, l, m.tokEnd[from + column]!) },
    };
  }
  return { start: { line: dl, character: 0 }, end: { line: dl, character: lineText(m, l).length } };
}

function columnFor(m: W3cEditorModel, f: Finding): number | undefined {
  if (f.code === 'MALFORMED_LINE') return undefined;
  const lay = layoutOf(m, f.line - 1);
  if (!lay) return undefined;
  if (f.code === 'HANDSHAKE_INCOMPLETE') return lay.columns.status >= 0 ? lay.columns.status : undefined;
  if (lay.columns.win32 >= 0) return lay.columns.win32;
  return lay.columns.status >= 0 ? lay.columns.status : undefined;
}

export function w3cDiagnostics(a: W3cDocumentAnalysis, uri: string): Diagnostic[] {
  const m = a.model;
  return a.findings.map((f): Diagnostic => {
    const d: Diagnostic = {
      range: fieldRange(m, f.line, columnFor(m, f)),
      severity: SEVERITY[f.code] ?? (f.severity === 'error' ? DiagnosticSeverity.Error : f.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information),
      code: f.code,
      source: DIAGNOSTIC_SOURCE,
      message: f.message,
    };
    const related = (f.relatedLines ?? []).filter((l) => l !== f.line);
    if (related.length) {
      d.relatedInformation = related.map((l) => {
        const lay = layoutOf(m, l - 1);
        return {
          location: { uri, range: fieldRange(m, l, lay && lay.columns.status >= 0 ? lay.columns.status : undefined) },
          message: l10n.t('leg on line {0}: {1}', l, legSummary(m, l)),
        };
      });
    }
    return d;
  });
}

/** "401 2 5" style status triple of a line, for related-information messages. */
function legSummary(m: W3cEditorModel, line1: number): string {
  const l = line1 - 1;
  const lay = layoutOf(m, l);
  if (!lay) return '';
  const from = m.tokIndex[l]!, to = m.tokIndex[l + 1]!;
  const get = (c: number): string => (c >= 0 && from + c < to ? m.buf.toString('utf8', m.tokStart[from + c]!, m.tokEnd[from + c]!) : '');
  return [get(lay.columns.status), get(lay.columns.substatus), get(lay.columns.win32)].filter(Boolean).join(' ');
}

export const w3cDiagnosticsFeature: Feature = {
  register(ctx: ServerContext) {
    ctx.documents.onDidClose((e) => dropW3cAnalysis(e.document.uri));
    ctx.diagnostics.push({
      provideDiagnostics(doc: TextDocument): Diagnostic[] {
        if (!isW3cDocument(doc)) return [];
        return w3cDiagnostics(w3cAnalysis(doc, ctx.settings().handshakeWindowSeconds), doc.uri);
      },
    });
  },
};
