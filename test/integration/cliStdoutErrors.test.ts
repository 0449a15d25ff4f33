// The CLI as a process with a stdout that fails: `> /dev/full` (ENOSPC) must not exit 0 with the
// result lost; a reader that goes away (`| head -1`, EPIPE) ends the run quietly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../support/cliProcess';

const fixtures = join(__dirname, '..', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'iis-auth-lens-stdout-'));
const cli = join(dir, 'cli.js');
test.after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], stdout: number | 'pipe', onOut?: (p: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', stdout, 'pipe'] });
    let err = '';
    p.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    onOut?.(p);
    const timer = setTimeout(() => p.kill('SIGKILL'), 30000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, err });
    });
  });
}

void test('stdout on /dev/full: exit 1 with one line on stderr, for JSON and human output', { skip: !existsSync('/dev/full') && 'no /dev/full' }, async () => {
  await buildCli(cli);
  for (const args of [
    ['analyze', '--json', join(fixtures, 'w3c')],
    ['analyze', join(fixtures, 'w3c')],
    ['explain', '--json', join(fixtures, 'hcw', 'HybridConfiguration_11_5_2024_14_23_10.log')],
  ]) {
    const full = openSync('/dev/full', 'w');
    const r = await run(args, full);
    closeSync(full);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /cannot write the output to stdout: ENOSPC/);
    assert.doesNotMatch(r.err, /internal error|\n\s+at /);
  }
});

void test('a reader that closes the pipe early (| head -1) ends the run with exit 0 and no message', async () => {
  await buildCli(cli);
  const r = await run(['analyze', join(fixtures, 'w3c')], 'pipe', (p) => {
    p.stdout!.once('data', () => p.stdout!.destroy());
  });
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err, /EPIPE|internal error/);
});
