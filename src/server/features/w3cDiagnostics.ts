// The findings of an IIS W3C log as diagnostics, with the findings table's severity and the
// message rendered in the UI's language; the range is the field that shows the problem
// (sc-win32-status, sc-status) and related information links the legs of a failed handshake.
import * as l10n from '@vscode/l10n';
import type { Diagnostic, Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { factsOfFinding, renderFindingMessage, type Finding } from '../../core/findings';
import { describeWin32 } from '../../core/win32Status';
import { diagnosticSeverity } from './findingDiagnostics';
import type { W3cDocumentModel } from '../../core/w3c/w3cDocument';
import { docLine, type W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { dropW3cAnalysis, isW3cDocument, setW3cModelLog, w3cAnalysis } from './w3cModelCache';

export const DIAGNOSTIC_SOURCE = 'IIS Auth Lens';

/** Range of the field `column` on a 1-based line, or of the whole line. */
function fieldRange(a: W3cDocumentAnalysis, line: number, column: number | undefined): Range {
  const m = a.model;
  const l = Math.max(0, docLine(a, line));
  const f = column !== undefined && column >= 0 ? m.fields(line)[column] : undefined;
  if (f) return { start: { line: l, character: f.start }, end: { line: l, character: f.end } };
  return { start: { line: l, character: 0 }, end: { line: l, character: m.lineText(line).length } };
}

/** The range of a finding: the field that shows it (Problems' range; the CodeLens list reveals it). */
export function w3cFindingRange(a: W3cDocumentAnalysis, f: Finding): Range {
  return fieldRange(a, f.line, columnFor(a.model, f));
}

function columnFor(m: W3cDocumentModel, f: Finding): number | undefined {
  if (f.code === 'MALFORMED_LINE') return undefined;
  const lay = m.layoutOf(f.line);
  if (!lay) return undefined;
  if (f.code === 'HANDSHAKE_INCOMPLETE') return lay.columns.status >= 0 ? lay.columns.status : undefined;
  if (lay.columns.win32 >= 0) return lay.columns.win32;
  return lay.columns.status >= 0 ? lay.columns.status : undefined;
}

export function w3cDiagnostics(a: W3cDocumentAnalysis, uri: string): Diagnostic[] {
  const m = a.model;
  // A failure that ends a handshake carries the legs of that handshake (found by the
  // HANDSHAKE_INCOMPLETE grouping on the same line).
  const legsAt = new Map<number, number[]>();
  for (const f of a.findings) if (f.code === 'HANDSHAKE_INCOMPLETE' && f.relatedLines?.length) legsAt.set(f.line, f.relatedLines);
  return a.findings.map((f): Diagnostic => {
    const d: Diagnostic = {
      range: fieldRange(a, f.line, columnFor(m, f)),
      severity: diagnosticSeverity(f.code),
      code: f.code,
      source: DIAGNOSTIC_SOURCE,
      message: renderFindingMessage(
        factsOfFinding(f, (w) => describeWin32(w)?.name),
        l10n.t,
      ),
    };
    const related = (f.relatedLines ?? legsAt.get(f.line) ?? []).filter((l) => l !== f.line);
    if (related.length) {
      d.relatedInformation = related.map((l) => {
        const lay = m.layoutOf(l);
        return {
          location: { uri, range: fieldRange(a, l, lay && lay.columns.status >= 0 ? lay.columns.status : undefined) },
          message: l10n.t('leg on line {0}: {1}', l, legSummary(m, l)),
        };
      });
    }
    return d;
  });
}

/** "401 2 5" style status triple of a line, for related-information messages. */
function legSummary(m: W3cDocumentModel, line: number): string {
  const lay = m.layoutOf(line);
  if (!lay) return '';
  const f = m.fields(line);
  return [f[lay.columns.status]?.raw, f[lay.columns.substatus]?.raw, f[lay.columns.win32]?.raw].filter(Boolean).join(' ');
}

export const w3cDiagnosticsFeature: Feature = {
  register(ctx: ServerContext) {
    // When a large document reached the server, to log how long its diagnostics took from there.
    const openedAt = new Map<string, number>();
    ctx.documents.onDidOpen((e) => {
      if (isW3cDocument(e.document)) openedAt.set(e.document.uri, performance.now());
    });
    ctx.documents.onDidClose((e) => {
      dropW3cAnalysis(e.document.uri);
      openedAt.delete(e.document.uri);
    });
    setW3cModelLog((msg) => ctx.connection.console.log(msg));
    ctx.diagnostics.push({
      provideDiagnostics(doc: TextDocument): Diagnostic[] {
        if (!isW3cDocument(doc)) return [];
        const diags = w3cDiagnostics(w3cAnalysis(doc, ctx.settings(doc.uri).handshakeWindowSeconds), doc.uri);
        const t0 = openedAt.get(doc.uri);
        if (t0 !== undefined) {
          openedAt.delete(doc.uri);
          if (doc.getText().length >= 1 << 20)
            ctx.connection.console.log(
              `W3C diagnostics for ${doc.uri}: ${diags.length}, ready ${Math.round(performance.now() - t0)} ms after the document reached the server`,
            );
        }
        return diags;
      },
    });
  },
};
