// `iisAuthLens.probeMrsEndpoint`: asks for the endpoint (history), the account (remembered per
// host) and the password (SecretStorage or a password input), checks the certificate before any
// credential leaves, runs the probe in the extension host with a cancellable progress
// notification and shows the report. `iisAuthLens.forgetProbePassword` removes stored passwords.
//
// Safety: no credentials over http://; a certificate that does not verify needs the user's explicit
// trust of that host + SHA-256 fingerprint; the target comes only from what the user types or
// confirms (a hover link only pre-fills the input); refused in restricted mode.
//
// A command link, a hover or another extension can only pre-fill the URL (a string, or `{ url }`):
// the account, the password, a CA and any "insecure" choice come from the user's own answers. Only
// in the extension's test mode (the e2e suites: ctx.testMode, see isTestMode in ../context.ts) may a
// caller pass `{ url, user, password, insecure | ca | trustedFingerprintSha256 }` or scripted
// prompts. The command returns the ProbeResult (undefined when cancelled or refused).
import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import type { ClientContext, ClientFeature } from '../context';
import { checkTls, runProbe } from '../../probe/probe';
import { certificateProblemText } from '../../probe/connection';
import type { CheckTlsResult, ProbeOptions, ProbeResult, ProbeTls } from '../../probe/probeTypes';
import {
  addToHistory,
  formatFingerprint,
  hostKey,
  isFingerprintTrusted,
  machineMs,
  normalizeProbeTarget,
  passwordSecretKey,
  PhaseClock,
  probeCommandInput,
  probeStepActivity,
  probeSummaryLines,
  PROBE_STEP_ESTIMATE,
  stepFailureText,
  trustFingerprint,
  validateAccount,
  type NormalizedTarget,
  type TrustedFingerprints,
} from './probeModel';
import { httpsInstead } from '../../probe/probeUrl';
import { rejectedCauseFromLogs, rejectedCauseText } from './probeLogEvidence';
import { probeReportMessage, probeReportState, showProbeReport } from './probeReport';
import { configuredEwsAtHand, configuredEwsNote } from '../epconfig/epConfigAtHand';

const HISTORY_KEY = 'iisAuthLens.probe.history';
const ACCOUNTS_KEY = 'iisAuthLens.probe.accounts';
const TRUSTED_KEY = 'iisAuthLens.probe.trustedFingerprints';
/** Which host/account pairs have a password in SecretStorage (SecretStorage cannot list its keys). */
const STORED_KEY = 'iisAuthLens.probe.storedPasswords';
/** host:port → the CA file the user chose for that host's certificate (a path, nothing secret). */
const CA_KEY = 'iisAuthLens.probe.caFiles';

/** What the user decided about a certificate that does not verify: trust it, cancel, or verify it against a CA file. */
export type CertificateDecision = boolean | { caFile: string };

interface StoredPassword {
  url: string;
  user: string;
}

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
  /**
   * The certificate does not verify: show why in plain words and its thumbprint; true only when the
   * user trusts this host + thumbprint, `{ caFile }` to verify it against a CA certificate instead.
   * `caFile` names the CA it was checked against, when one was chosen.
   */
  confirmCertificate(url: string, tls: ProbeTls, caFile?: string): Thenable<CertificateDecision>;
  askPassword(url: string, user: string): Thenable<string | undefined>;
  offerRemember(url: string, user: string): Thenable<boolean>;
  offerForget(url: string, user: string): Thenable<boolean>;
}

/** The last result (for the e2e suite and "Probe again"). */
export let lastProbeResult: ProbeResult | undefined;

function targetProblemMessage(t: Extract<NormalizedTarget, { ok: false }>): string {
  switch (t.problem) {
    case 'empty':
      return vscode.l10n.t('Type a host name (mail.contoso.com) or the endpoint URL (https://mail.contoso.com/EWS/mrsproxy.svc).');
    case 'scheme':
      return vscode.l10n.t('Only https:// URLs can be probed, not {0}://.', t.detail);
    case 'credentials':
      return vscode.l10n.t('Do not put an account or password into the URL; the probe asks for them.');
    case 'invalid':
      return vscode.l10n.t('"{0}" is neither a host name nor a URL.', t.detail);
  }
}

function accountProblemMessage(problem: ReturnType<typeof validateAccount>): string | undefined {
  switch (problem) {
    case undefined:
      return undefined;
    case 'empty':
      return vscode.l10n.t('Type the account as DOMAIN\\user.');
    case 'whitespace':
      return vscode.l10n.t('An account name contains no spaces: DOMAIN\\user.');
    case 'format':
      return vscode.l10n.t('Write the account as DOMAIN\\user (or user@domain).');
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
      ? {
          label: n.url,
          url: n.url,
          description: n.insecureScheme ? vscode.l10n.t('plain HTTP: credentials will not be sent') : vscode.l10n.t('probe this endpoint'),
          alwaysShow: true,
        }
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
      detail: vscode.l10n.t(
        'NTLM over plain HTTP exposes the account to anyone on the path, and without TLS there are no channel bindings to test: Extended Protection applies only to https://. The Exchange Online MRS endpoint is always reached over https://.',
      ),
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

/**
 * The modal for a certificate that does not verify: why in plain words, subject, issuer, names,
 * validity and the SHA-256 thumbprint. The default (primary) button is "Don't Trust", so Enter
 * never sends credentials (VS Code makes the first button primary and a close-affordance item the
 * Escape button, so a Cancel item cannot be the default itself); Escape cancels too. Trusting needs
 * a deliberate click, and a CA file can be chosen instead, as `--ca` does on the command line.
 */
async function confirmCertificateModal(url: string, tls: ProbeTls, caFile?: string): Promise<CertificateDecision> {
  const dontTrust: vscode.MessageItem = { title: vscode.l10n.t("Don't Trust") };
  const chooseCa: vscode.MessageItem = { title: vscode.l10n.t('Choose CA Certificate...') };
  const trust: vscode.MessageItem = { title: vscode.l10n.t('Trust This Certificate for {0}', hostKey(url)) };
  const why = certificateProblemText(tls.verifyError, vscode.l10n.t);
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('The certificate of {0} cannot be verified', new URL(url).host),
    {
      modal: true,
      detail: [
        caFile ? vscode.l10n.t('Why: {0} (checked against {1}).', why, caFile) : vscode.l10n.t('Why: {0}.', why),
        vscode.l10n.t('OpenSSL says: {0}', tls.verifyError ?? '-'),
        '',
        vscode.l10n.t('Subject: {0}', tls.subject),
        vscode.l10n.t('Issuer: {0}', tls.issuer),
        vscode.l10n.t('Names: {0}', tls.sans.join(', ') || '-'),
        vscode.l10n.t('Valid: {0} - {1}', tls.validFrom, tls.validTo),
        vscode.l10n.t('SHA-256 thumbprint: {0}', formatFingerprint(tls.fingerprintSha256)),
        '',
        vscode.l10n.t(
          'If your certificates come from an internal CA, choose its certificate (PEM): the probe then verifies this one as Windows would. Trust this certificate only if its thumbprint is the one bound on the server or proxy; the probe then sends the credentials to this host, and your choice is remembered for this host and thumbprint.',
        ),
      ].join('\n'),
    },
    dontTrust,
    chooseCa,
    trust,
  );
  if (pick === trust) return true;
  if (pick !== chooseCa) return false;
  const files = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('CA certificate that issued the certificate of {0}', new URL(url).host),
    canSelectMany: false,
    openLabel: vscode.l10n.t('Use This CA'),
    filters: { [vscode.l10n.t('Certificates')]: ['pem', 'crt', 'cer'], [vscode.l10n.t('All files')]: ['*'] },
  });
  return files?.[0] ? { caFile: files[0].fsPath } : false;
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
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('Every variant was rejected with the stored password of {0}. If the password changed, forget it and probe again.', user),
    forget,
  );
  return pick === forget;
}

const defaultPrompts: ProbePrompts = {
  pickTarget,
  refuseHttp,
  askAccount,
  confirmCertificate: confirmCertificateModal,
  askPassword,
  offerRemember,
  offerForget,
};

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
  const cause = failed ? stepFailureText(failed) : vscode.l10n.t('no connection');
  return {
    url,
    tls: null,
    anonymous: null,
    attempts: [],
    verdict: 'unreachable',
    explanation: vscode.l10n.t('The endpoint could not be reached ({0}). No credentials were sent.', cause),
    remediation: [vscode.l10n.t('Check the host name, the port and that this machine can reach it (DNS, firewall, proxy).')],
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
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (noProxy.some((p) => p === '*' || host === p.replace(/^\./, '') || host.endsWith(p.startsWith('.') ? p : `.${p}`))) return undefined;
  return vscode.l10n.t(
    'A proxy is configured (http.proxy or HTTPS_PROXY); the probe connects directly to {0}, because it must see the certificate the endpoint itself presents and keep one connection per NTLM handshake.',
    host,
  );
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
  const u = new URL(inputs.url);
  const port = Number(u.port || 443);
  let done = 0;
  return withCancellableProgress(vscode.l10n.t('Probing {0}', inputs.url), (progress, signal) =>
    runProbe(options, {
      signal,
      // The step that runs now, so that a slow DNS, TCP or server answer is visible as such.
      onStepStart: (name) =>
        progress.report({
          message: `${Math.min(done + 1, PROBE_STEP_ESTIMATE)}/${PROBE_STEP_ESTIMATE} ${probeStepActivity(name, u.hostname, port, vscode.l10n.t)}…`,
        }),
      onStep: (step) => {
        done++;
        progress.report({ increment: 100 / PROBE_STEP_ESTIMATE });
        ctx.log.debug(`probe step ${step.name}: ${step.ok ? 'ok' : 'failed'} ${step.ms} ms ${step.detail}`);
      },
    }),
  );
}

/** DNS, TCP and TLS before anything secret is asked for: a cancellable notification naming the step. */
async function checkCertificate(url: string, timeoutMs: number, ca: string | undefined): Promise<CheckTlsResult | undefined> {
  const u = new URL(url);
  const port = Number(u.port || 443);
  return withCancellableProgress(vscode.l10n.t('Checking the certificate of {0}', u.host), (progress, signal) =>
    checkTls(
      url,
      { timeoutMs, ...(ca ? { ca } : {}) },
      { signal, onStepStart: (name) => progress.report({ message: `${probeStepActivity(name, u.hostname, port, vscode.l10n.t)}…` }) },
    ),
  );
}

/** A notification with Cancel around `work`; undefined when the user cancelled (whatever `work` then returned or threw). */
async function withCancellableProgress<T>(
  title: string,
  work: (progress: vscode.Progress<{ message?: string; increment?: number }>, signal: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      const value = await work(progress, abort.signal);
      return abort.signal.aborted ? undefined : value;
    } catch (err) {
      if (abort.signal.aborted) return undefined;
      throw err;
    } finally {
      sub.dispose();
    }
  });
}

function publish(ctx: ClientContext, result: ProbeResult, rerun: () => Promise<unknown>, extraNotes: string[] = []): void {
  lastProbeResult = result;
  for (const line of probeSummaryLines(result, vscode.l10n.t)) ctx.log.info(line);
  const notes: string[] = [...extraNotes];
  const proxy = proxyNote(result.url);
  if (proxy) {
    notes.push(proxy);
    ctx.log.info(`probe: ${proxy}`);
  }
  showProbeReport(ctx, result, rerun, notes);
}

/** Shows the report; for `rejected`, first reads the probe's own requests in the IIS logs at hand to say which cause it was. */
async function publishWithEvidence(ctx: ClientContext, result: ProbeResult, rerun: () => Promise<unknown>, elapsedMs: number): Promise<void> {
  const notes: string[] = [];
  if (result.verdict === 'rejected' && result.probeId) {
    try {
      const evidence = await rejectedCauseFromLogs(result.url, result.probeId, Date.now() - elapsedMs, ctx.log);
      if (evidence) {
        const text = rejectedCauseText(evidence);
        notes.push(text);
        ctx.log.info(`probe: ${text}`);
        lastRejectedEvidence = {
          cause: evidence.cause,
          badBindings: evidence.badBindings,
          logonDenied: evidence.logonDenied,
          log: evidence.log.toString(),
          line: evidence.line,
        };
      } else {
        lastRejectedEvidence = undefined;
        ctx.log.info(
          `probe: no IIS log at hand has the requests of this probe: open the server's u_ex*.log of today in this workspace, or search it for ${result.probeId} (the probe's User-Agent carries it)`,
        );
      }
    } catch (err) {
      ctx.log.warn(`probe: reading the IIS logs at hand failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (result.verdict === 'accept-mismatch' || result.verdict === 'rejected') {
    // The applicationHost.config at hand says what Default Web Site/EWS is set to, and where.
    for (const c of await configuredEwsAtHand(ctx.log)) {
      const note = configuredEwsNote(c);
      notes.push(note);
      ctx.log.info(`probe: ${note}`);
    }
  }
  publish(ctx, result, rerun, notes);
}

/** What the last `rejected` report read from the IIS logs at hand (for the e2e suite). */
export let lastRejectedEvidence: { cause: string; badBindings: number; logonDenied: number; log: string; line: number } | undefined;

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
  await ctx.extension.globalState.update(
    STORED_KEY,
    stored.filter((s) => passwordSecretKey(s.url, s.user) !== key),
  );
}

function refuseRestricted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showErrorMessage(
    vscode.l10n.t('The MRS endpoint probe is disabled in restricted mode: trust this workspace first (it sends credentials over the network).'),
  );
  return true;
}

/** The interactive flow from the command palette (or a hover link / "Probe again" pre-filling the URL). */
async function interactive(
  ctx: ClientContext,
  initialUrl: string | undefined,
  prompts: ProbePrompts = defaultPrompts,
  scripted = false,
): Promise<ProbeResult | undefined> {
  const state = ctx.extension.globalState;
  const history = state.get<string[]>(HISTORY_KEY, []).filter((h) => typeof h === 'string');
  const clock = new PhaseClock();
  const picked = await prompts.pickTarget(initialUrl, history);
  clock.mark('target', true);
  if (!picked) return undefined;
  const n = normalizeProbeTarget(picked);
  if (!n.ok) throw new Error(targetProblemMessage(n));
  let url = n.url;
  if (n.insecureScheme) {
    const httpsUrl = httpsInstead(url);
    if (!(await prompts.refuseHttp(url, httpsUrl))) return undefined;
    url = httpsUrl;
  }
  const user = (await prompts.askAccount(url, state.get<Record<string, string>>(ACCOUNTS_KEY, {})[hostKey(url)]))?.trim();
  clock.mark('account', true);
  if (!user) return undefined;
  const accountProblem = accountProblemMessage(validateAccount(user));
  if (accountProblem) throw new Error(accountProblem);
  const timeoutMs = vscode.workspace.getConfiguration('iisAuthLens').get<number>('probe.timeoutMs') ?? 10_000;
  const rerun = () => interactive(ctx, url, prompts, scripted);

  // The certificate first: nothing secret is asked for or sent before it is verified or trusted.
  const cas = state.get<Record<string, string>>(CA_KEY, {});
  let caFile: string | undefined = typeof cas[hostKey(url)] === 'string' ? cas[hostKey(url)] : undefined;
  let ca = await readCa(caFile).catch((err: unknown) => {
    ctx.log.warn(
      `probe: the CA file ${caFile ?? ''} chosen for ${hostKey(url)} cannot be read (${err instanceof Error ? err.message : String(err)}); checking against the system store`,
    );
    caFile = undefined;
    return undefined;
  });
  // DNS, TCP and TLS under a CA (or the system store): the certificate, or the `unreachable` report (published), or undefined when cancelled.
  const certificateUnder = async (caPem: string | undefined, phase: string): Promise<ProbeTls | ProbeResult | undefined> => {
    const check = await checkCertificate(url, timeoutMs, caPem);
    clock.mark(phase);
    if (!check || check.tls) return check?.tls ?? undefined;
    // The probe's own time: the minutes the user spent on the URL and account prompts are not the endpoint's.
    const result = unreachableResult(url, check, machineMs(clock));
    publish(ctx, result, rerun);
    return result;
  };
  const first = await certificateUnder(ca, 'certificate check');
  if (!first || 'verdict' in first) return first;
  let trustedFingerprintSha256: string | undefined;
  let tls: ProbeTls = first;
  while (!tls.verified) {
    const fp = tls.fingerprintSha256;
    const store = state.get<TrustedFingerprints>(TRUSTED_KEY, {});
    if (isFingerprintTrusted(store, url, fp)) {
      ctx.log.info(
        `probe: the certificate of ${hostKey(url)} does not verify (${tls.verifyError ?? 'unknown reason'}); you trusted its thumbprint ${formatFingerprint(fp)} before`,
      );
      trustedFingerprintSha256 = fp;
      break;
    }
    const decision = await prompts.confirmCertificate(url, tls, caFile);
    clock.mark('certificate question', true);
    if (decision === true) {
      await state.update(TRUSTED_KEY, trustFingerprint(store, url, fp));
      ctx.log.info(`probe: you trusted the certificate of ${hostKey(url)} with SHA-256 ${formatFingerprint(fp)}`);
      trustedFingerprintSha256 = fp;
      break;
    }
    if (!decision) return undefined;
    caFile = decision.caFile;
    ca = await readCa(caFile);
    const again = await certificateUnder(ca, 'certificate check against the CA');
    if (!again || 'verdict' in again) return again;
    tls = again;
    if (tls.verified) {
      await state.update(CA_KEY, { ...state.get<Record<string, string>>(CA_KEY, {}), [hostKey(url)]: caFile });
      ctx.log.info(`probe: the certificate of ${hostKey(url)} verifies against ${caFile}; remembered for this host`);
    }
  }

  let password = await ctx.extension.secrets.get(passwordSecretKey(url, user));
  clock.mark('secret storage');
  const fromStore = !!password;
  if (!password) {
    password = await prompts.askPassword(url, user);
    clock.mark('password', true);
    if (!password) return undefined;
  }
  await rememberTarget(ctx, url, user);
  clock.mark('history');

  const inputs: RunInputs = { url, user, password, timeoutMs };
  if (ca) inputs.ca = ca;
  if (trustedFingerprintSha256) inputs.trustedFingerprintSha256 = trustedFingerprintSha256;
  const result = await execute(ctx, inputs);
  clock.mark('probe');
  if (!result) {
    ctx.log.info(`probe ${url}: cancelled`);
    return undefined;
  }
  await publishWithEvidence(ctx, result, rerun, clock.totalMs);
  clock.mark('report');
  ctx.log.info(`probe ${url}: ${clock.summary()}`);

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
  const started = Date.now();
  const result = await execute(ctx, inputs);
  if (result) await publishWithEvidence(ctx, result, () => interactive(ctx, n.url), Date.now() - started);
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
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Forget Probe Password'),
    placeHolder: vscode.l10n.t('Which stored password should be removed?'),
  });
  if (!pick) return 0;
  for (const e of pick.entries) await forgetPassword(ctx, e);
  ctx.log.info(`probe: removed ${pick.entries.length} stored password(s)`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Removed {0} stored password(s).', pick.entries.length));
  return pick.entries.length;
}

export const probeCommand: ClientFeature<'probe/probeCommand'> = {
  activate(ctx) {
    return {
      commands: {
        'iisAuthLens.probeMrsEndpoint': async (arg?: string | ProbeCommandArgs) => {
          if (refuseRestricted()) return undefined;
          try {
            // Scripted prompts and credentials in command arguments: the e2e suites only.
            const input = probeCommandInput(arg, ctx.testMode);
            if (input.kind === 'programmatic') return await programmatic(ctx, arg as ProbeCommandArgs);
            if (input.ignored.length) {
              // A link or another extension may pre-fill the URL, nothing else: no account, password, CA or insecure.
              ctx.log.warn(`probe: ignored arguments other than the URL (${input.ignored.join(', ')}); the probe asks for them`);
            }
            const initial = input.initialUrl;
            const { prompts, scripted } = input.scripted ? promptsFrom((arg as { prompts?: unknown }).prompts) : { prompts: defaultPrompts, scripted: false };
            return await interactive(ctx, initial, prompts, scripted);
          } catch (err) {
            const msg = err instanceof Error ? err.message : String(err);
            ctx.log.error(`probe: ${msg}`);
            void vscode.window.showErrorMessage(vscode.l10n.t('The probe failed: {0}', msg));
            return undefined;
          }
        },
        'iisAuthLens.forgetProbePassword': (arg?: { url?: string; user?: string }) => forgetCommand(ctx, arg),
        // test hooks: what the report shows; a message handled as if the report's page had sent it
        'iisAuthLens.probeReportState': () => ({ ...probeReportState(), rejectedEvidence: lastRejectedEvidence }),
        'iisAuthLens.probeReportMessage': (msg: { type?: unknown; text?: unknown }) => probeReportMessage(ctx, msg),
      },
    };
  },
};
