// From symptom to cause in the real extension host: a pasted MRS error in an untitled editor gets
// a diagnostic and a hover that explains it; Explain Error opens the explanation; an HCW log gets
// its CodeLens and outline; the auth timeline webview opens on a sample IIS log (screenshot).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { getExtensionApi, openFixture, screenshot, waitFor, waitForTimelineDrawn, workspaceRoot } from '../util';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

suite('explain', () => {
  let mrs: string;
  suiteSetup(async () => {
    await getExtensionApi();
    mrs = fs.readFileSync(vscode.Uri.joinPath(workspaceRoot(), 'explain', 'mrs-move-request-error.txt').fsPath, 'utf8');
  });

  test('a pasted MRS error in an untitled editor shows diagnostics and an explaining hover', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: mrs });
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const diags = await waitFor(
      () => {
        const ds = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'IIS Auth Lens');
        return ds.length >= 4 ? ds : undefined;
      },
      'error-text diagnostics on the untitled document',
      30_000,
    );
    const codes = diags.map((d) => String(typeof d.code === 'object' ? d.code.value : d.code));
    assert.deepEqual(codes, ['MRS_PORT_9821', 'MRS_CREDENTIALS_REJECTED', 'MRS_UNAUTHORIZED_NEGOTIATE', 'MRS_401']);
    const neg = diags[2]!;
    assert.equal(neg.severity, vscode.DiagnosticSeverity.Warning);
    const pos = neg.range.start.translate(0, 5);
    const hovers = await waitFor(
      async () => {
        const hs = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
        return hoverText(hs ?? []).includes('MRS could not authenticate') ? hs : undefined;
      },
      'the error-text hover',
      15_000,
    );
    const md = hoverText(hovers);
    assert.match(md, /Extended Protection/);
    assert.match(md, /command:iisAuthLens\.probeMrsEndpoint/);
    assert.match(md, /command:iisAuthLens\.findMatchingIisLines/);
    assert.match(md, /-DisableExtendedProtection/);
    editor.selection = new vscode.Selection(pos, pos);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('explain-untitled-hover');
  });

  test('Explain Error on the selection opens the explanation', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'IIS said: 401 1 2148074310\n' });
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    editor.selection = new vscode.Selection(0, 0, 0, 20);
    await vscode.commands.executeCommand('iisAuthLens.explainError');
    const shown = await waitFor(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'iis-auth-lens-explain'), 'the explanation document', 15_000);
    assert.match(shown.getText(), /SEC_E_BAD_BINDINGS/);
    assert.match(shown.getText(), /channel bindings/);
    const preview = await waitFor(
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find(
            (t) =>
              (t.input instanceof vscode.TabInputWebview && /markdown/i.test(t.input.viewType)) ||
              (t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'iis-auth-lens-explain'),
          ),
      'the explanation tab',
      15_000,
    );
    console.log(`[e2e] explanation shown as ${preview.input instanceof vscode.TabInputWebview ? 'markdown preview' : 'markdown document'}: ${preview.label}`);
    await screenshot('explain-explanation');
  });

  test('an HCW log gets its outline and the failure CodeLens', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await openFixture('explain/HybridConfiguration_11_5_2024_14_23_10.log');
    assert.equal(editor.document.languageId, 'hcw-log');
    const lenses = await waitFor(
      async () => {
        const ls = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
        return ls?.find((l) => l.command?.title.includes('failed after 5428 ms')) ? ls : undefined;
      },
      'the HCW CodeLens',
      20_000,
    );
    const lens = lenses.find((l) => l.command?.title.includes('failed after'))!;
    assert.equal(lens.command!.title, 'Test-MigrationServerAvailability failed after 5428 ms: MRS could not authenticate (Extended Protection)');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['Get-MigrationEndpoint', 'Test-MigrationServerAvailability ✗'],
    );
    await screenshot('explain-hcw-codelens');
  });

  test('an HCW log saved under another name is recognised by its first line', async () => {
    const editor = await openFixture('explain/hcw-renamed.log');
    await waitFor(
      () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === editor.document.uri.toString())?.languageId === 'hcw-log',
      'hcw-renamed.log to become hcw-log',
      10_000,
    );
  });

  test('the auth timeline webview opens on a sample IIS log', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor = await openFixture('explain/u_ex241105_mrsproxy_fixed_at_1716.log');
    assert.equal(editor.document.languageId, 'iis-w3c-log');
    await vscode.commands.executeCommand('iisAuthLens.openAuthTimeline');
    const tab = await waitFor(
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('iisAuthLens.authTimeline')),
      'the auth timeline tab',
      20_000,
    );
    assert.match(tab.label, /u_ex241105_mrsproxy_fixed_at_1716\.log/);
    const mine = await waitForTimelineDrawn(editor.document.uri, 30_000);
    assert.deepEqual(mine.errors, []);
    assert.deepEqual(mine.urls, ['/EWS/mrsproxy.svc', '/EWS/Exchange.asmx']);
    assert.equal(mine.rendered, 2, 'one chart per URL');
    const png = await screenshot('explain-auth-timeline');
    if (png) assert.ok(fs.statSync(png).size > 10_000, `${png} is a real picture`);
  });

  test('from an IIS log line to the FREB trace of the same request', async () => {
    // Generated pair (see test/fixtures/explain/evidence); outside the workspace so other suites' FREB searches do not see it.
    const dir = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'explain', 'evidence');
    const log = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, 'u_ex261121_freb_pairs.log')));
    await vscode.window.showTextDocument(log, { preview: false });
    const found = await vscode.commands.executeCommand<string[]>('iisAuthLens.openMatchingFreb', { uri: log.uri.toString(), line: 6, folder: dir });
    assert.deepEqual(
      found.map((f) => path.basename(f)),
      ['fr000001.xml'],
    );
    const trace = await waitFor(
      () => (vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('fr000001.xml') ? vscode.window.activeTextEditor : undefined),
      'the FREB trace to open',
      15_000,
    );
    assert.equal(trace.selection.active.line, 414, 'at the event that carries the failure');
    assert.match(trace.document.lineAt(414).text, /<Event/);
    const none = await vscode.commands.executeCommand<string[]>('iisAuthLens.openMatchingFreb', { uri: log.uri.toString(), line: 7, folder: dir });
    assert.deepEqual(none, [], 'another client in the same second has no trace');
    // and back: from the trace to its IIS log line
    const back = await vscode.commands.executeCommand<Array<{ log: string; line: number }>>('iisAuthLens.openMatchingIisLine', {
      uri: trace.document.uri.toString(),
      logs: [log.uri.toString()],
    });
    assert.deepEqual(
      back.map((b) => b.line),
      [6],
    );
    await waitFor(
      () => vscode.window.activeTextEditor?.document.uri.toString() === log.uri.toString() && vscode.window.activeTextEditor.selection.active.line === 5,
      'the IIS log line to be selected',
      10_000,
    );
  });

  test('Find Matching IIS Log Lines: the failing legs of /EWS/mrsproxy.svc around the error time', async () => {
    const editor = await openFixture('explain/u_ex241105_mrsproxy_fixed_at_1716.log');
    let result: Array<{ line: number; status: string; win32: number; outcome: string }> | undefined;
    let done = false;
    const run = vscode.commands
      .executeCommand<typeof result>('iisAuthLens.findMatchingIisLines', {
        time: '2024-11-05T15:23:55.100',
        url: 'https://mrs.contoso.test/EWS/mrsproxy.svc',
        utcOffsetMinutes: 60,
        windowMinutes: 1,
        logs: [editor.document.uri.toString()],
      })
      .then((r) => {
        result = r;
        done = true;
      });
    // The hits are offered in a quick pick; close it once it is up.
    await waitFor(
      async () => {
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        return done;
      },
      'the find-lines command to finish',
      20_000,
    );
    await run;
    assert.deepEqual(
      result!.map((h) => [h.line, h.status, h.win32, h.outcome]),
      [
        [6, '401.2', 5, 'challenge'],
        [7, '401.1', 2148074254, 'challenge'],
        [8, '401.1', 2148074310, 'badBindings'],
      ],
    );
  });
});
