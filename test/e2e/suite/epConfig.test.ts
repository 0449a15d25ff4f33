// Extended Protection as configured, in the real extension host: an Exchange applicationHost.config
// (XML mode, matched by name) gets a CodeLens per <location>, the MRS risk as a diagnostic at the
// extendedProtection element of Default Web Site/EWS, the EWS hover with the fixes in order, and
// the "Extended Protection by Virtual Directory" view lists it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { getExtensionApi, openFixture, screenshot, waitFor, workspaceRoot } from '../util';

const CONFIG = 'EX01_applicationHost.config';

interface Rows {
  servers: Array<{ server: string; error: string | null }>;
  rows: Array<{ location: string; expected: string; disagree: boolean; cells: Array<{ tokenChecking: string | null; state: string | null }> }>;
}

suite('epconfig', () => {
  suiteSetup(async () => {
    await getExtensionApi();
  });

  test('an applicationHost.config shows a CodeLens per location and the MRS risk at the extendedProtection element', async () => {
    const editor = await openFixture(CONFIG);
    assert.equal(editor.document.languageId, 'xml');
    const lines = editor.document.getText().split(/\r?\n/);
    const lenses = await waitFor(
      async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
        return l?.some((x) => x.command?.title.startsWith('EWS ')) ? l : undefined;
      },
      'the Extended Protection CodeLens',
      30_000,
    );
    const ews = lenses.find((l) => l.command?.title.startsWith('EWS '))!;
    assert.equal(ews.command!.title, 'EWS · Extended Protection: Accept (expected Accept) · Negotiate, NTLM');
    assert.match(lines[ews.range.start.line]!, /<location path="Default Web Site\/EWS">/);
    assert.ok(lenses.some((l) => l.command?.title === 'OAB · Extended Protection: Accept (expected Accept) · Negotiate, NTLM'));

    const diags = await waitFor(
      () => {
        const d = vscode.languages.getDiagnostics(editor.document.uri).filter((x) => x.source === 'IIS Auth Lens');
        return d.length ? d : undefined;
      },
      'the EP_MRS_PROXY_RISK diagnostic',
      30_000,
    );
    assert.deepEqual(
      diags.map((d) => String(typeof d.code === 'object' ? d.code.value : d.code)),
      ['EP_MRS_PROXY_RISK'],
    );
    const line = diags[0]!.range.start.line;
    assert.match(lines[line]!, /<extendedProtection tokenChecking="Allow"/);
    assert.ok(line > ews.range.start.line);
    assert.equal(diags[0]!.severity, vscode.DiagnosticSeverity.Information);

    const col = lines[line]!.indexOf('"Allow"') + 2;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, col));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /IIS Manager: Extended Protection "Accept"/);
    const order = ['same certificate (same key)', 'TLS pass-through', '-ExcludeVirtualDirectories EWSFrontEnd', 'Only last'].map((s) => text.indexOf(s));
    assert.ok(
      order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!)),
      `fix order in ${text}`,
    );
    editor.selection = new vscode.Selection(line, col, line, col);
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
    await screenshot('epconfig-codelens');
  });

  test('the Extended Protection view lists the open config by virtual directory', async () => {
    await openFixture(CONFIG);
    const rows = await waitFor(
      async () => {
        const r = await vscode.commands.executeCommand<Rows>('iisAuthLens.epConfig.rows');
        return r?.rows.length ? r : undefined;
      },
      'rows in the Extended Protection view',
      30_000,
    );
    assert.ok(
      rows.servers.some((s) => s.server === 'EX01' && s.error === null),
      JSON.stringify(rows.servers),
    );
    const ews = rows.rows.find((r) => r.location === 'Default Web Site/EWS')!;
    assert.equal(ews.expected, 'Allow');
    assert.equal(ews.cells[0]!.tokenChecking, 'Allow');
    assert.equal(ews.cells[0]!.state, 'expected');
    await vscode.commands.executeCommand('iisAuthLens.epConfig.focus');
    await screenshot('epconfig-view');
  });

  test('"Show Extended Protection for Configs in Folder..." puts two servers side by side and flags where they disagree', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ial-epconfig-'));
    const original = fs.readFileSync(vscode.Uri.joinPath(workspaceRoot(), CONFIG).fsPath, 'utf8');
    for (const server of ['EX01', 'EX02']) fs.mkdirSync(path.join(dir, server));
    fs.writeFileSync(path.join(dir, 'EX01', 'applicationHost.config'), original);
    // EX02: Default Web Site/EWS excluded (what -ExcludeVirtualDirectories EWSFrontEnd leaves).
    const ex02 = original.replace(/(<location path="Default Web Site\/EWS">[\s\S]*?<extendedProtection tokenChecking=")Allow"/, '$1None"');
    assert.notEqual(ex02, original);
    fs.writeFileSync(path.join(dir, 'EX02', 'applicationHost.config'), ex02);
    const count = await vscode.commands.executeCommand<number>('iisAuthLens.showEpConfigFolder', vscode.Uri.file(dir));
    assert.equal(count, 2);
    const rows = await vscode.commands.executeCommand<Rows>('iisAuthLens.epConfig.rows');
    assert.deepEqual(
      rows.servers.map((s) => s.server),
      ['EX01', 'EX02'],
    );
    const ews = rows.rows.find((r) => r.location === 'Default Web Site/EWS')!;
    assert.deepEqual(
      ews.cells.map((c) => c.tokenChecking),
      ['Allow', 'None'],
    );
    assert.equal(ews.disagree, true);
    assert.equal(rows.rows.filter((r) => r.disagree).length, 1);
    await screenshot('epconfig-view-two-servers');
  });
});
