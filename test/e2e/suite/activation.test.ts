// Activation: opening a real IIS log and a FREB trace gives our languages, activates the extension
// (no `*` activation) and starts the language client.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { EXTENSION_ID, getExtensionApi, openFixture, screenshot, waitFor } from '../util';

/** Waits until the open document at uri has the language (content detection switches it asynchronously). */
async function languageOf(uri: vscode.Uri, languageId: string): Promise<void> {
  const current = () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.languageId;
  await waitFor(() => current() === languageId, `${uri.path} to get language ${languageId}`, 10_000);
}

suite('activation', () => {
  test('the extension is installed and declares no * activation', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    const events: string[] = ext.packageJSON.activationEvents ?? [];
    assert.ok(!events.includes('*'), `activationEvents must not contain "*": ${JSON.stringify(events)}`);
  });

  test('an IIS log opens as iis-w3c-log and activates the extension', async () => {
    const editor = await openFixture('u_ex261121_bad_bindings.log');
    assert.equal(editor.document.languageId, 'iis-w3c-log');
    assert.match(editor.document.lineAt(0).text, /^#Software: Microsoft Internet Information Services/);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    await waitFor(() => ext?.isActive, 'the extension to activate on onLanguage:iis-w3c-log', 30_000);
  });

  test('the language client is running', async () => {
    const api = await getExtensionApi();
    await waitFor(() => api.client.state === State.Running, 'the language client to reach State.Running', 30_000);
    assert.equal(api.client.state, State.Running);
    assert.ok(api.client.initializeResult, 'the server answered initialize');
  });

  test('a log with another name is recognised by its #Software first line', async () => {
    const editor = await openFixture('iis10_edge_cases.log');
    await languageOf(editor.document.uri, 'iis-w3c-log');
  });

  test('a FREB trace with another name is recognised by its <failedRequest root', async () => {
    const editor = await openFixture('failed_request_bad_bindings_renamed.xml');
    await languageOf(editor.document.uri, 'freb');
  });

  test('FREB traces (a real IIS one and a synthetic bad-bindings one) open as freb', async () => {
    for (const f of ['fr000031_auth_401_anon.xml', 'fr000017_bad_bindings.xml']) {
      const editor = await openFixture(f);
      assert.equal(editor.document.languageId, 'freb', f);
      assert.match(editor.document.getText(), /<failedRequest /, f);
    }
  });

  test('screenshot of the editor with the log open', async () => {
    const editor = await openFixture('u_ex261121_bad_bindings.log');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editor.document.uri.toString());
    const png = await screenshot('editor-with-log');
    if (png) assert.ok(fs.statSync(png).size > 10_000, `${png} is a real picture, not an empty page`);
  });
});
