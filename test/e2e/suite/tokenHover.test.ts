// Tokens in the real extension host: hovering the Authorization header of a FREB trace shows the
// user, the SPN and the channel-binding state; "Decode Authorization Header" opens the full decode
// as a read-only document; a Basic credential's hover never shows the password.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as vscode from 'vscode';
import { getExtensionApi, openFixture, screenshot, waitFor } from '../util';

const TRACE = 'fr000017_bad_bindings.xml';
const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const PY = '/usr/bin/python3';

function makeCert(dir: string, name: string): { key: string; pem: string; der: Buffer } {
  const key = path.join(dir, `${name}.key`);
  const pem = path.join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', pem, '-days', '2', '-sha256', '-subj', `/CN=${name}.contoso.test`],
    { stdio: 'pipe' },
  );
  return { key, pem, der: execFileSync('openssl', ['x509', '-in', pem, '-outform', 'DER']) };
}

/** An NTLM AUTHENTICATE bound to `der` by python3-ntlm-auth (an independent client). */
function pythonToken(der: Buffer): string | null {
  const script = path.join(REPO, 'test', 'fixtures', 'tokens', 'ntlm_auth_tokens.py');
  if (!fs.existsSync(script) || spawnSync(PY, ['-c', 'import ntlm_auth.ntlm']).status !== 0) return null;
  const hash = createHash('sha256').update(der).digest();
  const appData = Buffer.concat([Buffer.from('tls-server-end-point:'), hash]).toString('hex');
  const input = JSON.stringify({
    user: 'mrsadmin',
    domain: 'CONTOSO',
    workstation: 'MRSPROBE',
    ntHash: '8846f7eaee8fb117ad06bdd830b7586c',
    appData,
    spn: 'HTTP/mail.contoso.test',
    timestamp: true,
  });
  return (JSON.parse(execFileSync(PY, [script], { input, encoding: 'utf8' })) as { authenticate: string }).authenticate;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

async function hoverAt(uri: vscode.Uri, pos: vscode.Position, what: string, expect: RegExp): Promise<string> {
  return waitFor(
    async () => {
      const hs = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
      const t = hoverText(hs ?? []);
      return expect.test(t) ? t : undefined;
    },
    what,
    20_000,
  );
}

suite('tokenHover', () => {
  suiteSetup(async () => {
    await getExtensionApi();
  });

  test('hovering the Authorization header in a FREB trace shows user, SPN and the CBT state', async () => {
    const editor = await openFixture(TRACE);
    const doc = editor.document;
    let line = -1;
    for (let i = 0; i < doc.lineCount; i++)
      if (doc.lineAt(i).text.includes('Authorization: NTLM TlRM')) {
        line = i;
        break;
      }
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
    const decoded = await waitFor(
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'iis-auth-lens-decode'),
      'the decoded-token document',
      20_000,
    );
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
    assert.match(md, /17 characters \\\(not shown\\\)/); // the Markdown source escapes ( and ): the reader sees (not shown)
    assert.ok(!md.includes(secret));
  });

  test('Check Channel Bindings: match against the TLS server the token was bound to, mismatch against another certificate', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ial-cbt-'));
    const mail = makeCert(dir, 'mail');
    const proxy = makeCert(dir, 'proxy');
    const token = pythonToken(mail.der);
    if (!token) {
      console.log('[tokenHover] skipped: /usr/bin/python3 with ntlm_auth is not available');
      this.skip();
    }
    const server = tls.createServer({ key: fs.readFileSync(mail.key), cert: fs.readFileSync(mail.pem) }, (s) => s.end());
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    try {
      const port = (server.address() as AddressInfo).port;
      const ok = await vscode.commands.executeCommand<{ state: string; certificate: string; match: boolean }>(
        'iisAuthLens.checkChannelBindings',
        `Authorization: NTLM ${token}`,
        `127.0.0.1:${port}`,
      );
      assert.equal(ok?.state, 'match');
      assert.equal(ok?.certificate, 'CN=mail.contoso.test');
      const bad = await vscode.commands.executeCommand<{ state: string; certificate: string }>('iisAuthLens.checkChannelBindings', `NTLM ${token}`, proxy.pem);
      assert.equal(bad?.state, 'mismatch');
      assert.equal(bad?.certificate, 'CN=proxy.contoso.test');
      await new Promise((r) => setTimeout(r, 500)); // only for the picture: the notification
      await screenshot('token-cbt-mismatch');
    } finally {
      server.close();
    }
  });
});
