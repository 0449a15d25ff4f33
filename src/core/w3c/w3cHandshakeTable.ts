// The open NTLM/Negotiate handshakes of a W3C log while it is read: one group per (c-ip,
// cs-uri-stem) key, found by a hash of the key's bytes without building a string on the hot path,
// kept in arrival order for the sweep, and reused once closed (no allocation per handshake on a
// busy log). What a leg is and when a group ends is w3cRules.ts's; W3cAnalyzer decides.
import type { W3cRecord } from './w3cScanner';

/** Lines kept per handshake (the legs a finding relates). */
export const MAX_LEGS = 64;
const TABLE_SIZE = 1 << 15;
const TABLE_MASK = TABLE_SIZE - 1;

export interface OpenGroup {
  /** 32-bit hash of the key bytes; `keyBuf` = c-ip bytes, a space, cs-uri-stem bytes. */
  hash: number;
  keyBuf: Buffer;
  /** Bytes of the key in keyBuf (groups are reused: keyBuf may be longer). */
  keyLen: number;
  ipLen: number;
  ipHash: number;
  /** Next group with the same hash (collisions). */
  next: OpenGroup | null;
  /** Neighbours in the list of all open groups (a sweep walks the open groups, not the table). */
  prevOpen: OpenGroup | null;
  nextOpen: OpenGroup | null;
  /** Lines of the legs (only when findings are kept: counting needs none). */
  legs: number[] | null;
  legCount: number;
  lastTime: number;
  sspi: boolean;
  /** The last leg, kept cheap (no object per leg): strings are built only when the group becomes a finding. */
  lastLine: number;
  lastEpoch: number;
  lastUser: string | null;
  lastSub: number;
  lastWin32: number;
}

export class HandshakeTable {
  /** Open groups. */
  count = 0;
  /** The oldest open group; the others follow through nextOpen (a sweep ends them in the order they began). */
  head: OpenGroup | null = null;
  private tail: OpenGroup | null = null;
  /** Open groups in buckets by key hash, chained through `next` (no strings, no Map churn on the hot path). */
  private readonly table: (OpenGroup | null)[] = new Array<OpenGroup | null>(TABLE_SIZE).fill(null);
  /** Closed groups to reuse. */
  private readonly pool: OpenGroup[] = [];
  /** How many open groups per hash bucket of the client IP: lets most lines skip building a key. */
  private readonly ipBuckets = new Int32Array(65536);

  /** @param collect whether groups keep the lines of their legs (only when findings are kept). */
  constructor(private readonly collect: boolean) {}

  /** False when no open group has a client IP in this bucket (hashToken of c-ip): the line needs no key. */
  mayHaveIp(ipHash: number): boolean {
    return this.ipBuckets[ipHash] > 0;
  }

  /** The open group of the record's (c-ip, cs-uri-stem), `h` being keyHash of them. */
  find(rec: W3cRecord, ipI: number, uriI: number, h: number): OpenGroup | null {
    let g = this.table[h & TABLE_MASK];
    while (g && !(g.hash === h && keyEquals(g, rec, ipI, uriI))) g = g.next;
    return g;
  }

  /** Opens a group for the record's key at time t (no legs yet). */
  add(rec: W3cRecord, ipI: number, uriI: number, h: number, t: number): OpenGroup {
    let g: OpenGroup;
    const ipHash = hashToken(rec, ipI);
    const b = rec.buf;
    const ipOk = ipI >= 0 && ipI < rec.count,
      uriOk = uriI >= 0 && uriI < rec.count;
    const is = ipOk ? rec.starts[ipI] : 0,
      ie = ipOk ? rec.ends[ipI] : 0;
    const us = uriOk ? rec.starts[uriI] : 0,
      ue = uriOk ? rec.ends[uriI] : 0;
    const keyLen = ie - is + 1 + ue - us;
    const reuse = this.pool.pop();
    const keyBuf = reuse && reuse.keyBuf.length >= keyLen ? reuse.keyBuf : Buffer.allocUnsafe(Math.max(keyLen, 64));
    let o = 0;
    for (let p = is; p < ie; p++) keyBuf[o++] = b[p];
    keyBuf[o++] = 32;
    for (let p = us; p < ue; p++) keyBuf[o++] = b[p];
    const next = this.table[h & TABLE_MASK];
    if (reuse) {
      g = reuse;
      g.hash = h;
      g.keyBuf = keyBuf;
      g.keyLen = keyLen;
      g.ipLen = ie - is;
      g.ipHash = ipHash;
      g.next = next;
      g.prevOpen = null;
      g.nextOpen = null;
      g.legs = this.collect ? [] : null;
      g.legCount = 0;
      g.lastTime = t;
      g.sspi = false;
      g.lastLine = 0;
      g.lastEpoch = NaN;
      g.lastUser = null;
      g.lastSub = -1;
      g.lastWin32 = -1;
    } else {
      g = {
        hash: h,
        keyBuf,
        keyLen,
        ipLen: ie - is,
        ipHash,
        next,
        prevOpen: null,
        nextOpen: null,
        legs: this.collect ? [] : null,
        legCount: 0,
        lastTime: t,
        sspi: false,
        lastLine: 0,
        lastEpoch: NaN,
        lastUser: null,
        lastSub: -1,
        lastWin32: -1,
      };
    }
    this.table[h & TABLE_MASK] = g;
    g.prevOpen = this.tail;
    if (this.tail) this.tail.nextOpen = g;
    else this.head = g;
    this.tail = g;
    this.count++;
    this.ipBuckets[ipHash]++;
    return g;
  }

  close(g: OpenGroup): void {
    const slot = g.hash & TABLE_MASK;
    const head = this.table[slot];
    if (head === g) {
      this.table[slot] = g.next;
    } else {
      let p = head;
      while (p && p.next !== g) p = p.next;
      if (p) p.next = g.next;
    }
    g.next = null;
    if (g.prevOpen) g.prevOpen.nextOpen = g.nextOpen;
    else this.head = g.nextOpen;
    if (g.nextOpen) g.nextOpen.prevOpen = g.prevOpen;
    else this.tail = g.prevOpen;
    g.prevOpen = null;
    g.nextOpen = null;
    this.count--;
    this.ipBuckets[g.ipHash]--;
    if (this.pool.length < 1024) this.pool.push(g);
  }

  /** The open groups, oldest first. */
  all(): OpenGroup[] {
    const out: OpenGroup[] = [];
    for (let g = this.head; g; g = g.nextOpen) out.push(g);
    return out;
  }
}

/** FNV-1a of c-ip bytes, a space, cs-uri-stem bytes, folded to 30 bits. */
export function keyHash(rec: W3cRecord, ipI: number, uriI: number): number {
  const b = rec.buf;
  let h = 0x811c9dc5;
  if (ipI >= 0 && ipI < rec.count) for (let p = rec.starts[ipI], e = rec.ends[ipI]; p < e; p++) h = Math.imul(h ^ b[p], 16777619);
  h = Math.imul(h ^ 32, 16777619);
  if (uriI >= 0 && uriI < rec.count) for (let p = rec.starts[uriI], e = rec.ends[uriI]; p < e; p++) h = Math.imul(h ^ b[p], 16777619);
  return h & 0x3fffffff; // a small integer: Map keys without a boxed number
}

/** A token's text without its W3C quotes (IIS Advanced Logging quotes c-ip and strings), as W3cRecord.str gives it. */
export function unquoteW3c(t: string): string {
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

function keyEquals(g: OpenGroup, rec: W3cRecord, ipI: number, uriI: number): boolean {
  const k = g.keyBuf,
    b = rec.buf;
  const is = ipI >= 0 && ipI < rec.count ? rec.starts[ipI] : 0,
    ie = ipI >= 0 && ipI < rec.count ? rec.ends[ipI] : 0;
  const us = uriI >= 0 && uriI < rec.count ? rec.starts[uriI] : 0,
    ue = uriI >= 0 && uriI < rec.count ? rec.ends[uriI] : 0;
  if (ie - is !== g.ipLen || ue - us !== g.keyLen - g.ipLen - 1) return false;
  for (let i = 0; i < g.ipLen; i++) if (k[i] !== b[is + i]) return false;
  for (let i = 0, o = g.ipLen + 1; i < ue - us; i++) if (k[o + i] !== b[us + i]) return false;
  return true;
}

/**
 * 16-bit hash of token i from its length and its last four bytes (where client addresses differ):
 * a quick filter before the full key is hashed, read on every line.
 */
export function hashToken(rec: W3cRecord, i: number): number {
  if (i < 0 || i >= rec.count) return 0;
  const b = rec.buf;
  const s = rec.starts[i],
    e = rec.ends[i],
    n = e - s;
  if (n <= 0) return 0;
  const w = n >= 4 ? b[e - 1] | (b[e - 2] << 8) | (b[e - 3] << 16) | (b[e - 4] << 24) : b[e - 1] | (b[s] << 8);
  const h = Math.imul(w ^ Math.imul(n, 0x9e3779b1), 0x85ebca6b);
  return (h ^ (h >>> 16)) & 0xffff;
}
