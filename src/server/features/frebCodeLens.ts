// CodeLens at the top of a FREB trace: the request's story in one line
// ("POST /EWS/mrsproxy.svc -> 401.1 SEC_E_BAD_BINDINGS (0x80090346) · 15 ms · NTLM") with the
// actions "Open report" and "Show failing event".
import * as l10n from '@vscode/l10n';
import type { CodeLens } from 'vscode-languageserver/node';
import type { Feature } from '../context';
import { frebSummaryLine } from '../../core/freb/frebAnalyze';
import { frebAnalysisOf } from './frebDocument';
import { plainLabel } from '../../core/markdown';

export const frebCodeLens: Feature = {
  register(ctx) {
    ctx.codeLens.push({
      provideCodeLenses(doc) {
        const a = frebAnalysisOf(doc);
        if (!a) return [];
        const line = Math.max(0, a.trace.rootLine - 1);
        const range = { start: { line, character: 0 }, end: { line, character: 0 } };
        const lenses: CodeLens[] = [
          { range, command: { title: plainLabel(frebSummaryLine(a)), command: 'iisAuthLens.openFrebReport', arguments: [doc.uri] } },
          { range, command: { title: l10n.t('Open report'), command: 'iisAuthLens.openFrebReport', arguments: [doc.uri] } },
        ];
        if (a.failure) {
          lenses.push({
            range,
            command: { title: l10n.t('Show failing event'), command: 'iisAuthLens.showFrebFailingEvent', arguments: [doc.uri, a.failure.event.line] },
          });
        }
        return lenses;
      },
    });
  },
};
