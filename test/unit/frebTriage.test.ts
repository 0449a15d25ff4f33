// FREB search triage: the row model (user, client / X-Forwarded-For, channel-binding state of the
// NTLM AUTHENTICATE, win32 name) against the fixtures' ground truth and the generator's, the
// worst-first order, the CSV export (RFC 4180 quoting, read back by a parser), and Copy Matches
// creating the destination and taking freb.xsl along.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateFreb, type FrebFileTruth } from '../support/frebGenerator';
import { copyFrebMatches, searchFreb, toMatch, type FrebMatch } from '../../src/core/freb/frebSearch';
import { tryAnalyzeFreb } from '../../src/core/freb/frebAnalyze';
import { compareTriage, csvField, FREB_CSV_COLUMNS, frebMatchesCsv, frebTriage, parseCsv, triageRank } from '../../src/core/freb/frebTriage';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'freb');
const GEN = path.join(FIX, 'generated');
const genTruth = (JSON.parse(fs.readFileSync(path.join(GEN, 'truth.json'), 'utf8')) as { files: FrebFileTruth[] }).files;
let dir = '';
let truth: FrebFileTruth[] = [];

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freb-triage-'));
  truth = generateFreb({ count: 300, out: path.join(dir, 'W3SVC1'), seed: 11 }).files;
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What a row must say, from the generator's truth. */
function expectedRow(t: FrebFileTruth): { user: string | null; client: string; xff: string | null; cbt: string | null } {
  const n = t.authorization?.ntlm;
  const tokenUser = n && n.messageType === 3 && n.user ? `${n.domain}\\${n.user}` : null;
  return {
    user: t.user || tokenUser,
    client: t.clientIp,
    xff: t.case === 'bad-bindings' ? t.clientIp : null,
    cbt: n && n.messageType === 3 ? (n.channelBindingsState ?? 'absent') : null,
  };
}

void test('rows of the fixture traces: user, client, X-Forwarded-For, CBT state, win32 name = truth', async () => {
  const r = await searchFreb(GEN, {});
  assert.deepEqual(r.errors, []);
  assert.equal(r.matches.length, genTruth.length);
  for (const t of genTruth) {
    const m = r.matches.find((x) => path.basename(x.path) === t.file);
    assert.ok(m, t.file);
    const e = expectedRow(t);
    assert.deepEqual({ user: m.user, client: m.client, xff: m.xff, cbt: m.cbt }, e, t.file);
    assert.equal(m.clientIp, t.clientIp);
    assert.equal(m.userSource, t.user ? 'iis' : e.user ? 'token' : null, t.file);
  }
  const bad = r.matches.find((m) => m.path.endsWith('fr000047.bad-bindings.xml'))!;
  assert.equal(bad.user, 'CONTOSO\\svc-migration');
  assert.equal(bad.cbt, 'present');
  assert.equal(bad.channelBindings, 'c941b0913ede52bda3ea2503fae3bcf7');
  assert.equal(bad.codeName, 'SEC_E_BAD_BINDINGS');
  // The names come from the failure event or, without a finding, from the win32 table.
  assert.equal(r.matches.find((m) => m.path.endsWith('logon-denied.xml'))!.codeName, 'SEC_E_LOGON_DENIED');
  assert.equal(r.matches.find((m) => m.path.endsWith('challenge.xml'))!.codeName, 'SEC_E_NO_CREDENTIALS');
  assert.equal(r.matches.find((m) => m.path.endsWith('success-slow.xml'))!.codeName, null);
});

void test('worst first on the fixtures: BAD_BINDINGS, the other errors, then 5xx, other failures, success last', async () => {
  const r = await searchFreb(GEN, {});
  const order = r.matches.map((m) => path.basename(m.path));
  assert.equal(order[0], 'fr000047.bad-bindings.xml');
  assert.deepEqual(new Set(order.slice(1, 3)), new Set(['fr000009.logon-denied.xml', 'fr000043.invalid-token.xml']));
  assert.equal(order[3], 'fr000017.server-error.xml');
  assert.deepEqual(new Set(order.slice(4, 6)), new Set(['fr000001.challenge.xml', 'fr000004.anonymous.xml']));
  assert.equal(order[6], 'fr000016.success-slow.xml');
});

void test('generated folder (300 traces): every row agrees with the truth, ranks never go back, newest first within a rank', async () => {
  const r = await searchFreb(path.join(dir, 'W3SVC1'), {});
  assert.equal(r.matches.length, truth.length);
  const byName = new Map(truth.map((t) => [t.file, t]));
  for (const m of r.matches) {
    const t = byName.get(path.basename(m.path))!;
    const e = expectedRow(t);
    assert.deepEqual({ user: m.user, client: m.client, xff: m.xff, cbt: m.cbt }, e, t.file);
  }
  const ranks = r.matches.map(triageRank);
  for (let k = 1; k < ranks.length; k++) {
    assert.ok(ranks[k - 1]! <= ranks[k]!, `rank order at ${k}`);
    if (ranks[k - 1] === ranks[k]) assert.ok(r.matches[k - 1]!.timeMs! >= r.matches[k]!.timeMs!, `newest first at ${k}`);
  }
  const nBad = truth.filter((t) => t.case === 'bad-bindings').length;
  assert.ok(nBad > 0);
  assert.ok(r.matches.slice(0, nBad).every((m) => m.findings.includes('BAD_BINDINGS')));
  assert.ok(!r.matches.slice(nBad).some((m) => m.findings.includes('BAD_BINDINGS')));
  assert.equal(r.matches.filter((m) => triageRank(m) === 5).length, truth.filter((t) => t.statusCode < 400 && !t.win32Status).length);
});

/** The fixture's bad-bindings trace with its AUTHENTICATE rewritten by `edit` (and headers by `hdr`). */
function variant(edit: (token: Buffer) => void, hdr?: (text: string) => string): FrebMatch {
  let text = fs.readFileSync(path.join(GEN, 'fr000047.bad-bindings.xml'), 'utf8');
  let edited = 0;
  text = text.replace(/(Authorization: (?:NTLM|Negotiate) )([A-Za-z0-9+/=]+)/, (_all, pre: string, b64: string) => {
    const tok = Buffer.from(b64, 'base64');
    edit(tok);
    edited++;
    return pre + tok.toString('base64');
  });
  assert.equal(edited, 1, 'the AUTHENTICATE was rewritten');
  if (hdr) text = hdr(text);
  const r = tryAnalyzeFreb(text, 'variant.xml');
  assert.ok('analysis' in r);
  return toMatch(r.analysis);
}

/** Offset of the MsvAvChannelBindings AV pair (AvId 0x000A, AvLen 16) in an AUTHENTICATE. */
function cbPair(tok: Buffer): number {
  for (let k = 0; k + 20 <= tok.length; k++) {
    if (tok.readUInt16LE(k) === 0x0a && tok.readUInt16LE(k + 2) === 16 && tok.subarray(k + 4, k + 20).toString('hex') === 'c941b0913ede52bda3ea2503fae3bcf7')
      return k;
  }
  throw new Error('no MsvAvChannelBindings in the token');
}

void test('CBT state from the token decoder: present, zero, absent, malformed', () => {
  assert.equal(variant(() => undefined).cbt, 'present');
  const zero = variant((t) => t.fill(0, cbPair(t) + 4, cbPair(t) + 20));
  assert.equal(zero.cbt, 'zero');
  assert.equal(zero.channelBindings, null);
  // AvId 0x000A renamed to an id MS-NLMP does not define: no channel bindings at all.
  assert.equal(variant((t) => t.writeUInt16LE(0x00fe, cbPair(t))).cbt, 'absent');
  // A zero-length MsvAvChannelBindings followed by an unknown pair that takes up the 16 bytes.
  const malformed = variant((t) => {
    const k = cbPair(t);
    t.writeUInt16LE(0, k + 2);
    t.writeUInt16LE(0x00fe, k + 4);
    t.writeUInt16LE(12, k + 6);
  });
  assert.equal(malformed.cbt, 'malformed');
  // No AUTHENTICATE (a NEGOTIATE leg, or anonymous): no CBT state.
  const r = tryAnalyzeFreb(fs.readFileSync(path.join(GEN, 'fr000001.challenge.xml'), 'utf8'), 'c.xml');
  assert.ok('analysis' in r);
  assert.equal(frebTriage(r.analysis).cbt, null);
});

void test('client: the first X-Forwarded-For address behind a proxy, the TCP peer kept apart', () => {
  const m = variant(
    () => undefined,
    (text) => text.replace(/X-Forwarded-For: [^\n]*/, 'X-Forwarded-For: 203.0.113.7, 10.0.0.5'),
  );
  assert.equal(m.xff, '203.0.113.7, 10.0.0.5');
  assert.equal(m.client, '203.0.113.7');
  assert.equal(m.clientIp, '52.101.62.174');
  const noXff = variant(
    () => undefined,
    (text) => text.replace(/X-Forwarded-For: [^\n]*\n/, ''),
  );
  assert.equal(noXff.xff, null);
  assert.equal(noXff.client, '52.101.62.174');
});

void test('real IIS traces (plechenko, alulab): rows have a client and a time, the authenticated user wins', async () => {
  const r = await searchFreb(path.join(FIX, 'plechenko'), {});
  assert.deepEqual(r.errors, []);
  assert.ok(r.matches.length >= 7);
  for (const m of r.matches) {
    assert.ok(m.client && m.client === m.clientIp, `${m.path}: client ${m.client}`);
    assert.ok(m.time, m.path);
  }
  const win = r.matches.find((m) => m.path.endsWith('fr000034.auth-200-windows.xml'))!;
  assert.equal(win.userSource, 'iis');
  assert.ok(win.user && win.user.length > 0);
  assert.equal(triageRank(win), 5);
  assert.ok(triageRank(r.matches.find((m) => m.path.endsWith('fr000035.config-500-19.xml'))!) < triageRank(win));
  const alu = await searchFreb(path.join(FIX, 'alulab'), {});
  assert.equal(alu.matches.length, 1);
  assert.ok(alu.matches[0]!.client);
});

void test('compareTriage is a total order (ties broken by path)', () => {
  const row = (p: string, findings: FrebMatch['findings'], statusCode: number | null, timeMs: number | null) => ({
    path: p,
    findings,
    statusCode,
    win32Status: null,
    timeMs,
  });
  const rows = [
    row('b', [], 200, 5),
    row('a', [], 200, 5),
    row('c', ['LOGON_DENIED'], 401, 1),
    row('d', ['BAD_BINDINGS'], 401, 0),
    row('e', [], 500, null),
    row('f', [], 404, 9),
  ];
  assert.deepEqual(
    [...rows].sort(compareTriage).map((r) => r.path),
    ['d', 'c', 'e', 'f', 'a', 'b'],
  );
});

void test('CSV fields: RFC 4180 quoting of commas, quotes, CR/LF; formulas defused; empty for null', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\rlf'), '"cr\rlf"');
  assert.equal(csvField(' padded '), '" padded "');
  assert.equal(csvField(null), '');
  assert.equal(csvField(401), '401');
  assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
  assert.equal(csvField('@cmd'), "'@cmd");
});

void test('CSV export of a search: header, one row per match in the order shown, hostile values round-trip', async () => {
  const r = await searchFreb(GEN, {});
  const csv = frebMatchesCsv(r.matches);
  assert.ok(csv.endsWith('\r\n'));
  const rows = parseCsv(csv);
  assert.deepEqual(rows[0], [...FREB_CSV_COLUMNS]);
  assert.equal(rows.length, r.matches.length + 1);
  for (const [k, m] of r.matches.entries()) {
    const row = rows[k + 1]!;
    assert.equal(row.length, FREB_CSV_COLUMNS.length);
    assert.equal(row[0], m.path);
    assert.equal(row[1], m.time ?? '');
    assert.equal(row[3], m.statusCode === null ? '' : String(m.statusCode));
    assert.equal(row[7], m.user ?? '');
    assert.equal(row[8], m.client ?? '');
    assert.equal(row[10], m.cbt ?? '');
    assert.equal(row[11], m.timeTaken === null ? '' : String(m.timeTaken));
  }
  const bad = rows[1]!;
  assert.deepEqual(bad.slice(3, 11), ['401', '1', '0x80090346', 'SEC_E_BAD_BINDINGS', 'CONTOSO\\svc-migration', '52.101.62.174', '52.101.62.174', 'present']);
  // Values an attacker controls (URL, user, header) with every character CSV must quote.
  const hostile = { ...r.matches[0]!, path: 'C:\\logs\\a,b.xml', url: 'https://x/a?b="1",c\r\nd', user: 'CONTOSO\\"evil", user', xff: '1.2.3.4,\n5.6.7.8' };
  const back = parseCsv(frebMatchesCsv([hostile]));
  assert.equal(back.length, 2);
  assert.equal(back[1]![0], hostile.path);
  assert.equal(back[1]![2], hostile.url);
  assert.equal(back[1]![7], hostile.user);
  assert.equal(back[1]![9], hostile.xff);
});

void test('Copy Matches creates a missing destination and takes freb.xsl from the searched folder when the trace folder has none', async () => {
  const root = path.join(dir, 'root');
  const sub = path.join(root, 'W3SVC2');
  fs.mkdirSync(sub, { recursive: true });
  fs.copyFileSync(path.join(GEN, 'fr000047.bad-bindings.xml'), path.join(sub, 'fr000047.xml'));
  fs.writeFileSync(path.join(root, 'freb.xsl'), '<xsl:stylesheet version="1.0"/>');
  const dest = path.join(dir, 'new', 'deeper', 'out');
  const c = await copyFrebMatches([path.join(sub, 'fr000047.xml')], dest, [root]);
  assert.equal(c.created, true);
  assert.equal(c.stylesheet, true);
  assert.equal(c.stylesheetSource, path.join(root, 'freb.xsl'));
  assert.equal(fs.readFileSync(path.join(dest, 'freb.xsl'), 'utf8'), '<xsl:stylesheet version="1.0"/>');
  assert.deepEqual(c.copied, [path.join(dest, 'fr000047.xml')]);
  // Again into the now existing folder: not created; the trace folder's own freb.xsl wins.
  fs.writeFileSync(path.join(sub, 'freb.xsl'), '<xsl:stylesheet version="1.0"><!-- W3SVC2 --></xsl:stylesheet>');
  const again = await copyFrebMatches([path.join(sub, 'fr000047.xml')], dest, [root]);
  assert.equal(again.created, false);
  assert.equal(again.stylesheetSource, path.join(sub, 'freb.xsl'));
  // No freb.xsl anywhere: said so.
  const lone = path.join(dir, 'lone');
  fs.mkdirSync(lone);
  fs.copyFileSync(path.join(GEN, 'fr000047.bad-bindings.xml'), path.join(lone, 'fr1.xml'));
  const none = await copyFrebMatches([path.join(lone, 'fr1.xml')], path.join(dir, 'none'));
  assert.equal(none.stylesheet, false);
  assert.equal(none.stylesheetSource, null);
});
