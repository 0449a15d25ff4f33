// FREB folder search: URL+status search (head/raw-text prefilter, full parse only of candidates)
// against the baseline of parsing every trace fully and filtering the parsed result, in one run on
// the same folder of generated traces. Target: search >= 3x faster.
//   npm run bench -- freb            (default: 5000 traces in <tmp>/iis-auth-lens-bench/W3SVC1, seed 7)
//   node --import tsx bench/freb.bench.ts --count 1000 --out DIR   (default: <tmp>/iis-auth-lens-bench/W3SVC1)
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listFrebFiles, searchFreb } from '../src/core/freb/frebSearch';
import { readFrebText, tryAnalyzeFreb } from '../src/core/freb/frebAnalyze';
import { analysisMatches, compileFilter, addFilterClause } from '../src/core/freb/frebFilter';
import { generateFreb } from '../test/support/frebGenerator';

function opt(name: string, def: string): string {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

async function main(): Promise<void> {
  const count = Number(opt('count', '5000'));
  const out = opt('out', path.join(os.tmpdir(), 'iis-auth-lens-bench', 'W3SVC1'));
  const truthFile = path.join(out, 'truth.json');
  const fresh = !existsSync(truthFile) || JSON.parse(readFileSync(truthFile, 'utf8')).count !== count;
  if (fresh) {
    generateFreb({ count, out, seed: 7 });
  }
  const files = await listFrebFiles(out);
  const filter = addFilterClause(addFilterClause({}, 'url=*/EWS/mrsproxy.svc'), 'status=401.1');
  const c = compileFilter(filter);

  // Warm the page cache so both sides read from memory.
  let bytes = 0;
  for (const f of files) bytes += readFileSync(f).length;

  const t0 = performance.now();
  const baseline: string[] = [];
  for (const f of files) {
    const r = tryAnalyzeFreb(await readFrebText(f), f);
    if ('analysis' in r && analysisMatches(c, r.analysis)) baseline.push(f);
  }
  const full = performance.now() - t0;

  const t1 = performance.now();
  const res = await searchFreb(out, filter);
  const search = performance.now() - t1;

  const got = res.matches.map((m) => m.path).sort();
  const same = JSON.stringify(got) === JSON.stringify(baseline.sort());
  const ratio = full / search;
  console.log(`freb: ${files.length} traces, ${(bytes / 1048576).toFixed(1)} MiB, filter url=*/EWS/mrsproxy.svc status=401.1 -> ${got.length} matches`);
  console.log(`  parse every file fully: ${full.toFixed(0)} ms (${(files.length / (full / 1000)).toFixed(0)} files/s)`);
  console.log(`  search with prefilter:  ${search.toFixed(0)} ms (${res.parsed} files fully parsed)`);
  console.log(`  ratio ${ratio.toFixed(1)}x (target >= 3x) ${ratio >= 3 ? 'OK' : 'BELOW TARGET'}; same matches: ${same ? 'yes' : 'NO'}`);
  if (!same || ratio < 3) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`freb bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
