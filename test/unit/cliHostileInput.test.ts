// The CLI run in-process (main with in-memory streams) on hostile and mistaken input: usage
// errors stay short, secrets typed by mistake are not echoed, inputs are bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { probeTextForTerminal } from '../../src/cli/probeCommand';
import { cliIo as io } from '../support/cliInProcess';

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

/** A stdin that never ends, as `< /dev/zero` or `yes A |` give it. */
function endless(byte: number): Readable {
  const block = Buffer.alloc(1 << 16, byte);
  return new Readable({
    read() {
      this.push(block);
    },
  });
}

void test('decode - and explain - stop reading an endless stdin: over the limit, or at the first NUL', { timeout: 60_000 }, async () => {
  const d = io(endless(0x41), false);
  assert.equal(await main(['decode', '-'], d.io), 1);
  assert.match(d.err(), /stdin: more than 1 MiB: a header line or token is a few KB/);
  const e = io(endless(0), false);
  assert.equal(await main(['explain', '--json', '-'], e.io), 1);
  assert.match(e.err(), /stdin: offset 0: binary data \(NUL byte\)/);
  assert.equal(e.out(), '');
});

void test('explain --json of 20,000 matching lines: each kind once with its lines, the first 1000 matches listed, the count exact', async () => {
  const stdin = new PassThrough();
  stdin.end(`${'2026-11-21 10:00:00 W3SVC1 POST /EWS/mrsproxy.svc 443 - 52.1.2.3 401 1 2148074310 15\n'.repeat(20_000)}SEC_E_LOGON_DENIED\n`);
  const t = io(stdin, false);
  assert.equal(await main(['explain', '--json', '-'], t.io), 0, t.err());
  assert.ok(t.out().length < 4_000_000, `${t.out().length} characters of JSON`);
  const doc = JSON.parse(t.out()) as {
    matches: Array<{ line: number; code: string; explanation: string }>;
    matchCount: number;
    matchesTruncated: boolean;
    note: string;
    groups: Array<{ code: string; count: number; lines: number[]; explanation: string }>;
  };
  assert.equal(doc.matchCount, 20_001);
  assert.equal(doc.matches.length, 1000);
  assert.ok(doc.matchesTruncated);
  assert.match(doc.note, /first 1000/);
  assert.equal(doc.matches[999]!.line, 1000);
  assert.match(doc.matches[0]!.explanation, /Extended Protection/);
  assert.deepEqual(
    doc.groups.map((g) => [g.code, g.count, g.lines.length]),
    [
      ['SEC_E_BAD_BINDINGS', 20_000, 20_000],
      ['SEC_E_LOGON_DENIED', 1, 1],
    ],
  );
  assert.equal(doc.groups[1]!.lines[0], 20_001);

  const h = io(Readable.from([Buffer.from('0x80090346\n'.repeat(3000))]), false);
  assert.equal(await main(['explain', '-'], h.io), 0);
  assert.match(h.out(), /SEC_E_BAD_BINDINGS\]: 3000 times, lines 1-3000/);
  assert.equal(h.out().split('\n  next:').length - 1, 1, 'the explanation and next steps once');
  assert.ok(h.out().length < 20_000, `${h.out().length} characters`);
});

void test('control characters from the input are escaped in human output (file names, URLs, user names)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  try {
    const name = join(dir, 'evil\u001b[2J\u001b]0;pwned\u0007\rforged.txt');
    writeFileSync(name, 'The remote server returned an error: (401) Unauthorized. https://mail.contoso.test/EWS/mrsproxy.svc\u001b[31m\n');
    const t = io();
    assert.equal(await main(['explain', name], t.io), 0, t.err());
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(t.out()), JSON.stringify(t.out().slice(0, 300)));
    assert.match(t.out(), /evil\\x1b\[2J\\x1b\]0;pwned\\x07\\x0dforged\.txt/);
    const missing = io();
    assert.equal(await main(['explain', `${name}.missing`], missing.io), 1);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(missing.err()), JSON.stringify(missing.err()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // An NTLM AUTHENTICATE whose user name carries an escape sequence and a line break.
  const user = Buffer.from('bob\u001b[31m\nForged: yes', 'utf16le');
  const head = Buffer.alloc(88);
  head.write('NTLMSSP\0', 0, 'latin1');
  head.writeUInt32LE(3, 8);
  const field = (at: number, len: number, off: number): void => {
    head.writeUInt16LE(len, at);
    head.writeUInt16LE(len, at + 2);
    head.writeUInt32LE(off, at + 4);
  };
  for (const at of [12, 20, 28, 44, 52]) field(at, 0, 88);
  field(36, user.length, 88);
  head.writeUInt32LE(0x00000001 | 0x00000200, 60);
  const token = Buffer.concat([head, user]).toString('base64');
  const d = io();
  assert.equal(await main(['decode', `NTLM ${token}`], d.io), 0, d.err());
  assert.ok(!/\u001b/.test(d.out()) && !/^Forged/m.test(d.out()), d.out());
  assert.match(d.out(), /bob\\x1b\[31m\\x0aForged: yes/);
});

void test('analyze: a file name with control characters is escaped in the text output and on stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  try {
    const name = join(dir, 'u_ex\u001b[2J\rforged.log');
    writeFileSync(
      name,
      '#Software: Microsoft Internet Information Services 10.0\n#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status\n2026-11-21 10:00:00 52.1.2.3 /EWS/mrsproxy.svc\u001b[31m 401 1 2148074310\n',
    );
    const t = io();
    assert.equal(await main(['analyze', name, join(dir, 'missing\u001b[0m.log')], t.io), 1);
    for (const text of [t.out(), t.err()]) assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text), JSON.stringify(text.slice(0, 400)));
    assert.match(t.out(), /u_ex\\x1b\[2J\\x0dforged\.log \(W3C log\)/);
    assert.match(t.out(), /BAD_BINDINGS/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('probe: what a hostile server sends (header values, step details) is escaped in the text report', () => {
  type Result = Parameters<typeof probeTextForTerminal>[0];
  const r = {
    url: 'https://mail.contoso.test/EWS/mrsproxy.svc',
    ms: 5,
    verdict: 'no-ntlm',
    explanation: 'x',
    remediation: [],
    attempts: [],
    tls: null,
    steps: [{ name: 'TLS', ok: true, ms: 1, detail: 'CN=evil\u001b[2J\rforged', error: [] }],
    anonymous: { status: 401, wwwAuthenticate: ['Basic realm="\u001b]0;pwned\u0007"'] },
  } as unknown as Result;
  const text = probeTextForTerminal(r);
  assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text), JSON.stringify(text));
  assert.match(text, /CN=evil\\x1b\[2J\\x0dforged/);
  assert.match(text, /realm="\\x1b\]0;pwned\\x07"/);
});
