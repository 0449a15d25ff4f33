// docs/cli.md is the CLI's contract and stays in step with the code: every subcommand of the
// registry has its section, and every option its usage line names is described in that section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { subcommands } from '../../src/cli/commands';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');

/** The text of `## name` up to the next `## ` heading. */
function section(name: string): string | null {
  const m = new RegExp(`^## ${name}\\s*$([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(doc);
  return m ? m[1] : null;
}

void test('every subcommand has its section in docs/cli.md, with each option of its usage line', async () => {
  const missing: string[] = [];
  for (const s of subcommands) {
    const text = section(s.name);
    if (!text) {
      missing.push(`no "## ${s.name}" section`);
      continue;
    }
    const usage = (await s.load()).usage.split('\n')[0];
    if (!text.includes(`iis-auth-lens ${s.name}`)) missing.push(`${s.name}: the section does not show its command line`);
    for (const o of new Set(usage.match(/--[a-z][a-z-]*/g) ?? [])) if (!text.includes(o)) missing.push(`${s.name}: ${o} (from "${usage}")`);
  }
  assert.deepEqual(missing, [], `docs/cli.md is behind the code:\n${missing.join('\n')}`);
});

void test('the exit codes the CLI uses are the ones the contract states', () => {
  assert.match(doc, /Exit codes: 0 when the command did its job/);
  assert.match(doc, /1 when an input could not be read\s+or parsed/);
  assert.match(doc, /2 a usage error/);
});
