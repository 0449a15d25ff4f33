// Exchange's expected Extended Protection per virtual directory, as CSS-Exchange's
// Get-ExtendedProtectionConfigurationResult.ps1 (the function behind
// ExchangeExtendedProtectionManagement.ps1 -ShowExtendedProtection and HealthChecker) judges it.

export type TokenChecking = 'None' | 'Allow' | 'Require';
export type EpState = 'expected' | 'less-secure' | 'unsupported' | 'not-exchange';

export const FRONT_END = 'Default Web Site';
export const BACK_END = 'Exchange Back End';

export interface ExpectedEntry {
  site: typeof FRONT_END | typeof BACK_END;
  vdir: string;
  tokenChecking: TokenChecking;
  /** sslFlags the script expects, where it checks them. */
  sslFlags: string;
}

const ROWS: Array<[string, TokenChecking | null, TokenChecking | null, string?, string?]> = [
  ['API', 'Require', 'Require'],
  ['Autodiscover', 'None', 'None'],
  ['ECP', 'Require', 'Require'],
  ['EWS', 'Allow', 'Require'],
  ['Microsoft-Server-ActiveSync', 'Allow', 'Require'],
  ['Microsoft-Server-ActiveSync/Proxy', 'Allow', 'Require'],
  // Allow on the front end since Outlook for Mac could not download the OAB with Require.
  ['OAB', 'Allow', 'Require'],
  ['PowerShell', 'None', 'Require', 'SslNegotiateCert', 'Ssl,Ssl128,SslNegotiateCert'],
  ['OWA', 'Require', 'Require'],
  ['RPC', 'Require', 'Require'],
  ['MAPI', 'Require', null],
  ['PushNotifications', null, 'Require'],
  ['RPCWithCert', null, 'Require'],
  ['MAPI/emsmdb', null, 'Require'],
  ['MAPI/nspi', null, 'Require'],
];

export const EXPECTED_EP: readonly ExpectedEntry[] = ROWS.flatMap(([vdir, fe, be, feSsl, beSsl]) => {
  const out: ExpectedEntry[] = [];
  if (fe) out.push({ site: FRONT_END, vdir, tokenChecking: fe, sslFlags: feSsl ?? 'Ssl,Ssl128' });
  if (be) out.push({ site: BACK_END, vdir, tokenChecking: be, sslFlags: beSsl ?? 'Ssl,Ssl128' });
  return out;
});

const BY_PATH = new Map(EXPECTED_EP.map((e) => [`${e.site}/${e.vdir}`.toLowerCase(), e]));

export interface ExchangeBuild {
  major: number;
  minor: number;
  build: number;
  revision: number;
}

export function parseExchangeBuild(text: string): ExchangeBuild | null {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), build: Number(m[3]), revision: Number(m[4] ?? 0) };
}

/** Builds that support Extended Protection (August 2022 SU or later), as the script decides. */
export function buildSupportsEp(v: ExchangeBuild): boolean {
  if (v.major !== 15) return false;
  if (v.minor === 2) return v.build > 1118 || (v.build === 1118 && v.revision >= 11) || (v.build === 986 && v.revision >= 28);
  if (v.minor === 1) return v.build > 2507 || (v.build === 2507 && v.revision >= 11) || (v.build === 2375 && v.revision >= 30);
  if (v.minor === 0) return v.build > 1497 || (v.build === 1497 && v.revision >= 38);
  return false;
}

/**
 * The expected tokenChecking of `Site/VDir`, or null when it is not an Exchange virtual directory.
 * Without a build, a supported build is assumed; on an unsupported build the script expects None
 * everywhere; Exchange 2013 has no API virtual directory.
 */
export function expectedFor(locationPath: string, build?: ExchangeBuild | null): ExpectedEntry | null {
  const e = BY_PATH.get(locationPath.replace(/\/+$/, '').toLowerCase());
  if (!e) return null;
  if (build && build.major === 15 && build.minor === 0 && e.vdir === 'API') return null;
  if (build && !buildSupportsEp(build)) return { ...e, tokenChecking: 'None' };
  return e;
}

const RANK: Record<TokenChecking, number> = { None: 0, Allow: 1, Require: 2 };

export function judge(actual: TokenChecking, expected: TokenChecking | null): EpState {
  if (expected === null) return 'not-exchange';
  if (RANK[actual] === RANK[expected]) return 'expected';
  return RANK[actual] < RANK[expected] ? 'less-secure' : 'unsupported';
}

/** What IIS Manager shows for a tokenChecking value ("Extended Protection: Off / Accept / Required"). */
export const IIS_MANAGER_NAME: Record<TokenChecking, string> = { None: 'Off', Allow: 'Accept', Require: 'Required' };
