// The CLI's subcommand registry (src/cli/commands.ts): every entry loads the subcommand of its name,
// whose usage starts with that name, and the main usage lists each with its summary. The bundled
// CLI as a process: test/integration/cliBundle.test.ts; its start-up time: bench/cliStartup.bench.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subcommands } from '../../src/cli/commands';
import { runCli } from '../support/cliInProcess';

const inProcess = async (args: string[]): Promise<string> => (await runCli(args)).out;

void test('every registry entry loads the subcommand of its name, and the main usage lists its summary', async () => {
  assert.ok(subcommands.length >= 5);
  for (const name of ['analyze', 'decode', 'cbt', 'probe', 'explain'])
    assert.ok(
      subcommands.some((s) => s.name === name),
      name,
    );
  assert.equal(new Set(subcommands.map((s) => s.name)).size, subcommands.length, 'no name twice');
  const text = await inProcess(['--help']);
  for (const s of subcommands) {
    const cmd = await s.load();
    assert.equal(cmd.name, s.name);
    assert.match(cmd.usage, new RegExp(`^iis-auth-lens ${s.name} `));
    assert.ok(text.includes(`  ${s.name} `) && text.includes(s.summary), s.name);
  }
});
