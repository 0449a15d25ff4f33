import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compact, compactPhrase, isWhitespaceCode } from '../../src/core/explain/compactText';

/** The definition: every character that is not `\s`, with its offset. */
function naive(original: string): { text: string; offsets: number[] } {
  const offsets: number[] = [];
  let text = '';
  for (let i = 0; i < original.length; i++) {
    if (/\s/.test(original[i]!)) continue;
    text += original[i];
    offsets.push(i);
  }
  return { text, offsets };
}

function assertSame(original: string, label: string): void {
  const want = naive(original);
  const got = compact(original);
  assert.equal(got.text, want.text, `${label}: text`);
  for (let ci = 0; ci < want.offsets.length; ci++) assert.equal(got.originalOffset(ci), want.offsets[ci], `${label}: offset of compact ${ci}`);
}

void test('isWhitespaceCode is exactly the \\s of JavaScript regular expressions (every code unit)', () => {
  for (let c = 0; c <= 0xffff; c++) assert.equal(isWhitespaceCode(c), /\s/.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
});

void test('compact: the text without whitespace and the offset of each character, on real error texts', () => {
  const dir = join(__dirname, '..', 'fixtures', 'explain');
  for (const f of ['mrs-move-request-error.en.txt', 'mrs-move-request-error.de.txt', 'mrs-move-request-error.wrapped80.txt', 'hcw-article-flattened.txt']) {
    assertSame(readFileSync(join(dir, f), 'utf8'), f);
  }
});

void test('compact: edge cases and seeded random mixes of every whitespace kind, surrogates and BOMs', () => {
  for (const s of ['', ' ', '   ', 'a', ' a', 'a ', '  a  b  ', '\uFEFFa\u3000b\u2028', 'a\r\n\tb\u00A0\u1680c', '\uD83D\uDE00 \uD800 x'])
    assertSame(s, JSON.stringify(s));
  const alphabet = ['a', 'Z', '0', "'", '\u2019', ' ', '\t', '\r', '\n', '\u00A0', '\u2003', '\u202F', '\uFEFF', '\uD83D', '\uDE00', 'ä'];
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 300; k++) {
    let s = '';
    const len = rnd(200);
    for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)];
    assertSame(s, `random ${k}`);
  }
});

void test('compactPhrase: whitespace dropped, quotes of any kind, regex characters escaped', () => {
  const re = new RegExp(compactPhrase("scheme 'Negotiate'. (401)"));
  assert.ok(re.test(compact('scheme \u2018Nego\n  tiate\u2019. (401)').text));
  assert.ok(!re.test(compact('scheme Negotiate. 401').text));
});
