// LSP tests of the IIS W3C log features: semantic tokens, hover, diagnostics, CodeLens, outline,
// folding and the analyze-from-disk request, against the built server (`node esbuild.mjs`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import {
  WorkDoneProgress,
  type CodeLens,
  type Diagnostic,
  type DocumentSymbol,
  type FoldingRange,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { LspClient, decodeSemanticTokens, fileUri } from './lspClient';
import { FINDINGS, type FindingCode } from '../../src/core/findings';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'lsp');
const GEN = path.join(FIX, 'u_ex_generated_bad_bindings.log');
const BEATS = path.join(FIX, 'beats_three_layouts.log');
interface Truth {
  lines: number;
  requests: number;
  layouts: Array<{ line: number; fields: string }>;
  malformedLines: number[];
  findings: Record<string, number>;
  findingLines: Record<string, { count: number; first: number[] }>;
}
const truth = JSON.parse(fs.readFileSync(GEN.replace(/\.log$/, '.truth.json'), 'utf8')) as Truth;
const genText = fs.readFileSync(GEN, 'utf8');
const genLines = genText.split('\n').map((l) => l.replace(/\r$/, ''));
const GEN_URI = fileUri(GEN);

let c: LspClient;
// The small generated file spans a whole day, so the legs of one handshake are minutes apart:
// group them with a one-hour window (the setting iisAuthLens.handshake.windowSeconds).
before(async () => {
  c = await LspClient.start({ initializationOptions: { settings: { handshakeWindowSeconds: 3600 } } });
  await c.open(GEN_URI, 'iis-w3c-log', genText);
});
after(async () => {
  await c?.stop();
});

/** Column span of field `name` on a 1-based line, by reading the #Fields above it (independent of the server). */
function fieldSpan(line1: number, name: string): { start: number; end: number; text: string } {
  let fields: string[] = [];
  for (let l = line1 - 1; l >= 0; l--) {
    if (genLines[l]!.startsWith('#Fields:')) {
      fields = genLines[l]!.slice(8).trim().split(/\s+/);
      break;
    }
  }
  const idx = fields.indexOf(name);
  assert.ok(idx >= 0, `no ${name} in the #Fields above line ${line1}`);
  const text = genLines[line1 - 1]!;
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  for (let i = 0; (m = re.exec(text)); i++) if (i === idx) return { start: m.index, end: m.index + m[0].length, text: m[0] };
  throw new Error(`line ${line1} has no column ${idx}`);
}

void test('semantic tokens: the columns of a BAD_BINDINGS line get the types of their #Fields names', async () => {
  const legend = c.initializeResult.capabilities.semanticTokensProvider!.legend.tokenTypes;
  const line = truth.findingLines.BAD_BINDINGS!.first[0]!;
  const res = await c.semanticTokensRange(GEN_URI, { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 1000 } });
  const toks = decodeSemanticTokens(res!.data, legend);
  assert.ok(toks.length > 0);
  assert.ok(
    toks.every((t) => t.line === line - 1),
    'a range request returns only the lines in range',
  );
  const typeAt = (name: string): string | undefined => {
    const s = fieldSpan(line, name);
    return toks.find((t) => t.char === s.start && t.length === s.end - s.start)?.type;
  };
  assert.equal(typeAt('date'), 'iisDate');
  assert.equal(typeAt('time'), 'iisDate');
  assert.equal(typeAt('s-ip'), 'iisIp');
  assert.equal(typeAt('c-ip'), 'iisIp');
  assert.equal(typeAt('cs-method'), 'iisMethod');
  assert.equal(typeAt('cs-uri-stem'), 'iisUri');
  assert.equal(typeAt('cs-uri-query'), 'iisQuery');
  assert.equal(typeAt('sc-status'), 'iisStatusClientError');
  assert.equal(typeAt('sc-substatus'), 'iisStatusClientError');
  assert.equal(typeAt('sc-win32-status'), 'iisWin32Error');
  assert.equal(typeAt('cs-username'), undefined, 'the empty user "-" gets no token');
  assert.equal(typeAt('time-taken'), undefined);
});

void test('semantic tokens: full request covers every block, 2xx and win32 0 after the layout change', async () => {
  const legend = c.initializeResult.capabilities.semanticTokensProvider!.legend.tokenTypes;
  const toks = decodeSemanticTokens((await c.semanticTokens(GEN_URI))!.data, legend);
  // a 200 line in the third block (layout with cs-version, cs-host ... so sc-status moved)
  const l3 = truth.layouts[2]!.line;
  const okLine = genLines.findIndex((t, i) => i >= l3 && / 200 0 0 /.test(t) && /\d \S*\d$/.test(t) && !t.endsWith(' -')) + 1;
  assert.ok(okLine > l3);
  const st = fieldSpan(okLine, 'sc-status');
  assert.equal(st.text, '200');
  const w = fieldSpan(okLine, 'sc-win32-status');
  assert.equal(toks.find((t) => t.line === okLine - 1 && t.char === st.start)?.type, 'iisStatusOk');
  assert.equal(toks.find((t) => t.line === okLine - 1 && t.char === w.start)?.type, 'iisWin32Ok');
  const xff = fieldSpan(okLine, 'X-Forwarded-For');
  assert.equal(toks.find((t) => t.line === okLine - 1 && t.char === xff.start)?.type, 'iisIp');
  // users are coloured where present
  const userLine = genLines.findIndex((t, i) => i > 5 && /CONTOSO\\/.test(t)) + 1;
  const u = fieldSpan(userLine, 'cs-username');
  assert.equal(toks.find((t) => t.line === userLine - 1 && t.char === u.start)?.type, 'iisUser');
  // no token on directive lines
  for (const lay of truth.layouts) assert.ok(!toks.some((t) => t.line === lay.line - 1));
});

void test('hover on the win32 value of a 401 1 2148074310 line explains SEC_E_BAD_BINDINGS and the fixes', async () => {
  const line = truth.findingLines.BAD_BINDINGS!.first[0]!;
  const w = fieldSpan(line, 'sc-win32-status');
  assert.equal(w.text, '2148074310');
  const h = await c.hover(GEN_URI, { line: line - 1, character: w.start + 2 });
  const text = (h!.contents as MarkupContent).value;
  assert.match(text, /sc-win32-status/);
  assert.match(text, /SEC_E_BAD_BINDINGS/);
  assert.match(text, /0x80090346/);
  assert.match(text, /2148074310/);
  assert.match(text, /same certificate/i);
  assert.match(text, /ExchangeExtendedProtectionManagement\.ps1/);
  assert.deepEqual(h!.range, { start: { line: line - 1, character: w.start }, end: { line: line - 1, character: w.end } });

  const s = fieldSpan(line, 'sc-status');
  const hs = (await c.hover(GEN_URI, { line: line - 1, character: s.start }))!.contents as MarkupContent;
  assert.match(hs.value, /sc-status/);
  assert.match(hs.value, /401\.1/);
  assert.match(hs.value, /Unauthorized/);
});

void test('hover on other values, on #Fields names and on directives', async () => {
  const line = truth.findingLines.LOGON_DENIED!.first[0]!;
  const w = fieldSpan(line, 'sc-win32-status');
  const hw = ((await c.hover(GEN_URI, { line: line - 1, character: w.start }))!.contents as MarkupContent).value;
  assert.match(hw, /SEC_E_LOGON_DENIED/);
  assert.match(hw, /0x8009030C/i);
  const ip = fieldSpan(line, 'c-ip');
  const hi = ((await c.hover(GEN_URI, { line: line - 1, character: ip.start }))!.contents as MarkupContent).value;
  assert.match(hi, /c-ip/);
  assert.doesNotMatch(hi, /SEC_E_BAD_BINDINGS/);
  const fl = truth.layouts[0]!.line;
  const col = genLines[fl - 1]!.indexOf('sc-win32-status');
  const hf = await c.hover(GEN_URI, { line: fl - 1, character: col + 3 });
  assert.match((hf!.contents as MarkupContent).value, /sc-win32-status/);
  assert.deepEqual(hf!.range!.start, { line: fl - 1, character: col });
  const hd = ((await c.hover(GEN_URI, { line: 0, character: 2 }))!.contents as MarkupContent).value;
  assert.match(hd, /#Software/);
  // on the #Fields directive: the block's counts, with the block's own requests count and plural
  const hb = ((await c.hover(GEN_URI, { line: fl - 1, character: 2 }))!.contents as MarkupContent).value;
  const e1 = blockCounts(genLines)[0]!;
  assert.match(
    hb,
    new RegExp(
      `Block 1: ${e1.requests === 1 ? '1 request' : `${e1.requests.toLocaleString('en-US')} requests`} · ${e1.s401} × 401 · ${e1.bad} BAD_BINDINGS · `,
    ),
  );
  // between fields (a blank) there is nothing to say
  assert.equal(await c.hover(GEN_URI, { line: line - 1, character: w.start - 1 }), null);
});

void test('diagnostics: every finding of the known truth at its line, BAD_BINDINGS as errors on the win32 column', async () => {
  const ev = await c.waitForDiagnostics(GEN_URI, { predicate: (p) => p.diagnostics.length > 0 });
  const diags = ev.params.diagnostics;
  const linesOf = (code: string): number[] =>
    diags
      .filter((d) => d.code === code)
      .map((d) => d.range.start.line + 1)
      .sort((a, b) => a - b);
  assert.deepEqual(linesOf('BAD_BINDINGS'), truth.findingLines.BAD_BINDINGS!.first);
  assert.deepEqual(linesOf('LOGON_DENIED'), truth.findingLines.LOGON_DENIED!.first);
  assert.deepEqual(linesOf('INVALID_TOKEN'), truth.findingLines.INVALID_TOKEN!.first);
  assert.deepEqual(linesOf('MALFORMED_LINE'), truth.malformedLines);
  for (const d of diags) assert.equal(d.source, 'IIS Auth Lens');
  const bad = diags.filter((d) => d.code === 'BAD_BINDINGS');
  for (const d of bad) {
    assert.equal(d.severity, 1, 'BAD_BINDINGS is an error');
    const w = fieldSpan(d.range.start.line + 1, 'sc-win32-status');
    assert.deepEqual(d.range, { start: { line: d.range.start.line, character: w.start }, end: { line: d.range.start.line, character: w.end } });
  }
  // one severity per code, the findings table's, as the CLI JSON says it (1 error, 2 warning, 3 information)
  for (const d of diags.filter((x) => x.code === 'LOGON_DENIED')) assert.equal(d.severity, 2);
  for (const d of diags.filter((x) => x.code === 'INVALID_TOKEN')) assert.equal(d.severity, 1);
  for (const d of diags.filter((x) => x.code === 'MALFORMED_LINE')) assert.equal(d.severity, 2);
  const lsp = { error: 1, warning: 2, info: 3 } as const;
  for (const d of diags) assert.equal(d.severity, lsp[FINDINGS[d.code as FindingCode].severity], String(d.code));
  // the handshake legs are linked: the related lines are earlier 401s of the same client and URL
  const withLegs = bad.filter((d) => d.relatedInformation?.length);
  assert.ok(withLegs.length > 0, 'BAD_BINDINGS diagnostics link the legs of their handshake');
  for (const d of withLegs) {
    const l = d.range.start.line + 1;
    const ip = fieldSpan(l, 'c-ip').text;
    const uri = fieldSpan(l, 'cs-uri-stem').text;
    for (const r of d.relatedInformation!) {
      assert.equal(r.location.uri, GEN_URI);
      const rl = r.location.range.start.line + 1;
      assert.ok(rl < l, 'legs come before the failure');
      assert.equal(fieldSpan(rl, 'c-ip').text, ip);
      assert.equal(fieldSpan(rl, 'cs-uri-stem').text, uri);
      assert.equal(fieldSpan(rl, 'sc-status').text, '401');
    }
  }
});

/** Per block: requests (data lines that fit) and 401s, counted here by plain splitting. */
function blockCounts(lines: string[]): Array<{ fieldsLine: number; requests: number; s401: number; bad: number }> {
  const out: Array<{ fieldsLine: number; requests: number; s401: number; bad: number }> = [];
  let fields: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!;
    if (t.startsWith('#Fields:')) {
      fields = t.slice(8).trim().split(/\s+/);
      out.push({ fieldsLine: i + 1, requests: 0, s401: 0, bad: 0 });
      continue;
    }
    if (t.startsWith('#') || !t.trim() || !out.length) continue;
    const v = t.trim().split(/\s+/);
    if (v.length !== fields.length) continue;
    const b = out[out.length - 1]!;
    b.requests++;
    if (v[fields.indexOf('sc-status')] === '401') {
      b.s401++;
      if (['2148074310', '3221226331'].includes(v[fields.indexOf('sc-win32-status')]!)) b.bad++;
    }
  }
  return out;
}

void test('CodeLens on each #Fields line: requests, 401s, BAD_BINDINGS, top failing URL and client', async () => {
  const lenses = (await c.codeLens(GEN_URI)) as CodeLens[];
  const expected = blockCounts(genLines);
  // one lens per block with requests; a count that is zero is left out ("0 × 401 · 0 BAD_BINDINGS" is noise)
  assert.equal(lenses.length, expected.filter((e) => e.requests > 0).length);
  assert.ok(
    expected.some((e) => e.s401 > 0 && e.bad === 0),
    'the generated log has a block with 401s and no BAD_BINDINGS',
  );
  lenses.forEach((l, i) => {
    const e = expected[i]!;
    assert.equal(l.range.start.line, e.fieldsLine - 1);
    const title = l.command!.title;
    const head =
      (e.requests === 1 ? '1 request' : `${e.requests.toLocaleString('en-US')} requests`) +
      (e.s401 ? ` · ${e.s401.toLocaleString('en-US')} × 401` : '') +
      (e.bad ? ` · ${e.bad.toLocaleString('en-US')} BAD_BINDINGS` : '');
    assert.ok(title.startsWith(head + ' · ') || title === head, `${title} starts with ${head}`);
    assert.doesNotMatch(title, /(^|· )0 |\b1 (requests|findings)\b/);
    assert.equal(l.command!.command, 'iisAuthLens.showFindings');
    const args = l.command!.arguments![0] as { uri: string; block: number };
    assert.equal(args.uri, GEN_URI);
    assert.equal(args.block, i + 1);
    assert.deepEqual(JSON.parse(JSON.stringify(l.command!.arguments)), l.command!.arguments, 'arguments are plain JSON');
  });
  // two BAD_BINDINGS clients fail once each at mrsproxy.svc: the tie goes to the lower address
  assert.match(lenses[0]!.command!.title, /top failing: \/EWS\/mrsproxy\.svc from 40\.93\.149\.51/);
  // the quick pick's data: the findings of block 1 are exactly the findings between its lines
  const f1 = await c.request<Array<{ line: number; code: string }>>('iisAuthLens/findings', { uri: GEN_URI, block: 1 });
  assert.ok(f1.length > 0);
  assert.ok(f1.every((f) => f.line >= 1 && f.line < truth.layouts[1]!.line - 4));
  assert.ok(f1.some((f) => f.code === 'BAD_BINDINGS' && f.line === truth.findingLines.BAD_BINDINGS!.first[0]));
  // errors first (the findings table's order), and each with the range Problems shows: the value of its field
  assert.equal(f1[0]!.code, 'BAD_BINDINGS');
  const firstWarning = f1.findIndex((f) => f.code === 'HANDSHAKE_INCOMPLETE' || f.code === 'MALFORMED_LINE');
  assert.ok(firstWarning < 0 || f1.slice(firstWarning).every((f) => f.code !== 'BAD_BINDINGS' && f.code !== 'INVALID_TOKEN'));
  const ranged = f1 as Array<{ line: number; code: string; range?: { start: { line: number; character: number }; end: { line: number; character: number } } }>;
  for (const f of ranged.filter((x) => x.code === 'BAD_BINDINGS')) {
    const r = f.range!;
    assert.equal(r.start.line, f.line - 1);
    assert.ok(r.start.character > 0, 'not column 1');
    assert.match(genLines[f.line - 1]!.slice(r.start.character, r.end.character), /^(2148074310|3221226331)$/, 'the range is the sc-win32-status value');
  }
});

void test('outline and folding: one symbol and one fold per #Fields block (real file with three layouts)', async () => {
  const uri = fileUri(BEATS);
  const text = fs.readFileSync(BEATS, 'utf8');
  await c.open(uri, 'iis-w3c-log', text);
  const syms = (await c.symbols(uri)) as DocumentSymbol[];
  // each block named by the time of its requests, with its counts ("1 request", not "1 requests")
  assert.deepEqual(
    syms.map((s) => s.name),
    ['Block 1 · 2018-01-01 08:09:10', 'Block 2 · 2018-01-01 09:10:11', 'Block 3 · 2018-01-01 10:11:12'],
  );
  assert.deepEqual(
    syms.map((s) => s.detail),
    ['1 request · 15 fields', '1 request · 19 fields', '1 request · 2 findings · 22 fields'],
  );
  assert.deepEqual(
    syms[0]!.children!.map((ch) => ch.name),
    ['#Software', '#Version', '#Date', '#Fields'],
  );
  // the findings of a block are its children, at the field Problems marks
  assert.deepEqual(
    syms[2]!.children!.filter((ch) => !ch.name.startsWith('#')).map((ch) => ch.name),
    ['MALFORMED_LINE · line 16', 'MALFORMED_LINE · line 17'],
  );
  assert.deepEqual(
    syms.map((s) => [s.range.start.line, s.range.end.line]),
    [
      [0, 4],
      [5, 9],
      [10, 16],
    ],
  );
  const folds = (await c.folding(uri)) as FoldingRange[];
  const regions = folds.filter((f) => f.kind === 'region').map((f) => [f.startLine, f.endLine]);
  assert.deepEqual(regions, [
    [0, 4],
    [5, 9],
    [10, 16],
  ]);
  const diags = (await c.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.length > 0 })).params.diagnostics as Diagnostic[];
  assert.deepEqual(
    diags.filter((d) => d.code === 'MALFORMED_LINE').map((d) => d.range.start.line + 1),
    [16, 17],
  );
  await c.close(uri);
});

void test('edits: a changed document gets a new model (the BAD_BINDINGS line turned into a 200)', async () => {
  const uri = 'untitled:w3c-edit.log';
  const lines = genLines.slice(0, 40);
  await c.open(uri, 'iis-w3c-log', lines.join('\n'));
  const first = await c.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.some((d) => d.code === 'BAD_BINDINGS') });
  const before = first.params.diagnostics.filter((d) => d.code === 'BAD_BINDINGS').length;
  // an untitled IIS log (pasted lines) gets the W3C hover, not the generic error-text one
  const bl = truth.findingLines.BAD_BINDINGS!.first[0]!;
  const hv = ((await c.hover(uri, { line: bl - 1, character: fieldSpan(bl, 'sc-win32-status').start }))!.contents as MarkupContent).value;
  assert.match(hv, /^`sc-win32-status`/);
  const target = truth.findingLines.BAD_BINDINGS!.first[0]! - 1;
  lines[target] = lines[target]!.replace(' 401 1 2148074310 ', ' 200 0 0 ');
  const t = performance.now();
  await c.change(uri, 2, lines.join('\n'));
  const second = await c.waitForDiagnostics(uri, { after: t, predicate: (p) => p.diagnostics.filter((d) => d.code === 'BAD_BINDINGS').length === before - 1 });
  assert.ok(!second.params.diagnostics.some((d) => d.code === 'BAD_BINDINGS' && d.range.start.line === target));
  await c.close(uri);
});

void test('iisAuthLens/analyzeFile: a gzip log from disk with progress, counts equal the truth', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w3c-lsp-'));
  try {
    const gz = path.join(dir, 'u_ex261121.log.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(GEN)));
    const progress: Array<{ kind: string; percentage?: number }> = [];
    const sub = c.connection.onProgress(WorkDoneProgress.type, 'p1', (v) => {
      progress.push(v);
    });
    const r = await c.request<{
      kind: string;
      lines: number;
      requests: number;
      findingsTotal: number;
      summary: { findings: Record<string, number>; status: Record<string, number> };
      findings: Array<{ line: number; code: string }>;
      blocks: Array<{ fieldsLine: number; requests: number }>;
      error?: string;
    }>('iisAuthLens/analyzeFile', { path: gz, workDoneToken: 'p1', maxFindings: 3 });
    sub.dispose();
    assert.equal(r.error, undefined);
    assert.equal(r.kind, 'w3c');
    assert.equal(progress[0]?.kind, 'begin');
    assert.equal(progress.at(-1)?.kind, 'end');
    assert.equal(r.lines, truth.lines);
    assert.equal(r.requests, truth.requests);
    assert.equal(r.summary.findings.BAD_BINDINGS, truth.findings.BAD_BINDINGS);
    assert.equal(r.summary.findings.MALFORMED_LINE, truth.malformedLines.length);
    assert.equal(r.findings.length, 3, 'maxFindings caps the list');
    assert.ok(r.findingsTotal >= Object.values(truth.findings).reduce((a, b) => a + b, 0));
    assert.deepEqual(
      r.blocks.map((b) => b.fieldsLine),
      truth.layouts.map((l) => l.line),
    );
    assert.deepEqual(
      r.blocks.map((b) => b.requests),
      blockCounts(genLines).map((b) => b.requests),
    );

    const missing = await c.request<{ error?: string }>('iisAuthLens/analyzeFile', { path: path.join(dir, 'nope.log') });
    assert.match(missing.error!, /nope\.log/);
    const broken = path.join(dir, 'u_ex_broken.log.gz');
    fs.writeFileSync(broken, zlib.gzipSync(fs.readFileSync(GEN)).subarray(0, 2000));
    const br = await c.request<{ error?: string }>('iisAuthLens/analyzeFile', { path: broken });
    assert.match(br.error!, /u_ex_broken\.log\.gz.*(gzip|corrupt|truncated|end)/i);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('HTTPERR log: hover explains the HTTP.sys reason, tokens colour cs-uri and the 5xx status', async () => {
  const file = path.join(FIX, 'httperr_beats.log');
  const text = fs.readFileSync(file, 'utf8');
  const uri = fileUri(file);
  await c.open(uri, 'iis-w3c-log', text);
  const lines = text.split(/\r?\n/);
  const l = lines.findIndex((t) => t.includes(' ConnLimit '));
  const col = lines[l]!.indexOf('ConnLimit');
  const h = ((await c.hover(uri, { line: l, character: col + 2 }))!.contents as MarkupContent).value;
  assert.match(h, /s-reason/);
  assert.match(h, /connection limit/);
  const legend = c.initializeResult.capabilities.semanticTokensProvider!.legend.tokenTypes;
  const toks = decodeSemanticTokens((await c.semanticTokensRange(uri, { start: { line: l, character: 0 }, end: { line: l, character: 200 } }))!.data, legend);
  const at = (s: string): string | undefined => toks.find((t) => t.char === lines[l]!.indexOf(s))?.type;
  assert.equal(at('/qos/1kbfile.txt'), 'iisUri');
  assert.equal(toks.find((t) => t.char === lines[l]!.indexOf(' 503 ') + 1)?.type, 'iisStatusServerError');
  await c.close(uri);
});

void test('a lone CR inside a line (editors break there, the log does not): diagnostics and CodeLens land on the editor lines', async () => {
  const uri = 'untitled:w3c-lone-cr.log';
  const lines = genLines.slice(0, 80);
  const junk = 8; // 0-based line 8 (log line 9): a CR inside its user agent, so it still fits its #Fields
  lines[junk] = lines[junk]!.replace('Microsoft+Office', 'Microsoft\r+Office');
  assert.notEqual(lines[junk], genLines[junk]);
  await c.open(uri, 'iis-w3c-log', lines.join('\r\n'));
  const ev = await c.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.some((d) => d.code === 'BAD_BINDINGS') });
  const bad = ev.params.diagnostics.filter((d) => d.code === 'BAD_BINDINGS').map((d) => d.range.start.line + 1);
  // log lines after line 9 are one editor line further down
  assert.deepEqual(
    bad,
    truth.findingLines.BAD_BINDINGS!.first.filter((l) => l <= 80).map((l) => (l > junk + 1 ? l + 1 : l)),
  );
  assert.ok(!ev.params.diagnostics.some((d) => d.code === 'MALFORMED_LINE'), 'the line with the CR still fits');
  const lenses = (await c.codeLens(uri)) as CodeLens[];
  assert.deepEqual(
    lenses.map((l) => l.range.start.line + 1),
    truth.layouts.filter((l) => l.line <= 80).map((l) => (l.line > junk + 1 ? l.line + 1 : l.line)),
  );
  const line = truth.findingLines.BAD_BINDINGS!.first[0]! + 1;
  const col = lines[line - 2]!.indexOf(' 2148074310 ') + 1;
  const h = ((await c.hover(uri, { line: line - 1, character: col }))!.contents as MarkupContent).value;
  assert.match(h, /SEC_E_BAD_BINDINGS/);
  await c.close(uri);
});
