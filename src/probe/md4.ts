// MD4 (RFC 1320). Node's OpenSSL 3 moved MD4 into the legacy provider, so NTOWFv2 needs our own.
// Only used on passwords (a few bytes), so clarity beats speed here.

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

export function md4(input: Uint8Array): Buffer {
  const bitLen = input.length * 8;
  const padLen = ((input.length + 8) >> 6) * 64 + 64; // message + 0x80 + zeros + 8-byte length, multiple of 64
  const msg = Buffer.alloc(padLen);
  msg.set(input, 0);
  msg[input.length] = 0x80;
  msg.writeUInt32LE(bitLen >>> 0, padLen - 8);
  msg.writeUInt32LE(Math.floor(bitLen / 0x100000000) >>> 0, padLen - 4);

  let a = 0x67452301,
    b = 0xefcdab89,
    c = 0x98badcfe,
    d = 0x10325476;
  const x = new Array<number>(16);
  const F = (p: number, q: number, r: number): number => (p & q) | (~p & r);
  const G = (p: number, q: number, r: number): number => (p & q) | (p & r) | (q & r);
  const H = (p: number, q: number, r: number): number => p ^ q ^ r;

  for (let off = 0; off < padLen; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = msg.readUInt32LE(off + i * 4);
    const aa = a,
      bb = b,
      cc = c,
      dd = d;
    // Round 1
    for (const k of [0, 4, 8, 12]) {
      a = rotl((a + F(b, c, d) + x[k]) | 0, 3);
      d = rotl((d + F(a, b, c) + x[k + 1]) | 0, 7);
      c = rotl((c + F(d, a, b) + x[k + 2]) | 0, 11);
      b = rotl((b + F(c, d, a) + x[k + 3]) | 0, 19);
    }
    // Round 2
    for (const k of [0, 1, 2, 3]) {
      a = rotl((a + G(b, c, d) + x[k] + 0x5a827999) | 0, 3);
      d = rotl((d + G(a, b, c) + x[k + 4] + 0x5a827999) | 0, 5);
      c = rotl((c + G(d, a, b) + x[k + 8] + 0x5a827999) | 0, 9);
      b = rotl((b + G(c, d, a) + x[k + 12] + 0x5a827999) | 0, 13);
    }
    // Round 3
    for (const k of [0, 2, 1, 3]) {
      a = rotl((a + H(b, c, d) + x[k] + 0x6ed9eba1) | 0, 3);
      d = rotl((d + H(a, b, c) + x[k + 8] + 0x6ed9eba1) | 0, 9);
      c = rotl((c + H(d, a, b) + x[k + 4] + 0x6ed9eba1) | 0, 11);
      b = rotl((b + H(c, d, a) + x[k + 12] + 0x6ed9eba1) | 0, 15);
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  out.writeInt32LE(a, 0);
  out.writeInt32LE(b, 4);
  out.writeInt32LE(c, 8);
  out.writeInt32LE(d, 12);
  return out;
}
