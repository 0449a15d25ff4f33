// Every command line the product prints about Extended Protection, rendered from one table and
// checked against it: the param block of CSS-Exchange's ExchangeExtendedProtectionManagement.ps1
// (microsoft/CSS-Exchange, Security/src/ExchangeExtendedProtectionManagement, commit f88378b1)
// and the IIS schema of the sections we name in appcmd / Set-WebConfigurationProperty lines.
// A printed `-ExcludeVirtualDirectories EWSBackend` is refused by the script's ValidateSet; the
// check below is what keeps such a line from being printed again.

export const EP_SCRIPT = 'ExchangeExtendedProtectionManagement.ps1';

export type ParameterSet =
  'ConfigureEP' | 'ShowEP' | 'DisableEP' | 'PrerequisitesCheckOnly' | 'ConfigureMitigation' | 'ValidateMitigation' | 'Rollback' | 'GetExchangeIPs';

const SERVER_SETS: ParameterSet[] = ['ConfigureMitigation', 'ValidateMitigation', 'Rollback', 'ConfigureEP', 'ShowEP', 'DisableEP', 'PrerequisitesCheckOnly'];
const ALL_SETS: ParameterSet[] = [...SERVER_SETS, 'GetExchangeIPs'];

export interface ScriptParameter {
  name: string;
  kind: 'switch' | 'string' | 'string[]';
  /** Parameter sets the parameter belongs to. */
  sets: ParameterSet[];
  /** Sets in which it is mandatory. */
  mandatoryIn: ParameterSet[];
  /** [ValidateSet(...)] values, when the script declares them. */
  validateSet?: readonly string[];
}

/** The script's param block. */
export const EP_SCRIPT_PARAMETERS: readonly ScriptParameter[] = [
  { name: 'ExchangeServerNames', kind: 'string[]', sets: SERVER_SETS, mandatoryIn: [] },
  { name: 'SkipExchangeServerNames', kind: 'string[]', sets: SERVER_SETS, mandatoryIn: [] },
  { name: 'ShowExtendedProtection', kind: 'switch', sets: ['ShowEP'], mandatoryIn: ['ShowEP'] },
  { name: 'PrerequisitesCheckOnly', kind: 'switch', sets: ['PrerequisitesCheckOnly'], mandatoryIn: ['PrerequisitesCheckOnly'] },
  { name: 'InternalOption', kind: 'string', sets: ['ConfigureEP'], mandatoryIn: [] },
  // Since January 2024 (before: FrontEndEWS). Leaves Default Web Site/EWS at None.
  { name: 'ExcludeVirtualDirectories', kind: 'string[]', sets: ['ConfigureEP'], mandatoryIn: [], validateSet: ['EWSFrontEnd'] },
  { name: 'FindExchangeServerIPAddresses', kind: 'switch', sets: ['GetExchangeIPs'], mandatoryIn: ['GetExchangeIPs'] },
  { name: 'OutputFilePath', kind: 'string', sets: ['GetExchangeIPs'], mandatoryIn: [] },
  { name: 'IPRangeFilePath', kind: 'string', sets: ['ConfigureMitigation', 'ValidateMitigation'], mandatoryIn: ['ConfigureMitigation', 'ValidateMitigation'] },
  // The IP-filter mitigation for Exchange Back End/EWS, not an exclusion.
  { name: 'RestrictType', kind: 'string[]', sets: ['ConfigureMitigation'], mandatoryIn: ['ConfigureMitigation'], validateSet: ['EWSBackend'] },
  { name: 'ValidateType', kind: 'string[]', sets: ['ValidateMitigation'], mandatoryIn: ['ValidateMitigation'], validateSet: ['RestrictTypeEWSBackend'] },
  {
    name: 'RollbackType',
    kind: 'string[]',
    sets: ['Rollback'],
    mandatoryIn: ['Rollback'],
    validateSet: ['RestrictTypeEWSBackend', 'RestoreIISAppConfig', 'RestoreConfiguration'],
  },
  { name: 'DisableExtendedProtection', kind: 'switch', sets: ['DisableEP'], mandatoryIn: ['DisableEP'] },
  { name: 'SkipAutoUpdate', kind: 'switch', sets: ALL_SETS, mandatoryIn: [] },
];

export type ScriptArgs = Record<string, true | string | string[]>;

/** Renders `.\ExchangeExtendedProtectionManagement.ps1 -Name value ...`; throws when the table refuses it. */
export function epScriptCommand(args: ScriptArgs): string {
  const parts = ['.\\' + EP_SCRIPT];
  for (const [name, value] of Object.entries(args)) {
    if (value === true) parts.push('-' + name);
    else parts.push('-' + name, (Array.isArray(value) ? value : [value]).map(quotePs).join(','));
  }
  const line = parts.join(' ');
  const problem = checkEpScriptCommand(line);
  if (problem) throw new Error(`refusing to print an invalid command (${problem}): ${line}`);
  return line;
}

function quotePs(v: string): string {
  return /^[A-Za-z0-9_.\\:-]+$/.test(v) ? v : `'${v.replace(/'/g, "''")}'`;
}

/** Splits a PowerShell command line into words (quotes removed, commas kept inside a word). */
function psWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let q = '';
  let any = false;
  for (const c of line) {
    if (q) {
      if (c === q) q = '';
      else cur += c;
    } else if (c === '"' || c === "'") {
      q = c;
      any = true;
    } else if (/\s/.test(c)) {
      if (cur || any) words.push(cur);
      cur = '';
      any = false;
    } else {
      cur += c;
    }
  }
  if (cur || any) words.push(cur);
  return words;
}

/**
 * Why PowerShell would refuse this invocation of the script, or null when it binds: unknown or
 * repeated parameters, a value outside a ValidateSet, a switch given a value, a missing value, no
 * parameter set holding all the named parameters, a mandatory parameter of that set missing.
 */
export function checkEpScriptCommand(line: string): string | null {
  const words = psWords(line.trim());
  const start = words.findIndex((w) => w.toLowerCase().endsWith(EP_SCRIPT.toLowerCase()));
  if (start < 0) return `not an invocation of ${EP_SCRIPT}`;
  const seen = new Set<string>();
  for (let i = start + 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '|' || w === ';') break;
    if (!w.startsWith('-')) return `unexpected positional argument '${w}' (the script binds no positional parameters)`;
    const [rawName, inline] = w.slice(1).split(':', 2) as [string, string | undefined];
    const p = EP_SCRIPT_PARAMETERS.find((x) => x.name.toLowerCase() === rawName.toLowerCase());
    if (!p) return `the script has no parameter -${rawName}`;
    if (seen.has(p.name)) return `-${p.name} given twice`;
    seen.add(p.name);
    if (p.kind === 'switch') {
      if (inline !== undefined && !/^\$(true|false)$/i.test(inline)) return `-${p.name} is a switch and takes no value`;
      continue;
    }
    const value = inline ?? words[++i];
    if (value === undefined || value.startsWith('-')) return `-${p.name} needs a value`;
    if (p.validateSet) {
      for (const v of value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        if (!p.validateSet.some((ok) => ok.toLowerCase() === v.toLowerCase())) {
          return `-${p.name} does not accept '${v}' (ValidateSet: ${p.validateSet.join(', ')})`;
        }
      }
    }
  }
  const named = EP_SCRIPT_PARAMETERS.filter((p) => seen.has(p.name));
  let candidates: ParameterSet[] = [...ALL_SETS];
  for (const p of named) candidates = candidates.filter((s) => p.sets.includes(s));
  if (candidates.length === 0) return `no parameter set of the script takes ${named.map((p) => '-' + p.name).join(' with ')}`;
  const satisfied = candidates.filter((s) => EP_SCRIPT_PARAMETERS.every((p) => !p.mandatoryIn.includes(s) || seen.has(p.name)));
  if (satisfied.length === 0) {
    const missing = EP_SCRIPT_PARAMETERS.filter((p) => p.mandatoryIn.includes(candidates[0]!) && !seen.has(p.name)).map((p) => '-' + p.name);
    return `parameter set ${candidates[0]} also needs ${missing.join(', ')}`;
  }
  return null;
}

// --- IIS configuration sections and attributes we name (IIS_schema.xml) ---

export const IIS_SECTIONS: Readonly<Record<string, readonly string[]>> = {
  'system.webServer/security/authentication/windowsAuthentication': [
    'enabled',
    'authPersistNonNTLM',
    'authPersistSingleRequest',
    'useKernelMode',
    'useAppPoolCredentials',
  ],
  'system.webServer/security/authentication/windowsAuthentication/extendedProtection': ['tokenChecking', 'flags'],
  'system.webServer/security/access': ['sslFlags'],
};

/** Allowed values of enum/flags attributes. */
export const IIS_VALUES: Readonly<Record<string, readonly string[]>> = {
  tokenChecking: ['None', 'Allow', 'Require'],
  flags: ['None', 'Proxy', 'NoServiceNameCheck', 'AllowDotlessSpn', 'ProxyCohosting'],
  sslFlags: ['None', 'Ssl', 'SslNegotiateCert', 'SslRequireCert', 'SslMapCert', 'Ssl128'],
};

/** appcmd's section names drop the element path below the section (`section:windowsAuthentication`, with /child.attr). */
export function appcmdSetExtendedProtection(locationPath: string, tokenChecking: 'None' | 'Allow' | 'Require'): string {
  const line = `%windir%\\system32\\inetsrv\\appcmd.exe set config "${locationPath}" -section:system.webServer/security/authentication/windowsAuthentication /extendedProtection.tokenChecking:"${tokenChecking}" /commit:apphost`;
  const problem = checkIisCommand(line);
  if (problem) throw new Error(`refusing to print an invalid command (${problem}): ${line}`);
  return line;
}

export function psSetExtendedProtection(locationPath: string, tokenChecking: 'None' | 'Allow' | 'Require'): string {
  const line = `Set-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST' -Location '${locationPath.replace(/'/g, "''")}' -Filter 'system.webServer/security/authentication/windowsAuthentication/extendedProtection' -Name 'tokenChecking' -Value '${tokenChecking}'`;
  const problem = checkIisCommand(line);
  if (problem) throw new Error(`refusing to print an invalid command (${problem}): ${line}`);
  return line;
}

/** Why an appcmd or Set-WebConfigurationProperty line names a section, attribute or value IIS does not have; null when it is valid. */
export function checkIisCommand(line: string): string | null {
  if (/appcmd(\.exe)?\s/i.test(line)) {
    const m = /-section:(\S+)/i.exec(line);
    if (!m) return 'appcmd set config without -section:';
    const section = m[1]!;
    if (!(section in IIS_SECTIONS)) return `unknown section ${section}`;
    for (const a of line.matchAll(/\s\/([A-Za-z.]+):"?([^"\s]*)"?/g)) {
      const [path, value] = [a[1]!, a[2]!];
      if (path === 'commit') continue;
      const dot = path.lastIndexOf('.');
      const element = dot < 0 ? section : `${section}/${path.slice(0, dot)}`;
      const attr = dot < 0 ? path : path.slice(dot + 1);
      const r = checkAttr(element, attr, value);
      if (r) return r;
    }
    return null;
  }
  if (/Set-WebConfigurationProperty/i.test(line)) {
    const filter = /-Filter\s+'([^']+)'/i.exec(line)?.[1];
    const name = /-Name\s+'([^']+)'/i.exec(line)?.[1];
    const value = /-Value\s+'([^']*)'/i.exec(line)?.[1];
    if (!filter || !name || value === undefined) return 'Set-WebConfigurationProperty needs -Filter, -Name and -Value';
    return checkAttr(filter, name, value);
  }
  return 'neither appcmd nor Set-WebConfigurationProperty';
}

function checkAttr(element: string, attr: string, value: string): string | null {
  const attrs = IIS_SECTIONS[element];
  if (!attrs) return `unknown element ${element}`;
  if (!attrs.includes(attr)) return `${element} has no attribute ${attr}`;
  const allowed = IIS_VALUES[attr];
  if (allowed) {
    for (const v of value.split(',').map((s) => s.trim())) if (!allowed.includes(v)) return `${attr} does not accept '${v}'`;
  }
  return null;
}

// --- the commands we print, rendered once ---

export const CMD_SHOW_EP = epScriptCommand({ ShowExtendedProtection: true });
export const CMD_EXCLUDE_EWS_FRONTEND = epScriptCommand({ ExcludeVirtualDirectories: 'EWSFrontEnd' });
export const CMD_DISABLE_EP = epScriptCommand({ DisableExtendedProtection: true });
export const CMD_ENABLE_EP = epScriptCommand({});
