// The IIS W3C TextMate grammar (the colouring when semantic tokens are off), run with
// vscode-textmate + oniguruma like VS Code does, on lines of real and generated logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vsctm from 'vscode-textmate';
import { loadGrammar } from './textmateGrammar';

const ROOT = join(__dirname, '..', '..');

function grammar(): Promise<vsctm.IGrammar> {
  return loadGrammar('text.log.iis-w3c', 'iis-w3c-log.tmLanguage.json');
}

/** [text, innermost scope] of each token of one line (whitespace tokens dropped). */
function tokens(g: vsctm.IGrammar, line: string): Map<string, string> {
  const r = g.tokenizeLine(line, vsctm.INITIAL);
  const out = new Map<string, string>();
  for (const t of r.tokens) {
    const text = line.slice(t.startIndex, t.endIndex);
    if (text.trim() && !out.has(text)) out.set(text, t.scopes[t.scopes.length - 1]!);
  }
  return out;
}

const fixture = (p: string): string[] => readFileSync(join(ROOT, 'test', 'fixtures', 'lsp', p), 'utf8').split(/\r?\n/);

void test('W3C grammar: directives, #Fields names (standard, header and custom fields)', async () => {
  const g = await grammar();
  const log = fixture('u_ex_generated_bad_bindings.log');
  const sw = tokens(g, log[0]!);
  assert.equal(sw.get('Software'), 'keyword.other.directive.iis-w3c');
  assert.equal(sw.get('Microsoft Internet Information Services 10.0'), 'string.unquoted.directive-value.iis-w3c');
  assert.equal(tokens(g, log[1]!).get(' SYNTHETIC log written by gen-iislog.mjs (seed 11); not from a real server'), 'comment.line.remark.iis-w3c');
  assert.equal(tokens(g, log[3]!).get('2026-11-21 00:00:00'), 'constant.numeric.date.iis-w3c');
  const f = tokens(g, log[131]!); // the third #Fields: cs-version, cs-host, X-Forwarded-For
  assert.equal(f.get('Fields'), 'keyword.other.directive.fields.iis-w3c');
  assert.equal(f.get('c-ip'), 'entity.name.tag.field.iis-w3c');
  assert.equal(f.get('sc-win32-status'), 'entity.name.tag.field.status.iis-w3c');
  assert.equal(f.get('User-Agent'), 'entity.other.attribute-name.header.iis-w3c');
  assert.equal(f.get('X-Forwarded-For'), 'entity.name.tag.field.iis-w3c');
  assert.equal(tokens(g, '#Fields: date time My-Custom-Field').get('My-Custom-Field'), 'entity.other.attribute-name.field.custom.iis-w3c');
});

void test('W3C grammar: a 401 1 2148074310 line and a 200 line', async () => {
  const g = await grammar();
  const log = fixture('u_ex_generated_bad_bindings.log');
  const bad = tokens(g, log[11]!); // line 12: BAD_BINDINGS in the truth
  assert.equal(bad.get('2026-11-21'), 'constant.numeric.date.iis-w3c');
  assert.equal(bad.get('00:44:05'), 'constant.numeric.time.iis-w3c');
  assert.equal(bad.get('10.0.1.22'), 'constant.numeric.ip.v4.iis-w3c');
  assert.equal(bad.get('POST'), 'keyword.other.method.iis-w3c');
  assert.equal(bad.get('/EWS/mrsproxy.svc'), 'string.unquoted.uri.iis-w3c');
  assert.match(bad.get('401')!, /^invalid\.illegal\.status/);
  assert.equal(bad.get('2148074310'), 'invalid.illegal.win32.bad-bindings.iis-w3c');
  const ok = tokens(g, log[12]!); // line 13: a 200 0 0 health check
  assert.equal(ok.get('200'), 'constant.numeric.status.success.iis-w3c');
  assert.equal(ok.get('/rpc/healthcheck.htm'), 'string.unquoted.uri.iis-w3c');
  const denied = tokens(g, '2026-11-21 10:00:00 10.0.1.22 POST /mapi/nspi/ - 443 - 10.20.74.103 UA - 401 1 2148074252 0');
  assert.equal(denied.get('2148074252'), 'invalid.illegal.win32.logon-failure.iis-w3c');
  const challenge = tokens(g, '2026-11-21 10:00:00 10.0.1.22 POST /mapi/nspi/ - 443 - 10.20.74.103 UA - 401 1 2148074254 0');
  assert.equal(challenge.get('2148074254'), 'constant.numeric.win32.error.iis-w3c', 'the challenge leg is not marked invalid');
});

void test('W3C grammar: IPv6, users, queries and empty fields on a real Exchange line', async () => {
  const g = await grammar();
  const t = tokens(
    g,
    '2022-01-01 00:01:24 ::1 POST /powershell clientApplication=ActiveMonitor;PSVersion=5.1.14393.4467 444  random\\ranuser1 ::1 Microsoft+WinRM+Client - 500 0 0 15',
  );
  assert.equal(t.get('::1'), 'constant.numeric.ip.v6.iis-w3c');
  assert.equal(t.get('random\\ranuser1'), 'variable.other.user.iis-w3c');
  assert.equal(t.get('clientApplication=ActiveMonitor;PSVersion=5.1.14393.4467'), 'variable.parameter.query.iis-w3c');
  assert.equal(t.get('-'), 'constant.language.empty.iis-w3c');
  assert.match(t.get('500')!, /^invalid\.illegal\.status/);
  // a time is not an IPv6 address
  assert.equal(t.get('00:01:24'), 'constant.numeric.time.iis-w3c');
});
