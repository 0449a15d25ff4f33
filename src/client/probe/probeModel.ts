// Pure helpers of the "Probe MRS Endpoint" command (no `vscode` import, so unit tests run them):
// what the user typed turned into the probe URL, the history, the keys under which accounts,
// passwords and trusted fingerprints are remembered, and the result as JSON and as log lines.
import type { ProbeResult, ProbeStepReport } from '../../probe/probeTypes';
import { formatFingerprint, normalizeFingerprint } from '../../core/thumbprint';
import { CMD_EXCLUDE_EWS_FRONTEND } from '../../core/iisConfig/epCommands';

export { MRS_PATH, normalizeProbeTarget, type NormalizedTarget, type TargetProblem } from '../../probe/probeUrl';
export { formatFingerprint, normalizeFingerprint } from '../../core/thumbprint';
export const HISTORY_MAX = 10;

/** Lower-case `host:port` of a probe URL (port always written), the key for everything remembered per host. */
export function hostKey(url: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'http:' ? '80' : '443');
  return `${u.hostname.toLowerCase()}:${port}`;
}

/** The most recent first, no duplicates (URLs compared case-insensitively), at most `max`. */
export function addToHistory(history: readonly string[], url: string, max = HISTORY_MAX): string[] {
  const key = url.toLowerCase();
  return [url, ...history.filter((h) => typeof h === 'string' && h.toLowerCase() !== key)].slice(0, max);
}

export type AccountProblem = 'empty' | 'whitespace' | 'format';

/** `DOMAIN\user` (what the prompt asks for); `user@domain` and a bare user are accepted as the probe takes them. */
export function validateAccount(input: string): AccountProblem | undefined {
  const text = input.trim();
  if (!text) return 'empty';
  if (/\s/.test(text)) return 'whitespace';
  const backslashes = text.split('\\').length - 1;
  if (backslashes > 1 || text.startsWith('\\') || text.endsWith('\\')) return 'format';
  if (backslashes === 1 && text.includes('@')) return 'format';
  if (/^@|@$/.test(text) || text.split('@').length > 2) return 'format';
  return undefined;
}

/** SecretStorage key of the password for this host and account (account compared case-insensitively, as Windows does). */
export function passwordSecretKey(url: string, user: string): string {
  return `iisAuthLens.probe.password/${hostKey(url)}/${user.trim().toLowerCase()}`;
}

/** globalState value of host+fingerprint confirmations: `host:port` → normalized fingerprints the user trusted. */
export type TrustedFingerprints = Record<string, string[]>;

export function isFingerprintTrusted(store: TrustedFingerprints | undefined, url: string, fp: string): boolean {
  const list = store?.[hostKey(url)];
  return Array.isArray(list) && list.includes(normalizeFingerprint(fp));
}

export function trustFingerprint(store: TrustedFingerprints | undefined, url: string, fp: string): TrustedFingerprints {
  const key = hostKey(url);
  const current = Array.isArray(store?.[key]) ? store[key] : [];
  const n = normalizeFingerprint(fp);
  return { ...(store ?? {}), [key]: current.includes(n) ? current : [...current, n].slice(-5) };
}

const SECRET_KEY_RE = /^(password|passwd|pwd|pass|secret|credentials?|ntlmhash|nthash)$/i;

/**
 * The result as the CLI prints it with `--json` (pretty). Any key that names a secret is dropped on
 * every level, so even a future field holding the password could not leave through "Copy as JSON".
 */
export function probeResultJson(result: ProbeResult): string {
  return JSON.stringify(result, (key, value: unknown) => (key && SECRET_KEY_RE.test(key) ? undefined : value), 2);
}

/** A remediation entry split into its prose and the PowerShell (or shell) commands in it, for copy buttons. */
export interface RemediationParts {
  text: string;
  commands: string[];
}

const CMDLET_START_RE =
  /(?:^|[\s:(])((?:Get|Set|New|Remove|Enable|Disable|Test|Invoke|Add|Clear|Restart|Import|Export|Start|Stop)-[A-Z][A-Za-z]+|\.\\[\w.-]+\.ps1|iisreset|netsh|setspn|iis-auth-lens)\b/g;

/** From a command's start to where the prose resumes: an unbalanced ")", or ". " / ";" / the end outside quotes and parentheses. */
function commandAt(text: string, start: number): string {
  let depth = 0;
  let quote: string | undefined;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (c === ';' || (c === '.' && (i + 1 === text.length || /\s/.test(text[i + 1]!))))) break;
    else if (depth === 0 && c === ',' && /^, (?:or|and|then|not)\b/.test(text.slice(i, i + 7))) break;
  }
  return text.slice(start, i).trim();
}

/** Commands the probe names in prose whose exact syntax is documented (CSS-Exchange). */
const KNOWN_COMMANDS: Array<{ when: RegExp; command: string }> = [
  // Prose that names the exclusion (whatever value it spells) gets the one the script accepts.
  { when: /ExchangeExtendedProtectionManagement\.ps1[^.]*-ExcludeVirtualDirectories\b/i, command: CMD_EXCLUDE_EWS_FRONTEND },
];

export function remediationParts(entry: string): RemediationParts {
  const commands: string[] = [];
  // `code spans` (and ```fences```) are commands as written.
  for (const m of entry.matchAll(/```(?:powershell|ps1|pwsh)?\s*([\s\S]*?)```|`([^`\n]+)`/g)) {
    const cmd = (m[1] ?? m[2] ?? '').trim();
    if (cmd && /[-\\.\s]/.test(cmd)) commands.push(cmd);
  }
  if (commands.length === 0) {
    for (const k of KNOWN_COMMANDS) if (k.when.test(entry)) commands.push(k.command);
  }
  if (commands.length === 0) {
    for (const m of entry.matchAll(CMDLET_START_RE)) {
      const start = m.index + m[0].indexOf(m[1]!);
      const cmd = commandAt(entry, start);
      // A script named in prose ("run X.ps1 (CSS-Exchange) with ...") is not a command line.
      if (cmd && !commands.includes(cmd) && !/\.ps1 \(/.test(cmd)) commands.push(cmd);
    }
  }
  return { text: entry, commands };
}

/**
 * The causes of a failed step beyond its detail line. The probe records the error chain in `error`
 * and its first entry again as `detail`; shown as they are, a DNS failure read
 * "getaddrinfo ENOTFOUND host ← getaddrinfo ENOTFOUND host".
 */
export function stepCauses(step: Pick<ProbeStepReport, 'detail' | 'error'>): string[] {
  const seen = new Set([step.detail]);
  return (step.error ?? []).filter((e) => !seen.has(e) && !!seen.add(e));
}

/** "dns: getaddrinfo ENOTFOUND host", with further causes after " ← ", each once. */
export function stepFailureText(step: Pick<ProbeStepReport, 'name' | 'detail' | 'error'>): string {
  return `${step.name}: ${[step.detail, ...stepCauses(step)].filter(Boolean).join(' ← ')}`;
}

/** The time the probe itself took: the phases that were not the user answering a prompt. */
export function machineMs(clock: PhaseClock): number {
  return clock.phases.reduce((sum, p) => (p.user ? sum : sum + p.ms), 0);
}

/** What the progress notification says while a step runs (DNS, TCP, TLS, anonymous, each handshake variant). */
export function probeStepActivity(name: string, host: string, port: number, t: Translate = plainTranslate): string {
  const variant = (cbt: string): string =>
    cbt === 'absent' ? t('without channel bindings') : cbt === 'zero' ? t('with all-zero channel bindings') : t("with the certificate's channel bindings");
  const m = /^(ntlm|negotiate)-(absent|zero|correct)$/.exec(name);
  if (m) return t('{0} logon {1}', m[1] === 'ntlm' ? 'NTLM' : 'Negotiate', variant(m[2]!));
  switch (name) {
    case 'dns':
      return t('Looking up {0}', host);
    case 'tcp':
      return t('Connecting to {0} port {1}', host, port);
    case 'tls':
      return t('TLS handshake: reading the certificate');
    case 'anonymous':
      return t('Anonymous request: which schemes are offered');
    default:
      return name;
  }
}

/** Steps of a whole probe (DNS, TCP, TLS, anonymous, 3 variants x the schemes offered), for the progress increments. */
export const PROBE_STEP_ESTIMATE = 10;

/** Phase timings of one palette run, for the output channel: where the time between the prompts goes. */
export class PhaseClock {
  private readonly started = performance.now();
  private last = this.started;
  readonly phases: Array<{ name: string; ms: number; user: boolean }> = [];
  /** Ends the phase running since the last mark; `user` when it was the user answering a prompt. */
  mark(name: string, user = false): number {
    const now = performance.now();
    const ms = Math.round(now - this.last);
    this.phases.push({ name, ms, user });
    this.last = now;
    return ms;
  }
  get totalMs(): number {
    return Math.round(performance.now() - this.started);
  }
  /** "target 1.2 s (you) · certificate check 85 ms · …" */
  summary(): string {
    const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);
    return this.phases.map((p) => `${p.name} ${fmt(p.ms)}${p.user ? ' (you)' : ''}`).join(' · ');
  }
}

/**
 * What the probe command takes from its argument. A command link (a hover, a Markdown document) or
 * another extension can only pre-fill the URL; the account, the password, a CA, `insecure` and
 * scripted prompts come from the user - except in the extension's test mode, where the e2e suites
 * pass them to run without prompts.
 */
export type ProbeCommandInput = { kind: 'programmatic' } | { kind: 'interactive'; initialUrl: string | undefined; scripted: boolean; ignored: string[] };

export function probeCommandInput(arg: unknown, testMode: boolean): ProbeCommandInput {
  if (typeof arg === 'string') return { kind: 'interactive', initialUrl: arg, scripted: false, ignored: [] };
  if (!arg || typeof arg !== 'object') return { kind: 'interactive', initialUrl: undefined, scripted: false, ignored: [] };
  const o = arg as Record<string, unknown>;
  const url = typeof o.url === 'string' ? o.url : undefined;
  if (testMode && url !== undefined && (o.user !== undefined || o.password !== undefined)) return { kind: 'programmatic' };
  const ignored = testMode ? [] : Object.keys(o).filter((k) => k !== 'url');
  return { kind: 'interactive', initialUrl: url, scripted: testMode && o.prompts !== undefined, ignored };
}

/** Translation function shape (vscode.l10n.t in the extension, a plain formatter in tests). */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

export const plainTranslate: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));

/** The result as a few readable lines for the output channel (nothing secret is part of a result). */
export function probeSummaryLines(result: ProbeResult, t: Translate = plainTranslate): string[] {
  const lines: string[] = [];
  lines.push(t('Probe {0}: verdict {1} ({2} ms)', result.url, result.verdict, result.ms));
  for (const s of result.steps) {
    lines.push(
      `  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(18)} ${String(s.ms).padStart(6)} ms  ${s.detail}${s.error?.length ? ' — ' + s.error.join(' ← ') : ''}`,
    );
  }
  if (result.tls) {
    lines.push(
      `  ${t('certificate')}: ${result.tls.subject}; ${t('issuer')}: ${result.tls.issuer}; SHA-256 ${formatFingerprint(result.tls.fingerprintSha256)}`,
    );
    lines.push(`  ${t('channel bindings (MD5)')}: ${result.tls.channelBindings}; ${t('signature hash')}: ${result.tls.signatureHash}`);
  }
  if (result.anonymous) lines.push(`  ${t('anonymous')}: ${result.anonymous.status}, WWW-Authenticate: ${result.anonymous.wwwAuthenticate.join(' | ') || '-'}`);
  for (const a of result.attempts) {
    lines.push(`  ${a.scheme.padEnd(9)} cbt=${a.cbt.padEnd(7)} ${a.status ?? '-'} ${a.ok ? 'ok' : 'fail'} ${a.ms} ms${a.error ? ' — ' + a.error : ''}`);
  }
  lines.push(`  ${result.explanation}`);
  for (const r of result.remediation) lines.push(`  - ${r}`);
  return lines;
}
