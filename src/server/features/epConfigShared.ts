// Words the Extended Protection features share: IIS Manager's names for tokenChecking, the
// localized finding messages, and the MRS table and fix choices of the articles.
import * as l10n from '@vscode/l10n';
import type { EpFinding, EpLocation } from '../../core/iisConfig/epConfig';
import type { TokenChecking } from '../../core/iisConfig/exchangeEpTable';
import { CMD_EXCLUDE_EWS_FRONTEND, psSetExtendedProtection } from '../../core/iisConfig/epCommands';
import { mdCode } from '../../core/markdown';

/** IIS Manager's words ("Extended Protection: Off / Accept / Required"). */
export function iisManagerName(v: TokenChecking): string {
  return v === 'None' ? l10n.t('Off') : v === 'Allow' ? l10n.t('Accept') : l10n.t('Required');
}

/** `Default Web Site/EWS` -> `EWS`; other sites keep their name (`Exchange Back End/EWS`). */
export function vdirLabel(l: EpLocation): string {
  // A web.config whose virtual directory is not known from its folder.
  if (l.location === '(this folder)') return l10n.t('this folder (web.config)');
  if (l.site === 'Default Web Site' && l.vdir) return l.vdir;
  return l.location;
}

export function findingMessage(f: EpFinding): string {
  switch (f.code) {
    case 'EP_LESS_SECURE':
      return l10n.t(
        '{0}: Extended Protection {1} ({2}); Exchange expects {3} ({4}): less secure than supported.',
        f.location,
        f.tokenChecking,
        iisManagerName(f.tokenChecking),
        f.expected ?? '-',
        f.expected ? iisManagerName(f.expected) : '-',
      );
    case 'EP_UNSUPPORTED':
      return l10n.t(
        '{0}: Extended Protection {1} ({2}) is stricter than Exchange supports ({3}, {4}): clients break (Outlook for Mac on OAB, ActiveSync devices, Autodiscover).',
        f.location,
        f.tokenChecking,
        iisManagerName(f.tokenChecking),
        f.expected ?? '-',
        f.expected ? iisManagerName(f.expected) : '-',
      );
    case 'EP_MRS_PROXY_RISK':
      return l10n.t(
        '{0} at {1} ({2}): Exchange Online MRS and the Hybrid Agent use Extended Protection when it is offered, so mailbox moves fail with 401 (SEC_E_BAD_BINDINGS) behind a device that terminates TLS with another certificate. Hover for the fixes.',
        f.location,
        f.tokenChecking,
        iisManagerName(f.tokenChecking),
      );
    case 'EP_NOT_CONFIGURED':
      return l10n.t(
        'Extended Protection is not configured: all {0} Exchange virtual directories are at None. Enable it with {1}.',
        f.count ?? 0,
        '.\\ExchangeExtendedProtectionManagement.ps1',
      );
  }
}

/** The articles' table and the fix choices in the order an admin should weigh them (Markdown). */
export function mrsTableMarkdown(): string {
  const works = l10n.t('works');
  const fails = l10n.t('fails: 401, SEC_E_BAD_BINDINGS');
  return [
    `**${l10n.t('Exchange Online MRS and the Hybrid Agent on /EWS/mrsproxy.svc')}**`,
    '',
    l10n.t(
      'MRS uses Extended Protection when the server offers it (it does not require it): with the same certificate every setting works, with another certificate in front only None works.',
    ),
    '',
    `| ${l10n.t('Extended Protection on Exchange')} | ${l10n.t('same certificate on the device and on Exchange')} | ${l10n.t('another certificate on a TLS-terminating device in front')} |`,
    '|---|---|---|',
    `| None (${iisManagerName('None')}) | ${works} | ${works} |`,
    `| Allow (${iisManagerName('Allow')}) | ${works} | ${fails} |`,
    `| Require (${iisManagerName('Require')}) | ${works} | ${fails} |`,
    '',
    `**${l10n.t('Fixes, in this order')}**`,
    '',
    `1. ${l10n.t('Serve the same certificate (same key) on the device and on Exchange.')}`,
    `2. ${l10n.t('Publish {0} with TLS pass-through (layer 4, no TLS termination).', mdCode('/EWS/mrsproxy.svc'))}`,
    `3. ${l10n.t('Keep Extended Protection everywhere else and leave Default Web Site/EWS at None: {0}', mdCode(CMD_EXCLUDE_EWS_FRONTEND))}`,
    `4. ${l10n.t('Only last: turn Extended Protection off for Default Web Site/EWS: {0}', mdCode(psSetExtendedProtection('Default Web Site/EWS', 'None')))}`,
  ].join('\n');
}
