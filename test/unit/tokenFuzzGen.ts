// Seeded inputs for the token fuzzer (test/unit/tokenFuzz.test.ts, bench/fuzz.bench.ts): random
// bytes, random text, and mutations of valid tokens (bit flips, boundary bytes, truncation,
// insertion, length fields bumped) re-wrapped in the header forms decodeToken accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Seed {
  prefix: string;
  bytes: Buffer;
}

export function loadSeeds(): Seed[] {
  const j = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'tokens', 'fuzz-seeds.json'), 'utf8')) as { tokens: string[] };
  const out: Seed[] = [];
  for (const t of j.tokens) {
    const parts = t.split(' ');
    const token = parts.pop() as string;
    if (!/^[A-Za-z0-9+/=]+$/.test(token) || token.includes('.')) continue;
    out.push({ prefix: parts.length ? parts.join(' ') + ' ' : '', bytes: Buffer.from(token, 'base64') });
  }
  return out;
}

const PREFIXES = ['', 'NTLM ', 'Negotiate ', 'Kerberos ', 'Basic ', 'Bearer ', 'Authorization: Negotiate ', 'WWW-Authenticate: NTLM ', 'Negotiate+'];
const BOUNDARY = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, 0x30, 0x60, 0xa0, 0xa1];

function mutate(rnd: () => number, src: Buffer): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const op = Math.floor(rnd() * 7);
    const at = Math.floor(rnd() * Math.max(1, b.length));
    switch (op) {
      case 0:
        if (b.length) b[at] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1:
        if (b.length) b[at] = BOUNDARY[Math.floor(rnd() * BOUNDARY.length)];
        break;
      case 2:
        b = b.subarray(0, at);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(rnd() * 256)]), b.subarray(at)]);
        break;
      case 4:
        if (b.length > at + 1) {
          b.writeUInt16LE(Math.floor(rnd() * 65536), Math.min(at, b.length - 2));
        }
        break;
      case 5:
        if (b.length > 4) b = Buffer.concat([b, b.subarray(0, Math.floor(rnd() * b.length))]);
        break;
      default:
        if (b.length > at + 4) b.writeUInt32LE(Math.floor(rnd() * 2 ** 32), Math.min(at, b.length - 4));
    }
  }
  return b;
}

/** The i-th input of the stream (deterministic per rnd state). */
export function nextInput(rnd: () => number, seeds: Seed[]): string {
  const kind = rnd();
  if (kind < 0.7) {
    const s = seeds[Math.floor(rnd() * seeds.length)];
    const prefix = rnd() < 0.8 ? s.prefix : PREFIXES[Math.floor(rnd() * PREFIXES.length)];
    return prefix + mutate(rnd, s.bytes).toString('base64');
  }
  if (kind < 0.85) {
    const len = Math.floor(rnd() * 300);
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) b[i] = Math.floor(rnd() * 256);
    if (len > 8 && rnd() < 0.5) Buffer.from('NTLMSSP\0').copy(b, 0);
    return PREFIXES[Math.floor(rnd() * PREFIXES.length)] + b.toString('base64');
  }
  // Random text: punctuation, dots (JWT-like), quotes, header fragments, unicode.
  const alphabet = 'ABCxyz019+/=._-: "\'<>\r\n\tÄ€\u0000eyJ';
  const len = Math.floor(rnd() * 120);
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return PREFIXES[Math.floor(rnd() * PREFIXES.length)] + s;
}
