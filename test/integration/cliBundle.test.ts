// The bundled CLI (one CJS file, built as dist/cli.js is) as a user runs it: --version, --help, a
// usage error, every subcommand's --help, and analyze of a W3C log and of a FREB trace, each giving
// the same output as main() in-process. How fast it starts is measured in bench/cliStartup.bench.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subcommands } from '../../src/cli/commands';
import { runCli } from '../support/cliInProcess';
import { buildCli } from '../support/cliProcess';

const root = join(__dirname, '..', '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
let dir = '';
let cli = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
  cli = join(dir, 'cli.js');
  await buildCli(cli);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const inProcess = (args: string[]): Promise<{ code: number; out: string }> => runCli(args);

void test('--version prints the package version; --help lists every subcommand', () => {
  const v = run(['--version']);
  assert.equal(v.code, 0, v.err);
  assert.equal(v.out.trim(), version);
  const h = run(['--help']);
  assert.equal(h.code, 0, h.err);
  for (const s of subcommands) assert.ok(h.out.includes(`  ${s.name} `), s.name);
});

void test('an unknown command is a usage error (exit 2, one line naming it, no stack trace)', () => {
  const r = run(['frobnicate']);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.match(r.err.split('\n')[0], /^iis-auth-lens: unknown command 'frobnicate'$/);
  assert.doesNotMatch(r.err, /\n\s+at /);
});

void test('every subcommand answers --help with its usage, as main() does in-process', async () => {
  for (const s of subcommands) {
    const r = run([s.name, '--help']);
    assert.equal(r.code, 0, `${s.name}: ${r.err}`);
    assert.match(r.out, new RegExp(`^(Usage: )?iis-auth-lens ${s.name} `), s.name);
    assert.equal(r.out, (await inProcess([s.name, '--help'])).out, s.name);
  }
});

void test('analyze of a W3C log and of a FREB trace: the bundle prints what main() prints', async () => {
  const w3c = ['analyze', '--summary', '--json', join(root, 'test/fixtures/w3c/exchange-iis10-edge-cases.log')];
  const a = run(w3c);
  assert.equal(a.code, 0, a.err);
  assert.equal((JSON.parse(a.out) as { files: { kind: string }[] }).files[0].kind, 'w3c');
  assert.equal(a.out, (await inProcess(w3c)).out);
  const freb = ['analyze', '--json', join(root, 'test/fixtures/freb/generated/fr000047.bad-bindings.xml')];
  const f = run(freb);
  assert.equal(f.code, 0, f.err);
  const entry = (JSON.parse(f.out) as { files: { kind: string; findings: { code: string }[] }[] }).files[0];
  assert.equal(entry.kind, 'freb');
  assert.deepEqual(
    entry.findings.map((x) => x.code),
    ['BAD_BINDINGS'],
  );
  assert.equal(f.out, (await inProcess(freb)).out);
});
