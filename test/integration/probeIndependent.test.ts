// The probe CLI against an NTLM endpoint that shares no code with ours: a Python server
// (test/support/independent_ntlm_server.py, /usr/bin/python3 with Debian python3-ntlm-auth) that
// verifies NTLMv2 with ntlm_auth's NTOWFv2 and Extended Protection with ntlm_auth's
// gss_channel_bindings over its own tls-server-end-point hash. Directly, behind haproxy in TCP mode
// (TLS pass-through), behind haproxy terminating TLS with another certificate (with and without
// connection affinity), and in the header/answer shapes real servers and proxies produce.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCert, type TestCert } from '../support/certs';
import { buildCli, freePort, runCliProcess, waitForPort, type CliRun } from '../support/cliProcess';
import { runProbe } from '../../src/probe/probe';

const root = join(__dirname, '..', '..');
const PY = '/usr/bin/python3';
const SERVER = join(root, 'test', 'support', 'independent_ntlm_server.py');
const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find(existsSync);
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(existsSync);
const PASSWORD = 'Sommer2026!';

interface PyServer {
  name: string;
  port: number;
  cbt: string;
  log: string;
  proc: ChildProcess;
}

let dir = '';
let cli = '';
let exCert: TestCert;
let proxyCert: TestCert;
const servers: Record<string, PyServer> = {};
let haproxy: ChildProcess | null = null;
let nginx: ChildProcess | null = null;
const proxyPorts: Record<string, number> = {};
const matrix: string[] = [];

/** Start one Python endpoint; resolves when it printed `READY <port> <cbt>`. */
function startPy(name: string, args: string[]): Promise<PyServer> {
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'w');
  const proc = spawn(PY, [SERVER, '--cert', exCert.certPath, '--key', exCert.keyPath, ...args], {
    stdio: ['ignore', 'pipe', fd],
    env: { ...process.env, NTLM_TEST_PASSWORD: PASSWORD },
  });
  closeSync(fd);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${name}: no READY line within 30 s; log: ${readFileSync(log, 'utf8')}`));
    }, 30_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^READY (\d+) ([0-9a-f]{32})\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        const s = { name, port: Number(m[1]), cbt: m[2], log, proc };
        servers[name] = s;
        resolve(s);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${readFileSync(log, 'utf8')}`));
    });
  });
}

before(async () => {
  const check = spawnSync(PY, ['-c', 'import ntlm_auth.compute_hash, ntlm_auth.gss_channel_bindings, cryptography'], { encoding: 'utf8' });
  assert.equal(
    check.status,
    0,
    `${PY} cannot import ntlm_auth / cryptography (Debian python3-ntlm-auth, python3-cryptography; scripts/setup-system.sh installs them): ${check.stderr || check.error?.message}`,
  );
  dir = mkdtempSync(join(tmpdir(), 'probe-ind-'));
  cli = join(dir, 'cli.js');
  await buildCli(cli);
  exCert = makeCert(dir, 'exchange', 'ex01.contoso.test');
  proxyCert = makeCert(dir, 'proxy', 'mail.contoso.test');
  await Promise.all([
    startPy('none', ['--ep', 'none']),
    startPy('accept', ['--ep', 'accept']),
    startPy('require', ['--ep', 'require']),
    // IIS behind some proxies: one merged header line, lower-case names, raw NTLM in the Negotiate answer, chunked 401 bodies;
    // a challenge without extended session security, KEY_EXCH or SIGN (the MIC is then keyed with the SessionBaseKey).
    startPy('shapes', ['--ep', 'accept', '--offers', 'combined', '--lowercase', '--negotiate-reply', 'raw', '--chunked', '--minimal-flags']),
    // Negotiate takes raw NTLM only, a challenge without target info, 200 on success, HTTP/1.0 with keep-alive.
    startPy('plain', ['--ep', 'require', '--no-spnego', '--no-target-info', '--success-status', '200', '--http10']),
    startPy('closes', ['--ep', 'none', '--close-after-challenge']),
    // Plain HTTP behind the TLS-terminating proxy, Negotiate only; EP binds to the Exchange certificate.
    startPy('plainhttp', ['--ep', 'accept', '--plain-http', '--offers', 'negotiate']),
    // Like IIS: a connection stays logged on after NTLM succeeded (behind nginx's upstream keepalive pool).
    startPy('persists', ['--ep', 'none', '--persist-auth']),
    startPy('stalls', ['--ep', 'none', '--stall-authenticate', '30']),
    startPy('noaffinity', ['--ep', 'none']),
  ]);
  await startNginx();
  if (!HAPROXY) return;
  writeFileSync(join(dir, 'proxy.pem'), proxyCert.cert + proxyCert.key);
  const lines = ['global', '  maxconn 200', 'defaults', '  timeout connect 5s', '  timeout client 15s', '  timeout server 15s'];
  for (const ep of ['none', 'accept', 'require']) {
    proxyPorts[`pt-${ep}`] = await freePort();
    proxyPorts[`term-${ep}`] = await freePort();
    lines.push(
      // Layer 4: the client sees the server's own certificate.
      `frontend pt_${ep}`,
      '  mode tcp',
      `  bind 127.0.0.1:${proxyPorts[`pt-${ep}`]}`,
      `  default_backend bpt_${ep}`,
      `backend bpt_${ep}`,
      '  mode tcp',
      `  server ex 127.0.0.1:${servers[ep].port}`,
      // Layer 7, TLS terminated with another certificate, one backend connection per client connection.
      `frontend term_${ep}`,
      '  mode http',
      `  bind 127.0.0.1:${proxyPorts[`term-${ep}`]} ssl crt ${join(dir, 'proxy.pem')}`,
      `  default_backend bterm_${ep}`,
      `backend bterm_${ep}`,
      '  mode http',
      '  http-reuse never',
      `  server ex 127.0.0.1:${servers[ep].port} ssl verify none`,
    );
  }
  proxyPorts.plainhttp = await freePort();
  lines.push(
    'frontend plainhttp',
    '  mode http',
    `  bind 127.0.0.1:${proxyPorts.plainhttp} ssl crt ${join(dir, 'proxy.pem')}`,
    '  default_backend bplainhttp',
    'backend bplainhttp',
    '  mode http',
    '  http-reuse never',
    `  server ex 127.0.0.1:${servers.plainhttp.port}`,
  );
  proxyPorts.noaffinity = await freePort();
  lines.push(
    // Without affinity: a new backend connection for every request, so type 3 meets no challenge.
    'frontend noaff',
    '  mode http',
    `  bind 127.0.0.1:${proxyPorts.noaffinity} ssl crt ${join(dir, 'proxy.pem')}`,
    '  default_backend bnoaff',
    'backend bnoaff',
    '  mode http',
    '  option http-server-close',
    `  server ex 127.0.0.1:${servers.noaffinity.port} ssl verify none`,
  );
  writeFileSync(join(dir, 'haproxy.cfg'), lines.join('\n') + '\n');
  const hc = spawnSync(HAPROXY, ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
  assert.equal(hc.status, 0, `haproxy config: ${hc.stdout}${hc.stderr}`);
  haproxy = spawn(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'ignore'] });
  for (const p of Object.values(proxyPorts)) await waitForPort(p, 30_000);
});

/**
 * nginx as the TLS-terminating reverse proxy admins often put in front of Exchange: with an upstream
 * keepalive pool and HTTP/1.1 (one worker, one sequential client: the idle upstream connection that
 * carried the challenge is the one the AUTHENTICATE leg gets), and with nginx's default
 * (HTTP/1.0 and a new upstream connection per request: the handshake is split).
 */
async function startNginx(): Promise<void> {
  if (!NGINX) return;
  const nd = join(dir, 'nginx');
  const lines = [
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${join(nd, 'nginx.pid')};`,
    `error_log ${join(nd, 'error.log')} warn;`,
    'events { worker_connections 64; }',
    'http {',
    `  access_log off;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(nd, t)};`),
  ];
  for (const ep of ['none', 'accept', 'require']) {
    proxyPorts[`nginx-${ep}`] = await freePort();
    lines.push(
      `  upstream ex_${ep} { server 127.0.0.1:${servers[ep].port}; keepalive 4; }`,
      `  server { listen 127.0.0.1:${proxyPorts[`nginx-${ep}`]} ssl; ssl_certificate ${proxyCert.certPath}; ssl_certificate_key ${proxyCert.keyPath};`,
      `    location / { proxy_pass https://ex_${ep}; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_ssl_verify off; } }`,
    );
  }
  proxyPorts['nginx-persists'] = await freePort();
  lines.push(
    `  upstream ex_persists { server 127.0.0.1:${servers.persists.port}; keepalive 4; }`,
    `  server { listen 127.0.0.1:${proxyPorts['nginx-persists']} ssl; ssl_certificate ${proxyCert.certPath}; ssl_certificate_key ${proxyCert.keyPath};`,
    '    location / { proxy_pass https://ex_persists; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_ssl_verify off; } }',
  );
  proxyPorts['nginx-close'] = await freePort();
  lines.push(
    `  server { listen 127.0.0.1:${proxyPorts['nginx-close']} ssl; ssl_certificate ${proxyCert.certPath}; ssl_certificate_key ${proxyCert.keyPath};`,
    `    location / { proxy_pass https://127.0.0.1:${servers.noaffinity.port}; proxy_ssl_verify off; } }`,
    '}',
  );
  mkdirSync(nd);
  writeFileSync(join(nd, 'nginx.conf'), lines.join('\n') + '\n');
  const check = spawnSync(NGINX, ['-t', '-e', join(nd, 'error.log'), '-p', nd, '-c', join(nd, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx config: ${check.stderr}`);
  nginx = spawn(NGINX, ['-e', join(nd, 'error.log'), '-p', nd, '-c', join(nd, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'ignore'] });
  for (const name of ['nginx-none', 'nginx-accept', 'nginx-require', 'nginx-persists', 'nginx-close']) await waitForPort(proxyPorts[name], 30_000);
}

after(async () => {
  const procs = [haproxy, nginx, ...Object.values(servers).map((s) => s.proc)].filter(
    (p): p is ChildProcess => !!p && p.exitCode === null && p.signalCode === null,
  );
  await Promise.all(
    procs.map(
      (p) =>
        new Promise((r) => {
          p.once('exit', r);
          p.kill('SIGTERM');
          setTimeout(r, 3000);
        }),
    ),
  );
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (matrix.length) console.log(`\nverdicts against the independent endpoint:\n${matrix.join('\n')}`);
});

interface ProbeJson {
  verdict: string;
  explanation: string;
  tls: { channelBindings: string; subject: string } | null;
  anonymous: { status: number; wwwAuthenticate: string[] } | null;
  attempts: Array<{ cbt: string; scheme: string; status: number | null; ok: boolean; legs: number[]; negotiateToken?: string; error?: string }>;
}

function runCli(args: string[], stdin: string | null): Promise<CliRun> {
  return runCliProcess(cli, ['probe', ...args], stdin);
}

async function probe(label: string, port: number, ca: TestCert, password = PASSWORD, timeoutMs = 5000): Promise<ProbeJson> {
  const r = await runCli(
    [
      '--json',
      `https://127.0.0.1:${port}/EWS/mrsproxy.svc`,
      '--user',
      'CONTOSO\\mrsadmin',
      '--password-stdin',
      '--ca',
      ca.certPath,
      '--timeout',
      String(timeoutMs),
    ],
    `${password}\n`,
  );
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  assert.ok(!r.out.includes(password), 'the password never appears in the output');
  const d = JSON.parse(r.out) as ProbeJson;
  const cells = ['absent', 'zero', 'correct'].map(
    (c) =>
      `${c}=${
        d.attempts
          .filter((a) => a.cbt === c)
          .map((a) => a.status)
          .join('/') || '-'
      }`,
  );
  matrix.push(`${label.padEnd(30)} ${d.verdict.padEnd(16)} ${cells.join(' ')}`);
  return d;
}

/** Both schemes were tried for every variant, and each attempt's outcome is the one expected. */
function assertOutcomes(d: ProbeJson, expected: Record<'absent' | 'zero' | 'correct', boolean>): void {
  for (const cbt of ['absent', 'zero', 'correct'] as const) {
    const mine = d.attempts.filter((a) => a.cbt === cbt);
    assert.deepEqual(mine.map((a) => a.scheme).sort(), ['NTLM', 'Negotiate'], `${cbt}: both schemes tried`);
    for (const a of mine) {
      assert.equal(a.ok, expected[cbt], `${cbt}/${a.scheme}: ${JSON.stringify(a)}`);
      assert.equal(a.legs.length, 2, `${cbt}/${a.scheme}: two legs on one connection`);
    }
  }
}

function logOf(name: string): string {
  return readFileSync(servers[name].log, 'utf8');
}

const withNginx = { skip: !NGINX && 'nginx is not installed (scripts/setup-system.sh installs nginx-light)' };
const withProxy = { skip: !HAPROXY && 'haproxy is not installed (scripts/setup-system.sh installs it)' };

void test('direct: EP none -> ok, accept -> ok, require -> require; the probe computes the same bindings as ntlm_auth', async () => {
  const none = await probe('direct / EP none', servers.none.port, exCert);
  assert.equal(none.verdict, 'ok');
  assert.deepEqual(none.anonymous, { status: 401, wwwAuthenticate: ['Negotiate', 'NTLM'] });
  assert.equal(none.tls?.channelBindings, servers.none.cbt);
  assertOutcomes(none, { absent: true, zero: true, correct: true });
  assert.ok(
    none.attempts.every((a) => a.status === 400),
    'success is the MRS 400',
  );
  assert.ok(none.attempts.filter((a) => a.scheme === 'Negotiate').every((a) => a.negotiateToken === 'spnego'));
  // ntlm_auth's side checked the MIC over all three messages (and SessionSecurity the SPNEGO mechListMIC) on every success.
  const ok = logOf('none')
    .split('\n')
    .filter((l) => / 400 0 0 /.test(l));
  assert.equal(ok.length, 6, logOf('none'));
  assert.ok(
    ok.every((l) => /CONTOSO\\mrsadmin MIC ok/.test(l)),
    ok.join('\n'),
  );
  assert.equal(ok.filter((l) => /mechListMIC ok/.test(l)).length, 3, ok.join('\n'));

  const accept = await probe('direct / EP accept', servers.accept.port, exCert);
  assert.equal(accept.verdict, 'ok');
  assertOutcomes(accept, { absent: true, zero: true, correct: true });

  const require = await probe('direct / EP require', servers.require.port, exCert);
  assert.equal(require.verdict, 'require');
  assertOutcomes(require, { absent: false, zero: false, correct: true });
  assert.match(logOf('require'), / 401 1 2148074310 .*no channel bindings/);
});

void test('wrong password -> rejected; the server logged SEC_E_LOGON_DENIED, not bad bindings', async () => {
  const before = logOf('accept').split('\n').length;
  const d = await probe('direct / wrong password', servers.accept.port, exCert, 'Winter2025?');
  assert.equal(d.verdict, 'rejected');
  assertOutcomes(d, { absent: false, zero: false, correct: false });
  const fresh = logOf('accept')
    .split('\n')
    .slice(before - 1)
    .join('\n');
  assert.match(fresh, / 401 1 2148074252 .*wrong password/);
  assert.doesNotMatch(fresh, /2148074310/);
});

void test('haproxy TCP pass-through behaves as direct', withProxy, async () => {
  assert.equal((await probe('pass-through / EP none', proxyPorts['pt-none'], exCert)).verdict, 'ok');
  assert.equal((await probe('pass-through / EP accept', proxyPorts['pt-accept'], exCert)).verdict, 'ok');
  const r = await probe('pass-through / EP require', proxyPorts['pt-require'], exCert);
  assert.equal(r.verdict, 'require');
  assertOutcomes(r, { absent: false, zero: false, correct: true });
});

void test('haproxy terminating TLS with another certificate: none -> ok, accept -> accept-mismatch, require -> rejected', withProxy, async () => {
  const none = await probe('terminating / EP none', proxyPorts['term-none'], proxyCert);
  assert.equal(none.verdict, 'ok');
  assert.match(none.tls?.subject ?? '', /mail\.contoso\.test/);
  assert.notEqual(none.tls?.channelBindings, servers.none.cbt);

  const accept = await probe('terminating / EP accept', proxyPorts['term-accept'], proxyCert);
  assert.equal(accept.verdict, 'accept-mismatch');
  assertOutcomes(accept, { absent: true, zero: true, correct: false });
  // The bindings the probe sent are those of the proxy's certificate; the server expected its own.
  assert.ok(logOf('accept').includes(`channel bindings ${accept.tls!.channelBindings}, expected ${servers.accept.cbt}`));

  const require = await probe('terminating / EP require', proxyPorts['term-require'], proxyCert);
  assert.equal(require.verdict, 'rejected');
  assertOutcomes(require, { absent: false, zero: false, correct: false });
});

void test('haproxy terminating TLS in front of a plain-HTTP backend that offers Negotiate only: accept -> accept-mismatch', withProxy, async () => {
  const d = await probe('terminating / plain HTTP / Negotiate only', proxyPorts.plainhttp, proxyCert);
  assert.equal(d.verdict, 'accept-mismatch');
  assert.deepEqual(d.anonymous?.wwwAuthenticate, ['Negotiate']);
  assert.deepEqual(
    d.attempts.map((a) => `${a.cbt}/${a.scheme}/${a.ok}`),
    ['absent/Negotiate/true', 'zero/Negotiate/true', 'correct/Negotiate/false'],
  );
  assert.match(logOf('plainhttp'), / 401 1 2148074310 .*channel bindings/);
});

void test('haproxy without connection affinity: no EP verdict is claimed', withProxy, async () => {
  const d = await probe('terminating / no affinity', proxyPorts.noaffinity, proxyCert);
  assert.ok(d.verdict === 'rejected' || d.verdict === 'inconclusive', d.verdict);
  assert.match(d.explanation, /affinity|backend connection/i);
  assert.match(logOf('noaffinity'), / 401 1 2148074248 .*without a challenge/);
});

void test('nginx terminating TLS with an upstream keepalive pool: none -> ok, accept -> accept-mismatch, require -> rejected', withNginx, async () => {
  assert.equal((await probe('nginx keepalive / EP none', proxyPorts['nginx-none'], proxyCert)).verdict, 'ok');
  const accept = await probe('nginx keepalive / EP accept', proxyPorts['nginx-accept'], proxyCert);
  assert.equal(accept.verdict, 'accept-mismatch');
  assertOutcomes(accept, { absent: true, zero: true, correct: false });
  const require = await probe('nginx keepalive / EP require', proxyPorts['nginx-require'], proxyCert);
  assert.equal(require.verdict, 'rejected');
  assertOutcomes(require, { absent: false, zero: false, correct: false });
});

void test('nginx with its default upstream HTTP/1.0 (a backend connection per request): no EP verdict is claimed', withNginx, async () => {
  const before = logOf('noaffinity').split('\n').length;
  const d = await probe('nginx HTTP/1.0 upstream', proxyPorts['nginx-close'], proxyCert);
  assert.equal(d.verdict, 'rejected');
  assert.match(d.explanation, /affinity|backend connection/i);
  const fresh = logOf('noaffinity')
    .split('\n')
    .slice(before - 1)
    .join('\n');
  assert.match(fresh, / 401 1 2148074248 .*without a challenge/);
  assert.doesNotMatch(fresh, /2148074310|2148074252/);
});

void test(
  'nginx keepalive in front of a server that keeps connections logged on: the second probe lands on a logged-on connection and says so',
  withNginx,
  async () => {
    const first = await probe('nginx keepalive / IIS-like, 1st run', proxyPorts['nginx-persists'], proxyCert);
    assert.equal(first.verdict, 'ok');
    const second = await probe('nginx keepalive / IIS-like, 2nd run', proxyPorts['nginx-persists'], proxyCert);
    assert.equal(second.verdict, 'no-ntlm');
    assert.deepEqual(second.anonymous, { status: 400, wwwAuthenticate: [] });
    assert.match(second.explanation, /reuses backend connections/);
    assert.match(logOf('persists'), / 400 0 0 .*connection already authenticated/);
  },
);

void test('one merged "negotiate, ntlm" line, lower-case names, raw NTLM answering SPNEGO, chunked 401 bodies, minimal challenge flags -> same verdicts', async () => {
  const d = await probe('shapes / EP accept', servers.shapes.port, exCert);
  assert.equal(d.verdict, 'ok');
  assert.deepEqual(d.anonymous?.wwwAuthenticate, ['negotiate', 'ntlm']);
  assertOutcomes(d, { absent: true, zero: true, correct: true });
  const ok = logOf('shapes')
    .split('\n')
    .filter((l) => / 400 0 0 /.test(l));
  assert.equal(ok.length, 6);
  assert.ok(
    ok.every((l) => / MIC ok/.test(l)),
    ok.join('\n'),
  );
});

void test('Negotiate without SPNEGO, a challenge without target info, HTTP/1.0 keep-alive, 200 on success -> require', async () => {
  const d = await probe('raw-only / EP require', servers.plain.port, exCert);
  assert.equal(d.verdict, 'require');
  assertOutcomes(d, { absent: false, zero: false, correct: true });
  assert.ok(d.attempts.filter((a) => a.scheme === 'Negotiate').every((a) => a.negotiateToken === 'raw-ntlm'));
  assert.ok(d.attempts.filter((a) => a.ok).every((a) => a.status === 200));
});

void test('a server that closes the connection with its challenge -> inconclusive, saying why', async () => {
  const d = await probe('closes after challenge', servers.closes.port, exCert);
  assert.equal(d.verdict, 'inconclusive');
  assert.ok(
    d.attempts.every((a) => /closed the connection/.test(a.error ?? '')),
    JSON.stringify(d.attempts),
  );
});

void test('a server that never answers the AUTHENTICATE leg -> inconclusive within the timeout per attempt', async () => {
  const t0 = Date.now();
  const d = await probe('stalls on AUTHENTICATE', servers.stalls.port, exCert, PASSWORD, 1200);
  assert.equal(d.verdict, 'inconclusive');
  assert.equal(d.attempts.length, 6);
  assert.ok(
    d.attempts.every((a) => a.status === null && /(no HTTP answer within|timed out after) 1200 ms/.test(a.error ?? '')),
    JSON.stringify(d.attempts),
  );
  assert.ok(
    d.attempts.some((a) => a.legs.length === 1 && a.legs[0] === 401),
    'the challenge came; the AUTHENTICATE leg is the one that stalled',
  );
  assert.ok(Date.now() - t0 < 20000, `took ${Date.now() - t0} ms`);
});

void test('the overall deadline ends a probe that a stalling server would stretch: inconclusive, saying so', async () => {
  const t0 = Date.now();
  const ca = readFileSync(exCert.certPath);
  const d = await runProbe({
    url: `https://127.0.0.1:${servers.stalls.port}/EWS/mrsproxy.svc`,
    user: 'CONTOSO\\mrsadmin',
    password: PASSWORD,
    ca,
    timeoutMs: 1200,
    deadlineMs: 3000,
  });
  const took = Date.now() - t0;
  assert.equal(d.verdict, 'inconclusive');
  assert.match(d.explanation, /overall deadline of 3000 ms/);
  assert.ok(d.attempts.length >= 1 && d.attempts.length < 6, `cut short: ${d.attempts.length} attempts`);
  assert.ok(took < 3000 + 1500, `ended at the deadline, took ${took} ms`);
});
