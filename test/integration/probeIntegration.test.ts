// The probe CLI end to end: `iis-auth-lens probe --json` (password on stdin) against the IIS-like
// endpoint directly and behind haproxy terminating TLS with ANOTHER certificate, for EP none /
// accept / require, a wrong password, a proxy without NTLM connection affinity, an unreachable
// port, a Basic-only endpoint, an untrusted certificate and a plain http:// URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCert, type TestCert } from '../support/certs';
import { startIisLikeServer, type EpMode, type IisLikeServer } from '../support/iisLikeNtlmServer';
import { buildCli, freePort, runCliProcess, waitForPort, type CliRun } from '../support/cliProcess';

const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find(existsSync);
const PASSWORD = 'Winter2026!';

let dir = '';
let cli = '';
let exCert: TestCert;
let proxyCert: TestCert;
const direct: Partial<Record<EpMode, IisLikeServer>> = {};
let noAffinityBackend: IisLikeServer;
let basicOnly: IisLikeServer;
let haproxy: ChildProcess | null = null;
const proxyPorts: Record<string, number> = {};
const matrix: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'probe-it-'));
  cli = join(dir, 'cli.js');
  await buildCli(cli);
  exCert = makeCert(dir, 'exchange', 'ex01.contoso.test');
  proxyCert = makeCert(dir, 'proxy', 'mail.contoso.test');
  const account = { domain: 'CONTOSO', user: 'mrsadmin', password: PASSWORD };
  for (const ep of ['none', 'accept', 'require'] as const) {
    direct[ep] = await startIisLikeServer({ cert: exCert.cert, key: exCert.key, ep, ...account, logFile: join(dir, `ex-${ep}.log`) });
  }
  noAffinityBackend = await startIisLikeServer({ cert: exCert.cert, key: exCert.key, ep: 'none', ...account, logFile: join(dir, 'ex-noaffinity.log') });
  basicOnly = await startIisLikeServer({ cert: exCert.cert, key: exCert.key, ep: 'none', ...account, offers: ['Basic realm="mail.contoso.test"'] });
  if (!HAPROXY) return;
  writeFileSync(join(dir, 'proxy.pem'), proxyCert.cert + proxyCert.key);
  const fronts: string[] = [];
  const backends: Array<[string, number, boolean]> = [
    ['none', direct.none!.port, true],
    ['accept', direct.accept!.port, true],
    ['require', direct.require!.port, true],
    ['noaffinity', noAffinityBackend.port, false],
  ];
  for (const [name, port, affinity] of backends) {
    proxyPorts[name] = await freePort();
    fronts.push(
      `frontend fe_${name}`,
      `  bind 127.0.0.1:${proxyPorts[name]} ssl crt ${join(dir, 'proxy.pem')}`,
      `  default_backend be_${name}`,
      `backend be_${name}`,
      // NTLM is connection-bound: one backend connection per client connection, never shared...
      ...(affinity ? ['  http-reuse never'] : ['  option http-server-close']),
      // ...or, without affinity, a new backend connection for every request.
      `  server ex 127.0.0.1:${port} ssl verify none`,
    );
  }
  const cfg =
    ['global', '  maxconn 200', 'defaults', '  mode http', '  timeout connect 5s', '  timeout client 15s', '  timeout server 15s', ...fronts].join('\n') + '\n';
  writeFileSync(join(dir, 'haproxy.cfg'), cfg);
  const check = spawnSync(HAPROXY, ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
  assert.equal(check.status, 0, `haproxy config: ${check.stdout}${check.stderr}`);
  haproxy = spawn(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (const p of Object.values(proxyPorts)) await waitForPort(p, 30_000);
});

after(async () => {
  if (haproxy && haproxy.exitCode === null) {
    haproxy.kill('SIGTERM');
    await new Promise((r) => {
      haproxy!.once('exit', r);
      setTimeout(r, 3000);
    });
  }
  for (const s of [...Object.values(direct), noAffinityBackend, basicOnly]) await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[], stdin: string | null): Promise<CliRun> {
  return runCliProcess(cli, ['probe', ...args], stdin);
}

interface ProbeJson {
  verdict: string;
  explanation: string;
  remediation: string[];
  tls: { fingerprintSha256: string; channelBindings: string; subject: string } | null;
  anonymous: { status: number; wwwAuthenticate: string[] } | null;
  attempts: Array<{ cbt: string; scheme: string; status: number | null; ms: number; ok: boolean }>;
  steps: Array<{ name: string; ok: boolean; ms: number }>;
  ms: number;
}

async function probe(label: string, url: string, ca: string | null, password = PASSWORD): Promise<ProbeJson> {
  const args = ['--json', url, '--user', 'CONTOSO\\mrsadmin', '--password-stdin', '--timeout', '5000'];
  if (ca) args.push('--ca', ca);
  const r = await runCli(args, password + '\n');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  assert.ok(!r.out.includes(password), 'the password never appears in the output');
  const doc = JSON.parse(r.out) as ProbeJson;
  const variantsMs = doc.attempts.reduce((s, a) => s + a.ms, 0);
  const cells = ['absent', 'zero', 'correct'].map(
    (c) =>
      `${c}=${
        doc.attempts
          .filter((a) => a.cbt === c)
          .map((a) => a.status)
          .join('/') || '-'
      }`,
  );
  matrix.push(
    `${label.padEnd(26)} ${doc.verdict.padEnd(16)} ${cells.join(' ').padEnd(40)} variants ${variantsMs} ms, probe ${doc.ms} ms, CLI process ${r.ms} ms`,
  );
  return doc;
}

const withProxy = { skip: !HAPROXY && 'haproxy is not installed (scripts/setup-system.sh installs it)' };

void test('direct, EP none -> ok; contract fields; NTLM and Negotiate both tried and agree', async () => {
  const d = await probe('direct / EP none', direct.none!.url, exCert.certPath);
  assert.equal(d.verdict, 'ok');
  assert.deepEqual(d.anonymous, { status: 401, wwwAuthenticate: ['Negotiate', 'NTLM'] });
  assert.equal(d.tls?.channelBindings, direct.none!.expectedBindings);
  assert.equal(d.tls?.subject, 'CN=ex01.contoso.test');
  assert.equal(d.attempts.length, 6);
  assert.deepEqual([...new Set(d.attempts.map((a) => a.scheme))].sort(), ['NTLM', 'Negotiate']);
  for (const a of d.attempts) assert.equal(a.status, 400, `${a.scheme} ${a.cbt}`);
  assert.deepEqual(
    d.steps.slice(0, 4).map((s) => s.name),
    ['dns', 'tcp', 'tls', 'anonymous'],
  );
  const variantsMs = d.attempts.reduce((s, a) => s + a.ms, 0);
  assert.ok(variantsMs < 5000, `three variants took ${variantsMs} ms`);
});

void test('direct, EP accept -> ok', async () => {
  assert.equal((await probe('direct / EP accept', direct.accept!.url, exCert.certPath)).verdict, 'ok');
});

void test('direct, EP require -> require; the IIS log shows 2148074310 for the variants without bindings', async () => {
  const d = await probe('direct / EP require', direct.require!.url, exCert.certPath);
  assert.equal(d.verdict, 'require');
  assert.deepEqual(
    d.attempts.filter((a) => a.cbt === 'correct').map((a) => a.status),
    [400, 400],
  );
  assert.match(readFileSync(join(dir, 'ex-require.log'), 'utf8'), / 401 1 2148074310 /);
});

void test('via haproxy (other certificate), EP none -> ok', withProxy, async () => {
  const d = await probe('haproxy / EP none', `https://127.0.0.1:${proxyPorts.none}/EWS/mrsproxy.svc`, proxyCert.certPath);
  assert.equal(d.verdict, 'ok');
  assert.equal(d.tls?.subject, 'CN=mail.contoso.test');
  assert.notEqual(d.tls?.channelBindings, direct.none!.expectedBindings);
});

void test("via haproxy, EP accept -> accept-mismatch with the articles' fixes", withProxy, async () => {
  const d = await probe('haproxy / EP accept', `https://127.0.0.1:${proxyPorts.accept}/EWS/mrsproxy.svc`, proxyCert.certPath);
  assert.equal(d.verdict, 'accept-mismatch');
  const fixes = d.remediation.join('\n');
  assert.match(fixes, /same certificate/i);
  assert.match(fixes, /pass-through/i);
  assert.match(fixes, /ExchangeExtendedProtectionManagement\.ps1/);
  assert.match(fixes, /9821/);
  assert.match(d.explanation, /2148074310/);
});

void test('via haproxy, EP require -> rejected; the explanation says how to tell bad password from bad bindings', withProxy, async () => {
  const d = await probe('haproxy / EP require', `https://127.0.0.1:${proxyPorts.require}/EWS/mrsproxy.svc`, proxyCert.certPath);
  assert.equal(d.verdict, 'rejected');
  assert.match(d.explanation, /2148074252/);
  assert.match(d.explanation, /2148074310/);
});

void test('wrong password -> rejected, and the IIS log has 2148074252', async () => {
  const d = await probe('direct / wrong password', direct.accept!.url, exCert.certPath, 'not-the-password');
  assert.equal(d.verdict, 'rejected');
  assert.match(readFileSync(join(dir, 'ex-accept.log'), 'utf8'), / 401 1 2148074252 /);
});

void test('haproxy without connection affinity is not read as an EP problem', withProxy, async () => {
  const d = await probe('haproxy / no affinity', `https://127.0.0.1:${proxyPorts.noaffinity}/EWS/mrsproxy.svc`, proxyCert.certPath);
  assert.ok(d.verdict === 'rejected' || d.verdict === 'inconclusive', d.verdict);
  assert.notEqual(d.verdict, 'accept-mismatch');
  assert.match(d.explanation, /affinity|backend connection/i);
  // The backend saw AUTHENTICATE messages on connections without a challenge.
  assert.match(readFileSync(join(dir, 'ex-noaffinity.log'), 'utf8'), / 401 1 2148074248 /);
});

void test('a closed port -> unreachable naming the TCP step', async () => {
  const port = await freePort();
  const d = await probe('closed port', `https://127.0.0.1:${port}/EWS/mrsproxy.svc`, null);
  assert.equal(d.verdict, 'unreachable');
  assert.match(d.explanation, /TCP/);
  assert.match(d.explanation, /ECONNREFUSED/);
  assert.equal(d.tls, null);
});

void test('an endpoint offering only Basic -> no-ntlm', async () => {
  const d = await probe('Basic only', basicOnly.url, exCert.certPath);
  assert.equal(d.verdict, 'no-ntlm');
  assert.deepEqual(d.anonymous?.wwwAuthenticate, ['Basic']);
  assert.equal(d.attempts.length, 0);
});

void test('an untrusted certificate is refused before any credential is sent; --insecure goes on', async () => {
  const before = direct.none!.log.length;
  const d = await probe('untrusted cert', direct.none!.url, null);
  assert.equal(d.verdict, 'unreachable');
  assert.match(d.explanation, /TLS.*does not verify/);
  assert.equal(direct.none!.log.length, before, 'no request reached the server');
  const r = await runCli(['--json', direct.none!.url, '--user', 'CONTOSO\\mrsadmin', '--password-stdin', '--insecure'], PASSWORD);
  assert.equal(r.code, 0, r.err);
  assert.equal((JSON.parse(r.out) as ProbeJson).verdict, 'ok');
});

void test('usage errors: password as argument, no --password-stdin, http://, --ca with --insecure; bad --ca file exits 1', async () => {
  const url = direct.none!.url;
  let r = await runCli([url, '--user', 'C\\u', '--password', PASSWORD], null);
  assert.equal(r.code, 2);
  assert.match(r.err, /never accepted as an argument/);
  assert.ok(!r.err.includes(PASSWORD));
  r = await runCli([url, '--user', 'C\\u'], PASSWORD);
  assert.equal(r.code, 2);
  assert.match(r.err, /--password-stdin/);
  r = await runCli(['http://127.0.0.1/EWS/mrsproxy.svc', '--user', 'C\\u', '--password-stdin'], PASSWORD);
  assert.equal(r.code, 2);
  assert.match(r.err, /plain http/);
  r = await runCli([url, '--user', 'C\\u', '--password-stdin', '--ca', exCert.certPath, '--insecure'], PASSWORD);
  assert.equal(r.code, 2);
  r = await runCli([url, '--user', 'C\\u', '--password-stdin'], '');
  assert.equal(r.code, 2);
  assert.match(r.err, /empty/);
  writeFileSync(join(dir, 'garbage.crt'), 'this is not a certificate\n');
  r = await runCli([url, '--user', 'C\\u', '--password-stdin', '--ca', join(dir, 'garbage.crt')], PASSWORD);
  assert.equal(r.code, 1);
  assert.match(r.err, /garbage\.crt: not a certificate/);
  assert.equal(r.err.split('\n').filter(Boolean).length, 1);
  r = await runCli([url, '--user', 'C\\u', '--password-stdin', '--ca', join(dir, 'missing.crt')], PASSWORD);
  assert.equal(r.code, 1);
  assert.match(r.err, /missing\.crt: cannot read/);
});

void test('human output shows steps with timings, the variants, verdict and fix', async () => {
  const r = await runCli([direct.require!.url, '--user', 'CONTOSO\\mrsadmin', '--password-stdin', '--ca', exCert.certPath], PASSWORD);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^ {2}tls +ok +\d+ ms /m);
  assert.match(r.out, /^ {2}correct +400 ok/m);
  assert.match(r.out, /^Verdict: require$/m);
  assert.match(r.out, /^Fix:$/m);
  assert.ok(!r.out.includes(PASSWORD));
});

void test("the endpoint's W3C logs read by `analyze`: BAD_BINDINGS behind the proxy, LOGON_DENIED for the wrong password", async () => {
  const analyze = (file: string): Promise<{ files: Array<{ summary: { findings: Record<string, number> } }> }> =>
    new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [cli, 'analyze', '--json', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      p.on('close', (code) => {
        if (code === 0) resolve(JSON.parse(out) as never);
        else reject(new Error(`analyze exited ${code}`));
      });
    });
  const req = await analyze(join(dir, 'ex-require.log'));
  assert.ok((req.files[0].summary.findings.BAD_BINDINGS ?? 0) > 0, JSON.stringify(req.files[0].summary));
  const acc = await analyze(join(dir, 'ex-accept.log'));
  assert.ok((acc.files[0].summary.findings.LOGON_DENIED ?? 0) > 0, JSON.stringify(acc.files[0].summary));
});

void test('verdict matrix (printed) covers every combination', (t) => {
  t.diagnostic('probe verdict matrix (label, verdict, status per variant NTLM/Negotiate, wall times):');
  for (const line of matrix) t.diagnostic(line);
  assert.ok(matrix.length >= (HAPROXY ? 11 : 7), `${matrix.length} probes ran`);
});
