import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CMD_DISABLE_EP,
  CMD_ENABLE_EP,
  CMD_EXCLUDE_EWS_FRONTEND,
  CMD_SHOW_EP,
  EP_SCRIPT_PARAMETERS,
  appcmdSetExtendedProtection,
  checkEpScriptCommand,
  checkIisCommand,
  epScriptCommand,
  psSetExtendedProtection,
} from '../../src/core/iisConfig/epCommands';
import { analyzeEpConfig, mrsFixChoices } from '../../src/core/iisConfig/epConfig';
import { decideVerdict } from '../../src/probe/verdict';
import { CATALOG } from '../../src/core/explain/catalog';

void test('the script table accepts the documented invocations and refuses what the script refuses', () => {
  for (const ok of [
    CMD_SHOW_EP,
    CMD_DISABLE_EP,
    CMD_ENABLE_EP,
    CMD_EXCLUDE_EWS_FRONTEND,
    '.\\ExchangeExtendedProtectionManagement.ps1 -RestrictType EWSBackend -IPRangeFilePath .\\ips.txt',
    '.\\ExchangeExtendedProtectionManagement.ps1 -ValidateType RestrictTypeEWSBackend -IPRangeFilePath .\\ips.txt',
    '.\\ExchangeExtendedProtectionManagement.ps1 -RollbackType RestoreConfiguration',
    '.\\ExchangeExtendedProtectionManagement.ps1 -ShowExtendedProtection -ExchangeServerNames EX01,EX02',
    '.\\ExchangeExtendedProtectionManagement.ps1 -excludevirtualdirectories "EWSFrontEnd" -SkipAutoUpdate',
  ]) {
    assert.equal(checkEpScriptCommand(ok), null, ok);
  }
  const refused: Array<[string, RegExp]> = [
    // What the probe printed before: EWSBackend is a -RestrictType value.
    ['.\\ExchangeExtendedProtectionManagement.ps1 -ExcludeVirtualDirectories EWSBackend', /does not accept 'EWSBackend' \(ValidateSet: EWSFrontEnd\)/],
    // The name before January 2024.
    ['.\\ExchangeExtendedProtectionManagement.ps1 -ExcludeVirtualDirectories FrontEndEWS', /does not accept 'FrontEndEWS'/],
    ['.\\ExchangeExtendedProtectionManagement.ps1 -RestrictType EWSBackend', /also needs -IPRangeFilePath/],
    ['.\\ExchangeExtendedProtectionManagement.ps1 -ConfigureMitigation', /no parameter -ConfigureMitigation/],
    ['.\\ExchangeExtendedProtectionManagement.ps1 -ShowExtendedProtection -DisableExtendedProtection', /no parameter set/],
    ['.\\ExchangeExtendedProtectionManagement.ps1 -ShowExtendedProtection -ExcludeVirtualDirectories EWSFrontEnd', /no parameter set/],
    ['.\\ExchangeExtendedProtectionManagement.ps1 -ExcludeVirtualDirectories', /needs a value/],
    ['.\\ExchangeExtendedProtectionManagement.ps1 EWSFrontEnd', /positional/],
  ];
  for (const [line, why] of refused) assert.match(checkEpScriptCommand(line) ?? 'accepted', why, line);
  assert.throws(() => epScriptCommand({ ExcludeVirtualDirectories: 'EWSBackend' }), /refusing to print/);
});

void test('appcmd and Set-WebConfigurationProperty lines name real sections, attributes and values', () => {
  for (const tc of ['None', 'Allow', 'Require'] as const) {
    assert.equal(checkIisCommand(appcmdSetExtendedProtection('Default Web Site/EWS', tc)), null);
    assert.equal(checkIisCommand(psSetExtendedProtection("Default Web Site/O'B", tc)), null);
  }
  assert.match(
    checkIisCommand(
      "Set-WebConfigurationProperty -PSPath 'MACHINE/WEBROOT/APPHOST' -Location 'x' -Filter 'system.webServer/security/authentication/windowsAuthentication/extendedProtection' -Name 'tokenChecking' -Value 'Accept'",
    ) ?? '',
    /does not accept 'Accept'/,
  );
  assert.match(
    checkIisCommand(
      "Set-WebConfigurationProperty -Filter 'system.webServer/security/authentication/windowsAuthentication' -Name 'extendedProtection' -Value 'Allow'",
    ) ?? '',
    /no attribute extendedProtection/,
  );
  assert.match(
    checkIisCommand('appcmd set config "x" -section:system.webServer/security/authentication/windowsAuthentication /extendedProtection.tokenCheck:"Allow"') ??
      '',
    /no attribute tokenCheck/,
  );
});

/** Every script / appcmd / Set-WebConfigurationProperty line inside a text, each checked. */
function checkCommandsIn(text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(/\.?\\?ExchangeExtendedProtectionManagement\.ps1(?:[ \t]+-[A-Za-z]+(?:[ \t]+(?!-)(?:"[^"]*"|'[^']*'|[A-Za-z0-9_.,\\]+))?)*/g)) {
    if (!/[ \t]-/.test(m[0])) continue; // the script named in prose
    const p = checkEpScriptCommand(m[0]);
    if (p) problems.push(`${m[0]}: ${p}`);
  }
  for (const m of text.matchAll(/(?:Set-WebConfigurationProperty|appcmd(?:\.exe)?\s+set config)[^\n]*/g)) {
    const p = checkIisCommand(m[0]);
    if (p) problems.push(`${m[0]}: ${p}`);
  }
  return problems;
}

void test('every command in the epconfig findings and the MRS fix choices is valid', () => {
  const texts: string[] = [...mrsFixChoices()];
  for (const f of ['E19_NotConfigured_ApplicationHost.config', 'E19_Configured_ApplicationHost.config']) {
    for (const x of analyzeEpConfig(readFileSync(join(__dirname, '..', 'fixtures', 'epconfig', f), 'utf8')).findings) texts.push(x.fix, x.message);
  }
  let seen = 0;
  for (const t of texts) {
    assert.deepEqual(checkCommandsIn(t), [], t);
    if (/ExchangeExtendedProtectionManagement\.ps1 -|Set-WebConfigurationProperty/.test(t)) seen++;
  }
  assert.ok(seen >= 3);
  assert.deepEqual(checkCommandsIn('.\\ExchangeExtendedProtectionManagement.ps1 -ExcludeVirtualDirectories EWSBackend').length, 1);
});

void test('the probe remediation and the explain catalog print only valid script lines', () => {
  const anonymous = { status: 401, wwwAuthenticate: ['Negotiate', 'NTLM'], headers: {} };
  const texts: string[] = [];
  // A rejected verdict (all NTLM legs with channel bindings fail) carries the EP remediation.
  const mk = (cbt: string, ok: boolean): Record<string, unknown> => ({ scheme: 'NTLM', cbt, status: ok ? 200 : 401, ok, error: null, win32: null });
  for (const attempts of [
    [mk('absent', true), mk('zero', true), mk('correct', false)],
    [mk('absent', false), mk('zero', false), mk('correct', false)],
    [mk('absent', true), mk('zero', false), mk('correct', false)],
  ]) {
    const v = decideVerdict(anonymous as never, attempts as never);
    texts.push(v.explanation, ...v.remediation);
  }
  for (const entry of Object.values(CATALOG)) {
    texts.push(entry.explanation, ...entry.remediation.map((r) => `${r.label} ${r.command ?? ''}`));
  }
  const all = texts.join('\n');
  assert.deepEqual(checkCommandsIn(all), []);
  assert.doesNotMatch(all, /ExcludeVirtualDirectories\s+"?EWSBackend/);
});

void test('every script invocation written anywhere in src names real parameters and accepted values', () => {
  const root = join(__dirname, '..', '..', 'src');
  const files = readdirSync(root, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith(join('iisConfig', 'epCommands.ts')));
  const problems: string[] = [];
  let checked = 0;
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8').replace(/\\\\/g, '\\').replace(/\\"/g, '"');
    for (const m of text.matchAll(/ExchangeExtendedProtectionManagement\.ps1((?:[ \t]+[^\s`'$]+)*)/g)) {
      // Take -Parameter [value] pairs as PowerShell would bind them; stop at the first word of prose.
      const words = m[1]!
        .trim()
        .split(/[ \t]+/)
        .filter(Boolean);
      const parts: string[] = [];
      for (let i = 0; i < words.length; i++) {
        const w = words[i]!;
        if (!/^-[A-Za-z]+$/.test(w)) break;
        parts.push(w);
        const p = EP_SCRIPT_PARAMETERS.find((x) => x.name.toLowerCase() === w.slice(1).toLowerCase());
        if (p && p.kind !== 'switch' && words[i + 1] !== undefined) parts.push(words[++i]!.replace(/[),.;]+$/, ''));
      }
      if (!parts.length) continue;
      checked++;
      const line = `.\\ExchangeExtendedProtectionManagement.ps1 ${parts.join(' ')}`;
      const problem = checkEpScriptCommand(line);
      if (problem) problems.push(`${f}: ${line}: ${problem}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 3, `checked ${checked}`);
});
