// Hovers in an IIS configuration: what a tokenChecking, flags or sslFlags value makes IIS do (with
// IIS Manager's words: Allow is shown as "Accept"), what this <location> gets applied and expects,
// and on EWS the articles' table for MRS behind a TLS-terminating device with the fixes in order.
import * as l10n from '@vscode/l10n';
import type { Hover } from 'vscode-languageserver/node';
import type { Feature } from '../context';
import { mdCode, mdText } from '../../core/markdown';
import { xmlAttributeAt } from '../../core/iisConfig/xmlAttributeAt';
import type { EpLocation } from '../../core/iisConfig/epConfig';
import type { TokenChecking } from '../../core/iisConfig/exchangeEpTable';
import { epConfigReportOf, epLocationAtLine } from './epConfigDocument';
import { iisManagerName, mrsTableMarkdown } from './epConfigShared';

function tokenCheckingText(v: TokenChecking): string {
  switch (v) {
    case 'None':
      return l10n.t(
        'IIS does not check channel bindings. Every NTLM client logs on, also through a device that terminates TLS with another certificate; there is no protection against NTLM relay.',
      );
    case 'Allow':
      return l10n.t(
        "IIS checks channel bindings when the client sends them. Clients without channel bindings log on; clients that send them (Exchange Online MRS, the Hybrid Agent, current Windows, .NET and PowerShell clients) must have seen IIS's own certificate, otherwise the logon fails with 401.1 SEC_E_BAD_BINDINGS (2148074310).",
      );
    case 'Require':
      return l10n.t(
        "IIS requires channel bindings from every client, bound to IIS's own certificate: clients without Extended Protection support and every logon through a device that terminates TLS with another certificate fail with 401.1.",
      );
  }
}

const FLAG_TEXT: Record<string, () => string> = {
  None: () => l10n.t('No flags: IIS checks the channel binding against its own TLS connection and the service name (SPN) of the logon against its host names.'),
  Proxy: () =>
    l10n.t(
      "A proxy terminates TLS in front of IIS: the channel binding (it refers to the proxy's TLS) is not checked, only the service name against the <spn> list.",
    ),
  NoServiceNameCheck: () => l10n.t('The service name (SPN) of the logon is not checked: weaker protection; Microsoft does not recommend it.'),
  AllowDotlessSpn: () => l10n.t('Service names without a dot (NetBIOS names, HTTP/ex01) are accepted.'),
  ProxyCohosting: () =>
    l10n.t('Some requests come through a proxy, others directly: direct ones get the channel binding checked, proxied ones the service name.'),
};

const SSL_TEXT: Record<string, () => string> = {
  None: () => l10n.t('No TLS required, client certificates ignored.'),
  Ssl: () => l10n.t('HTTPS required (plain HTTP gets 403.4).'),
  Ssl128: () => l10n.t('128-bit TLS encryption required.'),
  SslNegotiateCert: () => l10n.t('Client certificates accepted (requested, not required).'),
  SslRequireCert: () => l10n.t('Client certificates required (403.7 without one).'),
  SslMapCert: () => l10n.t('Client certificates mapped to Windows accounts.'),
};

function flagList(value: string, table: Record<string, () => string>): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((f) => {
      const key = Object.keys(table).find((k) => k.toLowerCase() === f.toLowerCase());
      return `- ${mdCode(f)}: ${key ? table[key]!() : l10n.t('not a value IIS knows for this attribute')}`;
    });
}

function isEws(l: EpLocation | null): boolean {
  return Boolean(l && /^(default web site)\/ews(\/|$)/i.test(l.location));
}

function appliedLine(l: EpLocation): string {
  const from = l.tokenCheckingSetAt
    ? l.extendedProtectionLine === l.tokenCheckingSetAt.line
      ? ''
      : ' ' +
        l10n.t(
          '(inherited from {0}, line {1})',
          l.tokenCheckingSetAt.path ? mdText(l.tokenCheckingSetAt.path) : l10n.t('the server level'),
          l.tokenCheckingSetAt.line,
        )
    : ' ' + l10n.t('(IIS default)');
  const expected = l.expected
    ? l10n.t(
        'Exchange expects {0} ({1}): {2}.',
        l.expected,
        iisManagerName(l.expected),
        l.state === 'expected'
          ? l10n.t('as expected')
          : l.state === 'less-secure'
            ? l10n.t('less secure than supported')
            : l10n.t('stricter than Exchange supports'),
      )
    : l10n.t('Not an Exchange virtual directory with an expected value.');
  return `${l10n.t('{0} gets Extended Protection {1} ({2})', mdText(l.location), l.tokenChecking, iisManagerName(l.tokenChecking))}${from}. ${expected}`;
}

export const epConfigHover: Feature = {
  register(ctx) {
    ctx.hover.push({
      provideHover(doc, position): Hover | null {
        const report = epConfigReportOf(doc);
        if (!report) return null;
        const lineText = doc.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } }).replace(/\r?\n$/, '');
        const at = xmlAttributeAt(lineText, position.character);
        if (!at) return null;
        const loc = epLocationAtLine(report, position.line + 1);
        const range = { start: { line: position.line, character: at.valueStart }, end: { line: position.line, character: at.valueEnd } };
        const parts: string[] = [];
        if (at.element === 'extendedProtection' && at.name === 'tokenChecking') {
          const v = (['None', 'Allow', 'Require'] as const).find((x) => x.toLowerCase() === at.value.trim().toLowerCase());
          parts.push(`**tokenChecking=${mdCode(at.value)}** · ${l10n.t('IIS Manager: Extended Protection "{0}"', v ? iisManagerName(v) : '?')}`);
          parts.push(v ? tokenCheckingText(v) : l10n.t('Not a value IIS accepts: None, Allow or Require.'));
          if (loc) parts.push(appliedLine(loc));
          if (isEws(loc) || !loc) parts.push(mrsTableMarkdown());
        } else if (at.element === 'extendedProtection' && at.name === 'flags') {
          parts.push(`**flags=${mdCode(at.value)}** · ${l10n.t('Extended Protection flags')}`, ...flagList(at.value, FLAG_TEXT));
        } else if (at.element === 'access' && at.name === 'sslFlags') {
          parts.push(`**sslFlags=${mdCode(at.value)}** · ${l10n.t('SSL settings of the virtual directory')}`, ...flagList(at.value, SSL_TEXT));
          if (loc?.location.toLowerCase() === 'default web site/powershell')
            parts.push(
              l10n.t('Exchange expects SslNegotiateCert on Default Web Site/PowerShell and Ssl,Ssl128,SslNegotiateCert on Exchange Back End/PowerShell.'),
            );
        } else if (at.element === 'location' && at.name === 'path' && loc) {
          parts.push(`**${mdText(loc.location)}**`, appliedLine(loc));
          if (isEws(loc)) parts.push(mrsTableMarkdown());
        } else {
          return null;
        }
        return { contents: { kind: 'markdown', value: parts.join('\n\n') }, range };
      },
    });
  },
};
