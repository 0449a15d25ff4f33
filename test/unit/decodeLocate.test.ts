import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTokenAt } from '../../src/core/tokenLocate';
import { decodeToken } from '../../src/core/authHeader';
import { tokenHoverMarkdown } from '../../src/server/features/authTokenHover';
import { renderMarkdown, visibleText } from '../support/markdownSafety';

const NEG = 'TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGNFAAAADw==';

void test('locate: header line, IIS W3C "+" field, JSON value, bare token, cursor outside', () => {
  const header = `Authorization: Negotiate ${NEG}`;
  const h = findTokenAt(header, 30);
  assert.deepEqual(h, { start: 0, end: header.length, text: header });
  const w3c = `2026-11-21 10:00:00 10.0.0.1 POST /EWS/mrsproxy.svc - 443 - 52.1.2.3 Negotiate+${NEG} 401 1 2148074310 15`;
  const at = w3c.indexOf('Negotiate+');
  const w = findTokenAt(w3c, at + 20);
  assert.equal(w?.text, `Negotiate ${NEG}`);
  assert.equal(w?.start, at);
  assert.equal(findTokenAt(w3c, 3), null);
  const json = `{"headers": {"Authorization": "NTLM ${NEG}"}}`;
  const j = findTokenAt(json, json.indexOf('TlRM') + 5);
  assert.equal(j?.text, `Authorization: NTLM ${NEG}`);
  const bare = `token=${NEG}&x=1`;
  assert.equal(findTokenAt(bare, 12)?.text, NEG);
  assert.equal(findTokenAt('nothing to see here at all', 5), null);
  // A huge line: only a window around the cursor is scanned, the token is still found.
  const huge = 'x '.repeat(200000) + `NTLM ${NEG}` + ' y'.repeat(200000);
  const pos = huge.indexOf('NTLM ') + 10;
  const t0 = Date.now();
  assert.equal(findTokenAt(huge, pos)?.text, `NTLM ${NEG}`);
  assert.ok(Date.now() - t0 < 500);
});

void test('hover markdown: NTLM table with CBT line, no hover for random base64, Basic never shows the password', () => {
  const md = tokenHoverMarkdown(`NTLM ${NEG}`)!;
  assert.match(md, /\*\*NTLM NEGOTIATE\*\*/);
  assert.match(md, /\*\*Channel bindings\*\*/);
  assert.match(md, /command:iisAuthLens\.decodeAuthorizationHeader/);
  assert.equal(tokenHoverMarkdown('oAAAAAAAAAAAAAAAAAAAAAA$'), null);
  const basic = tokenHoverMarkdown(`Basic ${Buffer.from('CONTOSO\\u:secret123').toString('base64')}`)!;
  assert.ok(!basic.includes('secret123'));
  // the reader's text: the Markdown source escapes the parentheses
  assert.match(visibleText(renderMarkdown(basic)), /9 characters \(not shown\)/);
  assert.equal(decodeToken(`NTLM ${NEG}`).ntlm?.messageType, 1);
});
