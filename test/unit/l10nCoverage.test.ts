// The German UI is complete: every string passed to vscode.l10n.t / @vscode/l10n's t in src has a
// translation in l10n/bundle.l10n.de.json, and every package.nls key has a German twin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';

const root = join(__dirname, '..', '..');

void test('every l10n.t string in src has a German translation', async () => {
  const files = readdirSync(join(root, 'src'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'));
  const source = await getL10nJson(files.map((f) => ({ extension: '.ts', contents: readFileSync(join(root, 'src', f), 'utf8') })));
  const de = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.de.json'), 'utf8')) as Record<string, string>;
  const keys = Object.keys(source);
  assert.ok(keys.length > 100, `found ${keys.length} strings`);
  const missing = keys.filter((k) => !(k in de));
  assert.deepEqual(missing, []);
  // placeholders survive translation
  for (const k of keys) {
    const ph = (s: string): string[] => (s.match(/\{\d+\}/g) ?? []).sort();
    assert.deepEqual(ph(de[k]!), ph(k), `placeholders of ${JSON.stringify(k)}`);
  }
});

void test('package.nls.de.json translates every package.nls.json key', () => {
  const en = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const de = JSON.parse(readFileSync(join(root, 'package.nls.de.json'), 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
  const pkg = readFileSync(join(root, 'package.json'), 'utf8');
  for (const m of pkg.matchAll(/"%([^%"]+)%"/g)) assert.ok(m[1]! in en, `package.json uses %${m[1]}% which package.nls.json lacks`);
});
