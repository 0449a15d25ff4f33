import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import { cliIo as io } from '../support/cliInProcess';

void test('no arguments prints the usage and exits 2', async () => {
  const t = io();
  assert.equal(await main([], t.io), 2);
  assert.match(t.out(), /Usage: iis-auth-lens <command>/);
  for (const c of ['analyze', 'decode', 'cbt', 'probe', 'explain']) assert.match(t.out(), new RegExp(`\\n  ${c} `));
});

void test('--help exits 0, --version prints the package version', async () => {
  const t = io();
  assert.equal(await main(['--help'], t.io), 0);
  const v = io();
  assert.equal(await main(['--version'], v.io), 0);
  assert.equal(v.out().trim(), (await import('../../package.json')).default.version);
});

void test('an unknown command is a usage error on stderr, exit 2', async () => {
  const t = io();
  assert.equal(await main(['frobnicate'], t.io), 2);
  assert.match(t.err(), /unknown command 'frobnicate'/);
  assert.equal(t.out(), '');
});

void test('every subcommand answers --help with its usage line and exit 0', async () => {
  for (const c of ['analyze', 'decode', 'cbt', 'probe', 'explain']) {
    const t = io();
    assert.equal(await main([c, '--help'], t.io), 0, c);
    assert.match(t.out(), new RegExp(`iis-auth-lens ${c} `), c);
  }
});
