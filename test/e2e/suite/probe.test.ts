// "Probe MRS Endpoint" in the real extension host, as a user runs it: against a real host name
// (mail.contoso.test, resolved by the system resolver through a hosts-file entry the setup adds),
// with VS Code's default settings and with every http.proxySupport value and a proxy configured that
// would break the probe if it were used. The scene (test/support/probeTestbed.ts) is the articles':
// an Exchange-like endpoint with Extended Protection, directly and behind haproxy terminating TLS
// with another certificate. It runs in a child node process (tsx), so this suite needs the
// repository, not a build. Each verdict is compared with the CLI's on the same endpoint.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { getExtensionApi, screenshot, waitFor, workspaceRoot } from '../util';

// out/test/e2e/suite → the repository.
const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const USER = 'CONTOSO\\mrsadmin';
const PASSWORD = 'Pr0be!e2e-secret';
const HOST = 'mail.contoso.test';

interface EndpointInfo {
  url: string;
  certPath: string;
  logFile: string;
  logCount: number;
  expectedBindings: string;
}
interface Endpoint extends EndpointInfo {
  direct: EndpointInfo;
  proxyAccept: EndpointInfo;
  proxyRequire: EndpointInfo;
}

/** Minimal view of the ProbeResult the command returns (the e2e build does not bundle src/). */
interface Result {
  url: string;
  verdict: string;
  tls: { channelBindings: string; fingerprintSha256: string; trust: string; subject: string; verifyProblem?: string | null } | null;
  anonymous: { status: number; wwwAuthenticate: string[] } | null;
  attempts: Array<{ cbt: string; scheme: string; status: number | null; ok: boolean }>;
  steps: Array<{ name: string; ok: boolean; ms: number; detail: string }>;
  ms: number;
  explanation: string;
}

const SERVER_SCRIPT = `
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const repo = process.cwd();
// tsx loads the TypeScript modules as CommonJS: their exports may sit under default.
const load = async (rel) => { const m = await import(pathToFileURL(join(repo, rel)).href); return m.default ?? m; };
const { ensureLoopbackName } = await load('test/support/testHosts.ts');
const { startProbeTestbed } = await load('test/support/probeTestbed.ts');
await ensureLoopbackName(process.env.IAL_PROBE_HOST);
const dir = mkdtempSync(join(tmpdir(), 'ial-e2e-probe-'));
mkdirSync(process.env.IAL_PROBE_LOG_DIR, { recursive: true });
const bed = await startProbeTestbed({ certDir: dir, logDir: process.env.IAL_PROBE_LOG_DIR, password: process.env.IAL_PROBE_PASSWORD, host: process.env.IAL_PROBE_HOST });
const info = (e) => ({ url: e.url, certPath: e.certPath, logFile: e.logFile, logCount: e.server.log.length, expectedBindings: e.server.expectedBindings });
const report = () => process.stdout.write(JSON.stringify({ ...info(bed.direct), direct: info(bed.direct), proxyAccept: info(bed.proxyAccept), proxyRequire: info(bed.proxyRequire) }) + '\\n');
report();
process.stdin.setEncoding('utf8');
process.stdin.on('data', () => report());
process.stdin.on('end', () => { void bed.close().then(() => { rmSync(dir, { recursive: true, force: true }); process.exit(0); }); });
`;

/** A proxy that must never be used: it counts connections and answers nothing useful. */
async function trapProxy(): Promise<{ port: number; connections: () => number; close: () => void }> {
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    s.on('error', () => undefined);
    s.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return { port: typeof a === 'object' && a ? a.port : 0, connections: () => count, close: () => server.close() };
}

/** The workbench keeps a progress notification visible for at least 800 ms; a screenshot taken earlier shows it over the report. */
async function afterProgressNotification(started: number): Promise<void> {
  await waitFor(() => Date.now() - started > 1200, 'the progress notification to close');
}

interface ReportState {
  verdict: string;
  url: string;
  title: string;
  loaded: boolean;
  visible: boolean;
}

/** Waits until the report page has loaded (its script reported in) showing this verdict. */
async function reportShows(verdict: string): Promise<ReportState> {
  return waitFor(
    async () => {
      const s = await vscode.commands.executeCommand<ReportState | undefined>('iisAuthLens.probeReportState');
      return s && s.loaded && s.visible && s.verdict === verdict ? s : undefined;
    },
    `the report webview to load with verdict ${verdict}`,
    15_000,
  );
}

/** Runs the bundled CLI (dist/cli.js of the repository) with stdin, bounded. */
function runCli(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('node', [path.join(REPO, 'dist', 'cli.js'), ...args], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      p.kill();
      reject(new Error(`iis-auth-lens ${args[0]} did not finish in 30 s`));
    }, 30_000);
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(stdin);
  });
}

function probeTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('iisAuthLens.probeReport'));
}

suite('probe', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let endpoint: Endpoint;
  let lines: string[] = [];
  let logDir = '';

  /** Asks the child for its current state (URL, log count) and returns the next JSON line. */
  async function endpointState(): Promise<Endpoint> {
    const before = lines.length;
    child!.stdin.write('state\n');
    const line = await waitFor(() => lines[before], 'the test endpoint to report its state', 10_000);
    return JSON.parse(line) as Endpoint;
  }

  suiteSetup(async function () {
    this.timeout(60_000);
    await getExtensionApi();
    const support = path.join(REPO, 'test', 'support', 'probeTestbed.ts');
    assert.ok(fs.existsSync(support), `${support} is missing: this suite runs from the repository`);
    // The Exchange side writes its IIS logs into the workspace: the "log at hand" of a rejected verdict.
    logDir = path.join(workspaceRoot().fsPath, 'probe-logs');
    child = spawn('node', ['--import', 'tsx', '--input-type=module', '-e', SERVER_SCRIPT], {
      cwd: REPO,
      env: { ...process.env, IAL_PROBE_PASSWORD: PASSWORD, IAL_PROBE_HOST: HOST, IAL_PROBE_LOG_DIR: logDir },
    });
    let stderr = '';
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        lines.push(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const first = await waitFor(
      () => lines[0] ?? (child!.exitCode !== null ? `exit ${child!.exitCode}` : undefined),
      'the local IIS-like endpoint to start',
      45_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; stderr: ${stderr.slice(0, 2000)}`);
    });
    assert.ok(first.startsWith('{'), `the endpoint did not start (${first}): ${stderr.slice(0, 2000)}`);
    endpoint = JSON.parse(first) as Endpoint;
    assert.match(endpoint.url, /^https:\/\/mail\.contoso\.test:\d+\/EWS\/mrsproxy\.svc$/, 'a real host name, not loopback');
  });

  suiteTeardown(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.stdin.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill();
      if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
    }
    lines = [];
  });

  test('EP accept, direct, certificate verified against its CA: verdict ok, report opens', async function () {
    this.timeout(60_000);
    const started = Date.now();
    const result = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: endpoint.url,
      user: USER,
      password: PASSWORD,
      ca: endpoint.certPath,
    });
    assert.ok(result, 'the command returned a result');
    assert.equal(result.verdict, 'ok', `verdict ok; explanation: ${result.explanation}`);
    assert.equal(result.url, endpoint.url);
    assert.ok(result.tls, 'TLS summary');
    assert.equal(result.tls.trust, 'verified');
    assert.equal(result.tls.subject, 'CN=ex01.contoso.test');
    assert.equal(result.tls.channelBindings, endpoint.expectedBindings, 'the channel-binding hash the probe computed is the one the server expects');
    assert.equal(result.anonymous?.status, 401);
    assert.deepEqual([...(result.anonymous?.wwwAuthenticate ?? [])].sort(), ['NTLM', 'Negotiate']);
    for (const cbt of ['absent', 'zero', 'correct']) {
      const of = result.attempts.filter((a) => a.cbt === cbt);
      assert.ok(of.length >= 1, `an attempt with ${cbt} bindings`);
      assert.ok(
        of.every((a) => a.ok && a.status === 400),
        `${cbt}: authenticated (400 from MRS) ${JSON.stringify(of)}`,
      );
    }
    assert.ok(result.steps.some((s) => s.name === 'tls' && s.ok));
    assert.ok(!JSON.stringify(result).includes(PASSWORD), 'the result never carries the password');

    const tab = await waitFor(() => probeTabs()[0], 'the probe report webview tab');
    assert.match(tab.label, /ok/);
    assert.ok(tab.isActive, 'the report is the active tab');
    const shown = await reportShows('ok');
    assert.equal(shown.url, endpoint.url);
    await afterProgressNotification(started);
    const png = await screenshot('probe-report-ok');
    if (png) assert.ok(fs.statSync(png).size > 10_000, `${png} is a real picture`);

    // "Copy as JSON": the CLI's JSON document (same fields, same verdict and certificate), never the password.
    assert.equal(await vscode.commands.executeCommand('iisAuthLens.probeReportMessage', { type: 'copyJson' }), true);
    const copied = await vscode.env.clipboard.readText();
    assert.ok(!copied.includes(PASSWORD), 'the copied JSON has no password');
    const fromReport = JSON.parse(copied) as Record<string, unknown> & Result;
    const cli = await runCli(['probe', '--json', endpoint.url, '--user', USER, '--password-stdin', '--ca', endpoint.certPath], PASSWORD);
    assert.equal(cli.code, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout) as Record<string, unknown> & Result;
    assert.deepEqual(Object.keys(fromReport).sort(), Object.keys(fromCli).sort(), 'the same top-level fields as the CLI');
    assert.equal(fromReport.verdict, fromCli.verdict);
    assert.deepEqual(fromReport.tls, fromCli.tls, 'the same certificate summary');
    assert.deepEqual(
      fromReport.attempts.map((a) => [a.cbt, a.scheme, a.status]),
      fromCli.attempts.map((a) => [a.cbt, a.scheme, a.status]),
    );
    // A copy request for text that is not part of the result is ignored.
    await vscode.commands.executeCommand('iisAuthLens.probeReportMessage', { type: 'copy', text: 'rm -rf /' });
    assert.equal(await vscode.env.clipboard.readText(), copied);

    const state = await endpointState();
    assert.ok(state.logCount >= 7, `the endpoint logged the anonymous request and the handshakes (${state.logCount} lines)`);
  });

  test('a wrong password is rejected; the same report panel shows the new verdict', async function () {
    this.timeout(60_000);
    const started = Date.now();
    const result = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: endpoint.url,
      user: USER,
      password: 'not-the-password',
      insecure: true,
    });
    assert.ok(result);
    assert.equal(result.verdict, 'rejected', result.explanation);
    assert.equal(result.tls?.trust, 'insecure');
    assert.ok(result.attempts.length >= 3 && result.attempts.every((a) => !a.ok && a.status === 401));
    await waitFor(() => probeTabs().length === 1 && /rejected/.test(probeTabs()[0]!.label), 'one report tab showing "rejected"');
    await reportShows('rejected');
    await afterProgressNotification(started);
    const png = await screenshot('probe-report-rejected');
    if (png) assert.ok(fs.statSync(png).size > 10_000);
  });

  test('a certificate that does not verify: no credentials are sent, verdict unreachable at the TLS step', async function () {
    this.timeout(60_000);
    const before = (await endpointState()).logCount;
    const result = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: endpoint.url,
      user: USER,
      password: PASSWORD,
    });
    assert.ok(result);
    assert.equal(result.verdict, 'unreachable');
    assert.ok(
      result.steps.some((s) => s.name === 'tls' && !s.ok),
      JSON.stringify(result.steps),
    );
    assert.equal(result.attempts.length, 0);
    assert.equal((await endpointState()).logCount, before, 'the endpoint saw no request at all');
  });

  test('the certificate is trusted by its confirmed SHA-256 fingerprint', async function () {
    this.timeout(60_000);
    const first = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: endpoint.url,
      user: USER,
      password: PASSWORD,
      insecure: true,
    });
    const fp = first?.tls?.fingerprintSha256;
    assert.ok(fp);
    const result = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: endpoint.url,
      user: USER,
      password: PASSWORD,
      trustedFingerprintSha256: fp,
    });
    assert.equal(result?.verdict, 'ok');
    assert.equal(result?.tls?.trust, 'fingerprint');
  });

  test('interactive flow: history, account, certificate confirmation by fingerprint, password remembered on request', async function () {
    this.timeout(60_000);
    const asked: string[] = [];
    let shownFingerprint = '';
    let lastAnswer = 0;
    const host = new URL(endpoint.url).host;
    const result = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: host,
      prompts: {
        pickTarget: async (initial: string | undefined) => {
          asked.push('target');
          assert.equal(initial, host, 'a hover link or "Probe again" pre-fills the input');
          return `https://${host}`;
        },
        askAccount: async (_url: string, remembered: string | undefined) => {
          asked.push(`account:${remembered ?? ''}`);
          return USER;
        },
        confirmCertificate: async (url: string, tls: { fingerprintSha256: string; subject: string }) => {
          asked.push('certificate');
          assert.equal(url, endpoint.url, 'a bare https://host was completed with /EWS/mrsproxy.svc');
          assert.equal(tls.subject, 'CN=ex01.contoso.test');
          shownFingerprint = tls.fingerprintSha256;
          return true;
        },
        askPassword: async () => {
          asked.push('password');
          lastAnswer = Date.now();
          return PASSWORD;
        },
        offerRemember: async () => {
          asked.push('remember');
          return true;
        },
        offerForget: async () => {
          asked.push('forget');
          return false;
        },
      },
    });
    const toReport = Date.now() - lastAnswer;
    console.log(`[e2e] probe: ${toReport} ms from the last answer (the password) to the report`);
    assert.ok(toReport < 15_000, `the report came ${toReport} ms after the last prompt`);
    assert.ok(result);
    assert.equal(result.verdict, 'ok', result.explanation);
    assert.equal(result.tls?.trust, 'fingerprint');
    assert.equal(result.tls?.fingerprintSha256, shownFingerprint);
    assert.deepEqual(
      asked.map((a) => a.replace(/^account:.*/, 'account')),
      ['target', 'account', 'certificate', 'password', 'remember'],
    );

    // Second run: history, account, fingerprint and password are remembered: no certificate or password question.
    const again: string[] = [];
    const second = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: endpoint.url,
      prompts: {
        pickTarget: async (_initial: string | undefined, history: string[]) => {
          again.push('target');
          assert.equal(history[0], endpoint.url, 'the history starts with the last target');
          return history[0];
        },
        askAccount: async (_url: string, remembered: string | undefined) => {
          again.push('account');
          assert.equal(remembered, USER, 'the account is remembered per host');
          return remembered;
        },
        confirmCertificate: async () => {
          again.push('certificate');
          return false;
        },
        askPassword: async () => {
          again.push('password');
          return undefined;
        },
        offerRemember: async () => {
          again.push('remember');
          return false;
        },
      },
    });
    assert.equal(second?.verdict, 'ok');
    assert.deepEqual(again, ['target', 'account']);

    // Forget the stored password: the next run asks again, and a wrong answer is not offered for storage.
    const removed = await vscode.commands.executeCommand<number>('iisAuthLens.forgetProbePassword', { url: endpoint.url, user: USER });
    assert.equal(removed, 1);
    const third: string[] = [];
    const wrong = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: endpoint.url,
      prompts: {
        pickTarget: async (initial: string | undefined) => initial,
        askAccount: async (_url: string, remembered: string | undefined) => remembered,
        askPassword: async () => {
          third.push('password');
          return 'wrong-password';
        },
        offerRemember: async () => {
          third.push('remember');
          return true;
        },
      },
    });
    assert.equal(wrong?.verdict, 'rejected');
    assert.deepEqual(third, ['password']);
  });

  test('palette flow with the real quick pick and input box: a hover link pre-fills the URL, Enter accepts the remembered account', async function () {
    this.timeout(60_000);
    // Store the password (and trust the fingerprint) through the flow, so only the target and account prompts remain.
    await vscode.commands.executeCommand('iisAuthLens.probeMrsEndpoint', {
      url: endpoint.url,
      prompts: {
        pickTarget: async (initial: string | undefined) => initial,
        askAccount: async () => USER,
        confirmCertificate: async () => true,
        askPassword: async () => PASSWORD,
        offerRemember: async () => true,
      },
    });
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', endpoint.url)).finally(() => {
      settled = true;
    });
    // Press Enter in whatever quick input is open (the target pick, then the account box) until the command finishes.
    const deadline = Date.now() + 30_000;
    while (!settled && Date.now() < deadline) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((r) => setTimeout(r, 150));
    }
    assert.ok(settled, 'the command finished after accepting its prompts');
    const result = await running;
    assert.equal(result?.verdict, 'ok', 'the pre-filled URL, the remembered account, the trusted fingerprint and the stored password were used');
    assert.equal(result?.url, endpoint.url);
    await reportShows('ok');
    await vscode.commands.executeCommand('iisAuthLens.forgetProbePassword', { url: endpoint.url, user: USER });
  });

  test("the issue-14 scene: a host name behind a TLS-terminating proxy gives the CLI's verdict with default settings and every http.proxySupport value, and never touches the configured proxy", async function () {
    this.timeout(180_000);
    const target = endpoint.proxyAccept;
    const cli = await runCli(['probe', '--json', target.url, '--user', USER, '--password-stdin', '--ca', target.certPath], PASSWORD);
    assert.equal(cli.code, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout) as Result;
    assert.equal(fromCli.verdict, 'accept-mismatch', `the CLI's verdict: ${fromCli.explanation}`);
    const http = vscode.workspace.getConfiguration('http');
    assert.equal(http.inspect('proxySupport')?.globalValue, undefined, 'the suite starts from the default settings');
    const trap = await trapProxy();
    const verdicts: string[] = [];
    try {
      const settings: Array<[string | undefined, string | undefined]> = [
        [undefined, undefined],
        ['override', undefined],
        ['on', undefined],
        ['off', undefined],
        [undefined, `http://127.0.0.1:${trap.port}`],
        ['override', `http://127.0.0.1:${trap.port}`],
        ['on', `http://127.0.0.1:${trap.port}`],
      ];
      for (const [support, proxy] of settings) {
        await vscode.workspace.getConfiguration('http').update('proxySupport', support, vscode.ConfigurationTarget.Global);
        await vscode.workspace.getConfiguration('http').update('proxy', proxy, vscode.ConfigurationTarget.Global);
        const started = Date.now();
        // The palette flow, with the answers a user gives (host, account, password), and the CA file as --ca.
        const result = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
          url: target.url,
          user: USER,
          password: PASSWORD,
          ca: target.certPath,
        });
        const label = `proxySupport=${support ?? 'default'} http.proxy=${proxy ? 'trap' : 'none'}`;
        assert.ok(result, label);
        verdicts.push(`${label}: ${result.verdict} (${result.ms} ms, report after ${Date.now() - started} ms)`);
        assert.equal(result.verdict, fromCli.verdict, `${label}: ${result.explanation}`);
        assert.equal(result.tls?.channelBindings, fromCli.tls?.channelBindings, `${label}: the proxy's certificate, as the CLI saw it`);
        assert.deepEqual(
          result.attempts.map((a) => [a.cbt, a.scheme, a.status]),
          fromCli.attempts.map((a) => [a.cbt, a.scheme, a.status]),
          label,
        );
        assert.equal(result.steps.find((st) => st.name === 'dns')?.detail, `${HOST} -> 127.0.0.1`, `${label}: resolved by the system resolver`);
        await reportShows('accept-mismatch');
      }
      // HTTPS_PROXY in the extension host's environment, as a corporate machine sets it.
      await vscode.workspace.getConfiguration('http').update('proxySupport', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
      const savedEnv = process.env.HTTPS_PROXY;
      process.env.HTTPS_PROXY = `http://127.0.0.1:${trap.port}`;
      try {
        const viaEnv = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
          url: target.url,
          user: USER,
          password: PASSWORD,
          ca: target.certPath,
        });
        verdicts.push(`HTTPS_PROXY=trap: ${viaEnv?.verdict ?? 'none'}`);
        assert.equal(viaEnv?.verdict, fromCli.verdict, `HTTPS_PROXY: ${viaEnv?.explanation ?? ''}`);
      } finally {
        if (savedEnv === undefined) delete process.env.HTTPS_PROXY;
        else process.env.HTTPS_PROXY = savedEnv;
      }
      assert.equal(trap.connections(), 0, 'the configured proxy never saw a connection');
      console.log(`[e2e] probe verdicts by proxy setting:\n  ${verdicts.join('\n  ')}`);
      await screenshot('probe-report-accept-mismatch');
    } finally {
      await vscode.workspace.getConfiguration('http').update('proxySupport', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
      trap.close();
    }
  });

  test('the certificate question offers a CA file: the certificate then verifies, and the CA is remembered for the host', async function () {
    this.timeout(60_000);
    const target = endpoint.proxyAccept;
    const asked: string[] = [];
    const first = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: target.url,
      prompts: {
        pickTarget: async (initial: string | undefined) => initial,
        askAccount: async () => USER,
        confirmCertificate: async (_url: string, tls: { verifyProblem?: string | null; fingerprintSha256: string }, caFile?: string) => {
          asked.push(`certificate${caFile ? ' against CA' : ''}`);
          assert.match(tls.verifyProblem ?? '', /self-signed|certificate authority/, 'the reason in plain words');
          return { caFile: target.certPath };
        },
        askPassword: async () => {
          asked.push('password');
          return PASSWORD;
        },
        offerRemember: async () => false,
      },
    });
    assert.equal(first?.verdict, 'accept-mismatch', first?.explanation);
    assert.equal(first?.tls?.trust, 'verified', 'verified against the chosen CA, not trusted blindly');
    assert.deepEqual(asked, ['certificate', 'password']);
    const again: string[] = [];
    const second = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: target.url,
      prompts: {
        pickTarget: async (initial: string | undefined) => initial,
        askAccount: async () => USER,
        confirmCertificate: async () => {
          again.push('certificate');
          return false;
        },
        askPassword: async () => {
          again.push('password');
          return PASSWORD;
        },
        offerRemember: async () => false,
      },
    });
    assert.equal(second?.tls?.trust, 'verified');
    assert.deepEqual(again, ['password'], 'the remembered CA verifies the certificate: no question');
  });

  test('rejected behind the proxy with EP Require: the IIS log at hand says bad bindings, not the password', async function () {
    this.timeout(60_000);
    const target = endpoint.proxyRequire;
    const result = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: target.url,
      user: USER,
      password: PASSWORD,
      ca: target.certPath,
    });
    assert.equal(result?.verdict, 'rejected', result?.explanation);
    const state = await waitFor(async () => {
      const st = await vscode.commands.executeCommand<
        (ReportState & { rejectedEvidence?: { cause: string; badBindings: number; logonDenied: number; log: string } }) | undefined
      >('iisAuthLens.probeReportState');
      return st?.loaded && st.verdict === 'rejected' ? st : undefined;
    }, 'the rejected report');
    assert.equal(state.rejectedEvidence?.cause, 'bad-bindings', JSON.stringify(state.rejectedEvidence));
    assert.ok((state.rejectedEvidence?.badBindings ?? 0) >= 6, 'every variant of both schemes was refused with 2148074310');
    assert.equal(state.rejectedEvidence?.logonDenied, 0);
    assert.match(state.rejectedEvidence?.log ?? '', /u_ex_probe_require_behind_proxy\.log$/);
    await screenshot('probe-report-rejected-bad-bindings');

    // The same endpoint, the wrong password: the log says so.
    const wrong = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: target.url,
      user: USER,
      password: 'Wrong-Passw0rd',
      ca: target.certPath,
    });
    assert.equal(wrong?.verdict, 'rejected');
    const st2 = await vscode.commands.executeCommand<{ rejectedEvidence?: { cause: string; logonDenied: number } }>('iisAuthLens.probeReportState');
    // Both causes are now in the window of this log: the password's 2148074252 is what changed.
    assert.ok((st2?.rejectedEvidence?.logonDenied ?? 0) >= 1, JSON.stringify(st2?.rejectedEvidence));
  });

  test('interactive flow: plain http:// is explained and refused, or switched to https:// when the user asks', async function () {
    this.timeout(60_000);
    const before = (await endpointState()).logCount;
    const httpUrl = endpoint.url.replace('https:', 'http:');
    let offered = '';
    const refused = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: httpUrl,
      prompts: {
        pickTarget: async (initial: string | undefined) => initial,
        refuseHttp: async (_url: string, httpsUrl: string) => {
          offered = httpsUrl;
          return false;
        },
        askAccount: async () => {
          throw new Error('no account may be asked for after refusing http://');
        },
      },
    });
    assert.equal(refused, undefined);
    assert.equal(offered, endpoint.url);
    assert.equal((await endpointState()).logCount, before, 'nothing was sent');
  });

  test('plain http:// is refused before anything is sent', async () => {
    const before = (await endpointState()).logCount;
    const httpUrl = endpoint.url.replace('https:', 'http:');
    const result = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', { url: httpUrl, user: USER, password: PASSWORD });
    assert.equal(result, undefined);
    assert.equal((await endpointState()).logCount, before);
  });

  test('an unreachable host: a clear verdict without a password, timed without the prompts, its failure named once', async function () {
    this.timeout(60_000);
    const result = await vscode.commands.executeCommand<Result | undefined>('iisAuthLens.probeMrsEndpoint', {
      url: 'https://mail.contoso.invalid/EWS/mrsproxy.svc',
      prompts: {
        pickTarget: async (initial: string | undefined) => initial,
        // the user takes a while to type the account: that is not the endpoint's time
        askAccount: async () => {
          await new Promise((r) => setTimeout(r, 2500));
          return USER;
        },
        askPassword: async () => {
          throw new Error('no password may be asked for an endpoint that cannot be reached');
        },
      },
    });
    assert.ok(result);
    assert.equal(result.verdict, 'unreachable', result.explanation);
    assert.equal(result.attempts.length, 0);
    const failed = result.steps.find((s) => !s.ok);
    assert.ok(failed, JSON.stringify(result.steps));
    assert.ok(result.ms < 2500, `the report says ${result.ms} ms: the probe's own time, not the 2.5 s at the account prompt`);
    assert.equal(result.explanation.split(failed.detail).length - 1, 1, `the failure is named once: ${result.explanation}`);
  });
});
