// Fails when anything under src, test, bench or scripts reaches outside the repository: a path to
// the reference folder `shared` beside the repository, or an absolute path of one machine (the
// work, tmp or home folders at the root). Tests use test/fixtures and test/support, temporary files
// go under os.tmpdir(). System programs (/usr/bin/...) and Windows paths in test data are fine.
//   node scripts/check-standalone.mjs [ROOT]      (part of npm test; ROOT defaults to this repository)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2] ?? join(import.meta.dirname, '..');
const DIRS = ['src', 'test', 'bench', 'scripts'].filter((d) => existsSync(join(root, d)));
// test/fixtures holds real data (a log may name a folder of its server): data, not a dependency
// (and the check itself and its test, which plant such paths on purpose)
const SKIP = new Set(['test/fixtures', 'node_modules', 'scripts/check-standalone.mjs', 'test/integration/checkStandalone.test.ts']);
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|sh|py|json|md)$/;
const RULES = [
  { re: /\.\.[\\/]shared\b|['"]\.\.['"]\s*,\s*(['"]\.\.['"]\s*,\s*)*['"]shared['"]/, why: 'a path to ../shared' },
  { re: /(^|[\s'"`(=:,[])\/(work|home|root|mnt|opt|srv|media|Users)\//, why: 'an absolute path of one machine' },
  // a fixed temporary folder (os.tmpdir() instead: %TEMP% on Windows, and no clash between runs);
  // in a *.test.ts such a path is usually data (a hostile argument), and a test that really used one
  // would fail in CI's fresh clone anyway
  { re: /(^|[\s'"`(=:,[])\/(tmp|var\/tmp)\//, why: 'a fixed temporary folder', skip: (rel) => rel.endsWith('.test.ts') },
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const rel = relative(root, p).split('\\').join('/');
    if (SKIP.has(rel) || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) yield* files(p);
    else if (TEXT.test(name)) yield [p, rel];
  }
}

const problems = [];
let scanned = 0;
for (const d of DIRS) {
  for (const [p, rel] of files(join(root, d))) {
    scanned++;
    readFileSync(p, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const { re, why, skip } of RULES) if (!skip?.(rel) && re.test(line)) problems.push(`${rel}:${i + 1}: ${why}: ${line.trim().slice(0, 140)}`);
      });
  }
}
if (problems.length) {
  console.error(`check-standalone: ${problems.length} reference(s) outside the repository (use test/fixtures, test/support, docs/ or os.tmpdir()):`);
  for (const p of problems) console.error('  ' + p);
  process.exit(1);
}
console.log(`check-standalone: ${scanned} files under ${DIRS.join(', ')} name nothing outside the repository`);
