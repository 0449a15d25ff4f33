// IIS log evidence tied to the configuration: when an IIS W3C log shows BAD_BINDINGS on /EWS/ and
// an applicationHost.config is open, one diagnostic on the first such line names what
// Default Web Site/EWS is configured to (per server), with a link to the extendedProtection line.
import * as l10n from '@vscode/l10n';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { serverNameFromPath } from '../../core/iisConfig/epServers';
import { docLine } from '../../core/w3c/w3cDocumentAnalysis';
import { epConfigReportOf, isEpConfigDocument } from './epConfigDocument';
import { iisManagerName } from './epConfigShared';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';

export function epEvidenceDiagnostics(doc: TextDocument, configs: TextDocument[], handshakeWindowSeconds: number): Diagnostic[] {
  if (!isW3cDocument(doc)) return [];
  const configured = configs.flatMap((c) => {
    const r = epConfigReportOf(c);
    if (!r?.mrsProxy) return [];
    const ews = r.locations.find((l) => l.location.toLowerCase() === 'default web site/ews');
    const line = r.mrsProxy.setAt?.line ?? ews?.line ?? 1;
    return [{ doc: c, server: serverNameFromPath(decodeURIComponent(c.uri)), tokenChecking: r.mrsProxy.tokenChecking, line }];
  });
  if (configured.length === 0) return [];
  const a = w3cAnalysis(doc, handshakeWindowSeconds);
  const bad = a.findings.filter((f) => f.code === 'BAD_BINDINGS' && /^\/ews\//i.test(f.uri ?? ''));
  if (bad.length === 0) return [];
  const first = bad[0]!;
  const l = Math.max(0, docLine(a, first.line));
  const values = configured.map((c) => l10n.t('{0}: {1} ({2}), line {3}', c.server, c.tokenChecking, iisManagerName(c.tokenChecking), c.line)).join('; ');
  const related: DiagnosticRelatedInformation[] = configured.map((c) => ({
    location: { uri: c.doc.uri, range: { start: { line: c.line - 1, character: 0 }, end: { line: c.line - 1, character: 0 } } },
    message: l10n.t('{0}: Default Web Site/EWS tokenChecking {1} ({2})', c.server, c.tokenChecking, iisManagerName(c.tokenChecking)),
  }));
  const anyOn = configured.some((c) => c.tokenChecking !== 'None');
  return [
    {
      range: { start: { line: l, character: 0 }, end: { line: l, character: a.model.lineText(first.line).length } },
      severity: DiagnosticSeverity.Information,
      source: 'IIS Auth Lens',
      code: 'EP_CONFIGURED',
      message: anyOn
        ? l10n.t(
            '{0} BAD_BINDINGS on /EWS/. Extended Protection of Default Web Site/EWS as configured - {1}. With another certificate in front of Exchange only None works; hover the setting in the config for the fixes.',
            bad.length,
            values,
          )
        : l10n.t(
            '{0} BAD_BINDINGS on /EWS/, but the open configuration has Default Web Site/EWS at None - {1}: these requests reached another server or a configuration that differs.',
            bad.length,
            values,
          ),
      relatedInformation: related,
    },
  ];
}

export const epConfigEvidence: Feature = {
  register(ctx: ServerContext) {
    const openConfigs = (): TextDocument[] => ctx.documents.all().filter(isEpConfigDocument);
    const refreshLogs = (changed: TextDocument): void => {
      if (!isEpConfigDocument(changed)) return;
      for (const d of ctx.documents.all()) if (isW3cDocument(d)) ctx.refreshDiagnostics(d.uri);
    };
    ctx.documents.onDidOpen((e) => refreshLogs(e.document));
    ctx.documents.onDidClose((e) => refreshLogs(e.document));
    ctx.documents.onDidSave((e) => refreshLogs(e.document));
    ctx.diagnostics.push({
      provideDiagnostics: (doc) => (isW3cDocument(doc) ? epEvidenceDiagnostics(doc, openConfigs(), ctx.settings(doc.uri).handshakeWindowSeconds) : []),
    });
  },
};
