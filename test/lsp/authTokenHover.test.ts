import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspClient, fileUri } from './lspClient';
import { renderMarkdown, visibleText } from '../support/markdownSafety';

const FIX = join(__dirname, '..', 'fixtures');
const FREB = join(FIX, 'freb', 'plechenko', 'fr000034.auth-200-windows.xml');
// python3-ntlm-auth AUTHENTICATE: CONTOSO\miguser from MRSPROBE, SPN HTTP/mrs.msxfaq.de, CBT 6e5fd361...
const seeds = JSON.parse(readFileSync(join(FIX, 'tokens', 'fuzz-seeds.json'), 'utf8')) as { tokens: string[] };
const AUTH = seeds.tokens
  .find((t) => t.startsWith('Authorization: NTLM '))!
  .split(' ')
  .pop()!;

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

async function hoverText(uri: string, line: number, character: number): Promise<string | null> {
  const h = await client.hover(uri, { line, character });
  return h ? (h.contents as MarkupContent).value : null;
}

void test('FREB trace: hover on the Authorization request header shows the SPNEGO-wrapped NTLM AUTHENTICATE', async () => {
  const text = readFileSync(FREB, 'utf8');
  const uri = fileUri(FREB);
  await client.open(uri, 'freb', text);
  const lines = text.split(/\r?\n/);
  const ln = lines.findIndex((l) => l.includes('Authorization: Negotiate oXcw'));
  assert.ok(ln >= 0);
  const md = await hoverText(uri, ln, lines[ln].indexOf('oXcw') + 10);
  assert.ok(md, 'a hover');
  assert.match(md, /\*\*NTLM AUTHENTICATE\*\* \(SPNEGO\)/);
  assert.match(md, /\*\*Channel bindings\*\* \| \*\*absent\*\*/);
  assert.match(md, /SPNEGO \| negTokenResp accept-incomplete/);
  // the reader's text: the source escapes _ and a leading "10." (it could start a list)
  assert.match(visibleText(renderMarkdown(md)), /LOCAL_CALL/);
  assert.match(visibleText(renderMarkdown(md)), /10\.0\.26100/);
  assert.match(md, /command:iisAuthLens\.decodeAuthorizationHeader/);
});

void test('IIS W3C log with cs(Authorization): user, SPN and the CBT hash on hover', async () => {
  const log =
    [
      '#Software: Microsoft Internet Information Services 10.0',
      '#Version: 1.0',
      '#Date: 2026-11-21 10:00:00',
      '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Authorization) sc-status sc-substatus sc-win32-status time-taken',
      `2026-11-21 10:00:00 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 52.1.2.3 MRS - 401 2 5 3`,
      `2026-11-21 10:00:01 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 52.1.2.3 MRS NTLM+${AUTH} 401 1 2148074310 15`,
    ].join('\r\n') + '\r\n';
  const uri = 'file:///tmp/auth-lens-test/u_ex261121.log';
  await client.open(uri, 'iis-w3c-log', log);
  const line = log.split('\r\n')[5];
  const md = await hoverText(uri, 5, line.indexOf('NTLM+') + 40);
  assert.ok(md);
  assert.match(md, /\*\*NTLM AUTHENTICATE\*\* · NTLM/);
  assert.match(md, /\| User \| CONTOSO\\\\miguser \|/);
  assert.match(md, /\| SPN \| HTTP\/mrs\.msxfaq\.de \|/);
  assert.match(md, /\*\*Channel bindings\*\* \| \*\*present 6e5fd3617c18ad7648315ba8674bba77\*\*/);
  assert.match(md, /command:iisAuthLens\.checkChannelBindings/);
});

void test('plaintext bare token and Basic without the password; no hover outside tokens or in other languages', async () => {
  const basic = Buffer.from('CONTOSO\\mrsadmin:Sup3rSecret').toString('base64');
  const text = `token ${AUTH}\nAuthorization: Basic ${basic}\njust words here\n`;
  const uri = 'untitled:tokens-1';
  await client.open(uri, 'plaintext', text);
  const bare = await hoverText(uri, 0, 20);
  assert.ok(bare);
  assert.match(bare, /\| Workstation \| MRSPROBE \|/);
  const b = await hoverText(uri, 1, 30);
  assert.ok(b);
  assert.match(b, /\| User \| CONTOSO\\\\mrsadmin \|/);
  assert.match(visibleText(renderMarkdown(b)), /11 characters \(not shown\)/); // the source escapes ( )
  assert.ok(!b.includes('Sup3rSecret'));
  assert.equal(await hoverText(uri, 2, 3), null);
  const ts = 'untitled:code-1';
  await client.open(ts, 'typescript', `const t = "${AUTH}";\n`);
  assert.equal(await hoverText(ts, 0, 20), null);
});
