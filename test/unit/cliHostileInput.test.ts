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
