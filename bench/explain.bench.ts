// explain speed, all measured in this run on the same inputs:
//   baseline  what a quick script does: collapse whitespace once, then one case-insensitive regex
//             per known phrase / code (finds texts, but no lines, times, URLs or wrapped words)
//   ours      explainText(): whitespace-free view with offset map, every recogniser, entries,
//             times and endpoint URLs
// Inputs: 8 MB of pasted MRS/HCW error output (dense matches), a 16 MB IIS log (no matches),
// and a 1 MB single hostile line (quotes, half phrases, digits). Target: linear, ours within a
// small factor of the baseline, the hostile line well under a second.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { explainText } from '../src/core/explain/explainText';
import { generateIisLog } from '../test/support/iisLogGenerator';

const FIX = join(__dirname, '..', 'test', 'fixtures', 'explain');

const PHRASES = [
  /The HTTP request is unauthorized with client authentication scheme '[^']*'\. The authentication header received from the server was '[^']*'/gi,
  /Die HTTP-Anforderung ist beim Clientauthentifizierungsschema "[^"]*" nicht autorisiert/gi,
  /net\.tcp:\/\/[^\s:]+:9821\/Microsoft\.Exchange\.MailboxReplicationService/gi,
  /\(401\) (Unauthorized|Nicht autorisiert)/gi,
  /channel bindings were incorrect/gi,
  /\b(2148074310|2148074248|2148074252|2148074254|3221226331|0x80090346|0xC000035B|SEC_E_[A-Z_]+)\b/gi,
];

function baseline(text: string): number {
  const flat = text.replace(/\s+/g, ' ');
  let n = 0;
  for (const re of PHRASES) {
    re.lastIndex = 0;
    n += flat.match(re)?.length ?? 0;
  }
  return n;
}

function time(f: () => number, runs = 3): { ms: number; n: number } {
  let best = Infinity;
  let n = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    n = f();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, n };
}

function report(name: string, text: string): void {
  const mb = Buffer.byteLength(text) / 1048576;
  const b = time(() => baseline(text));
  const o = time(() => explainText(text).length);
  console.log(
    `${name.padEnd(28)} ${mb.toFixed(1).padStart(5)} MB  baseline ${b.ms.toFixed(0).padStart(6)} ms (${b.n} hits)  ours ${o.ms.toFixed(0).padStart(6)} ms (${o.n} matches, ${(mb / (o.ms / 1000)).toFixed(1)} MB/s)  ours/baseline ${(o.ms / b.ms).toFixed(2)}`,
  );
}

const errors = [
  readFileSync(join(FIX, 'mrs-move-request-error.en.txt'), 'utf8'),
  readFileSync(join(FIX, 'mrs-move-request-error.de.txt'), 'utf8'),
  readFileSync(join(FIX, 'hcw-article-flattened.txt'), 'utf8'),
  readFileSync(join(FIX, 'mrs-move-request-error.wrapped80.txt'), 'utf8'),
].join('\n\n');
report('pasted error output', errors.repeat(Math.ceil((8 * 1048576) / errors.length)));

{
  const out = join(tmpdir(), 'explain-bench-u_ex.log');
  if (!existsSync(out)) generateIisLog({ size: '16M', out, seed: 3 });
  report('IIS log (16 MB)', readFileSync(out, 'utf8'));
}

const chunk =
  "The HTTP request is unauthorized with client authentication scheme 'Negotiate'. The authentication header received from the server was '" +
  "'".repeat(40) +
  '2148074310x' +
  '9'.repeat(100) +
  ' ';
report('hostile 1 MB line', chunk.repeat(Math.ceil(1048576 / chunk.length)));
