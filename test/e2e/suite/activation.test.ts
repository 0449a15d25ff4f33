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

  test('the registered commands are the command table: every contributed one, the test hooks in test mode, none besides', async () => {
    const api = (await getExtensionApi()) as Awaited<ReturnType<typeof getExtensionApi>> & {
      commands?: { table: Record<string, { feature: string; visibility: 'public' | 'internal' | 'testHook' }>; registered: string[] };
    };
    assert.ok(api.commands, 'activate() returns the command table and the registered ids');
    const { table, registered } = api.commands;
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: Array<{ command: string }>; views: Record<string, Array<{ id: string }>> };
    };
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    const ids = Object.keys(table);
    // what a user's extension registers (no test mode): the installed manifest contributes exactly its public commands
    const forUsers = ids.filter((id) => table[id]!.visibility !== 'testHook');
    assert.deepEqual(forUsers.filter((id) => table[id]!.visibility === 'public').sort(), contributed);
    // this host runs the extension in test mode (scripts/e2e-code-server.mjs): the whole table, hooks included
    assert.deepEqual([...registered].sort(), [...ids].sort());
    assert.ok(
      ids.some((id) => table[id]!.visibility === 'testHook'),
      'the table has test hooks',
    );
    // VS Code knows each of them, and no command of ours exists outside the table (views add their own)
    const known = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('iisAuthLens.'));
    for (const id of ids) assert.ok(known.includes(id), `${id} is registered in VS Code`);
    const views = Object.values(pkg.contributes.views).flatMap((v) => v.map((x) => x.id));
    const viewCommand = (c: string): boolean =>
      views.some((v) => c.startsWith(`${v}.`) && /^(focus|open|resetViewLocation|toggleVisibility|removeView)$/.test(c.slice(v.length + 1)));
    assert.deepEqual(
      known.filter((c) => !ids.includes(c) && !viewCommand(c)),
      [],
      'commands of ours that are not in the table',
    );
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
