// The findings table's severity as an LSP diagnostic severity: one mapping for every diagnostic
// the server makes from a finding (W3C logs, FREB traces).
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import { severityOf, type FindingCode, type Severity } from '../../core/findings';

const LSP: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function diagnosticSeverity(code: FindingCode): DiagnosticSeverity {
  return LSP[severityOf(code)];
}
