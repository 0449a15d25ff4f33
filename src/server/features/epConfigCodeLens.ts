// CodeLens on each <location> of an IIS configuration that sets Windows authentication or is an
// Exchange virtual directory: "EWS · Extended Protection: Accept (expected Accept) · Negotiate, NTLM".
import * as l10n from '@vscode/l10n';
import type { CodeLens } from 'vscode-languageserver/node';
import type { Feature } from '../context';
import { plainLabel } from '../../core/markdown';
import type { EpLocation } from '../../core/iisConfig/epConfig';
import { epConfigReportOf } from './epConfigDocument';
import { iisManagerName, vdirLabel } from './epConfigShared';

export function epLensTitle(l: EpLocation): string {
  const auth = l.windowsAuthentication ? l.providers.join(', ') || l10n.t('no providers') : l10n.t('Windows authentication off');
  const ep = iisManagerName(l.tokenChecking);
  const label = plainLabel(vdirLabel(l), 80);
  const icon = l.state === 'unsupported' || l.state === 'less-secure' ? '$(warning) ' : '';
  return l.expected
    ? icon + l10n.t('{0} · Extended Protection: {1} (expected {2}) · {3}', label, ep, iisManagerName(l.expected), plainLabel(auth, 80))
    : l10n.t('{0} · Extended Protection: {1} · {2}', label, ep, plainLabel(auth, 80));
}

export const epConfigCodeLens: Feature = {
  register(ctx) {
    ctx.codeLens.push({
      provideCodeLenses(doc) {
        const report = epConfigReportOf(doc);
        if (!report) return [];
        const lenses: CodeLens[] = [];
        for (const l of report.locations) {
          const line = Math.max(0, l.line - 1);
          const target = l.extendedProtectionLine ?? l.windowsAuthenticationLine ?? l.line;
          lenses.push({
            range: { start: { line, character: 0 }, end: { line, character: 0 } },
            command: { title: epLensTitle(l), command: 'iisAuthLens.logSummary.revealLine', arguments: [doc.uri, target] },
          });
        }
        return lenses;
      },
    });
  },
};
