import { test } from 'node:test';
import assert from 'node:assert/strict';
import { md4 } from '../../src/probe/md4';

// RFC 1320 appendix A.5 test suite.
const vectors: Array<[string, string]> = [
  ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
  ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
  ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
  ['message digest', 'd9130a8164549fe818874806e1c7014b'],
  ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
  ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
];

for (const [input, hex] of vectors) {
  void test(`MD4("${input.length > 20 ? input.slice(0, 20) + '...' : input}") per RFC 1320`, () => {
    assert.equal(md4(Buffer.from(input, 'ascii')).toString('hex'), hex);
  });
}

void test('MD4 of the UTF-16LE password "Password" is the MS-NLMP 4.2.2.1.2 NT hash', () => {
  assert.equal(md4(Buffer.from('Password', 'utf16le')).toString('hex'), 'a4f49c406510bdcab6824ee7c30fd852');
});

void test('MD4 across block boundaries (55, 56, 63, 64, 65 bytes) differs and is stable', () => {
  const seen = new Set<string>();
  for (const n of [55, 56, 63, 64, 65, 119, 120]) {
    const h = md4(Buffer.alloc(n, 0x61)).toString('hex');
    assert.match(h, /^[0-9a-f]{32}$/);
    assert.ok(!seen.has(h));
    seen.add(h);
  }
});
