// Tokens in the real extension host: hovering the Authorization header of a FREB trace shows the
// user, the SPN and the channel-binding state; "Decode Authorization Header" opens the full decode
// as a read-only document; a Basic credential's hover never shows the password.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { getExtensionApi, openFixture, screenshot, waitFor } from '../util';

const TRACE = 'fr000017_bad_bindings.xml';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

async function hoverAt(uri: vscode.Uri, pos: vscode.Position, what: string, expect: RegExp): Promise<string> {
  return waitFor(async () => {
    const hs = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
    const t = hoverText(hs ?? []);
    return expect.test(t) ? t : undefined;
  }, what, 20_000);
}

suite('tokenHover', () => {
  suiteSetup(async () => {
    await getExtensionApi();
  });

  test('hovering the Authorization header in a FREB trace shows user, SPN and the CBT state', async () => {
    const editor = await openFixture(TRACE);
    const doc = editor.document;
    let line = -1;
    for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes('Authorization: NTLM TlRM')) { line = i; break; }
    assert.ok(line >= 0, 'the fixture has an Authorization header');
    const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('TlRM') + 20);
    const md = await hoverAt(doc.uri, pos, 'the token hover', /NTLM AUTHENTICATE/);
    assert.match(md, /\| User \| CONTOSO\\\\svc-migration \|/);
    assert.match(md, /\| SPN \| HTTP\/mail\.contoso\.test \|/);
    assert.match(md, /\*\*Channel bindings\*\* \| \*\*present [0-9a-f]{32}\*\*/);
    await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('editor.action.showHover');
    await new Promise((r) => setTimeout(r, 1500)); // only for the picture: let the hover widget paint
    await screenshot('token-hover-freb');
    await vscode.commands.executeCommand('iisAuthLens.decodeAuthorizationHeader');
    const decoded = await waitFor(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'iis-auth-lens-decode'),
      'the decoded-token document', 20_000);
    const text = decoded.getText();
    assert.match(text, /# Decoded Authorization header/);
    assert.match(text, /"user": "svc-migration"/);
    assert.match(text, /"channelBindingsState": "present"/);
    await new Promise((r) => setTimeout(r, 2000)); // only for the picture: let the preview render
    await screenshot('token-decode-document');
  });

  test('a Basic credential in a plaintext editor: user and password length, never the password', async () => {
    const secret = 'N0t-For-Your-Eyes';
    const b64 = Buffer.from(`CONTOSO\\mrsadmin:${secret}`).toString('base64');
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: `captured: Authorization: Basic ${b64}\n` });
    await vscode.window.showTextDocument(doc, { preview: false });
    const md = await hoverAt(doc.uri, new vscode.Position(0, 40), 'the Basic hover', /\*\*Basic\*\*/);
    assert.match(md, /CONTOSO\\\\mrsadmin/);
    assert.match(md, /17 characters \(not shown\)/);
    assert.ok(!md.includes(secret));
  });
});
