// CodeLens on an HCW FINISH that carries an ErrorDetail: "<cmdlet> failed after N ms: <cause>",
// the cause read from the error text by the explain recognisers.
import type { CodeLens } from 'vscode-languageserver/node';
import * as l10n from '@vscode/l10n';
import type { Feature } from '../context';
import { explainText } from '../../core/explain/explainText';
import type { HcwEntry } from '../../core/hcw/hcwLog';
import { hcwLogOf, isHcwDocument } from './hcwDocument';
import { plainLabel } from '../../core/markdown';

const CAUSES: Array<[string, string]> = [
  ['SEC_E_BAD_BINDINGS', 'channel bindings rejected (Extended Protection)'],
  ['MRS_UNAUTHORIZED_NEGOTIATE', 'MRS could not authenticate (Extended Protection)'],
  ['SEC_E_LOGON_DENIED', 'logon denied (credentials)'],
  ['MRS_401', 'the endpoint answered 401 Unauthorized'],
  ['MRS_CREDENTIALS_REJECTED', 'MRS could not authenticate'],
  ['SEC_E_INVALID_TOKEN', 'invalid authentication token'],
];

/** The short cause of a failed FINISH, or its first error line. */
export function hcwFailureCause(entry: HcwEntry): string {
  const codes = new Set(explainText(entry.error ?? '').map((m) => m.code));
  for (const [code, text] of CAUSES) if (codes.has(code as never)) return l10n.t(text);
  return plainLabel((entry.error ?? '').split(/\r?\n/)[0]!.trim(), 90);
}

export const hcwCodeLens: Feature = {
  register(ctx) {
    ctx.codeLens.push({
      provideCodeLenses(doc) {
        if (!isHcwDocument(doc)) return [];
        const lenses: CodeLens[] = [];
        for (const e of hcwLogOf(doc).entries) {
          if (e.kind !== 'FINISH' || !e.error) continue;
          const what = plainLabel(e.cmdlet ?? 'Cmdlet', 80);

          const pos = doc.positionAt(e.index);
          lenses.push({
            range: { start: pos, end: doc.positionAt(e.keywordIndex + e.keywordLength) },
            command: {
              title:
                e.durationMs !== null
                  ? l10n.t('{0} failed after {1} ms: {2}', what, Math.round(e.durationMs), hcwFailureCause(e))
                  : l10n.t('{0} failed: {1}', what, hcwFailureCause(e)),
              command: 'iisAuthLens.explainError',
              arguments: [{ uri: doc.uri, line: e.line, endLine: e.endLine, code: null, url: null, time: e.time }],
            },
          });
        }
        return lenses;
      },
    });
  },
};
