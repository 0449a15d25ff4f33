// The probe command's pure helpers: target normalisation, history, account check, remembered keys,
// JSON without secrets, remediation commands, and the report HTML (escaped, no password, CSP).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ProbeResult } from '../../src/probe/probeTypes';
import {
  addToHistory,
  formatFingerprint,
  hostKey,
  isFingerprintTrusted,
  normalizeFingerprint,
  normalizeProbeTarget,
  passwordSecretKey,
  machineMs,
  PhaseClock,
  probeCommandInput,
  probeResultJson,
  probeStepActivity,
  probeSummaryLines,
  remediationParts,
  stepCauses,
  stepFailureText,
  trustFingerprint,
  validateAccount,
} from '../../src/client/probe/probeModel';
import { parseProbeUrl, probeUserAgent } from '../../src/probe/probe';
import { findMatchingIisLines } from '../../src/core/timeline/matchingIisLines';
import { httpsInstead } from '../../src/probe/probeUrl';
import { certificateProblemText } from '../../src/probe/connection';
import { rejectedCause } from '../../src/probe/rejectedCause';
import { decideVerdict } from '../../src/probe/verdict';
import { escapeHtml, renderProbeReportBody, renderProbeReportPage, verdictTone } from '../../src/client/probe/probeReportHtml';

const FP = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** An accept-mismatch result as the probe reports it behind a TLS-terminating proxy. */
function acceptMismatch(): ProbeResult {
  return {
    url: 'https://mail.contoso.test/EWS/mrsproxy.svc',
    tls: {
      subject: 'CN=proxy.contoso.test',
      issuer: 'CN=Contoso Test CA',
      sans: ['mail.contoso.test', 'autodiscover.contoso.test'],
      signatureHash: 'sha256',
      fingerprintSha256: FP,
      channelBindings: '8d2f6d1c0b5a4e3f2a1b0c9d8e7f6a5b',
      serverEndPoint: 'f00d',
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2027-01-01T00:00:00Z',
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      verified: false,
      verifyError: 'self-signed certificate in certificate chain',
      trust: 'fingerprint',
      chain: [],
    },
    anonymous: { status: 401, wwwAuthenticate: ['Negotiate', 'NTLM'] },
    attempts: [
      { cbt: 'absent', scheme: 'NTLM', status: 400, ms: 12, ok: true, legs: [401, 400], sameConnection: true },
      { cbt: 'zero', scheme: 'NTLM', status: 400, ms: 11, ok: true, legs: [401, 400], sameConnection: true },
      { cbt: 'correct', scheme: 'NTLM', status: 401, ms: 13, ok: false, legs: [401, 401], sameConnection: true },
    ],
    verdict: 'accept-mismatch',
    explanation: 'EP is Accept and the proxy terminates TLS with <another> certificate.',
    remediation: [
      'Use the same certificate on the proxy and on Exchange, or pass TLS through.',
      'Turn Extended Protection off for mrsproxy.svc only: `.\\ExchangeExtendedProtectionManagement.ps1 -ExchangeServerNames EX01 -ExcludeVirtualDirectories "EWSFrontEnd"`',
      'Check the setting: Get-WebConfigurationProperty -Filter system.webServer/security/authentication/windowsAuthentication -Name extendedProtection.tokenChecking',
    ],
    steps: [
      { name: 'dns', ok: true, ms: 1, detail: '127.0.0.1' },
      { name: 'tcp', ok: true, ms: 1, detail: 'connected' },
      { name: 'tls', ok: true, ms: 5, detail: 'TLSv1.3' },
      { name: 'anonymous', ok: true, ms: 3, detail: '401 Negotiate, NTLM' },
      { name: 'ntlm-correct', ok: false, ms: 13, detail: '401 after type 3', error: ['server said 401', 'SEC_E_BAD_BINDINGS?'] },
    ],
    ms: 48,
  };
}

void test('a bare host gets https:// and the MRS path; ports, paths and IPv6 survive', () => {
  assert.deepEqual(normalizeProbeTarget(' mail.contoso.com '), { ok: true, url: 'https://mail.contoso.com/EWS/mrsproxy.svc', insecureScheme: false });
  assert.equal((normalizeProbeTarget('mail.contoso.com:8443') as { url: string }).url, 'https://mail.contoso.com:8443/EWS/mrsproxy.svc');
  assert.equal((normalizeProbeTarget('https://mail.contoso.com') as { url: string }).url, 'https://mail.contoso.com/EWS/mrsproxy.svc');
  assert.equal((normalizeProbeTarget('https://mail.contoso.com/') as { url: string }).url, 'https://mail.contoso.com/EWS/mrsproxy.svc');
  assert.equal((normalizeProbeTarget('https://Mail.Contoso.com/EWS/MRSProxy.svc') as { url: string }).url, 'https://mail.contoso.com/EWS/MRSProxy.svc');
  assert.equal((normalizeProbeTarget('https://127.0.0.1:4443/custom/path') as { url: string }).url, 'https://127.0.0.1:4443/custom/path');
  assert.equal((normalizeProbeTarget('[::1]:4443') as { url: string }).url, 'https://[::1]:4443/EWS/mrsproxy.svc');
  assert.equal((normalizeProbeTarget('mail.contoso.com/EWS/mrsproxy.svc') as { url: string }).url, 'https://mail.contoso.com/EWS/mrsproxy.svc');
});

void test('http:// is kept and flagged (the command refuses it); other schemes, credentials and garbage are problems', () => {
  assert.deepEqual(normalizeProbeTarget('http://mail.contoso.com'), { ok: true, url: 'http://mail.contoso.com/EWS/mrsproxy.svc', insecureScheme: true });
  assert.deepEqual(normalizeProbeTarget('ftp://mail.contoso.com'), { ok: false, problem: 'scheme', detail: 'ftp' });
  assert.equal((normalizeProbeTarget('https://admin:secret@mail.contoso.com') as { problem: string }).problem, 'credentials');
  assert.equal((normalizeProbeTarget('admin@mail.contoso.com') as { problem: string }).problem, 'credentials');
  assert.equal((normalizeProbeTarget('') as { problem: string }).problem, 'empty');
  assert.equal((normalizeProbeTarget('not a host') as { problem: string }).problem, 'invalid');
  assert.equal((normalizeProbeTarget('mail.contoso.com:99999') as { problem: string }).problem, 'invalid');
  assert.equal((normalizeProbeTarget('<script>') as { problem: string }).problem, 'invalid');
});

void test('history: most recent first, case-insensitive dedupe, bounded', () => {
  let h: string[] = [];
  for (let i = 0; i < 15; i++) h = addToHistory(h, `https://h${i}.test/EWS/mrsproxy.svc`);
  assert.equal(h.length, 10);
  assert.equal(h[0], 'https://h14.test/EWS/mrsproxy.svc');
  h = addToHistory(h, 'https://H10.test/EWS/mrsproxy.svc');
  assert.equal(h[0], 'https://H10.test/EWS/mrsproxy.svc');
  assert.equal(h.filter((u) => u.toLowerCase() === 'https://h10.test/ews/mrsproxy.svc').length, 1);
  assert.equal(h.length, 10);
});

void test('accounts: DOMAIN\\user, user@domain and a bare user pass; malformed ones are named', () => {
  assert.equal(validateAccount('CONTOSO\\mrsadmin'), undefined);
  assert.equal(validateAccount('mrsadmin@contoso.test'), undefined);
  assert.equal(validateAccount('mrsadmin'), undefined);
  assert.equal(validateAccount('  '), 'empty');
  assert.equal(validateAccount('CONTOSO\\mrs admin'), 'whitespace');
  assert.equal(validateAccount('CONTOSO\\\\mrsadmin'), 'format');
  assert.equal(validateAccount('CONTOSO\\'), 'format');
  assert.equal(validateAccount('CONTOSO\\a@b'), 'format');
});

void test('remembered keys: per host:port and account, case-insensitive; fingerprints trusted per host', () => {
  assert.equal(hostKey('https://Mail.Contoso.test/EWS/mrsproxy.svc'), 'mail.contoso.test:443');
  assert.equal(hostKey('https://mail.contoso.test:8443/x'), 'mail.contoso.test:8443');
  assert.equal(
    passwordSecretKey('https://mail.contoso.test/EWS/mrsproxy.svc', 'CONTOSO\\MrsAdmin'),
    passwordSecretKey('https://MAIL.contoso.test:443/other', 'contoso\\mrsadmin'),
  );
  assert.notEqual(passwordSecretKey('https://a.test/', 'X\\u'), passwordSecretKey('https://b.test/', 'X\\u'));
  const colons = formatFingerprint(FP);
  assert.match(colons, /^A1:B2:C3:/);
  assert.equal(normalizeFingerprint(colons), FP);
  let store = trustFingerprint(undefined, 'https://mail.contoso.test/EWS/mrsproxy.svc', colons);
  assert.ok(isFingerprintTrusted(store, 'https://mail.contoso.test:443/', FP));
  assert.ok(!isFingerprintTrusted(store, 'https://other.contoso.test/', FP), 'trust is per host');
  assert.ok(!isFingerprintTrusted(store, 'https://mail.contoso.test/', FP.replace(/^a1/, 'ff')), 'and per fingerprint');
  store = trustFingerprint(store, 'https://mail.contoso.test/', FP);
  assert.equal(store['mail.contoso.test:443']!.length, 1, 'no duplicates');
});

void test('JSON keeps the contract fields and drops anything named like a secret, at any depth', () => {
  const r = acceptMismatch() as ProbeResult & { password?: string; options?: { password: string; user: string } };
  r.password = 'Hunter2!';
  r.options = { password: 'Hunter2!', user: 'CONTOSO\\mrsadmin' };
  const json = probeResultJson(r);
  assert.doesNotMatch(json, /Hunter2/);
  const parsed = JSON.parse(json) as Record<string, unknown>;
  for (const k of ['url', 'tls', 'anonymous', 'attempts', 'verdict', 'explanation', 'remediation']) assert.ok(k in parsed, k);
  assert.equal(parsed.verdict, 'accept-mismatch');
  assert.deepEqual(
    (parsed.attempts as Array<{ cbt: string; status: number }>).map((a) => [a.cbt, a.status]),
    [
      ['absent', 400],
      ['zero', 400],
      ['correct', 401],
    ],
  );
  assert.equal((parsed.options as Record<string, unknown>).user, 'CONTOSO\\mrsadmin');
});

void test('remediation commands: code spans, then a cmdlet or script in the prose', () => {
  const r = acceptMismatch().remediation;
  assert.deepEqual(remediationParts(r[0]!).commands, []);
  assert.deepEqual(remediationParts(r[1]!).commands, [
    '.\\ExchangeExtendedProtectionManagement.ps1 -ExchangeServerNames EX01 -ExcludeVirtualDirectories "EWSFrontEnd"',
  ]);
  assert.deepEqual(remediationParts(r[2]!).commands, [
    'Get-WebConfigurationProperty -Filter system.webServer/security/authentication/windowsAuthentication -Name extendedProtection.tokenChecking',
  ]);
  assert.deepEqual(remediationParts('In the IIS log of the server, 2148074252 means a bad password.').commands, []);
  assert.deepEqual(remediationParts('Run it (Get-WebServicesVirtualDirectory | fl *Authentication*) and then restart.').commands, [
    'Get-WebServicesVirtualDirectory | fl *Authentication*',
  ]);
  assert.deepEqual(
    remediationParts('Set it: Set-WebServicesVirtualDirectory -Identity "EX01\\EWS (Default Web Site)" -ExtendedProtectionTokenChecking None; then iisreset.')
      .commands,
    ['Set-WebServicesVirtualDirectory -Identity "EX01\\EWS (Default Web Site)" -ExtendedProtectionTokenChecking None', 'iisreset'],
  );
});

void test("the probe's own remediation texts give copyable commands where they name one", () => {
  const attempt = (cbt: 'absent' | 'zero' | 'correct', ok: boolean) => ({
    cbt,
    scheme: 'NTLM' as const,
    status: ok ? 400 : 401,
    ms: 1,
    ok,
    legs: [401, ok ? 400 : 401],
    sameConnection: true,
  });
  const mismatch = decideVerdict({ status: 401, wwwAuthenticate: ['Negotiate', 'NTLM'] }, [
    attempt('absent', true),
    attempt('zero', true),
    attempt('correct', false),
  ]);
  assert.equal(mismatch.verdict, 'accept-mismatch');
  const commands = mismatch.remediation.flatMap((r) => remediationParts(r).commands);
  assert.deepEqual(commands, [
    '.\\ExchangeExtendedProtectionManagement.ps1 -ExcludeVirtualDirectories EWSFrontEnd',
    '.\\ExchangeExtendedProtectionManagement.ps1 -DisableExtendedProtection',
  ]);
  const noNtlm = decideVerdict({ status: 401, wwwAuthenticate: ['Basic'] }, []);
  assert.equal(noNtlm.verdict, 'no-ntlm');
  assert.deepEqual(
    noNtlm.remediation.flatMap((r) => remediationParts(r).commands),
    ['Get-WebServicesVirtualDirectory | fl *Authentication*'],
  );
  const ok = decideVerdict({ status: 401, wwwAuthenticate: ['NTLM'] }, [attempt('absent', true), attempt('zero', true), attempt('correct', true)]);
  assert.deepEqual(
    ok.remediation.flatMap((r) => remediationParts(r).commands),
    [],
  );
});

void test('report HTML: verdict, variants, certificate, offers, steps; everything escaped; no password', () => {
  const r = acceptMismatch() as ProbeResult & { password?: string };
  r.password = 'Hunter2!';
  const body = renderProbeReportBody(r);
  assert.doesNotMatch(body, /Hunter2/);
  assert.match(body, /class="verdict tone-error"/);
  assert.match(body, /<code>accept-mismatch<\/code>/);
  assert.match(body, /TLS is terminated in the path with another certificate/);
  // The variants table has one row per attempt with status and time.
  const rows = [
    ...body.matchAll(/<tr class="(ok|fail)">\s*<td>[^<]*<code>(absent|zero|correct)<\/code><\/td>\s*<td>NTLM<\/td>\s*<td class="num">(\d+)<\/td>/g),
  ].map((m) => [m[2], m[1], m[3]]);
  assert.deepEqual(rows, [
    ['absent', 'ok', '400'],
    ['zero', 'ok', '400'],
    ['correct', 'fail', '401'],
  ]);
  assert.match(body, /8d2f6d1c0b5a4e3f2a1b0c9d8e7f6a5b/);
  assert.match(body, /A1:B2:C3:D4/);
  assert.match(body, /trusted by the fingerprint you confirmed/);
  assert.match(body, /WWW-Authenticate: Negotiate<\/code>/);
  assert.match(body, /WWW-Authenticate: NTLM<\/code>/);
  assert.match(body, /&lt;another&gt; certificate/, 'explanation is escaped');
  assert.doesNotMatch(body, /<another>/);
  assert.match(body, /data-copy="\.\\ExchangeExtendedProtectionManagement\.ps1 -ExchangeServerNames EX01 -ExcludeVirtualDirectories &quot;EWSFrontEnd&quot;"/);
  assert.match(body, /<li>SEC_E_BAD_BINDINGS\?<\/li>/, 'error chain of a step');
  assert.match(body, /id="copy-json"/);
  assert.match(renderProbeReportBody(r, undefined, ['A proxy <is> configured']), /<p class="note">A proxy &lt;is&gt; configured<\/p>/);
  assert.doesNotMatch(body, /class="note"/);
});

void test('report page: strict CSP with nonce, only our script and style, no inline handlers', () => {
  const page = renderProbeReportPage(acceptMismatch(), {
    cspSource: 'vscode-webview://abc',
    nonce: 'N0nce+/=',
    scriptUri: 'vscode-webview://abc/dist/webview/probeReport.js',
    styleUri: 'vscode-webview://abc/media/probeReport.css',
    lang: 'de',
  });
  assert.match(
    page,
    /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src vscode-webview:\/\/abc; script-src &#39;nonce-N0nce\+\/=&#39;/,
  );
  assert.match(page, /<script nonce="N0nce\+\/=" src="vscode-webview:\/\/abc\/dist\/webview\/probeReport.js"><\/script>/);
  assert.match(page, /<html lang="de">/);
  assert.equal((page.match(/<script/g) ?? []).length, 1);
  assert.doesNotMatch(page, /\son[a-z]+=/i, 'no inline event handlers');
  assert.doesNotMatch(page, /(src|href)="https?:/, 'no remote resources');
  assert.doesNotMatch(page, /@import|url\(/, 'no stylesheet imports');
});

void test('hostile values from the server are escaped everywhere', () => {
  const r = acceptMismatch();
  r.anonymous = { status: 401, wwwAuthenticate: ['<img src=x onerror=alert(1)>'] };
  r.tls!.subject = 'CN="><script>alert(1)</script>';
  r.steps.push({ name: 'tls', ok: false, ms: 1, detail: '<b>x</b>', error: ['"\'&'] });
  const body = renderProbeReportBody(r);
  assert.doesNotMatch(body, /<img|<script|<b>/);
  assert.match(body, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.equal(escapeHtml(`"'&<>`), '&quot;&#39;&amp;&lt;&gt;');
});

void test('verdict tones and the unreachable / no-attempt report', () => {
  assert.equal(verdictTone('ok'), 'good');
  assert.equal(verdictTone('require'), 'info');
  assert.equal(verdictTone('inconclusive'), 'warning');
  assert.equal(verdictTone('rejected'), 'error');
  const r: ProbeResult = {
    url: 'https://nowhere.invalid/EWS/mrsproxy.svc',
    tls: null,
    anonymous: null,
    attempts: [],
    verdict: 'unreachable',
    explanation: 'dns: ENOTFOUND',
    remediation: [],
    steps: [{ name: 'dns', ok: false, ms: 2, detail: 'lookup failed', error: ['getaddrinfo ENOTFOUND nowhere.invalid'] }],
    ms: 2,
  };
  const body = renderProbeReportBody(r);
  assert.match(body, /No handshake was attempted/);
  assert.match(body, /No TLS certificate/);
  assert.match(body, /getaddrinfo ENOTFOUND nowhere\.invalid/);
});

void test('output channel summary: verdict, steps with timings, certificate, variants; no password', () => {
  const r = acceptMismatch() as ProbeResult & { password?: string };
  r.password = 'Hunter2!';
  const lines = probeSummaryLines(r);
  const text = lines.join('\n');
  assert.match(lines[0]!, /verdict accept-mismatch \(48 ms\)/);
  assert.match(text, /FAIL ntlm-correct\s+13 ms/);
  assert.match(text, /NTLM\s+cbt=correct 401 fail 13 ms/);
  assert.match(text, /SHA-256 A1:B2/);
  assert.doesNotMatch(text, /Hunter2/);
});

void test('every user-visible string of the probe UI has a German translation with the same placeholders', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const root = path.resolve(__dirname, '..', '..');
  const de = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.de.json'), 'utf8')) as Record<string, string>;
  const files = ['probeCommand.ts', 'probeReport.ts', 'probeReportHtml.ts', 'probeModel.ts'].map((f) => path.join(root, 'src', 'client', 'probe', f));
  const missing: string[] = [];
  let count = 0;
  for (const f of files) {
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\((?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")/g)) {
      const raw = m[1] ?? m[2]!;
      const text = raw.replace(/\\(.)/g, '$1');
      count++;
      const translated = de[text];
      if (translated === undefined) missing.push(text);
      else assert.deepEqual((translated.match(/\{\d+\}/g) ?? []).sort(), (text.match(/\{\d+\}/g) ?? []).sort(), `placeholders of ${text}`);
    }
  }
  assert.ok(count > 80, `found ${count} strings`);
  assert.deepEqual(missing, []);
});

void test('a report with attempts links to the IIS log lines the probe caused; an unreachable one does not', () => {
  assert.match(
    renderProbeReportBody(acceptMismatch(), (s) => s),
    /<button type="button" id="find-lines"[^>]*>Find this probe&#39;s lines in an IIS log<\/button>/,
  );
  const r: ProbeResult = {
    url: 'https://nowhere.invalid/EWS/mrsproxy.svc',
    tls: null,
    anonymous: null,
    attempts: [],
    verdict: 'unreachable',
    explanation: 'dns: ENOTFOUND',
    remediation: [],
    steps: [],
    ms: 2,
  };
  assert.doesNotMatch(
    renderProbeReportBody(r, (s) => s),
    /find-lines/,
  );
});

void test('command arguments: a link pre-fills the URL only; credentials, CA, insecure and prompts only in test mode', () => {
  const link = { url: 'https://mail.contoso.com/EWS/mrsproxy.svc', user: 'CONTOSO\\mrsadmin', insecure: true, ca: '/tmp/evil.pem', password: 'x' };
  assert.deepEqual(probeCommandInput(link, false), {
    kind: 'interactive',
    initialUrl: link.url,
    scripted: false,
    ignored: ['user', 'insecure', 'ca', 'password'],
  });
  assert.deepEqual(probeCommandInput(link, true), { kind: 'programmatic' });
  assert.deepEqual(probeCommandInput('mail.contoso.com', false), { kind: 'interactive', initialUrl: 'mail.contoso.com', scripted: false, ignored: [] });
  assert.deepEqual(probeCommandInput({ url: 'x', prompts: {} }, false), { kind: 'interactive', initialUrl: 'x', scripted: false, ignored: ['prompts'] });
  assert.deepEqual(probeCommandInput({ url: 'x', prompts: {} }, true), { kind: 'interactive', initialUrl: 'x', scripted: true, ignored: [] });
  assert.deepEqual(probeCommandInput(undefined, false), { kind: 'interactive', initialUrl: undefined, scripted: false, ignored: [] });
  assert.deepEqual(probeCommandInput({ url: 42, user: 'a' }, true).kind, 'interactive', 'a URL that is not a string never runs without prompts');
});

void test('one URL normalizer: the CLI probes what the editor probes', () => {
  for (const typed of [
    'mail.contoso.com',
    'https://mail.contoso.com',
    'https://mail.contoso.com/',
    'mail.contoso.com:8443',
    'https://Mail.Contoso.com/ews/MRSProxy.svc?x=1',
    '[::1]:4443',
  ]) {
    const n = normalizeProbeTarget(typed);
    assert.ok(n.ok);
    assert.equal(parseProbeUrl(typed).url.href, n.url, typed);
  }
  assert.throws(
    () => parseProbeUrl('http://mail.contoso.com/'),
    /refusing to send credentials over plain http.*probe https:\/\/mail\.contoso\.com\/EWS\/mrsproxy\.svc/,
  );
  assert.equal(httpsInstead('http://mail.contoso.com:80/EWS/mrsproxy.svc'), 'https://mail.contoso.com/EWS/mrsproxy.svc');
});

void test('progress names the running step in words', () => {
  assert.equal(probeStepActivity('dns', 'mail.contoso.com', 443), 'Looking up mail.contoso.com');
  assert.equal(probeStepActivity('tcp', 'mail.contoso.com', 443), 'Connecting to mail.contoso.com port 443');
  assert.equal(probeStepActivity('negotiate-zero', 'h', 1), 'Negotiate logon with all-zero channel bindings');
  assert.equal(probeStepActivity('ntlm-correct', 'h', 1), "NTLM logon with the certificate's channel bindings");
  const clock = new PhaseClock();
  clock.mark('target', true);
  clock.mark('certificate check');
  assert.match(clock.summary(), /^target \d+ ms \(you\) · certificate check \d+ ms$/);
});

void test('rejected: the IIS log lines of the probe tell the password from Extended Protection', () => {
  const bb = { status: '401.1', win32: 2148074310 };
  const ld = { status: '401.1', win32: 2148074252 };
  const challenge = { status: '401.1', win32: 2148074254 };
  const anon = { status: '401.2', win32: 5 };
  assert.deepEqual(rejectedCause([anon, challenge, bb, challenge, bb]), { cause: 'bad-bindings', badBindings: 2, logonDenied: 0, requests: 5 });
  assert.equal(rejectedCause([anon, challenge, ld]).cause, 'logon-denied');
  assert.equal(rejectedCause([bb, ld]).cause, 'both');
  assert.equal(rejectedCause([anon, challenge]).cause, 'other');
  assert.equal(rejectedCause([]).cause, 'none');
});

void test('certificate problems in plain words, the OpenSSL code kept aside; thumbprints as dialogs show them', () => {
  assert.match(certificateProblemText('DEPTH_ZERO_SELF_SIGNED_CERT'), /self-signed/);
  assert.match(certificateProblemText('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), /certificate authority this machine does not know/);
  assert.match(certificateProblemText('ERR_TLS_CERT_ALTNAME_INVALID'), /another name/);
  assert.equal(certificateProblemText('SOMETHING_NEW'), 'the certificate could not be verified (SOMETHING_NEW)');
  assert.equal(
    certificateProblemText('CERT_HAS_EXPIRED', (m) => `de:${m}`),
    'de:the certificate has expired',
  );
  assert.equal(formatFingerprint('ab:cd:ef'), 'AB:CD:EF');
});

void test("a probe's own IIS log lines are found by the run id in its User-Agent, not by time alone", () => {
  const log =
    [
      '#Software: Microsoft Internet Information Services 10.0',
      '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
      '2026-12-02 03:59:58 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 10.0.0.9 IIS-Auth-Lens-Probe/1.0+(run+0a1b2c3d) - 401 1 2148074252 3',
      '2026-12-02 04:00:01 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 10.0.0.9 IIS-Auth-Lens-Probe/1.0+(run+9f8e7d6c) - 401 1 2148074310 3',
      '2026-12-02 04:00:01 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 10.0.0.9 IIS-Auth-Lens-Probe/1.0+(run+9f8e7d6c) - 401 1 2148074310 2',
      '2026-12-02 04:00:02 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 40.92.1.1 Microsoft+Exchange+Online - 401 1 2148074310 2',
    ].join('\r\n') + '\r\n';
  const from = Date.UTC(2026, 11, 2, 3, 45) / 1000;
  const to = from + 30 * 60;
  const mine = findMatchingIisLines(log, { from, to, userAgentContains: `run ${'9f8e7d6c'}` });
  assert.deepEqual(
    mine.lines.map((l) => l.line),
    [4, 5],
  );
  assert.equal(rejectedCause(mine.lines).cause, 'bad-bindings');
  const other = findMatchingIisLines(log, { from, to, userAgentContains: 'run 0a1b2c3d' });
  assert.equal(rejectedCause(other.lines).cause, 'logon-denied');
  assert.equal(findMatchingIisLines(log, { from, to }).lines.length, 4, 'without the id: every request in the window');
  assert.equal(probeUserAgent('9f8e7d6c'), 'IIS-Auth-Lens-Probe/1.0 (run 9f8e7d6c)');
});

void test("an unreachable host: its failure reads once, and the time is the probe's, not the prompts'", () => {
  // what the probe records for a name that does not resolve: the chain again in `error`
  const dns = {
    name: 'dns' as const,
    ok: false,
    ms: 14,
    detail: 'getaddrinfo ENOTFOUND mail.contoso.invalid',
    error: ['getaddrinfo ENOTFOUND mail.contoso.invalid'],
  };
  assert.deepEqual(stepCauses(dns), []);
  assert.equal(stepFailureText(dns), 'dns: getaddrinfo ENOTFOUND mail.contoso.invalid');
  const tls = { name: 'tls' as const, ok: false, ms: 3, detail: 'handshake failed', error: ['handshake failed', 'socket hang up', 'socket hang up'] };
  assert.deepEqual(stepCauses(tls), ['socket hang up']);
  assert.equal(stepFailureText(tls), 'tls: handshake failed ← socket hang up');
  const r: ProbeResult = {
    url: 'https://mail.contoso.invalid/EWS/mrsproxy.svc',
    tls: null,
    anonymous: null,
    attempts: [],
    verdict: 'unreachable',
    explanation: 'x',
    remediation: [],
    steps: [dns],
    ms: 14,
  };
  const body = renderProbeReportBody(r);
  assert.equal(body.split('getaddrinfo ENOTFOUND').length - 1, 1, 'the steps table shows the DNS error once');
  assert.doesNotMatch(body, /<ul class="error">/);

  const clock = new PhaseClock();
  clock.phases.push({ name: 'target', ms: 4000, user: true }, { name: 'account', ms: 3000, user: true }, { name: 'certificate check', ms: 14, user: false });
  assert.equal(machineMs(clock), 14);
});
