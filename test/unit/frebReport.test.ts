// The report model the webview renders: every event once in tree order with depths and durations,
// the failure flagged, headers with the token decoded, the channel-binding hint for BAD_BINDINGS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tryAnalyzeFreb, frebSummaryLine } from '../../src/core/freb/frebAnalyze';
import { buildFrebReportModel } from '../../src/core/freb/frebReportModel';
import { buildEventTree } from '../../src/core/freb/frebTree';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'freb');
const truth = JSON.parse(fs.readFileSync(path.join(FIX, 'generated', 'truth.json'), 'utf8')).files as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

function model(rel: string): ReturnType<typeof buildFrebReportModel> {
  const p = path.join(FIX, rel);
  const r = tryAnalyzeFreb(fs.readFileSync(p, 'utf8'), p);
  assert.ok('analysis' in r);
  return buildFrebReportModel(r.analysis, path.basename(p));
}

void test('bad bindings: failure first with the client channel bindings, decoded AUTHENTICATE, all events once', () => {
  const t = truth.find((x) => x.case === 'bad-bindings')!;
  const m = model(path.join('generated', t.file));
  assert.equal(m.summary, `POST /EWS/mrsproxy.svc -> 401.1 SEC_E_BAD_BINDINGS (0x80090346) · ${t.timeTaken} ms · NTLM`);
  assert.equal(m.failure?.line, t.failureEvent.eventStartLine);
  assert.ok(m.failure?.bindingsHint?.includes(t.authorization.ntlm.channelBindings));
  // the report is the editor's: it names the editor's command and the host its button compares with, not the CLI
  assert.match(m.failure!.bindingsHint!, /Check Channel Bindings Against Certificate with mail\.contoso\.test:443/);
  assert.doesNotMatch(m.failure!.bindingsHint!, /iis-auth-lens/);
  assert.equal(m.failure?.bindingsTarget, 'mail.contoso.test:443');
  assert.deepEqual(
    m.events.map((e) => e.index).sort((a, b) => a - b),
    Array.from({ length: t.events }, (_, k) => k),
  );
  assert.equal(m.events.filter((e) => e.isFailure).length, 1);
  const auth = m.requestHeaders.find((h) => h.name === 'Authorization')!;
  assert.equal(auth.line, t.authorizationHeaderLine);
  assert.match(auth.auth!, /^NTLM AUTHENTICATE \(type 3\)/);
  const d = Object.fromEntries(auth.details);
  assert.equal(d.User, `CONTOSO\\${t.authorization.ntlm.user}`);
  assert.equal(d['SPN (MsvAvTargetName)'], 'HTTP/mail.contoso.test');
  assert.equal(d['Channel bindings'], `present ${t.authorization.ntlm.channelBindings}`);
  assert.ok(m.request.some(([k, v]) => k === 'Client address' && v === t.clientIp));
});

void test('challenge leg: NEGOTIATE in Negotiate, no finding, no bindings hint', () => {
  const m = model(path.join('generated', 'fr000001.challenge.xml'));
  assert.deepEqual(m.findings, []);
  assert.equal(m.failure?.codeName, 'SEC_E_NO_CREDENTIALS');
  assert.equal(m.failure?.bindingsHint, null);
  assert.equal(m.failure?.bindingsTarget, null);
  assert.match(m.requestHeaders.find((h) => h.name === 'Authorization')!.auth!, /^NTLM NEGOTIATE \(type 1\)/);
});

void test('real Windows-auth trace: SPNEGO-wrapped empty local-call AUTHENTICATE; the tree pairs START/END with durations', () => {
  const m = model(path.join('plechenko', 'fr000034.auth-200-windows.xml'));
  assert.equal(m.failure, null);
  const auth = m.requestHeaders.find((h) => h.name === 'Authorization')!;
  assert.equal(auth.auth, 'NTLM AUTHENTICATE (type 3) in Negotiate');
  const d = Object.fromEntries(auth.details);
  assert.equal(d.SPNEGO?.startsWith('accept-incomplete'), true);
  assert.match(d.Flags, /NTLMSSP_NEGOTIATE_LOCAL_CALL/);
  assert.equal(d.User, undefined, 'empty user and domain are not shown as a backslash');
  const req = m.events[0];
  assert.equal(req.name, 'GENERAL_REQUEST_START');
  assert.equal(req.depth, 0);
  assert.equal(req.durationMs, m.events[m.events.length - 1].offsetMs, 'request START..END duration = offset of the END');
  assert.equal(m.events[m.events.length - 1].name, 'GENERAL_REQUEST_END');
  assert.ok(m.events.some((e) => e.name === 'AUTH_SUCCEEDED' && e.depth >= 2));
});

void test('two requests in one trace: the child request nests inside the first, both END events close their START', () => {
  const p = path.join(FIX, 'plechenko', 'fr000001.xml');
  const r = tryAnalyzeFreb(fs.readFileSync(p, 'utf8'), p);
  assert.ok('analysis' in r);
  const roots = buildEventTree(r.analysis.trace.events);
  assert.equal(roots.length, 1);
  assert.equal(roots[0].end?.name, 'GENERAL_REQUEST_END');
  const inner: string[] = [];
  const walk = (ns: typeof roots): void =>
    ns.forEach((n) => {
      if (n.event.name === 'GENERAL_REQUEST_START') inner.push(n.end?.name ?? 'unclosed');
      walk(n.children);
    });
  walk(roots[0].children);
  assert.deepEqual(inner, ['GENERAL_REQUEST_END']);
  assert.equal(frebSummaryLine(r.analysis), 'GET / -> 200 · 15 ms · Anonymous');
});
