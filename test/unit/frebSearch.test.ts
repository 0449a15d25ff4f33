// FREB folder search: every filter against generator truth, the prefilter never losing a match,
// errors reported (not skipped), cancel, and "copy matches to folder".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateFreb } from '../support/frebGenerator';
import { copyFrebMatches, searchFreb, analyzeFrebFileFiltered, listFrebFiles } from '../../src/core/freb/frebSearch';
import { addFilterClause, frebFilterFromArgs, FrebFilterError, type FrebFilter } from '../../src/core/freb/frebFilter';
import { compileGlob } from '../../src/core/glob';
import { compareTriage } from '../../src/core/freb/frebTriage';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'freb');
let dir = '';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let truth: any[] = [];

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freb-search-'));
  const w3 = path.join(dir, 'W3SVC1');
  truth = generateFreb({ count: 200, out: w3, seed: 5 }).files;
  fs.writeFileSync(path.join(w3, 'freb.xsl'), '<xsl:stylesheet/>');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function expected(pred: (t: any) => boolean): string[] {
  return truth
    .filter(pred)
    .map((t) => t.file)
    .sort();
}
async function found(filter: FrebFilter): Promise<string[]> {
  const r = await searchFreb(path.join(dir, 'W3SVC1'), filter);
  assert.deepEqual(r.errors, []);
  return r.matches.map((m) => path.basename(m.path)).sort();
}
const stem = (u: string): string => new URL(u).pathname;

void test('URL glob like the article (*/EWS/mrsproxy.svc) and a path glob, case-insensitive', async () => {
  const exp = expected((t) => t.url.endsWith('/EWS/mrsproxy.svc'));
  assert.ok(exp.length > 0);
  assert.deepEqual(await found({ url: '*/EWS/mrsproxy.svc' }), exp);
  assert.deepEqual(await found({ url: '/ews/MRSPROXY.svc' }), exp);
  assert.deepEqual(
    await found({ url: '/EWS/*' }),
    expected((t) => stem(t.url).startsWith('/EWS/')),
  );
});

void test('status and status.substatus', async () => {
  assert.deepEqual(
    await found(addFilterClause({}, 'status=401.1')),
    expected((t) => t.statusCode === 401 && t.subStatusCode === 1),
  );
  assert.deepEqual(
    await found(addFilterClause({}, 'status=401')),
    expected((t) => t.statusCode === 401),
  );
  assert.deepEqual(
    await found(addFilterClause({}, 'status=500,401.2')),
    expected((t) => t.statusCode === 500 || (t.statusCode === 401 && t.subStatusCode === 2)),
  );
});

void test('win32 in hex and decimal; only parsed where the raw text has the code', async () => {
  const exp = expected((t) => t.win32Status === 2148074310);
  const r = await searchFreb(path.join(dir, 'W3SVC1'), addFilterClause({}, 'win32=0x80090346'));
  assert.deepEqual(r.matches.map((m) => path.basename(m.path)).sort(), exp);
  assert.equal(r.parsed, exp.length, 'the raw-text stage dropped every other file');
  assert.ok(r.matches.every((m) => m.codeName === 'SEC_E_BAD_BINDINGS' && m.findings[0] === 'BAD_BINDINGS' && m.failureLine !== null));
  assert.deepEqual(
    await found(addFilterClause({}, 'win32=2148074252')),
    expected((t) => t.win32Status === 2148074252),
  );
});

void test('header name and header value glob', async () => {
  assert.deepEqual(
    await found(addFilterClause({}, 'header=X-Forwarded-For')),
    expected((t) => t.case === 'bad-bindings'),
  );
  const ip = truth.find((t) => t.case === 'bad-bindings')?.clientIp as string;
  assert.deepEqual(
    await found(addFilterClause({}, `header=x-forwarded-for:${ip}`)),
    expected((t) => t.case === 'bad-bindings' && t.clientIp === ip),
  );
  assert.deepEqual(
    await found(addFilterClause({}, 'header=Authorization:NTLM *')),
    expected((t) => t.authorization?.scheme === 'NTLM'),
  );
});

void test('time range on the request start; results worst first (compareTriage)', async () => {
  const r = await searchFreb(path.join(dir, 'W3SVC1'), {});
  assert.equal(r.matches.length, truth.length);
  assert.deepEqual(r.matches, [...r.matches].sort(compareTriage));
  const times = r.matches.map((m) => m.timeMs!).sort((a, b) => a - b);
  const mid = times[Math.floor(times.length / 2)];
  const from = new Date(mid).toISOString();
  const later = await searchFreb(path.join(dir, 'W3SVC1'), addFilterClause({}, `from=${from}`));
  assert.equal(later.matches.length, times.filter((t) => t >= mid).length);
  const both = await searchFreb(path.join(dir, 'W3SVC1'), addFilterClause(addFilterClause({}, `from=${new Date(times[0]).toISOString()}`), `to=${from}`));
  assert.equal(both.matches.length, times.filter((t) => t <= mid).length);
});

void test('combined filter equals the intersection; analyzeFrebFileFiltered agrees with the search', async () => {
  const { filter, rest } = frebFilterFromArgs(['--json', '--filter', 'url=*/EWS/mrsproxy.svc', '--filter=status=401.1', 'W3SVC1']);
  assert.deepEqual(rest, ['--json', 'W3SVC1']);
  const exp = expected((t) => t.url.endsWith('/EWS/mrsproxy.svc') && t.statusCode === 401 && t.subStatusCode === 1);
  assert.deepEqual(await found(filter!), exp);
  const files = await listFrebFiles(path.join(dir, 'W3SVC1'));
  const kept: string[] = [];
  for (const f of files) {
    const e = await analyzeFrebFileFiltered(f, filter!);
    if (e) kept.push(path.basename(e.path));
  }
  assert.deepEqual(kept.sort(), exp);
});

void test('bad filters are usage errors naming the clause', () => {
  assert.throws(
    () => addFilterClause({}, 'status=4O1'),
    (e: unknown) => e instanceof FrebFilterError && /status=4O1.*not a status/.test(e.message),
  );
  assert.throws(() => addFilterClause({}, 'win32=0xZZ'), /not a 32-bit code/);
  assert.throws(() => addFilterClause({}, 'color=red'), /unknown key "color"/);
  assert.throws(() => addFilterClause({}, 'from=yesterday'), /not a date\/time/);
  assert.throws(() => addFilterClause({}, 'url'), /expected KEY=VALUE/);
  assert.throws(() => frebFilterFromArgs(['--filter']), /--filter needs KEY=VALUE/);
  assert.ok(compileGlob('*/a.b?').test('x/A.bc'));
  assert.ok(!compileGlob('*/a.b').test('x/aXb'));
});

void test('broken and hostile files in the folder are reported as errors, the others still searched', async () => {
  const d = path.join(dir, 'mixed');
  fs.mkdirSync(d);
  fs.copyFileSync(path.join(FIX, 'generated', 'fr000047.bad-bindings.xml'), path.join(d, 'fr000001.xml'));
  fs.writeFileSync(path.join(d, 'fr000002.xml'), '');
  fs.writeFileSync(path.join(d, 'fr000003.xml'), fs.readFileSync(path.join(FIX, 'generated', 'fr000047.bad-bindings.xml'), 'utf8').slice(0, 20000));
  fs.writeFileSync(path.join(d, 'notes.txt'), 'not a trace');
  const r = await searchFreb(d, {});
  assert.equal(r.files, 3);
  assert.deepEqual(
    r.matches.map((m) => path.basename(m.path)),
    ['fr000001.xml'],
  );
  assert.equal(r.errors.length, 2);
  assert.match(r.errors.find((e) => e.path.endsWith('fr000002.xml'))!.error, /empty file/);
  assert.match(r.errors.find((e) => e.path.endsWith('fr000003.xml'))!.error, /truncated/);
});

void test('cancel stops the search and says so; progress is reported', async () => {
  const ac = new AbortController();
  const seen: number[] = [];
  const r = await searchFreb(
    path.join(dir, 'W3SVC1'),
    {},
    {
      signal: ac.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        seen.push(p.done);
        if (p.done >= 3) ac.abort();
      },
    },
  );
  assert.equal(r.cancelled, true);
  assert.ok(r.matches.length < truth.length);
  assert.ok(seen.length >= 3);
  assert.equal(seen[seen.length - 1], r.matches.length);
});

void test('copy matches to a folder (created), with freb.xsl, collisions prefixed, never onto itself', async () => {
  const src = path.join(dir, 'W3SVC1');
  const r = await searchFreb(src, { url: '*/EWS/mrsproxy.svc' });
  const dest = path.join(dir, 'filter', 'out');
  const c = await copyFrebMatches(
    r.matches.map((m) => m.path),
    dest,
  );
  assert.equal(c.copied.length, r.matches.length);
  assert.equal(c.stylesheet, true);
  assert.ok(fs.existsSync(path.join(dest, 'freb.xsl')));
  for (const m of r.matches) assert.deepEqual(fs.readFileSync(path.join(dest, path.basename(m.path))), fs.readFileSync(m.path));
  const w2 = path.join(dir, 'W3SVC2');
  fs.mkdirSync(w2);
  const first = r.matches[0].path;
  fs.copyFileSync(first, path.join(w2, path.basename(first)));
  const dest2 = path.join(dir, 'both');
  const c2 = await copyFrebMatches([first, path.join(w2, path.basename(first))], dest2);
  assert.deepEqual(c2.copied.map((p) => path.basename(p)).sort(), [`W3SVC1_${path.basename(first)}`, `W3SVC2_${path.basename(first)}`]);
  const self = await copyFrebMatches([first], src);
  assert.deepEqual(self.copied, []);
  assert.deepEqual(self.errors, []);
});
