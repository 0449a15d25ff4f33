// Diagnostics of a FREB trace: each finding at the <Event> that carries the failure (the line the
// CLI reports), the failure of a trace without an auth finding as information, and a parse error
// (truncated, hostile, not FREB) at the line it names.
import * as l10n from '@vscode/l10n';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature } from '../context';
import { renderFindingMessage } from '../../core/findings';
import { frebFindingFacts } from '../../core/freb/frebAnalyze';
import { frebStateOf, isFrebDocument } from './frebDocument';
import { diagnosticSeverity } from './findingDiagnostics';

function lineRange(doc: TextDocument, line1: number): Diagnostic['range'] {
  const line = Math.min(Math.max(0, line1 - 1), doc.lineCount - 1);
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const indent = text.length - text.trimStart().length;
  return { start: { line, character: indent }, end: { line, character: text.length } };
}

export function frebDiagnostics(doc: TextDocument): Diagnostic[] {
  if (!isFrebDocument(doc)) return [];
  const state = frebStateOf(doc);
  if (!('analysis' in state)) {
    return [
      {
        range: lineRange(doc, state.line),
        severity: DiagnosticSeverity.Error,
        source: 'IIS Auth Lens',
        code: 'FREB_PARSE',
        message: l10n.t('Not a readable FREB trace: {0}', state.reason),
      },
    ];
  }
  const a = state.analysis;
  const out: Diagnostic[] = a.findings.map((f) => ({
    range: lineRange(doc, f.line),
    severity: diagnosticSeverity(f.code),
    source: 'IIS Auth Lens',
    code: f.code,
    message: a.failure ? renderFindingMessage(frebFindingFacts(a.failure, f.code), l10n.t) : f.message,
  }));
  if (!out.length && a.failure && a.failure.win32) {
    const f = a.failure;
    const what = `${f.status ?? '?'} ${f.codeName ?? ''} (${f.hex ?? f.win32})`.replace(/\s+\(/, ' (');
    const note =
      f.win32 === 2148074254
        ? ' ' + l10n.t('This is the NTLM/Negotiate challenge leg: normal when the next request completes the handshake.')
        : f.httpStatus === 401 && f.httpSubStatus === 2
          ? ' ' + l10n.t('An anonymous request to a Windows-auth resource: the normal first leg of the handshake.')
          : '';
    out.push({
      range: lineRange(doc, f.event.line),
      severity: DiagnosticSeverity.Information,
      source: 'IIS Auth Lens',
      code: 'FREB_FAILURE',
      message: `${what} set by ${f.module ?? 'a module'}${f.notification ? ' in ' + f.notification : ''}${f.text ? ': ' + f.text : ''}.${note}`,
    });
  }
  return out;
}

export const frebDiagnosticsFeature: Feature = {
  register(ctx) {
    ctx.diagnostics.push({ provideDiagnostics: frebDiagnostics });
  },
};
