// The built language server over stdio: hovers on crafted documents carry no link or markup that
// came from the document - the exploit of issue 12 (a WCF 401 text whose server header smuggles a
// `command:iisAuthLens.probeMrsEndpoint` link with a user and `insecure: true`) first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-protocol/node';
import { LspClient } from './lspClient';
import { assertSafeMarkdown, EVIL_LINK, EXPLOIT_TEXT } from '../support/markdownSafety';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

void test('the exploit text of issue 12 in an untitled editor: the hover shows the header as text and links only to the endpoint it found', async () => {
  const uri = 'untitled:Untitled-9';
  await client.open(uri, 'plaintext', EXPLOIT_TEXT);
  await client.waitForDiagnostics(uri, { predicate: (p) => p.diagnostics.length > 0 });
  const character = EXPLOIT_TEXT.indexOf('The HTTP request is unauthorized') + 5;
  const h = await client.hover(uri, { line: 0, character });
  assert.ok(h, 'a hover on the WCF 401 text');
  const v = assertSafeMarkdown((h.contents as MarkupContent).value, [`x\` ${EVIL_LINK}\` \`y`]);
  const probe = v.links.filter((l) => l.href.startsWith('command:iisAuthLens.probeMrsEndpoint'));
  assert.equal(probe.length, 1);
  assert.deepEqual(JSON.parse(decodeURIComponent(probe[0]!.href.split('?')[1]!)), ['https://mail.contoso.com/EWS/mrsproxy.svc']);
  // and on the smuggled link itself
  const onLink = await client.hover(uri, { line: 0, character: EXPLOIT_TEXT.indexOf('Re-check now') + 2 });
  if (onLink) assertSafeMarkdown((onLink.contents as MarkupContent).value, [`x\` ${EVIL_LINK}\` \`y`]);
});

void test('a crafted IIS log: hovers on field names, values and directives carry no document link or markup', async () => {
  const uri = 'file:///crafted/u_ex241105.log';
  const evil = EVIL_LINK.replace(/ /g, '+');
  const lines = [
    '#Software: Microsoft Internet Information Services 10.0',
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs([h](command:iisAuthLens.probeMrsEndpoint)) sc-status sc-substatus sc-win32-status time-taken',
    `2024-11-05 17:01:02 10.0.0.5 POST /EWS/${evil} q=\`a\`<img/src=x/onerror=alert(1)> 443 CONTOSO\\_x_ 203.0.113.9 Mozilla/5.0+[x](file:///etc/passwd) <b>x</b> 401 1 2148074310 15`,
  ];
  await client.open(uri, 'iis-w3c-log', lines.join('\r\n'));
  let hovers = 0;
  for (const [line, text] of lines.entries()) {
    for (const m of text.matchAll(/[^\s]+/g)) {
      const h = await client.hover(uri, { line, character: m.index + 1 });
      if (!h) continue;
      hovers++;
      assertSafeMarkdown((h.contents as MarkupContent).value, [], []);
    }
  }
  assert.ok(hovers >= 25, `hovers: ${hovers}`);
  const agent = await client.hover(uri, { line: 2, character: lines[2]!.indexOf('Mozilla') + 1 });
  assertSafeMarkdown((agent!.contents as MarkupContent).value, ['Mozilla/5.0 [x](file:///etc/passwd)'], []);
  const lenses = (await client.codeLens(uri)) ?? [];
  assert.ok(lenses.length >= 1);
  for (const l of lenses) assert.doesNotMatch(l.command!.title, /(^|[^\\])\$\(|\n/);
});
