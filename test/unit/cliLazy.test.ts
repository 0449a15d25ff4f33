// The CLI loads a subcommand's module graph only when that subcommand runs (src/cli/commands.ts):
// `--version`/`--help` load none, `analyze` of a W3C log loads neither the other subcommands nor
// the FREB parser (fast-xml-parser) nor the token decoders (asn1js). Each case runs in a fresh
// node process (with tsx) and lists the modules it loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { subcommands } from '../../src/cli/commands';
import { PassThrough } from 'node:stream';

const root = join(__dirname, '..', '..');

/** Runs main(args) in a fresh process; the repo-relative paths of the modules it loaded, and its exit code. */
function loaded(args: string[]): { modules: string[]; code: number; stdout: string } {
  const script = `
    const { main } = require(${JSON.stringify(join(root, 'src/cli/main.ts'))});
    const { PassThrough } = require('node:stream');
    const out = new PassThrough(); let text = ''; out.on('data', (d) => { text += d; });
    main(${JSON.stringify(args)}, { stdout: out, stderr: new PassThrough(), stdin: new PassThrough(), stdinIsTTY: true }).then((code) => {
      process.stdout.write(JSON.stringify({ code, text, modules: Object.keys(require.cache) }));
    });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { code: number; text: string; modules: string[] };
  const modules = j.modules.filter((m) => m.startsWith(root + '/') && !m.includes('/node_modules/tsx/')).map((m) => m.slice(root.length + 1));
  return { modules, code: j.code, stdout: j.text };
}

const COMMAND_MODULES = ['analyzeCommand', 'decodeCommand', 'cbtCommand', 'probeCommand', 'explainCommand', 'epconfigCommand'].map((n) => `src/cli/${n}.ts`);

void test('--version, --help and an unknown command load no subcommand module', () => {
  for (const args of [['--version'], ['--help'], ['frobnicate']]) {
    const r = loaded(args);
    const ours = r.modules.filter((m) => m.startsWith('src/'));
    assert.deepEqual(ours.sort(), ['src/cli/commands.ts', 'src/cli/io.ts', 'src/cli/main.ts'], args.join(' '));
  }
});

async function inProcess(args: string[]): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => { text += String(d); });
  await main(args, { stdout: out, stderr: new PassThrough(), stdin: new PassThrough(), stdinIsTTY: true });
  return text;
}

void test('analyze of a W3C log loads the W3C analysis only: no other subcommand, no FREB parser, no token decoders', async () => {
  const args = ['analyze', '--summary', '--json', join(root, 'test/fixtures/w3c/exchange-iis10-edge-cases.log')];
  const r = loaded(args);
  assert.equal(r.code, 0);
  assert.equal((JSON.parse(r.stdout) as { files: { kind: string }[] }).files[0].kind, 'w3c');
  assert.equal(r.stdout, await inProcess(args));
  assert.ok(r.modules.includes('src/cli/analyzeCommand.ts'));
  assert.ok(r.modules.includes('src/core/w3c/w3cAnalyze.ts'));
  for (const m of COMMAND_MODULES.filter((c) => !c.includes('analyze'))) assert.ok(!r.modules.includes(m), m);
  const heavy = r.modules.filter((m) => /^src\/(probe|core\/freb\/frebAnalyze|core\/authHeader|core\/explain)|node_modules\/(fast-xml-parser|asn1js)\//.test(m));
  assert.deepEqual(heavy, []);
});

void test('analyze of a FREB trace loads the FREB analysis when it meets the trace', async () => {
  const args = ['analyze', '--json', join(root, 'test/fixtures/freb/generated/fr000047.bad-bindings.xml')];
  const r = loaded(args);
  assert.equal(r.code, 0);
  const entry = (JSON.parse(r.stdout) as { files: { kind: string; findings: { code: string }[] }[] }).files[0];
  assert.equal(entry.kind, 'freb');
  assert.deepEqual(entry.findings.map((f) => f.code), ['BAD_BINDINGS']);
  assert.equal(r.stdout, await inProcess(args));
  assert.ok(r.modules.includes('src/core/freb/frebAnalyze.ts'));
  for (const m of COMMAND_MODULES.filter((c) => !c.includes('analyze'))) assert.ok(!r.modules.includes(m), m);
});

void test('each subcommand loads its own module and none of the others', () => {
  for (const c of COMMAND_MODULES) {
    const name = c.slice('src/cli/'.length, -'Command.ts'.length);
    const r = loaded([name, '--help']);
    assert.equal(r.code, 0, name);
    assert.deepEqual(r.modules.filter((m) => COMMAND_MODULES.includes(m)), [c], name);
  }
});

void test('every registry entry loads the subcommand of its name, and the main usage lists its summary', async () => {
  assert.deepEqual(subcommands.map((s) => s.name), ['analyze', 'decode', 'cbt', 'probe', 'explain', 'epconfig']);
  const text = await inProcess(['--help']);
  for (const s of subcommands) {
    const cmd = await s.load();
    assert.equal(cmd.name, s.name);
    assert.match(cmd.usage, new RegExp(`^iis-auth-lens ${s.name} `));
    assert.ok(text.includes(`  ${s.name} `) && text.includes(s.summary), s.name);
  }
});
