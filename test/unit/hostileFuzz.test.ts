// Every parser, and the language server's handlers called in-process, on the hostile generators
// (test/unit/hostileFuzzGen.ts): long runs of one character behind each format's prefix, deep
// nesting, huge counts. No exception may escape other than a parser's own format error, and no
// parser may grow faster than linearly: each input is screened at n and 4n, and a pair that grows
// more than ten-fold (and takes long enough to measure) is measured again properly
// (test/support/growth) before it fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { decodeToken, parseAuthText } from '../../src/core/authHeader';
import { parseHcwLog } from '../../src/core/hcw/hcwLog';
import { explainText } from '../../src/core/explain/explainText';
import { FrebFormatError, scanFreb } from '../../src/core/freb/frebScan';
import { analyzeFrebText } from '../../src/core/freb/frebAnalyze';
import { analyzeW3cBuffer } from '../../src/core/w3c/w3cAnalyze';
import { compileGlob } from '../../src/core/glob';
import { FrebFilterError, addFilterClause, compileFilter, textMayMatch } from '../../src/core/freb/frebFilter';
import { tokenHoverMarkdown } from '../../src/server/features/authTokenHover';
import { matchesOf } from '../../src/server/features/errorTextShared';
import { hcwLogOf } from '../../src/server/features/hcwDocument';
import { frebDiagnostics } from '../../src/server/features/frebDiagnostics';
import { frebHover } from '../../src/server/features/frebHover';
import { w3cAnalysis } from '../../src/server/features/w3cModelCache';
import { w3cDiagnostics } from '../../src/server/features/w3cDiagnostics';
import { w3cHoverAt } from '../../src/server/features/w3cHover';
import { w3cFoldingRanges } from '../../src/server/features/w3cFolding';
import { allHostileInputs, type HostileInput } from './hostileFuzzGen';
import { assertSubQuadratic, cpuTimed } from '../support/growth';

interface Parser {
  name: string;
  run(text: string): unknown;
  /** Errors that are the parser's answer to bad input, not a crash. */
  expected?(e: unknown): boolean;
}

let docs = 0;
const doc = (name: string, languageId: string, text: string): TextDocument => TextDocument.create(`file:///fuzz/${docs++}/${name}`, languageId, 1, text);
const middle = (d: TextDocument) => d.positionAt(Math.floor(d.getText().length / 2));
const frebFilter = compileFilter(addFilterClause(addFilterClause({}, 'header=X-Forwarded-For:*52.*'), 'url=*/EWS/*'));

const PARSERS: Parser[] = [
  { name: 'decodeToken', run: (t) => decodeToken(t) },
  { name: 'parseAuthText', run: (t) => parseAuthText(t) },
  { name: 'parseHcwLog', run: (t) => parseHcwLog(t) },
  { name: 'explainText', run: (t) => explainText(t, { all: true }) },
  { name: 'scanFreb', run: (t) => scanFreb(t), expected: (e) => e instanceof FrebFormatError },
  { name: 'analyzeFrebText', run: (t) => analyzeFrebText(t, 'fr000001.xml') },
  { name: 'analyzeW3cBuffer', run: (t) => analyzeW3cBuffer(Buffer.from(t)) },
  { name: 'glob on the text', run: (t) => compileGlob('*a*EWS*?x').test(t) },
  { name: 'glob of the text', run: (t) => compileGlob(t.slice(0, 2000)).test(t) },
  { name: 'filter clause', run: (t) => addFilterClause({}, `header=${t.slice(0, 2000)}`), expected: (e) => e instanceof FrebFilterError },
  { name: 'filter prefilter', run: (t) => textMayMatch(frebFilter, t) },
  { name: 'server: token hover', run: (t) => tokenHoverMarkdown(t) },
  { name: 'server: error texts', run: (t) => matchesOf(doc('a.txt', 'plaintext', t)) },
  { name: 'server: HCW log', run: (t) => hcwLogOf(doc('HybridConfiguration.log', 'hcw-log', t)) },
  {
    name: 'server: FREB diagnostics and hover',
    run: (t) => {
      const d = doc('fr000001.xml', 'xml', t);
      return [frebDiagnostics(d), frebHover(d, middle(d))];
    },
  },
  {
    name: 'server: W3C analysis, diagnostics, hover, folding',
    run: (t) => {
      const d = doc('u_ex261121.log', 'iis-w3c', t);
      const a = w3cAnalysis(d, 120);
      return [w3cDiagnostics(a, d.uri), w3cHoverAt(a, middle(d)), w3cFoldingRanges(a)];
    },
  },
];

function timed(p: Parser, g: HostileInput, text: string): number {
  return cpuTimed(() => {
    try {
      p.run(text);
    } catch (e) {
      if (!p.expected?.(e)) assert.fail(`${p.name} on ${g.name} (${text.length} characters) threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }).ms;
}

const N = 3000;

for (const p of PARSERS) {
  void test(`hostile fuzz: ${p.name} survives every generator in linear time`, () => {
    const inputs = allHostileInputs();
    assert.ok(inputs.length > 200);
    let confirmed = 0;
    for (const g of inputs) {
      const small = g.make(N);
      const large = g.make(4 * N);
      const t1 = timed(p, g, small);
      const t4 = timed(p, g, large);
      // Screening only: a suspicious pair is measured again properly before it counts.
      if (t4 > 8 && t4 > 8 * Math.max(t1, 0.5)) {
        confirmed++;
        assertSubQuadratic(
          `${p.name} on ${g.name}`,
          (n) => g.make(n),
          (t) => {
            try {
              p.run(t);
            } catch {
              /* measured above */
            }
          },
          N,
          { maxN: 64 * N, minMs: 15 },
        );
      }
    }
    assert.ok(confirmed < inputs.length / 4, `${confirmed} inputs needed a second measurement`);
  });
}
