// `iisAuthLens.probeMrsEndpoint`: asks for the endpoint (history), the account (remembered per
// host) and the password (SecretStorage or a password input), checks the certificate before any
// credential leaves, runs the probe in the extension host with a cancellable progress
// notification and shows the report. `iisAuthLens.forgetProbePassword` removes stored passwords.
//
// Safety: no credentials over http://; a certificate that does not verify needs the user's explicit
// trust of that host + SHA-256 fingerprint; the target comes only from what the user types or
// confirms (a hover link only pre-fills the input); refused in restricted mode.
//
// Tests and other extensions may pass `{ url, user, password, insecure | ca | trustedFingerprintSha256 }`
// to run without prompts; the command returns the ProbeResult (undefined when cancelled or refused).
import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import type { ClientContext, ClientFeature } from '../context';
import { checkTls, runProbe } from '../../probe/probe';
import type { CheckTlsResult, ProbeOptions, ProbeResult, ProbeStepReport, ProbeTls } from '../../probe/probeTypes';
import {
  addToHistory, formatFingerprint, hostKey, isFingerprintTrusted, normalizeProbeTarget, passwordSecretKey,
  probeSummaryLines, trustFingerprint, validateAccount, type NormalizedTarget, type TrustedFingerprints,
} from './probeModel';
import { probeReportMessage, probeReportState, showProbeReport } from './probeReport';

const HISTORY_KEY = 'iisAuthLens.probe.history';
const ACCOUNTS_KEY = 'iisAuthLens.probe.accounts';
const TRUSTED_KEY = 'iisAuthLens.probe.trustedFingerprints';
/** Which host/account pairs have a password in SecretStorage (SecretStorage cannot list its keys). */
const STORED_KEY = 'iisAuthLens.probe.storedPasswords';

interface StoredPassword { url: string; user: string }

/** Arguments for a run without prompts (tests, other extensions), or a URL string to pre-fill (hover links). */
export interface ProbeCommandArgs {
  url: string;
  user?: string;
  password?: string;
  insecure?: boolean;
  /** PEM text of the CA to verify against, or a path to a PEM file. */
  ca?: string;
  trustedFingerprintSha256?: string;
  timeoutMs?: number;
  /** Scripted answers for the interactive flow (used when neither user nor password is given). */
  prompts?: Partial<ProbePrompts>;
}

/**
 * The questions the interactive flow asks. The defaults are VS Code's quick pick, input boxes and
 * modal dialogs; the e2e suite passes scripted answers (functions, so only callers inside the
 * extension host can, never a command link) to walk the same flow.
 */
export interface ProbePrompts {
  pickTarget(initial: string | undefined, history: string[]): Thenable<string | undefined>;
  /** Plain http:// was chosen: explain the refusal; true = probe the https:// URL instead. */
  refuseHttp(url: string, httpsUrl: string): Thenable<boolean>;
  askAccount(url: string, remembered: string | undefined): Thenable<string | undefined>;
  /** The certificate does not verify: show it; true only when the user trusts this host + fingerprint. */
  confirmCertificate(url: string, tls: ProbeTls): Thenable<boolean>;
  askPassword(url: string, user: string): Thenable<string | undefined>;
  offerRemember(url: string, user: string): Thenable<boolean>;
  offerForget(url: string, user: string): Thenable<boolean>;
}

/** The last result (for the e2e suite and "Probe again"). */
export let lastProbeResult: ProbeResult | undefined;

function stepLabel(step: ProbeStepReport): string {
  // Handshake steps "succeed" even when the server rejects the logon; their detail says which.
  const detail = step.detail.length > 90 ? `${step.detail.slice(0, 89)}…` : step.detail;
  const state = step.ok ? detail || vscode.l10n.t('ok') : vscode.l10n.t('failed');
  return vscode.l10n.t('{0}: {1} ({2} ms)', step.name, state, step.ms);
}

function targetProblemMessage(t: Extract<NormalizedTarget, { ok: false }>): string {
  switch (t.problem) {
    case 'empty': return vscode.l10n.t('Type a host name (mail.contoso.com) or the endpoint URL (https://mail.contoso.com/EWS/mrsproxy.svc).');
    case 'scheme': return vscode.l10n.t('Only https:// URLs can be probed, not {0}://.', t.detail);
    case 'credentials': return vscode.l10n.t('Do not put an account or password into the URL; the probe asks for them.');
    case 'invalid': return vscode.l10n.t('"{0}" is neither a host name nor a URL.', t.detail);
  }
}

function accountProblemMessage(problem: ReturnType<typeof validateAccount>): string | undefined {
  switch (problem) {
    case undefined: return undefined;
    case 'empty': return vscode.l10n.t('Type the account as DOMAIN\\user.');
    case 'whitespace': return vscode.l10n.t('An account name contains no spaces: DOMAIN\\user.');
    case 'format': return vscode.l10n.t('Write the account as DOMAIN\\user (or user@domain).');
  }
}

/** Host or URL with history; a typed value is normalized live (a bare host gets https:// and /EWS/mrsproxy.svc). */
function pickTarget(initial: string | undefined, history: string[]): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { url?: string }>();
  qp.title = vscode.l10n.t('Probe MRS Endpoint');
  qp.placeholder = vscode.l10n.t('Host or URL of the MRS endpoint, e.g. mail.contoso.com or https://mail.contoso.com/EWS/mrsproxy.svc');
  qp.ignoreFocusOut = true;
  qp.matchOnDescription = true;
  const historyItems = history.map((url) => ({ label: url, url, description: vscode.l10n.t('recent') }));
  const update = () => {
    const value = qp.value.trim();
    if (!value) {
      qp.items = historyItems;
      return;
    }
    const n = normalizeProbeTarget(value);
    const typed = n.ok
      ? { label: n.url, url: n.url, description: n.insecureScheme ? vscode.l10n.t('plain HTTP: credentials will not be sent') : vscode.l10n.t('probe this endpoint'), alwaysShow: true }
      : { label: value, description: targetProblemMessage(n), alwaysShow: true };
    qp.items = [typed, ...historyItems.filter((h) => h.url.toLowerCase() !== typed.url?.toLowerCase())];
  };
  qp.onDidChangeValue(update);
  if (initial) qp.value = initial;
  update();
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (!item?.url) return; // an invalid value: its item explains why; the picker stays open
      done = true;
      resolve(item.url);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/** Refuses http:// with a modal explanation; offers the https:// URL instead. */
async function refuseHttp(_url: string, httpsUrl: string): Promise<boolean> {
  const useHttps = vscode.l10n.t('Probe {0} instead', httpsUrl);
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('IIS Auth Lens does not send credentials over plain http://'),
    {
      modal: true,
      detail: vscode.l10n.t('NTLM over plain HTTP exposes the account to anyone on the path, and without TLS there are no channel bindings to test: Extended Protection applies only to https://. The Exchange Online MRS endpoint is always reached over https://.'),
    },
    useHttps,
  );
  return pick === useHttps;
}

async function askAccount(url: string, remembered: string | undefined): Promise<string | undefined> {
  const value = remembered ?? '';
  const user = await vscode.window.showInputBox({
    title: vscode.l10n.t('Probe MRS Endpoint: account'),
    prompt: vscode.l10n.t('Account for {0}, as the migration endpoint uses it (DOMAIN\\user)', new URL(url).host),
    placeHolder: 'CONTOSO\\mrsadmin',
    value,
    ignoreFocusOut: true,
    validateInput: (v) => accountProblemMessage(validateAccount(v)),
  });
  return user?.trim();
}

async function readCa(ca: string | undefined): Promise<string | undefined> {
  if (!ca) return undefined;
  if (ca.includes('-----BEGIN')) return ca;
  return fs.readFile(ca, 'utf8');
}

/** The modal for a certificate that does not verify: subject, issuer, names, validity and SHA-256 fingerprint. */
async function confirmCertificateModal(url: string, tls: ProbeTls): Promise<boolean> {
  const trust = vscode.l10n.t('Trust this certificate for {0}', hostKey(url));
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('The certificate of {0} does not verify', new URL(url).host),
    {
      modal: true,
      detail: [
        vscode.l10n.t('Reason: {0}', tls.verifyError ?? vscode.l10n.t('unknown')),
        vscode.l10n.t('Subject: {0}', tls.subject),
        vscode.l10n.t('Issuer: {0}', tls.issuer),
        vscode.l10n.t('Names: {0}', tls.sans.join(', ') || '-'),
        vscode.l10n.t('Valid: {0} - {1}', tls.validFrom, tls.validTo),
        vscode.l10n.t('SHA-256 fingerprint: {0}', formatFingerprint(tls.fingerprintSha256)),
        '',
        vscode.l10n.t('Compare the fingerprint with the certificate bound on the server or proxy. Only if it is the one you expect, the probe sends the credentials to this host. Your choice is remembered for this host and fingerprint.'),
      ].join('\n'),
    },
    trust,
  );
  return pick === trust;
}

async function askPassword(url: string, user: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Probe MRS Endpoint: password'),
    prompt: vscode.l10n.t('Password of {0} (sent only to {1}, inside the NTLM handshake)', user, new URL(url).host),
    password: true,
    ignoreFocusOut: true,
  });
}

async function offerRemember(url: string, user: string): Promise<boolean> {
  const remember = vscode.l10n.t("Remember in VS Code's secret storage");
  const notNow = vscode.l10n.t('Not now');
  const pick = await vscode.window.showInformationMessage(vscode.l10n.t('Remember the password of {0} for {1}?', user, hostKey(url)), remember, notNow);
  return pick === remember;
}

async function offerForget(_url: string, user: string): Promise<boolean> {
  const forget = vscode.l10n.t('Forget the stored password');
  const pick = await vscode.window.showWarningMessage(vscode.l10n.t('Every variant was rejected with the stored password of {0}. If the password changed, forget it and probe again.', user), forget);
  return pick === forget;
}

const defaultPrompts: ProbePrompts = { pickTarget, refuseHttp, askAccount, confirmCertificate: confirmCertificateModal, askPassword, offerRemember, offerForget };

/** Scripted answers from a caller in the extension host (functions only; anything else is ignored). */
function promptsFrom(custom: unknown): { prompts: ProbePrompts; scripted: boolean } {
  if (!custom || typeof custom !== 'object') return { prompts: defaultPrompts, scripted: false };
  const merged: Record<string, unknown> = { ...defaultPrompts };
  let scripted = false;
  for (const [k, v] of Object.entries(custom)) {
    if (k in defaultPrompts && typeof v === 'function') {
      merged[k] = v;
      scripted = true;
    }
  }
  return { prompts: merged as unknown as ProbePrompts, scripted };
}

/** A report for a target whose DNS, TCP or TLS step failed (no credentials were asked for or sent). */
function unreachableResult(url: string, check: CheckTlsResult, ms: number): ProbeResult {
  const failed = check.steps.find((s) => !s.ok) ?? check.steps[check.steps.length - 1];
  const cause = failed ? `${failed.name}: ${[failed.detail, ...(failed.error ?? [])].filter(Boolean).join(' ← ')}` : vscode.l10n.t('no connection');
  return {
    url,
    tls: null,
    anonymous: null,
    attempts: [],
    verdict: 'unreachable',
    explanation: vscode.l10n.t('The endpoint could not be reached ({0}). No credentials were sent.', cause),
    remediation: [
      vscode.l10n.t('Check the host name, the port and that this machine can reach it (DNS, firewall, proxy).'),
    ],
    steps: check.steps,
    ms,
  };
}

function proxyNote(url: string): string | undefined {
  const http = vscode.workspace.getConfiguration('http');
  // With proxy support off, VS Code itself connects directly too: nothing to remark.
  if (http.get<string>('proxySupport') === 'off') return undefined;
  const proxy = http.get<string>('proxy') || process.env.HTTPS_PROXY || process.env.https_proxy;
  if (!proxy) return undefined;
  const host = new URL(url).hostname.toLowerCase();
  const noProxy = [...(http.get<string[]>('noProxy') ?? []), ...(process.env.NO_PROXY ?? process.env.no_proxy ?? '').split(',')]
    .map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (noProxy.some((p) => p === '*' || host === p.replace(/^\./, '') || host.endsWith(p.startsWith('.') ? p : `.${p}`))) return undefined;
  return vscode.l10n.t('A proxy is configured (http.proxy or HTTPS_PROXY); the probe connects directly to {0}, because it must see the certificate the endpoint itself presents and keep one connection per NTLM handshake.', host);
}

interface RunInputs {
  url: string;
  user: string;
  password: string;
  ca?: string;
  insecure?: boolean;
  trustedFingerprintSha256?: string;
  timeoutMs?: number;
}

async function execute(ctx: ClientContext, inputs: RunInputs): Promise<ProbeResult | undefined> {
  const options: ProbeOptions = {
    url: inputs.url,
    user: inputs.user,
    password: inputs.password,
    timeoutMs: inputs.timeoutMs ?? vscode.workspace.getConfiguration('iisAuthLens').get<number>('probe.timeoutMs') ?? 10_000,
  };
  if (inputs.ca) options.ca = inputs.ca;
  if (inputs.insecure) options.insecure = true;
  if (inputs.trustedFingerprintSha256) options.trustedFingerprintSha256 = inputs.trustedFingerprintSha256;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Probing {0}', inputs.url), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const result = await runProbe(options, {
          signal: abort.signal,
          onStep: (step) => {
            progress.report({ message: stepLabel(step) });
            ctx.log.debug(`probe step ${step.name}: ${step.ok ? 'ok' : 'failed'} ${step.ms} ms ${step.detail}`);
          },
        });
        if (abort.signal.aborted) return undefined;
        return result;
      } catch (err) {
        if (abort.signal.aborted) return undefined;
        throw err;
      } finally {
        sub.dispose();
      }
    },
  );
}

function publish(ctx: ClientContext, result: ProbeResult, rerun: () => Promise<unknown>): void {
  lastProbeResult = result;
  for (const line of probeSummaryLines(result, vscode.l10n.t)) ctx.log.info(line);
  const notes: string[] = [];
  const proxy = proxyNote(result.url);
  if (proxy) {
    notes.push(proxy);
    ctx.log.info(`probe: ${proxy}`);
  }
  showProbeReport(ctx, result, rerun, notes);
}

async function rememberTarget(ctx: ClientContext, url: string, user: string): Promise<void> {
  await ctx.extension.globalState.update(HISTORY_KEY, addToHistory(ctx.extension.globalState.get<string[]>(HISTORY_KEY, []), url));
  const accounts = ctx.extension.globalState.get<Record<string, string>>(ACCOUNTS_KEY, {});
  await ctx.extension.globalState.update(ACCOUNTS_KEY, { ...accounts, [hostKey(url)]: user });
}

async function storePassword(ctx: ClientContext, url: string, user: string, password: string): Promise<void> {
  await ctx.extension.secrets.store(passwordSecretKey(url, user), password);
  const stored = ctx.extension.globalState.get<StoredPassword[]>(STORED_KEY, []);
  const key = passwordSecretKey(url, user);
  await ctx.extension.globalState.update(STORED_KEY, [...stored.filter((s) => passwordSecretKey(s.url, s.user) !== key), { url, user }]);
}

async function forgetPassword(ctx: ClientContext, entry: StoredPassword): Promise<void> {
  const key = passwordSecretKey(entry.url, entry.user);
  await ctx.extension.secrets.delete(key);
  const stored = ctx.extension.globalState.get<StoredPassword[]>(STORED_KEY, []);
  await ctx.extension.globalState.update(STORED_KEY, stored.filter((s) => passwordSecretKey(s.url, s.user) !== key));
}

function refuseRestricted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showErrorMessage(vscode.l10n.t('The MRS endpoint probe is disabled in restricted mode: trust this workspace first (it sends credentials over the network).'));
  return true;
}

/** The interactive flow from the command palette (or a hover link / "Probe again" pre-filling the URL). */
async function interactive(ctx: ClientContext, initialUrl: string | undefined, prompts: ProbePrompts = defaultPrompts, scripted = false): Promise<ProbeResult | undefined> {
  const state = ctx.extension.globalState;
  const history = state.get<string[]>(HISTORY_KEY, []).filter((h) => typeof h === 'string');
  const picked = await prompts.pickTarget(initialUrl, history);
  if (!picked) return undefined;
  const n = normalizeProbeTarget(picked);
  if (!n.ok) throw new Error(targetProblemMessage(n));
  let url = n.url;
  if (n.insecureScheme) {
    const httpsUrl = url.replace(/^http:/i, 'https:').replace(/^(https:\/\/[^/]+):80(?=\/|$)/i, '$1');
    if (!(await prompts.refuseHttp(url, httpsUrl))) return undefined;
    url = httpsUrl;
  }
  const user = (await prompts.askAccount(url, state.get<Record<string, string>>(ACCOUNTS_KEY, {})[hostKey(url)]))?.trim();
  if (!user) return undefined;
  const accountProblem = accountProblemMessage(validateAccount(user));
  if (accountProblem) throw new Error(accountProblem);
  const timeoutMs = vscode.workspace.getConfiguration('iisAuthLens').get<number>('probe.timeoutMs') ?? 10_000;
  const rerun = () => interactive(ctx, url);

  // The certificate first: nothing secret is asked for or sent before it is verified or trusted.
  const started = Date.now();
  const check = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the certificate of {0}', new URL(url).host), cancellable: false },
    () => checkTls(url, { timeoutMs }),
  );
  if (!check.tls) {
    const result = unreachableResult(url, check, Date.now() - started);
    publish(ctx, result, rerun);
    return result;
  }
  let trustedFingerprintSha256: string | undefined;
  if (!check.tls.verified) {
    const fp = check.tls.fingerprintSha256;
    const store = state.get<TrustedFingerprints>(TRUSTED_KEY, {});
    if (isFingerprintTrusted(store, url, fp)) {
      ctx.log.info(`probe: the certificate of ${hostKey(url)} does not verify (${check.tls.verifyError ?? 'unknown reason'}); you trusted its fingerprint ${formatFingerprint(fp)} before`);
    } else {
      if (!(await prompts.confirmCertificate(url, check.tls))) return undefined;
      await state.update(TRUSTED_KEY, trustFingerprint(store, url, fp));
      ctx.log.info(`probe: you trusted the certificate of ${hostKey(url)} with SHA-256 ${formatFingerprint(fp)}`);
    }
    trustedFingerprintSha256 = fp;
  }

  let password = await ctx.extension.secrets.get(passwordSecretKey(url, user));
  const fromStore = !!password;
  if (!password) {
    password = await prompts.askPassword(url, user);
    if (!password) return undefined;
  }
  await rememberTarget(ctx, url, user);

  const inputs: RunInputs = { url, user, password, timeoutMs };
  if (trustedFingerprintSha256) inputs.trustedFingerprintSha256 = trustedFingerprintSha256;
  const result = await execute(ctx, inputs);
  if (!result) {
    ctx.log.info(`probe ${url}: cancelled`);
    return undefined;
  }
  publish(ctx, result, rerun);

  // Offers after the report, not blocking it (awaited only for scripted callers, so tests see the effect).
  let offer: Promise<void> | undefined;
  if (!fromStore && result.verdict !== 'rejected' && result.verdict !== 'unreachable') {
    const pw = password;
    offer = Promise.resolve(prompts.offerRemember(url, user)).then(async (yes) => {
      if (!yes) return;
      await storePassword(ctx, url, user, pw);
      ctx.log.info(`probe: password of ${user} for ${hostKey(url)} stored in VS Code's secret storage`);
    });
  } else if (fromStore && result.verdict === 'rejected') {
    offer = Promise.resolve(prompts.offerForget(url, user)).then(async (yes) => {
      if (yes) await forgetPassword(ctx, { url, user });
    });
  }
  if (offer) {
    const logged = offer.catch((err: unknown) => ctx.log.error(`probe: ${err instanceof Error ? err.message : String(err)}`));
    if (scripted) await logged;
    else void logged;
  }
  return result;
}

/** A run without prompts: every input comes from the caller; an unverified certificate needs insecure or a fingerprint. */
async function programmatic(ctx: ClientContext, args: ProbeCommandArgs): Promise<ProbeResult | undefined> {
  const n = normalizeProbeTarget(args.url);
  if (!n.ok) throw new Error(targetProblemMessage(n));
  if (n.insecureScheme) throw new Error(vscode.l10n.t('IIS Auth Lens does not send credentials over plain http://'));
  const problem = accountProblemMessage(validateAccount(args.user ?? ''));
  if (problem) throw new Error(problem);
  const password = args.password ?? (await ctx.extension.secrets.get(passwordSecretKey(n.url, args.user!)));
  if (!password) throw new Error(vscode.l10n.t('No password was given and none is stored for {0} at {1}.', args.user!, hostKey(n.url)));
  const inputs: RunInputs = { url: n.url, user: args.user!.trim(), password };
  const ca = await readCa(args.ca);
  if (ca) inputs.ca = ca;
  if (args.insecure) inputs.insecure = true;
  if (args.trustedFingerprintSha256) inputs.trustedFingerprintSha256 = args.trustedFingerprintSha256;
  if (args.timeoutMs) inputs.timeoutMs = args.timeoutMs;
  const result = await execute(ctx, inputs);
  if (result) publish(ctx, result, () => interactive(ctx, n.url));
  return result;
}

async function forgetCommand(ctx: ClientContext, arg?: { url?: string; user?: string }): Promise<number> {
  const stored = ctx.extension.globalState.get<StoredPassword[]>(STORED_KEY, []);
  if (arg?.url && arg.user) {
    await forgetPassword(ctx, { url: arg.url, user: arg.user });
    return 1;
  }
  if (stored.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No probe password is stored.'));
    return 0;
  }
  const all = { label: vscode.l10n.t('All stored probe passwords ({0})', stored.length), entries: stored };
  const items = [...stored.map((s) => ({ label: s.user, description: hostKey(s.url), entries: [s] })), ...(stored.length > 1 ? [all] : [])];
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Forget Probe Password'), placeHolder: vscode.l10n.t('Which stored password should be removed?') });
  if (!pick) return 0;
  for (const e of pick.entries) await forgetPassword(ctx, e);
  ctx.log.info(`probe: removed ${pick.entries.length} stored password(s)`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Removed {0} stored password(s).', pick.entries.length));
  return pick.entries.length;
}

export const probeCommand: ClientFeature = {
  activate(ctx) {
    return [
      vscode.commands.registerCommand('iisAuthLens.probeMrsEndpoint', async (arg?: string | ProbeCommandArgs) => {
        if (refuseRestricted()) return undefined;
        try {
          if (arg && typeof arg === 'object' && typeof arg.url === 'string' && (arg.user !== undefined || arg.password !== undefined)) {
            return await programmatic(ctx, arg);
          }
          const initial = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && typeof arg.url === 'string' ? arg.url : undefined;
          const { prompts, scripted } = promptsFrom(arg && typeof arg === 'object' ? (arg as { prompts?: unknown }).prompts : undefined);
          return await interactive(ctx, initial, prompts, scripted);
        } catch (err) {
          const msg = err instanceof Error ? err.message : String(err);
          ctx.log.error(`probe: ${msg}`);
          void vscode.window.showErrorMessage(vscode.l10n.t('The probe failed: {0}', msg));
          return undefined;
        }
      }),
      // Internal (not in package.json): what the report shows, for tests.
      vscode.commands.registerCommand('iisAuthLens.probeReportState', () => probeReportState()),
      vscode.commands.registerCommand('iisAuthLens.probeReportMessage', (msg: { type?: unknown; text?: unknown }) => probeReportMessage(ctx, msg)),
      vscode.commands.registerCommand('iisAuthLens.forgetProbePassword', (arg?: { url?: string; user?: string }) => forgetCommand(ctx, arg)),
    ];
  },
};
