import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { cliIo as io } from '../support/cliInProcess';

const FIX = join(__dirname, '..', 'fixtures', 'explain');

void test('explain --json on the HCW log: contract fields line, code, title, explanation, url, time, next', async () => {
  const t = io();
  const code = await main(['explain', '--json', join(__dirname, '..', 'fixtures', 'hcw', 'HybridConfiguration_11_5_2024_14_23_10.log')], t.io);
  assert.equal(code, 0, t.err());
  const doc = JSON.parse(t.out()) as { matches: Array<Record<string, unknown>> };
  const neg = doc.matches.find((m) => m.code === 'MRS_UNAUTHORIZED_NEGOTIATE');
  assert.ok(neg);
  assert.equal(neg.line, 5);
  assert.equal(neg.time, '2024-11-05T14:23:18.825');
  assert.equal(neg.url, 'https://eb92551b-9c63-4472-a8dc-2be7fcf00313.resource.mailboxmigration.his.msappproxy.net/EWS/mrsproxy.svc');
  assert.equal(typeof neg.title, 'string');
  assert.match(String(neg.explanation), /Extended Protection/);
  assert.ok(Array.isArray(neg.next) && (neg.next as string[]).includes('find-iis-lines'));
  assert.ok(doc.matches.some((m) => m.code === 'MRS_PORT_9821'));
  assert.equal(t.err(), '');
});

void test('explain human output names line, title, explanation and next steps', async () => {
  const t = io();
  assert.equal(await main(['explain', join(FIX, 'mrs-move-request-error.en.txt')], t.io), 0);
  const out = t.out();
  assert.match(out, /line 1: MRS could not authenticate to the on-premises endpoint \[MRS_UNAUTHORIZED_NEGOTIATE\]/);
  assert.match(out, /iis-auth-lens probe https:\/\/mrs\.msxfaq\.net\/EWS\/mrsproxy\.svc --user DOMAIN\\USER --password-stdin/);
  assert.match(out, /ExchangeExtendedProtectionManagement\.ps1 -DisableExtendedProtection/);
  assert.match(out, /Port 9821 is Exchange Online's internal hop/);
});

void test('explain reads stdin with -, and zero matches is exit 0 with a message', async () => {
  const t = io(
    "Error details: The HTTP request is unauthorized with client authentication scheme 'Negotiate'. The authentication header received from the server was 'Negotiate,NTLM'.",
  );
  assert.equal(await main(['explain', '--json', '-'], t.io), 0);
  assert.deepEqual(
    (JSON.parse(t.out()) as { matches: Array<{ code: string }> }).matches.map((m) => m.code),
    ['MRS_UNAUTHORIZED_NEGOTIATE'],
  );
  const z = io('nothing to see here\n');
  assert.equal(await main(['explain', '-'], z.io), 0);
  assert.match(z.out(), /no known error text found/);
  const zj = io('');
  assert.equal(await main(['explain', '--json', '-'], zj.io), 0);
  assert.deepEqual(JSON.parse(zj.out()), { matches: [], matchCount: 0, groups: [] });
});

void test('explain reads UTF-16LE files as Windows PowerShell redirects them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  const f = join(dir, 'out.txt');
  const text = readFileSync(join(FIX, 'mrs-move-request-error.de.txt'), 'utf8');
  writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const t = io();
  assert.equal(await main(['explain', '--json', f], t.io), 0, t.err());
  const codes = (JSON.parse(t.out()) as { matches: Array<{ code: string; line: number }> }).matches.map((m) => `${m.line}:${m.code}`);
  assert.deepEqual(codes, ['1:MRS_PORT_9821', '2:MRS_UNAUTHORIZED_NEGOTIATE', '2:MRS_401']);
});

void test('explain input errors: missing file, a folder, binary data -> exit 1, one line on stderr, nothing on stdout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  const bin = join(dir, 'blob.bin');
  writeFileSync(bin, Buffer.from([0x00, 0x01, 0x02, 0x00, 0x00, 0xff]));
  for (const [arg, re] of [
    [join(dir, 'nope.txt'), /nope\.txt: cannot read: no such file/],
    [dir, /is a directory/],
    [bin, /offset \d+: binary data/],
  ] as const) {
    const t = io();
    assert.equal(await main(['explain', '--json', arg], t.io), 1);
    assert.match(t.err(), re);
    assert.equal(t.err().trim().split('\n').length, 1);
    assert.equal(t.out(), '');
  }
});

void test('explain usage errors exit 2: no file, two files, unknown option, - without piped stdin', async () => {
  for (const args of [[], ['a', 'b'], ['--frob', 'a'], ['-']]) {
    const t = io();
    assert.equal(await main(['explain', ...args], t.io), 2, args.join(' '));
    assert.match(t.err(), /Usage: iis-auth-lens explain \[--json\] FILE\|-/);
  }
  const h = io();
  assert.equal(await main(['explain', '--help'], h.io), 0);
  assert.match(h.out(), /Usage: iis-auth-lens explain/);
});
