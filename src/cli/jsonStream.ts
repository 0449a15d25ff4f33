// JSON written piece by piece, byte for byte what JSON.stringify(value, null, 2) gives: one string
// for the whole `analyze --json` document hit V8's string limit ("Invalid string length") on two
// logs with 300k findings each, and every file's result was lost with it. Containers down to
// `depth` levels are written member by member; below that each value is one JSON.stringify.
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Text of value at nesting `level` (indent 2 per level), containers streamed while level < depth. */
export function* jsonPieces(value: unknown, level: number, depth: number): Generator<string> {
  const pad = '  '.repeat(level);
  if (value !== null && typeof value === 'object' && level < depth && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    if (Array.isArray(value)) {
      if (value.length === 0) {
        yield '[]';
        return;
      }
      yield '[';
      for (let i = 0; i < value.length; i++) {
        yield `${i ? ',' : ''}\n${pad}  `;
        const v: unknown = value[i];
        // As JSON.stringify: undefined, functions and symbols in an array are null.
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') yield 'null';
        else yield* jsonPieces(v, level + 1, depth);
      }
      yield `\n${pad}]`;
      return;
    }
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      yield `${first ? '{' : ','}\n${pad}  ${JSON.stringify(k)}: `;
      first = false;
      yield* jsonPieces(v, level + 1, depth);
    }
    yield first ? '{}' : `\n${pad}}`;
    return;
  }
  const s = JSON.stringify(value, null, 2);
  yield level > 0 && s.includes('\n') ? s.replace(/\n/g, `\n${pad}`) : s;
}

/** Writes pieces in chunks of about 1 MB, waiting for 'drain' when the stream asks to. */
export class ChunkedWriter {
  private buf: string[] = [];
  private size = 0;
  constructor(
    private readonly out: Writable,
    private readonly chunk = 1 << 20,
  ) {}

  async write(piece: string): Promise<void> {
    this.buf.push(piece);
    this.size += piece.length;
    if (this.size >= this.chunk) await this.flush();
  }

  async writeAll(pieces: Iterable<string>): Promise<void> {
    for (const p of pieces) await this.write(p);
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const text = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (!this.out.write(text) && !this.out.writableEnded && !this.out.destroyed) await once(this.out, 'drain');
  }
}
