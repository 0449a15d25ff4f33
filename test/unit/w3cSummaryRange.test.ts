// The directives in force at a range start (headerBefore) are read piece by piece into a reused
// buffer: any piece size gives what one read of the whole look-back window gives; read backwards
// to the last #Fields (directivesSinceLastFields), they rebuild the state a whole reading has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directivesSinceLastFields, headerBefore } from '../../src/core/w3c/w3cSummaryRange';
import { W3cScanner } from '../../src/core/w3c/w3cScanner';

const fixtures = join(__dirname, '..', 'fixtures', 'w3c');

/** The directive lines of the window as one string split (the reference). */
function reference(data: Buffer, at: number, lookback: number): string[] {
  const from = Math.max(0, at - lookback);
  const lines = data.subarray(from, at).toString('utf8').split('\n');
  if (from > 0)
    lines.shift(); // a partial first line
  else if (lines[0]!.charCodeAt(0) === 0xfeff) lines[0] = lines[0]!.slice(1);
  const dirs = lines.filter((l) => l.startsWith('#')).map((l) => l.replace(/\r$/, ''));
  if (from === 0) return dirs;
  const head: string[] = [];
  for (const l of data
    .subarray(0, Math.min(1 << 16, from))
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')) {
    if (l.startsWith('#')) head.push(l.replace(/\r$/, ''));
    else if (l !== '') break;
  }
  return [...head, ...dirs];
}

void test('headerBefore: every piece size and look-back gives the directives of the window, in order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'header-before-'));
  try {
    const lnav = readFileSync(join(fixtures, 'lnav-eleven-header-blocks.log'));
    const bom = join(dir, 'bom.log');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), lnav]));
    for (const file of [join(fixtures, 'lnav-eleven-header-blocks.log'), join(fixtures, 'beats-three-layouts.log'), bom]) {
      const data = readFileSync(file);
      const fd = openSync(file, 'r');
      try {
        let checked = 0;
        for (let at = 1; at < data.length; at = data.indexOf(10, at + Math.max(17, Math.floor(data.length / 60))) + 1 || data.length) {
          if (data[at - 1] !== 10) continue;
          for (const lookback of [37, 1000, 8000, 1 << 20]) {
            const want = reference(data, at, lookback);
            for (const piece of [7, 64, 4096, 1 << 20])
              assert.deepEqual(headerBefore(fd, at, lookback, Buffer.alloc(piece)), want, `${file} at ${at}, look-back ${lookback}, pieces of ${piece}`);
            checked++;
          }
        }
        assert.ok(checked > 20, `${file}: ${checked} positions`);
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('directivesSinceLastFields: read backwards to the last #Fields, the lines rebuild the state a whole reading has at every line start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'since-fields-'));
  try {
    const lnav = readFileSync(join(fixtures, 'lnav-eleven-header-blocks.log'));
    const bom = join(dir, 'bom.log');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), lnav]));
    const state = (lines: Buffer): string => {
      const sc = new W3cScanner({ onRecord: () => undefined, onMalformed: () => undefined });
      sc.push(lines);
      return sc.directiveState();
    };
    for (const file of [join(fixtures, 'lnav-eleven-header-blocks.log'), join(fixtures, 'beats-three-layouts.log'), bom]) {
      const data = readFileSync(file);
      const fd = openSync(file, 'r');
      try {
        let checked = 0;
        for (let at = data.indexOf(10) + 1; at > 0 && at < data.length; at = data.indexOf(10, at) + 1) {
          const want = state(data.subarray(0, at));
          const hasFields = data.subarray(0, at).includes('#Fields');
          // pieces down to 33 bytes: the backward reads overlap by 8, a '#Fields' cut at a piece start is found whole
          for (const piece of [33, 4096, 1 << 20]) {
            const got = directivesSinceLastFields(fd, at, Buffer.alloc(piece));
            if (!hasFields) {
              assert.equal(got, null, `${file} at ${at}: no #Fields before it`);
              continue;
            }
            assert.ok(got, `${file} at ${at}`);
            assert.equal(state(Buffer.from(got.join('\n') + '\n')), want, `${file} at ${at}, pieces of ${piece}`);
          }
          checked++;
        }
        assert.ok(checked > 10, `${file}: ${checked} positions`);
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
