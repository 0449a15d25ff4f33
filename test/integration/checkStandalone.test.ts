// scripts/check-standalone.mjs (a stage of npm test) fails on each way a file can reach outside the
// repository, names file and line, and passes a tree that stays inside it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'check-standalone.mjs');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'standalone-'));
  dirs.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

function check(root: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

void test('every way out of the repository is reported with file and line', () => {
  const r = check(
    tree({
      'test/unit/a.test.ts': "import x from 'y';\nconst GEN = join(__dirname, '..', '..', '..', 'shared', 'tools', 'gen-iislog.mjs');\n",
      'test/unit/b.test.ts': "const DATA = '/work/shared/data/w3c';\n",
      'bench/c.bench.ts': "const DIR = process.env.X ?? '/tmp/bench';\n",
      'src/d.ts': '// contract: ../shared/cli-contract.md\n',
      'scripts/e.sh': 'cp "$HOME/x" /home/alice/logs/\n',
    }),
  );
  assert.equal(r.code, 1);
  assert.match(r.out, /test\/unit\/a\.test\.ts:2: a path to \.\.\/shared/);
  assert.match(r.out, /test\/unit\/b\.test\.ts:1: an absolute path of one machine/);
  assert.match(r.out, /bench\/c\.bench\.ts:1: a fixed temporary folder/);
  assert.match(r.out, /src\/d\.ts:1: a path to \.\.\/shared/);
  assert.match(r.out, /scripts\/e\.sh:1: an absolute path of one machine/);
  assert.match(r.out, /5 reference\(s\)/);
});

void test('a tree that stays inside passes: fixtures, URL paths, os.tmpdir(), Windows paths, system programs', () => {
  const r = check(
    tree({
      'test/unit/a.test.ts':
        "const LOG = join(__dirname, '..', 'fixtures', 'w3c', 'x.log');\nconst url = '/EWS/mrsproxy.svc';\nconst dir = mkdtempSync(join(tmpdir(), 'x-'));\nconst win = 'C:\\\\inetpub\\\\logs\\\\LogFiles';\nconst hostile = { ca: '/tmp/evil.pem' };\n",
      'test/support/py.ts': "export const PY = '/usr/bin/python3';\n",
      'test/fixtures/real.log': '#Remark: copied from /home/alice/logs/u_ex.log\n',
    }),
  );
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /2 files under src, test, bench, scripts|2 files under test/);
});
