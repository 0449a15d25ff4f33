// The CLI run in-process (main with in-memory streams) on hostile and mistaken input: usage
// errors stay short, secrets typed by mistake are not echoed, inputs are bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';

function io(stdin: PassThrough = new PassThrough(), stdinIsTTY = true): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => { o += String(d); });
  stderr.on('data', (d) => { e += String(d); });
  return { io: { stdout, stderr, stdin, stdinIsTTY }, out: () => o, err: () => e };
}

void test('a 100,000-character --filter value is a usage error with a short message', async () => {
  for (const clause of [`url=${'a'.repeat(100_000)}`, `header=User-Agent:${'*'.repeat(100_000)}`, 'z'.repeat(100_000)]) {
    const t = io();
    assert.equal(await main(['analyze', '--filter', clause, 'nothing.xml'], t.io), 2);
    const first = t.err().split('\n')[0]!;
    assert.match(first, /has 1000\d\d characters: at most 2048/);
    assert.ok(t.err().length < 2000, `stderr is ${t.err().length} characters`);
    assert.equal(t.out(), '');
  }
});

void test('probe: a password given by mistake as an argument is never echoed', async () => {
  const secret = 'Sup3r$ecret-Pa55';
  for (const args of [
    ['https://mail.contoso.test/EWS/mrsproxy.svc', secret, '--user', 'CONTOSO\\mrsadmin', '--password-stdin'],
    ['https://mail.contoso.test/EWS/mrsproxy.svc', '--user', 'CONTOSO\\mrsadmin', secret, 'x', '--password-stdin'],
    ['https://mail.contoso.test/EWS/mrsproxy.svc', '--user', 'CONTOSO\\mrsadmin', `-${secret}`, '--password-stdin'],
    ['--json', 'https://mail.contoso.test/EWS/mrsproxy.svc', '--user', 'CONTOSO\\mrsadmin', `--${secret}=1`],
  ]) {
    const t = io();
    assert.equal(await main(['probe', ...args], t.io), 2);
    assert.ok(!t.err().includes('Sup3r') && !t.out().includes('Sup3r'), t.err());
  }
  const t = io();
  await main(['probe', 'https://mail.contoso.test/EWS/mrsproxy.svc', secret, 'x', '--user', 'C\\u', '--password-stdin'], t.io);
  assert.match(t.err(), /one URL only \(got 2 extra arguments, not shown\)/);
  const u = io();
  await main(['probe', 'https://h/', '--frobnicate', '--user', 'C\\u', '--password-stdin'], u.io);
  assert.match(u.err(), /unknown option '--frobnicate'/);
});

void test('decode: deeply nested JWT claims are a one-line token error, with --json too', async () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64url');
  for (const depth of [100, 20_000]) {
    const claims = `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const token = `Bearer ${b64('{"alg":"none"}')}.${b64(claims)}.`;
    for (const json of [true, false]) {
      const t = io();
      const code = await main(['decode', ...(json ? ['--json'] : []), token], t.io);
      assert.equal(code, 1, t.err());
      assert.doesNotMatch(t.err(), /internal error|call stack/);
      assert.match(t.err() + t.out(), /nested \d+ levels deep/);
    }
  }
  const ok = io();
  assert.equal(await main(['decode', '--json', `Bearer ${b64('{"alg":"none"}')}.${b64('{"a":[[[{"b":1}]]],"exp":1}')}.`], ok.io), 0);
  assert.deepEqual((JSON.parse(ok.out()) as { jwt: { claims: unknown } }).jwt.claims, { a: [[[{ b: 1 }]]], exp: 1 });
});
