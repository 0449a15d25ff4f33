// The CLI as a user runs it on unlucky input (issue 15): a folder with a subfolder of mode 700
// analyzed by a normal user, and a log given as process substitution `<(cat log)`. Runs the
// bundled CLI; the unreadable folder needs a non-root user (setpriv to nobody when run as root).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../support/cliProcess';

const FIXTURE = join(__dirname, '..', 'fixtures', 'workspace', 'u_ex261121_bad_bindings.log');
let dir = '';
let cli = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'analyze-inputs-proc-'));
  chmodSync(dir, 0o755);
  cli = join(dir, 'cli.js');
  await buildCli(cli);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const asRoot = process.getuid?.() === 0;

void test(
  '#10 a subfolder the user cannot read: its own error entry, the readable W3SVC1 log analyzed, exit 1',
  { skip: asRoot && !SETPRIV ? 'running as root without setpriv: no user to be denied' : false },
  () => {
    const top = join(dir, 'LogFiles');
    mkdirSync(join(top, 'W3SVC1'), { recursive: true });
    mkdirSync(join(top, 'W3SVC2'), { recursive: true });
    copyFileSync(FIXTURE, join(top, 'W3SVC1', 'u_ex261121.log'));
    copyFileSync(FIXTURE, join(top, 'W3SVC2', 'u_ex261121.log'));
    for (const p of [top, join(top, 'W3SVC1'), join(top, 'W3SVC1', 'u_ex261121.log'), cli]) chmodSync(p, 0o755);
    chmodSync(join(top, 'W3SVC2'), 0o700);
    const cmd = asRoot ? [SETPRIV!, '--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, cli] : [process.execPath, cli];
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), 'analyze', '--json', '--summary', top], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 1, r.stderr);
    const files = (JSON.parse(r.stdout) as { files: Array<{ path: string; kind: string; requests?: number; error?: string }> }).files;
    assert.deepEqual(
      files.map((f) => [f.path, f.kind, f.requests, f.error]),
      [
        [join(top, 'W3SVC1', 'u_ex261121.log'), 'w3c', 85, undefined],
        [join(top, 'W3SVC2'), 'unknown', undefined, `${join(top, 'W3SVC2')}: cannot read: permission denied`],
      ],
    );
    assert.equal(r.stderr, `iis-auth-lens analyze: ${join(top, 'W3SVC2')}: cannot read: permission denied\n`);
  },
);

void test('#15 `analyze <(cat log)` reads the pipe as a stream (was ESPIPE)', { skip: existsSync('/bin/bash') ? false : 'no bash' }, () => {
  const r = spawnSync('/bin/bash', ['-c', `"${process.execPath}" "${cli}" analyze --json <(cat "${FIXTURE}") <(gzip -c "${FIXTURE}")`], {
    encoding: 'utf8',
    timeout: 60000,
  });
  assert.equal(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: Array<{ path: string; requests: number; summary: { findings: Record<string, number> } }> }).files;
  assert.equal(files.length, 2);
  for (const f of files) {
    assert.match(f.path, /^\/dev\/fd\/\d+$/);
    assert.equal(f.requests, 85);
    assert.equal(f.summary.findings.BAD_BINDINGS, 3);
  }
});
