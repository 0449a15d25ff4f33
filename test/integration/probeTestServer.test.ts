// The IIS-like test endpoint checked with an independent NTLM client (Debian's python3-ntlm-auth),
// so the probe's integration tests do not only prove that our client agrees with itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCert, type TestCert } from '../support/certs';
import { startIisLikeServer, type EpMode, type IisLikeServer } from '../support/iisLikeNtlmServer';

const PY = '/usr/bin/python3';
const CLIENT = join(__dirname, '..', 'fixtures', 'probe', 'python-ntlm-client.py');
// NT hash of "Password" (MS-NLMP 4.2.2.1.2); a wrong one for the bad-password case.
const NT_PASSWORD = 'a4f49c406510bdcab6824ee7c30fd852';
const NT_WRONG = '00112233445566778899aabbccddeeff';
const havePython = spawnSync(PY, ['-c', 'import ntlm_auth'], { stdio: 'ignore' }).status === 0;

let dir = '';
let cert: TestCert;
const servers: Partial<Record<EpMode, IisLikeServer>> = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iislike-'));
  cert = makeCert(dir, 'ex01', 'ex01.contoso.test');
  for (const ep of ['none', 'accept', 'require'] as const) {
    servers[ep] = await startIisLikeServer({
      cert: cert.cert,
      key: cert.key,
      ep,
      domain: 'CONTOSO',
      user: 'mrsadmin',
      password: 'Password',
      logFile: join(dir, `${ep}.log`),
    });
  }
});
after(async () => {
  for (const s of Object.values(servers)) await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function python(ep: EpMode, bindings: 'none' | 'correct' | 'wrong', nthash = NT_PASSWORD): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PY, [CLIENT, String(servers[ep]!.port), bindings, nthash], { timeout: 15000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

const cases: Array<[EpMode, 'none' | 'correct' | 'wrong', string, number]> = [
  ['none', 'none', NT_PASSWORD, 400],
  ['none', 'wrong', NT_PASSWORD, 400],
  ['none', 'correct', NT_PASSWORD, 400],
  ['accept', 'none', NT_PASSWORD, 400],
  ['accept', 'correct', NT_PASSWORD, 400],
  ['accept', 'wrong', NT_PASSWORD, 401],
  ['require', 'none', NT_PASSWORD, 401],
  ['require', 'correct', NT_PASSWORD, 400],
  ['require', 'wrong', NT_PASSWORD, 401],
  ['none', 'none', NT_WRONG, 401],
];

for (const [ep, bindings, hash, want] of cases) {
  void test(
    `python3-ntlm-auth client, EP ${ep}, bindings ${bindings}${hash === NT_WRONG ? ', wrong password' : ''} -> ${want}`,
    { skip: !havePython && 'no /usr/bin/python3 with ntlm_auth' },
    async () => {
      const before = servers[ep]!.log.length;
      assert.equal(await python(ep, bindings, hash), `401 ${want}`);
      const lines = servers[ep]!.log.slice(before);
      assert.deepEqual(lines.map((l) => `${l.status} ${l.substatus} ${l.win32}`)[0], '401 1 2148074254');
      const last = lines[lines.length - 1];
      if (want === 400) assert.equal(`${last.status} ${last.substatus} ${last.win32} ${last.user}`, '400 0 0 CONTOSO\\mrsadmin');
      else assert.equal(`${last.status} ${last.substatus} ${last.win32}`, `401 1 ${hash === NT_WRONG ? 2148074252 : 2148074310}`);
    },
  );
}

void test('the W3C log has the Exchange field layout and the IIS codes', async () => {
  const r = await fetchAnonymous(servers.require!.port);
  assert.equal(r, 401);
  const text = readFileSync(join(dir, 'require.log'), 'utf8');
  assert.match(
    text,
    /^#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs\(User-Agent\) cs\(Referer\) sc-status sc-substatus sc-win32-status time-taken\r$/m,
  );
  assert.match(text, / POST \/EWS\/mrsproxy\.svc - \d+ - 127\.0\.0\.1 \S+ - 401 2 5 \d+\r\n/);
  const rows = text.split('\r\n').filter((l) => l && !l.startsWith('#'));
  for (const row of rows) assert.equal(row.split(' ').length, 15, row);
});

function fetchAnonymous(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const https = require('node:https') as typeof import('node:https');
    const req = https.request(
      { host: '127.0.0.1', port, path: '/EWS/mrsproxy.svc', method: 'POST', rejectUnauthorized: false, headers: { 'Content-Length': '0' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
