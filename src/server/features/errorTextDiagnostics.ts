// A diagnostic on every recognised error text (MRS, HCW, WCF 401, SSPI codes) in plaintext, log,
// HCW-log and untitled documents: the admin's pasted output points at its cause.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import * as l10n from '@vscode/l10n';
import type { Feature } from '../context';
import { matchesOf, wantsErrorTexts, forgetDocument } from './errorTextShared';

export const errorTextDiagnostics: Feature = {
  register(ctx) {
    ctx.documents.onDidClose((e) => forgetDocument(e.document.uri));
    ctx.diagnostics.push({
      provideDiagnostics(doc) {
        if (!wantsErrorTexts(doc)) return [];
        return matchesOf(doc).map((m): Diagnostic => ({
          range: { start: doc.positionAt(m.start), end: doc.positionAt(m.end) },
          severity: m.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
          source: 'IIS Auth Lens',
          code: m.code,
          message: m.url ? `${l10n.t(m.title)} (${m.url})` : l10n.t(m.title),
          data: { code: m.code, url: m.url, time: m.time, line: m.line },
        }));
      },
    });
  },
};
