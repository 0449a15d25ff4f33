// Diagnostics of an IIS configuration: each Extended Protection finding at the element it is about
// (the <extendedProtection> of the location, else its <windowsAuthentication> or <location>), and
// a file that is not readable (truncated, hostile, not a configuration) at the line it names.
import * as l10n from '@vscode/l10n';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature } from '../context';
import type { Severity } from '../../core/findings';
import { epConfigStateOf } from './epConfigDocument';
import { findingMessage } from './epConfigShared';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The start tag on a 1-based line (from its '<' to its '>' or the line end). */
function tagRange(doc: TextDocument, line1: number): Diagnostic['range'] {
  const line = Math.min(Math.max(0, line1 - 1), doc.lineCount - 1);
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const lt = text.indexOf('<');
  const start = lt >= 0 ? lt : text.length - text.trimStart().length;
  const gt = text.indexOf('>', start);
  return { start: { line, character: start }, end: { line, character: gt >= 0 ? gt + 1 : text.length } };
}

export function epConfigDiagnostics(doc: TextDocument): Diagnostic[] {
  const state = epConfigStateOf(doc);
  if (!state) return [];
  if (!('report' in state)) {
    return [
      {
        range: tagRange(doc, state.line),
        severity: DiagnosticSeverity.Error,
        source: 'IIS Auth Lens',
        code: 'IIS_CONFIG_PARSE',
        message: l10n.t('Not a readable IIS configuration file: {0}', state.reason),
      },
    ];
  }
  return state.report.findings.map((f) => ({
    range: tagRange(doc, f.line),
    severity: SEVERITY[f.severity],
    source: 'IIS Auth Lens',
    code: f.code,
    message: findingMessage(f),
  }));
}

export const epConfigDiagnosticsFeature: Feature = {
  register(ctx) {
    ctx.diagnostics.push({ provideDiagnostics: epConfigDiagnostics });
  },
};
