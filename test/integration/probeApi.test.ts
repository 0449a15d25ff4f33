// runProbe / checkTls in process (the API the editor side uses) and the CLI's argument rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCert, type TestCert } from '../support/certs';
import { startIisLikeServer, type IisLikeServer } from '../support/iisLikeNtlmServer';
import { checkTls, parseProbeUrl, ProbeUrlError, runProbe, errorChain } from '../../src/probe/probe';
import type { ProbeStepReport } from '../../src/probe/probeTypes';
import { main } from '../../src/cli/main';
import { parseProbeArgs } from '../../src/cli/probeCommand';
import { UsageError } from '../../src/cli/io';
import { cliIo } from '../support/cliInProcess';

const PASSWORD = 'Spring-2026?';
let dir = '';
let cert: TestCert;
let accept: IisLikeServer;
let rawNegotiate: IisLikeServer;
let closing: IisLikeServer;
let silent: Server;
let silentPort = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'probe-api-'));
  cert = makeCert(dir, 'ex', 'ex01.contoso.test');
  const account = { domain: 'CONTOSO', user: 'mrsadmin', password: PASSWORD };
  accept = await startIisLikeServer({ cert: cert.cert, key: cert.key, ep: 'accept', ...account });
  rawNegotiate = await startIisLikeServer({ cert: cert.cert, key: cert.key, ep: 'require', ...account, negotiateRawOnly: true });
  closing = await startIisLikeServer({ cert: cert.cert, key: cert.key, ep: 'none', ...account, closeEachResponse: true });
  // Accepts TCP and never says a word: the TLS step must time out.
  silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const a = silent.address();
  silentPort = typeof a === 'object' && a ? a.port : 0;
});
after(async () => {
  for (const s of [accept, rawNegotiate, closing]) await s?.close();
  silent?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

void test('runProbe: steps reported in order through onStep, verdict, no password anywhere in the result', async () => {
  const seen: ProbeStepReport[] = [];
  const r = await runProbe({ url: accept.url, user: 'CONTOSO\\mrsadmin', password: PASSWORD, ca: cert.cert }, { onStep: (s) => seen.push(s) });
  assert.equal(r.verdict, 'ok');
  assert.deepEqual(
    seen.map((s) => s.name),
    ['dns', 'tcp', 'tls', 'anonymous', 'negotiate-absent', 'ntlm-absent', 'negotiate-zero', 'ntlm-zero', 'negotiate-correct', 'ntlm-correct'],
  );
  assert.deepEqual(r.steps, seen);
  assert.ok(seen.every((s) => s.ok && s.ms >= 0));
  assert.equal(r.tls?.trust, 'verified');
  assert.equal(r.tls?.channelBindings, accept.expectedBindings);
  assert.equal(r.tls?.chain[0].fingerprintSha256, r.tls?.fingerprintSha256);
  assert.ok(!JSON.stringify(r).includes(PASSWORD));
  assert.ok(r.attempts.every((a) => a.sameConnection && a.legs.length === 2));
});

void test('checkTls shows an untrusted certificate and its fingerprint; runProbe accepts it only by that fingerprint', async () => {
  const c = await checkTls(accept.url);
  assert.equal(c.ok, true);
  assert.equal(c.tls?.verified, false);
  assert.ok(c.tls?.verifyError);
  assert.match(c.tls!.fingerprintSha256, /^[0-9a-f]{64}$/);
  const refused = await runProbe({ url: accept.url, user: 'CONTOSO\\mrsadmin', password: PASSWORD });
  assert.equal(refused.verdict, 'unreachable');
  assert.equal(refused.steps.at(-1)?.name, 'tls');
  assert.equal(accept.log.length > 0, true);
  const fp = c.tls!.fingerprintSha256.match(/../g)!.join(':').toUpperCase();
  const r = await runProbe({ url: accept.url, user: 'CONTOSO\\mrsadmin', password: PASSWORD, trustedFingerprintSha256: fp });
  assert.equal(r.verdict, 'ok');
  assert.equal(r.tls?.trust, 'fingerprint');
  const wrong = await runProbe({ url: accept.url, user: 'CONTOSO\\mrsadmin', password: PASSWORD, trustedFingerprintSha256: 'ab'.repeat(32) });
  assert.equal(wrong.verdict, 'unreachable');
});

void test('Negotiate falls back to raw NTLM when the server does not speak SPNEGO; verdict still from all attempts', async () => {
  const r = await runProbe({ url: rawNegotiate.url, user: 'CONTOSO\\mrsadmin', password: PASSWORD, ca: cert.cert });
  assert.equal(r.verdict, 'require');
  const neg = r.attempts.filter((a) => a.scheme === 'Negotiate');
  assert.equal(neg.length, 3);
  assert.ok(neg.every((a) => a.negotiateToken === 'raw-ntlm'));
});

void test('a server that closes the connection between the legs -> inconclusive, saying so', async () => {
  const r = await runProbe({ url: closing.url, user: 'CONTOSO\\mrsadmin', password: PASSWORD, ca: cert.cert });
  assert.equal(r.verdict, 'inconclusive');
  assert.match(r.explanation, /new connection/);
  assert.ok(r.attempts.every((a) => !a.sameConnection));
});

void test('a TLS step that never completes times out within the bound and is unreachable', async () => {
  const t0 = Date.now();
  const r = await runProbe({ url: `https://127.0.0.1:${silentPort}/EWS/mrsproxy.svc`, user: 'C\\u', password: 'x', timeoutMs: 400 });
  assert.ok(Date.now() - t0 < 3000);
  assert.equal(r.verdict, 'unreachable');
  assert.match(r.explanation, /TLS.*timed out after 400 ms/);
});

void test('cancel through the AbortSignal ends the probe early', async () => {
  const ac = new AbortController();
  const r = await runProbe(
    { url: accept.url, user: 'CONTOSO\\mrsadmin', password: PASSWORD, ca: cert.cert },
    {
      signal: ac.signal,
      onStep: (s) => {
        if (s.name === 'anonymous') ac.abort();
      },
    },
  );
  assert.equal(r.verdict, 'inconclusive');
  assert.match(r.explanation, /cancelled/);
  assert.equal(r.attempts.length, 0);
});

void test('DNS failure names the DNS step', async () => {
  const r = await runProbe({ url: 'https://no-such-host.invalid/EWS/mrsproxy.svc', user: 'C\\u', password: 'x', timeoutMs: 3000 });
  assert.equal(r.verdict, 'unreachable');
  assert.equal(r.steps.at(-1)?.name, 'dns');
  assert.match(r.explanation, /DNS step failed/);
});

void test('URL rules: bare host means /EWS/mrsproxy.svc, http:// and credentials in the URL are refused', () => {
  assert.equal(parseProbeUrl('mail.contoso.test').url.href, 'https://mail.contoso.test/EWS/mrsproxy.svc');
  assert.equal(parseProbeUrl('https://mail.contoso.test:8443').path, '/EWS/mrsproxy.svc');
  assert.equal(parseProbeUrl('https://mail.contoso.test/ews/MRSProxy.svc').path, '/ews/MRSProxy.svc');
  assert.equal(parseProbeUrl('https://[::1]:4443/x').host, '::1');
  assert.throws(() => parseProbeUrl('http://mail.contoso.test/EWS/mrsproxy.svc'), ProbeUrlError);
  assert.throws(() => parseProbeUrl('https://u:p@mail.contoso.test/'), /not in the URL/);
  assert.throws(() => parseProbeUrl('ftp://x/'), /unsupported scheme/);
});

void test('errorChain flattens causes with their codes', () => {
  const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const outer = new Error('cannot connect', { cause: inner });
  assert.deepEqual(errorChain(outer), ['cannot connect', 'connect ECONNREFUSED 127.0.0.1:1']);
});

void test('CLI: password as an argument is refused (exit 2) and never echoed', async () => {
  for (const args of [['--password', PASSWORD], [`--password=${PASSWORD}`], ['-p', PASSWORD]]) {
    const t = cliIo('');
    const code = await main(['probe', 'https://h/EWS/mrsproxy.svc', '--user', 'D\\u', ...args], t.io);
    assert.equal(code, 2);
    assert.match(t.err(), /never accepted as an argument/);
    assert.ok(!t.err().includes(PASSWORD));
  }
});

void test('CLI: --password-stdin with a terminal (nothing piped) is a usage error', async () => {
  const t = cliIo('', true);
  assert.equal(await main(['probe', 'https://h/EWS/mrsproxy.svc', '--user', 'D\\u', '--password-stdin'], t.io), 2);
  assert.match(t.err(), /nothing is piped on stdin/);
});

void test('CLI: argument rules (missing URL/user, two URLs, bad timeout, --ca with --insecure, unknown option)', () => {
  const bad: Array<[string[], RegExp]> = [
    [['--user', 'D\\u', '--password-stdin'], /missing URL/],
    [['h', '--password-stdin'], /missing --user/],
    [['a', 'b', '--user', 'D\\u', '--password-stdin'], /one URL only/],
    [['h', '--user', 'D\\u', '--password-stdin', '--timeout', 'soon'], /--timeout/],
    [['h', '--user', 'D\\u', '--password-stdin', '--ca', 'x.pem', '--insecure'], /exclude each other/],
    [['h', '--user', 'D\\u', '--password-stdin', '--frobnicate'], /unknown option/],
    [['h', '--user'], /--user needs a value/],
  ];
  for (const [args, re] of bad)
    assert.throws(
      () => parseProbeArgs(args),
      (e: unknown) => e instanceof UsageError && re.test(e.message),
      args.join(' '),
    );
  const ok = parseProbeArgs(['--json', 'https://h/EWS/mrsproxy.svc', '--user=D\\u', '--password-stdin', '--timeout=2500', '--insecure']);
  assert.deepEqual(ok, { json: true, url: 'https://h/EWS/mrsproxy.svc', user: 'D\\u', ca: null, insecure: true, timeoutMs: 2500 });
});

void test('CLI: in process, --json prints one document and exits 0 for a verdict', async () => {
  const t = cliIo(PASSWORD + '\n');
  const code = await main(['probe', '--json', accept.url, '--user', 'CONTOSO\\mrsadmin', '--password-stdin', '--insecure'], t.io);
  assert.equal(code, 0, t.err());
  const doc = JSON.parse(t.out()) as { verdict: string; tls: { trust: string } };
  assert.equal(doc.verdict, 'ok');
  assert.equal(doc.tls.trust, 'insecure');
});

void test('CLI: --password-stdin takes the first line and does not wait for a pipe that stays open', async () => {
  const out = new PassThrough(),
    err = new PassThrough(),
    inp = new PassThrough();
  let o = '',
    e = '';
  out.on('data', (c: Buffer) => {
    o += c.toString();
  });
  err.on('data', (c: Buffer) => {
    e += c.toString();
  });
  inp.write(PASSWORD + '\r\n'); // and never ended
  const code = await main(['probe', '--json', accept.url, '--user', 'CONTOSO\\mrsadmin', '--password-stdin', '--insecure'], {
    stdout: out,
    stderr: err,
    stdin: inp,
    stdinIsTTY: false,
  });
  assert.equal(code, 0, e);
  assert.equal((JSON.parse(o) as { verdict: string }).verdict, 'ok', 'the password without CR/LF authenticated');
  // 64 KiB without a line end is not a password
  const t = cliIo('x'.repeat(70000));
  assert.equal(await main(['probe', accept.url, '--user', 'D\\u', '--password-stdin', '--insecure'], t.io), 2);
  assert.match(t.err(), /no line end/);
});
