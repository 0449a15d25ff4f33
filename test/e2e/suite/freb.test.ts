// FREB in the real extension host: the CodeLens story and the BAD_BINDINGS diagnostic on a trace,
// the report webview renders (and is photographed), "Show failing event" moves the cursor, and
// "Find FREB traces..." fills the results view.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { getExtensionApi, openFixture, screenshot, waitFor, workspaceRoot } from '../util';

const TRACE = 'fr000017_bad_bindings.xml';

/** 1-based line of the <Event> that holds the ErrorCode 2148074310 (computed from the text itself). */
function failureEventLine(text: string): number {
  const lines = text.split(/\r?\n/);
  const code = lines.findIndex((l) => l.includes('<Data Name="ErrorCode">2148074310</Data>'));
  assert.ok(code > 0, 'the fixture carries ErrorCode 2148074310');
  for (let k = code; k >= 0; k--) if (/^<Event[\s>]/.test(lines[k])) return k + 1;
  throw new Error('no <Event> before the ErrorCode line');
}

interface ReportState {
  uri: string;
  title: string;
  rendered: { events: number; failure: boolean; summary?: string } | null;
}

suite('freb', () => {
  suiteSetup(async () => {
    await getExtensionApi();
  });

  test('a FREB trace shows the CodeLens story with its actions', async () => {
    const editor = await openFixture(TRACE);
    assert.equal(editor.document.languageId, 'freb');
    const lenses = await waitFor(
      async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
        return l?.some((x) => x.command?.title.includes('SEC_E_BAD_BINDINGS')) ? l : undefined;
      },
      'the FREB CodeLens',
      30_000,
    );
    const titles = lenses.map((l) => l.command?.title ?? '');
    const story = titles.find((t) => t.startsWith('POST /EWS/mrsproxy.svc -> 401.1 SEC_E_BAD_BINDINGS (0x80090346)'));
    assert.ok(story, `story lens among ${JSON.stringify(titles)}`);
    assert.match(story, / · \d+ ms · NTLM$/);
    assert.ok(titles.includes('Open report'));
    assert.ok(titles.includes('Show failing event'));
  });

  test('the BAD_BINDINGS diagnostic sits on the <Event> of the failure', async () => {
    const editor = await openFixture(TRACE);
    const expected = failureEventLine(editor.document.getText());
    const diags = await waitFor(
      () => {
        const d = vscode.languages.getDiagnostics(editor.document.uri).filter((x) => x.code === 'BAD_BINDINGS');
        return d.length ? d : undefined;
      },
      'the BAD_BINDINGS diagnostic',
      30_000,
    );
    assert.equal(diags.length, 1);
    assert.equal(diags[0].range.start.line, expected - 1);
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(diags[0].message, /SEC_E_BAD_BINDINGS \(0x80090346\)/);
  });

  test('"Show failing event" puts the cursor on the failing event', async () => {
    const editor = await openFixture(TRACE);
    const expected = failureEventLine(editor.document.getText());
    await vscode.commands.executeCommand('iisAuthLens.showFrebFailingEvent', editor.document.uri);
    await waitFor(() => vscode.window.activeTextEditor?.selection.start.line === expected - 1, `the cursor on line ${expected}`);
  });

  test('the report webview opens and renders the trace; screenshot', async () => {
    const editor = await openFixture(TRACE);
    await vscode.commands.executeCommand('iisAuthLens.openFrebReport', editor.document.uri);
    const state = await waitFor(
      async () => {
        const s = await vscode.commands.executeCommand<ReportState[]>('iisAuthLens.frebReport.state');
        return s?.find((x) => x.uri === editor.document.uri.toString() && x.rendered);
      },
      'the report webview to render',
      30_000,
    );
    assert.equal(state.rendered!.failure, true);
    assert.ok(state.rendered!.events >= 20, `${state.rendered!.events} events rendered`);
    assert.match(state.rendered!.summary ?? '', /SEC_E_BAD_BINDINGS/);
    assert.match(state.title, /FREB report: fr000017_bad_bindings\.xml/);
    const png = await screenshot('freb-report');
    if (png) assert.ok(fs.statSync(png).size > 10_000, `${png} is a real picture`);
    // The same panel, scrolled to the failing event of the timeline (its data opened).
    await vscode.commands.executeCommand('iisAuthLens.openFrebReport', editor.document.uri, { focus: 'timeline' });
    const png2 = await screenshot('freb-report-timeline');
    if (png2) assert.ok(fs.statSync(png2).size > 10_000, `${png2} is a real picture`);
  });

  test('Find FREB traces: a win32 filter finds the bad-bindings traces, sorted by time, in the results view', async () => {
    const root = workspaceRoot().fsPath;
    const result = await vscode.commands.executeCommand<{ matches: Array<{ path: string; win32Status: number; timeMs: number }>; files: number }>(
      'iisAuthLens.findFrebTraces',
      root,
      ['win32=0x80090346'],
    );
    assert.ok(result, 'the search returned');
    assert.ok(result.files >= 2, `${result.files} traces searched`);
    const names = result.matches.map((m) => m.path.split(/[\\/]/).pop());
    assert.ok(names.includes(TRACE), JSON.stringify(names));
    assert.ok(!names.includes('fr000031_auth_401_anon.xml'));
    assert.ok(result.matches.every((m) => m.win32Status === 2148074310));
    const items = await vscode.commands.executeCommand<string[]>('iisAuthLens.frebResults.items');
    assert.equal(items.length, result.matches.length);
    assert.ok(
      items.every((l) => /^401\.1 SEC_E_BAD_BINDINGS$/.test(String(l))),
      JSON.stringify(items),
    );
    const png = await screenshot('freb-results');
    if (png) assert.ok(fs.statSync(png).size > 10_000, `${png} is a real picture`);
  });

  test('Copy FREB matches to folder copies the matches of the last search', async () => {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'freb-copy-'));
    try {
      const copied = await vscode.commands.executeCommand<string[]>('iisAuthLens.copyFrebMatches', dest);
      assert.ok(copied && copied.length >= 1, 'something was copied');
      assert.ok(fs.existsSync(path.join(dest, TRACE)), `${TRACE} copied`);
      const src = fs.readFileSync(path.join(workspaceRoot().fsPath, TRACE));
      assert.deepEqual(fs.readFileSync(path.join(dest, TRACE)), src);
    } finally {
      fs.rmSync(dest, { recursive: true, force: true });
    }
  });
  test('Find FREB traces triages: worst first with user, client and CBT; a click opens the report; CSV export; screenshot', async () => {
    // The generated fixtures (one trace per case, ground truth in truth.json), outside the workspace.
    const gen = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'freb', 'generated');
    const result = await vscode.commands.executeCommand<{
      matches: Array<{ path: string; user: string | null; client: string | null; xff: string | null; cbt: string | null; codeName: string | null }>;
      files: number;
    }>('iisAuthLens.findFrebTraces', gen, []);
    assert.equal(result.files, 7);
    const first = result.matches[0]!;
    assert.equal(path.basename(first.path), 'fr000047.bad-bindings.xml', 'BAD_BINDINGS on top');
    assert.deepEqual(
      [first.user, first.client, first.xff, first.cbt, first.codeName],
      ['CONTOSO\\svc-migration', '52.101.62.174', '52.101.62.174', 'present', 'SEC_E_BAD_BINDINGS'],
    );
    assert.equal(path.basename(result.matches[result.matches.length - 1]!.path), 'fr000016.success-slow.xml', 'the success last');
    const rows = await vscode.commands.executeCommand<Array<{ label: string; description: string; command: string; arguments: string[] }>>(
      'iisAuthLens.frebResults.items',
      true,
    );
    assert.equal(rows.length, 7);
    assert.equal(rows[0]!.label, '401.1 SEC_E_BAD_BINDINGS');
    assert.equal(rows[0]!.description, 'CONTOSO\\svc-migration · 52.101.62.174 (XFF) · CBT present · 11-21 05:33:33Z');
    const denied = rows.find((r) => r.arguments[0]!.endsWith('fr000009.logon-denied.xml'))!;
    assert.equal(denied.description, 'CONTOSO\\clara.fischer · 10.20.47.25 · CBT present · 11-21 00:04:59Z');
    assert.ok(!rows.find((r) => r.arguments[0]!.endsWith('fr000004.anonymous.xml'))!.description.includes('CBT'), 'no AUTHENTICATE, no CBT state');
    // A click runs the row's command: the report, not the raw XML.
    assert.equal(rows[0]!.command, 'iisAuthLens.openFrebReport');
    await vscode.commands.executeCommand(rows[0]!.command, vscode.Uri.parse(rows[0]!.arguments[0]!));
    const state = await waitFor(
      async () => {
        const s = await vscode.commands.executeCommand<ReportState[]>('iisAuthLens.frebReport.state');
        return s?.find((x) => x.uri.endsWith('fr000047.bad-bindings.xml') && x.rendered);
      },
      'the report of the clicked row to render',
      30_000,
    );
    assert.match(state.title, /FREB report: fr000047\.bad-bindings\.xml/);
    assert.match(state.rendered!.summary ?? '', /SEC_E_BAD_BINDINGS/);
    // The results next to the report of the row clicked.
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('iisAuthLens.frebResults.focus');
    const png = await screenshot('freb-triage-results');
    if (png) assert.ok(fs.statSync(png).size > 10_000, `${png} is a real picture`);
    // Export as CSV: the rows in the order shown, RFC 4180.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'freb-csv-'));
    try {
      const out = await vscode.commands.executeCommand<string>('iisAuthLens.exportFrebMatchesCsv', path.join(tmp, 'sub', 'matches.csv'));
      const lines = fs
        .readFileSync(out, 'utf8')
        .replace(/^\ufeff/, '')
        .split('\r\n');
      assert.equal(lines[0], 'file,time,url,status,substatus,win32,win32 name,user,client,xff,cbt state,duration ms');
      assert.equal(lines.length, 1 + 7 + 1, 'header, 7 rows, final CRLF');
      assert.ok(lines[1]!.includes(',401,1,0x80090346,SEC_E_BAD_BINDINGS,CONTOSO\\svc-migration,52.101.62.174,52.101.62.174,present,'), lines[1]);
      // Copy Matches into a folder that does not exist yet: created; no freb.xsl in the fixtures, and it says so.
      const dest = path.join(tmp, 'new', 'copies');
      const copied = await vscode.commands.executeCommand<string[]>('iisAuthLens.copyFrebMatches', dest);
      assert.equal(copied.length, 7);
      const last = await vscode.commands.executeCommand<{ created: boolean; stylesheet: boolean }>('iisAuthLens.frebResults.lastCopy');
      assert.deepEqual([last.created, last.stylesheet], [true, false]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
  test('Open Matching IIS Log Line takes a folder of IIS logs (searched recursively), as its button says', async () => {
    const dir = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'explain', 'evidence');
    const trace = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, 'fr000001.xml')));
    const back = await vscode.commands.executeCommand<Array<{ log: string; line: number }>>('iisAuthLens.openMatchingIisLine', {
      uri: trace.uri.toString(),
      logs: [vscode.Uri.file(path.resolve(dir, '..')).toString()],
    });
    assert.deepEqual(
      back.map((b) => [path.basename(vscode.Uri.parse(b.log).fsPath), b.line]),
      [['u_ex261121_freb_pairs.log', 6]],
    );
  });
});
