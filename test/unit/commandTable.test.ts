// The command table (src/client/commands.ts) against package.json and the sources: every
// contributed command is in the table as public and every public one is contributed; menus,
// welcome links and activation events name commands that exist; commands are registered in one
// place only, from the table, and the test hooks only in the extension's test mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, COMMAND_IDS, registeredCommandIds, type CommandId } from '../../src/client/commands';

const root = join(__dirname, '..', '..');
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  activationEvents?: string[];
  contributes: { commands: Array<{ command: string }>; menus: Record<string, Array<{ command: string }>>; views: Record<string, Array<{ id: string }>> };
};
const contributed = pkg.contributes.commands.map((c) => c.command);
const table = new Set<string>(COMMAND_IDS);
const visibility = (id: string): string | undefined => (table.has(id) ? COMMANDS[id as CommandId].visibility : undefined);
/** Every .ts file under a folder of the repository, with its text. */
const sources = (dir: string): Array<{ file: string; text: string }> =>
  readdirSync(join(root, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: `${dir}/${f}`, text: read(`${dir}/${f}`) }));

void test('every contributed command is in the table as public, once; every public one is contributed', () => {
  assert.deepEqual(
    contributed.filter((c, i) => contributed.indexOf(c) !== i),
    [],
    'a command contributed twice',
  );
  assert.deepEqual(
    contributed.filter((c) => visibility(c) !== 'public'),
    [],
    'contributed, but not public in the table',
  );
  assert.deepEqual(
    COMMAND_IDS.filter((id) => COMMANDS[id].visibility === 'public' && !contributed.includes(id)),
    [],
    'public in the table, but not contributed',
  );
});

void test('no command id is in the table twice', () => {
  const keys = [...read('src/client/commands.ts').matchAll(/^\s*'(iisAuthLens\.[\w.]+)':\s*\{/gm)].map((m) => m[1]!);
  assert.equal(keys.length, COMMAND_IDS.length, 'the table source and the table agree');
  assert.deepEqual(
    keys.filter((k, i) => keys.indexOf(k) !== i),
    [],
  );
});

void test('menus, welcome links and activation events name commands of the table that users have', () => {
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    for (const item of items) assert.ok(contributed.includes(item.command), `menu ${menu}: ${item.command} is not contributed`);
  }
  for (const nls of ['package.nls.json', 'package.nls.de.json']) {
    const links = [...read(nls).matchAll(/command:(iisAuthLens\.[\w.]+)/g)].map((m) => m[1]!);
    assert.ok(links.length >= 3, `${nls}: the welcome views link to commands`);
    for (const id of links) assert.equal(visibility(id), 'public', `${nls} links to ${id}`);
  }
  for (const e of pkg.activationEvents ?? []) {
    const m = /^onCommand:(.+)$/.exec(e);
    if (m) assert.equal(visibility(m[1]!), 'public', `activation event ${e}`);
  }
});

void test('test hooks are registered only in test mode; public and internal commands always', () => {
  const normal = registeredCommandIds(false);
  const testMode = registeredCommandIds(true);
  assert.deepEqual(testMode, COMMAND_IDS, 'test mode registers the whole table');
  assert.deepEqual(
    normal.filter((id) => COMMANDS[id].visibility === 'testHook'),
    [],
    'no test hook outside test mode',
  );
  assert.deepEqual(
    normal,
    COMMAND_IDS.filter((id) => COMMANDS[id].visibility !== 'testHook'),
  );
  for (const id of contributed) assert.ok(normal.includes(id as CommandId), `${id} is registered for users`);
  // the hooks the e2e suite is known to read (a rename shows up here)
  for (const id of ['iisAuthLens.authTimelineState', 'iisAuthLens.probeReportState', 'iisAuthLens.excerptState']) assert.equal(visibility(id), 'testHook', id);
});

void test('commands are registered in one place, from the table, for the mode isTestMode decides', () => {
  const registering = sources('src').filter((s) => /\bregisterCommand\s*\(/.test(s.text));
  assert.deepEqual(
    registering.map((s) => s.file),
    ['src/client/features.ts'],
  );
  const features = read('src/client/features.ts');
  assert.equal(features.match(/\bregisterCommand\s*\(/g)?.length, 1);
  assert.match(features, /for \(const id of registeredCommandIds\(ctx\.testMode\)\)/);
  assert.match(read('src/client/extension.ts'), /testMode: isTestMode\(context\)/);
  // the one test-mode rule: no other place reads the environment variable or the extension mode
  const rule = sources('src').filter((s) => /IIS_AUTH_LENS_TEST_HOOKS|ExtensionMode\.Test/.test(s.text));
  assert.deepEqual(
    rule.map((s) => s.file),
    ['src/client/context.ts'],
  );
});

void test("each command's feature module supplies it and is activated", () => {
  const features = read('src/client/features.ts');
  for (const feature of new Set(COMMAND_IDS.map((id) => COMMANDS[id].feature))) {
    const file = `src/client/${feature}.ts`;
    assert.ok(existsSync(join(root, file)), `${file} exists`);
    const m = new RegExp(`export const (\\w+): ClientFeature<'${feature}'>`).exec(read(file));
    assert.ok(m, `${file} declares ClientFeature<'${feature}'>`);
    assert.ok(features.includes(`import { ${m[1]} } from './${feature}';`), `features.ts imports ${m[1]} from ./${feature}`);
    assert.match(features, new RegExp(`^  ${m[1]},$`, 'm'), `features.ts activates ${m[1]}`);
  }
});

void test('commands handed to users (CodeLens, hover links, tree items) are in the table and never test hooks', () => {
  const handedOut = new Set<string>();
  for (const { text } of [...sources('src/server'), ...sources('src/client'), ...sources('src/core')]) {
    for (const m of text.matchAll(/command:\s*'(iisAuthLens\.[\w.]+)'/g)) handedOut.add(m[1]!);
    for (const m of text.matchAll(/mdCommandLink\([^;]*?'(iisAuthLens\.[\w.]+)'/g)) handedOut.add(m[1]!);
    for (const m of text.matchAll(/executeCommand(?:<[^>]*>)?\(\s*'(iisAuthLens\.[\w.]+)'/g)) if (!m[1]!.endsWith('.focus')) handedOut.add(m[1]!);
  }
  const trusted = /enabledCommands:\s*\[([^\]]*)\]/.exec(read('src/client/extension.ts'));
  assert.ok(trusted, 'extension.ts lists the commands hover links may run');
  for (const m of trusted[1]!.matchAll(/'(iisAuthLens\.[\w.]+)'/g)) handedOut.add(m[1]!);
  assert.ok(handedOut.size >= 8, `found ${[...handedOut].join(', ')}`);
  for (const id of handedOut)
    assert.ok(['public', 'internal'].includes(visibility(id) ?? ''), `${id} is handed to users but is ${visibility(id) ?? 'not in the table'}`);
});

void test('the e2e suite runs only commands of the table (or of the views), and uses every test hook', () => {
  const used = new Set<string>();
  for (const { text } of sources('test/e2e')) {
    for (const m of text.matchAll(/executeCommand(?:<[^>]*>)?\(\s*'(iisAuthLens\.[\w.]+)'/g)) used.add(m[1]!);
  }
  const views = Object.values(pkg.contributes.views).flatMap((v) => v.map((x) => x.id));
  for (const id of used) assert.ok(table.has(id) || views.some((v) => id === `${v}.focus`), `test/e2e runs ${id}, which is not in the table`);
  assert.deepEqual(
    COMMAND_IDS.filter((id) => COMMANDS[id].visibility === 'testHook' && !used.has(id)),
    [],
    'test hooks no e2e test uses',
  );
});
