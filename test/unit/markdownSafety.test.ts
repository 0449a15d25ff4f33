// No hover, tooltip, decode document or CodeLens title can carry a link or markup that came from a
// document. The builder (src/core/markdown.ts) is checked on its own against a real Markdown
// renderer, then every server feature is driven through the providers it registers, with
// documents crafted to break out: backticks, brackets, `command:` URIs, HTML, and the exploit of
// issue 12 (a WCF 401 text whose "header received from the server" smuggles a probe link).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { mdBold, mdCode, mdCommandLink, mdFence, mdText, plainLabel } from '../../src/core/markdown';
import { inProcessServer, type InProcessServer } from '../support/serverInProcess';
import { hcwFailureCause } from '../../src/server/features/hcwCodeLens';
import type { HcwEntry } from '../../src/core/hcw/hcwLog';
import { decodeDocument } from '../../src/core/tokenReport';
import { decodeToken } from '../../src/core/authHeader';
import { assertSafeMarkdown, EVIL_LINK, EXPLOIT_TEXT, inspectMarkdown, renderMarkdown, visibleText } from '../support/markdownSafety';

const FIX = join(__dirname, '..', 'fixtures');

const NASTY = [
  EVIL_LINK,
  '`x` [a](command:iisAuthLens.probeMrsEndpoint) `y`',
  '``` fence',
  '<img src=x onerror=alert(1)>',
  '<a href="command:iisAuthLens.probeMrsEndpoint">x</a>',
  '<command:iisAuthLens.probeMrsEndpoint>',
  '<file:///etc/passwd>',
  'file:///C:/Windows/win.ini',
  'https://attacker.example/x www.attacker.example mail@attacker.example',
  '[ref][1]\n\n[1]: command:iisAuthLens.probeMrsEndpoint',
  '![img](https://attacker.example/p.png)',
  '**bold** __bold__ *em* _em_ ~~del~~',
  '# heading',
  '- item',
  '1. item',
  '> quote',
  '---',
  '| a | b |',
  '&lt;script&gt; &#x3C;b&#x3E; &amp;',
  'line one\nline two\r\n\r\n# and a heading',
  'C:\\path\\to\\u_ex241105.log',
  '$(zap) $(alert)',
  '\\[escaped\\](command:x)',
  '````',
  ' leading and trailing ',
  '`',
];

void test('mdText: whatever the text, the reader sees it to the letter and no element but <p>', () => {
  for (const s of NASTY) {
    const html = renderMarkdown(mdText(s));
    assert.deepEqual(inspectMarkdown(mdText(s)).problems, [], s);
    assert.equal(visibleText(html), s.replace(/\s+/g, ' ').trim(), s);
    assert.doesNotMatch(html.replace(/^<p>|<\/p>\n$/g, ''), /</, `${s} -> ${html}`);
  }
});

void test('mdCode: one code span holding the text as written, whatever runs of backticks it has', () => {
  for (const s of [...NASTY, 'a`b', 'a``b```c', '``', 'x`']) {
    const html = renderMarkdown(mdCode(s));
    const one = s.replace(/[\r\n]+/g, ' ');
    const m = /^<p><code>([\s\S]*)<\/code><\/p>\n$/.exec(html);
    assert.ok(m, `${JSON.stringify(s)} -> ${html}`);
    assert.equal(visibleText(m[1]!), one.replace(/\s+/g, ' ').trim(), s);
  }
});

void test('random text from markup characters never renders a link or an element (mdText, mdCode, mdBold)', () => {
  const alphabet = [
    '`',
    '[',
    ']',
    '(',
    ')',
    '<',
    '>',
    '*',
    '_',
    '\\',
    '!',
    '&',
    '#',
    ';',
    ':',
    '/',
    'command:',
    'file:',
    'http://',
    'www.',
    '@',
    '|',
    ' ',
    '\n',
    'a',
    'x',
    '1',
    '.',
    '-',
    '"',
    '~',
    '$(',
  ];
  let seed = 0x12;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 3000; i++) {
    let s = '';
    for (let j = rnd(24) + 1; j > 0; j--) s += alphabet[rnd(alphabet.length)];
    for (const out of [mdText(s), mdCode(s), mdBold(s), `${mdBold('x')} ${mdText(s)} ${mdCode(s)}`]) {
      const v = inspectMarkdown(out);
      assert.deepEqual(v.problems, [], `${JSON.stringify(s)} -> ${out}`);
      assert.equal(v.links.length, 0, `${JSON.stringify(s)} -> ${out}`);
    }
    assert.equal(visibleText(renderMarkdown(mdText(s))), s.replace(/\s+/g, ' ').trim(), JSON.stringify(s));
  }
});

void test('mdFence: no line of the text closes the fence; mdCommandLink: only our commands, arguments encoded', () => {
  const html = renderMarkdown(mdFence('a\n```\n[x](command:y)\n````', 'powershell'));
  assert.match(html, /^<pre><code class="language-powershell">a\n```\n\[x\]\(command:y\)\n````\n<\/code><\/pre>\n$/);
  assert.throws(() => mdCommandLink('x', 'vscode.open', []));
  assert.throws(() => mdCommandLink('x', 'iisAuthLens.probeMrsEndpoint) [y](command:z', []));
  const link = mdCommandLink('Probe [this] endpoint', 'iisAuthLens.probeMrsEndpoint', ['https://a/) [b](command:c']);
  const v = inspectMarkdown(link, [{ command: 'iisAuthLens.probeMrsEndpoint', label: 'Probe [this] endpoint' }]);
  assert.deepEqual(v.problems, []);
  assert.equal(v.links.length, 1);
  assert.deepEqual(JSON.parse(decodeURIComponent(v.links[0]!.href.split('?')[1]!)), ['https://a/) [b](command:c']);
});

void test('plainLabel: $(icon) escaped, one line, bounded length', () => {
  assert.equal(plainLabel('a $(zap) b\nc'), 'a \\$(zap) b c');
  assert.equal(plainLabel('x'.repeat(300), 50).length, 50);
});

// ---- the server's own providers, registered as server.ts registers them ----

type Providers = Pick<InProcessServer, 'hover' | 'codeLens'>;
const serverProviders = (): Providers => inProcessServer();

function markdownOf(h: Hover): string {
  return (h.contents as MarkupContent).value;
}

/** Hovers at the start and the middle of every word-ish run of every line; returns them all. */
function hoverEverywhere(p: Providers, doc: TextDocument): Array<{ line: number; character: number; md: string }> {
  const out: Array<{ line: number; character: number; md: string }> = [];
  const lines = doc.getText().split(/\r?\n/);
  lines.forEach((text, line) => {
    const cols = new Set<number>();
    for (const m of text.matchAll(/[^\s"<>=]+/g)) {
      cols.add(m.index);
      cols.add(m.index + (m[0].length >> 1));
    }
    for (const character of cols) {
      const h = p.hover(doc, line, character);
      if (h) out.push({ line, character, md: markdownOf(h) });
    }
  });
  return out;
}

void test('error-text hover: the exploit of issue 12 renders no link of its own, the header shows as written, the probe link carries only the URL', () => {
  const p = serverProviders();
  const doc = TextDocument.create('untitled:Untitled-1', 'plaintext', 1, EXPLOIT_TEXT);
  const at = EXPLOIT_TEXT.indexOf('The HTTP request is unauthorized');
  const h = p.hover(doc, 0, at + 3);
  assert.ok(h, 'the WCF 401 text has a hover');
  const md = markdownOf(h);
  const v = assertSafeMarkdown(md, [`x\` ${EVIL_LINK}\` \`y`]);
  assert.deepEqual(
    v.links.map((l) => l.label),
    ['Probe this endpoint', 'Find matching IIS log lines', 'Explain in a document', ...v.links.slice(3).map(() => 'Copy')],
  );
  const probe = v.links.find((l) => l.label === 'Probe this endpoint')!;
  assert.deepEqual(JSON.parse(decodeURIComponent(probe.href.split('?')[1]!)), ['https://mail.contoso.com/EWS/mrsproxy.svc']);
  assert.ok(!v.links.some((l) => l.href.includes('attacker.example')), "no link carries the document's target");
  for (const x of hoverEverywhere(p, doc)) assertSafeMarkdown(x.md);
});

void test('error-text hover: crafted URLs, times and the German text stay text', () => {
  const p = serverProviders();
  const text = [
    '2024-11-05T17:16:04.123Z [x](command:iisAuthLens.probeMrsEndpoint) <img src=x onerror=alert(1)>',
    "The call to 'https://mail.contoso.com/EWS/mrsproxy.svc?a=`b`&c=[d](command:e)' failed.",
    "Error details: The HTTP request is unauthorized with client authentication scheme 'Negotiate'. The authentication header received from the server was '<b>Negotiate</b>,**NTLM**'.",
    'Die HTTP-Anforderung ist beim Clientauthentifizierungsschema "Negotiate" nicht autorisiert. Vom Server wurde der Authentifizierungsheader "[y](file:///etc/passwd)" empfangen.',
    '401 1 2148074310 SEC_E_BAD_BINDINGS 0x80090346 _under_ *star*',
  ].join('\n');
  const doc = TextDocument.create('file:///c%3A/logs/pasted.log', 'log', 1, text);
  const hovers = hoverEverywhere(p, doc);
  assert.ok(hovers.length >= 5, `hovers: ${hovers.length}`);
  for (const x of hovers) assertSafeMarkdown(x.md);
  const header = hovers.find((x) => x.md.includes('NTLM'))!;
  assertSafeMarkdown(header.md, ['<b>Negotiate</b>,**NTLM**']);
  const german = hovers.find((x) => x.md.includes('passwd'))!;
  assertSafeMarkdown(german.md, ['[y](file:///etc/passwd)']);
});

/** A W3C field has no spaces. */
const EVIL_FIELD = EVIL_LINK.replace(/ /g, '+');
const W3C_CRAFTED = [
  '#Software: Microsoft Internet Information Services 10.0',
  '#Version: 1.0',
  '#Date: 2024-11-05 17:00:00',
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs([h](command:iisAuthLens.probeMrsEndpoint)) sc-status sc-substatus sc-win32-status time-taken',
  `2024-11-05 17:01:02 10.0.0.5 POST /EWS/$(zap)${EVIL_FIELD} q=\`a\`<img/src=x/onerror=alert(1)>**b** 443 CONTOSO\\_x_ 203.0.113.9 Mozilla/5.0+[x](file:///etc/passwd) <script>alert(1)</script> 401 1 2148074310 15`,
  `2024-11-05 17:01:03 10.0.0.5 POST /EWS/$(zap)${EVIL_FIELD} - 443 - 203.0.113.9 - - 401 1 2148074310 15`,
  '2024-11-05 17:01:04 10.0.0.5 GET /owa/ - 443 - 203.0.113.9 - - 200 0 ``x`` 15 [extra](command:iisAuthLens.explainError) <b>more</b>',
  '#Remark: [r](command:iisAuthLens.probeMrsEndpoint) <i>x</i>',
  '#[d](command:x): value',
].join('\r\n');

void test('W3C log hover and CodeLens: crafted field names, values, directives and malformed lines stay text', () => {
  const p = serverProviders();
  const doc = TextDocument.create('file:///logs/u_ex241105.log', 'iis-w3c-log', 1, W3C_CRAFTED);
  const hovers = hoverEverywhere(p, doc);
  assert.ok(hovers.length >= 30, `hovers: ${hovers.length}`);
  for (const x of hovers) assertSafeMarkdown(x.md, [], []);
  const agent = hovers.find((x) => x.line === 4 && x.md.includes('cs(User-Agent)'));
  assert.ok(agent, 'the user agent has a hover');
  assertSafeMarkdown(agent.md, ['Mozilla/5.0 [x](file:///etc/passwd)'], []);
  const header = hovers.find((x) => x.line === 3 && x.md.includes('[h]'));
  assert.ok(header, 'the crafted field name has a hover');
  assertSafeMarkdown(header.md, ['cs([h](command:iisAuthLens.probeMrsEndpoint))'], []);
  const extra = hovers.find((x) => x.line === 6 && x.md.includes('extra'));
  assert.ok(extra, 'a value beyond the layout has a hover');
  assertSafeMarkdown(extra.md, ['[extra](command:iisAuthLens.explainError)'], []);
  const lenses = p.codeLens(doc);
  assert.ok(lenses.length >= 1);
  for (const l of lenses) {
    assert.doesNotMatch(l.command!.title, /(^|[^\\])\$\(/, l.command!.title);
    assert.doesNotMatch(l.command!.title, /\n/);
  }
  assert.ok(
    lenses.some((l) => l.command!.title.includes('\\$(zap)')),
    'the top failing URL is in the title, its $( escaped',
  );
});

void test('FREB hover and CodeLens: crafted headers, provider, URL and decoded token fields stay text', () => {
  const p = serverProviders();
  let xml = readFileSync(join(FIX, 'freb', 'generated', 'fr000047.bad-bindings.xml'), 'utf8');
  const jwt =
    ['{"alg":"none"}', '{"upn":"[j](command:iisAuthLens.probeMrsEndpoint) <img src=x>"}'].map((s) => Buffer.from(s).toString('base64url')).join('.') + '.';
  xml = xml.replace(
    '<Data Name="Headers">',
    `<Data Name="Headers">X-[e]**(x)**\`: [v](command:iisAuthLens.probeMrsEndpoint) **b** &lt;img src=x onerror=alert(1)&gt; \`c\`\nConstructor: x\nAuthorization: Bearer ${jwt}\n`,
  );
  xml = xml.replace(/<Provider Name="WWW Server"/, '<Provider Name="[p](command:iisAuthLens.probeMrsEndpoint) &lt;b&gt;`"');
  xml = xml.replace(/url="([^"]*)"/, 'url="$1/$(zap)[u](command:x)"');
  const doc = TextDocument.create('file:///FailedReqLogFiles/W3SVC1/fr000047.xml', 'freb', 1, xml);
  const hovers = hoverEverywhere(p, doc);
  assert.ok(hovers.length >= 50, `hovers: ${hovers.length}`);
  for (const x of hovers) assertSafeMarkdown(x.md);
  const hdr = hovers.find((x) => x.md.includes('request/response header') && x.md.includes('X-'))!;
  assert.ok(hdr, 'the crafted header has a hover');
  assertSafeMarkdown(hdr.md, ['X-[e]**(x)**`']);
  const ctorHover = hovers.find((x) => x.md.includes('Constructor'));
  if (ctorHover) assert.doesNotMatch(ctorHover.md, /function|native code/, 'no Object.prototype member read as a table entry');
  const provider = hovers.find((x) => x.md.includes('provider '));
  if (provider) assertSafeMarkdown(provider.md, ['[p](command:iisAuthLens.probeMrsEndpoint) <b>`']);
  for (const l of p.codeLens(doc)) assert.doesNotMatch(l.command!.title, /(^|[^\\])\$\(/, l.command!.title);
});

void test('token hover and the decode document: user names and claims from a token stay text', () => {
  const p = serverProviders();
  const jwt =
    ['{"alg":"none"}', `{"upn":"${EVIL_LINK.replace(/"/g, '\\"')} <img src=x> \`a\`","aud":"|x|y|"}`]
      .map((s) => Buffer.from(s).toString('base64url'))
      .join('.') + '.';
  const basic = Buffer.from('[b](command;iisAuthLens.probeMrsEndpoint)`<i>:secret-pw').toString('base64');
  const text = `Authorization: Bearer ${jwt}\nAuthorization: Basic ${basic}\nWWW-Authenticate: Negotiate [x](command:y)\n`;
  const doc = TextDocument.create('untitled:Untitled-2', 'plaintext', 1, text);
  const hovers = hoverEverywhere(p, doc);
  const jwtHover = hovers.find((x) => x.line === 0 && x.md.includes('JWT'));
  assert.ok(jwtHover, 'the JWT has a hover');
  assertSafeMarkdown(jwtHover.md, [`${EVIL_LINK} <img src=x> \`a\``]);
  const basicHover = hovers.find((x) => x.line === 1 && x.md.includes('Basic'));
  assert.ok(basicHover, 'the Basic header has a hover');
  assertSafeMarkdown(basicHover.md, ['[b](command;iisAuthLens.probeMrsEndpoint)`<i>']);
  assert.ok(!basicHover.md.includes('secret-pw'));
  for (const x of hovers) assertSafeMarkdown(x.md);
  const r = decodeToken(`Bearer ${jwt}`);
  const docMd = decodeDocument(r, 'Bearer ```\n[z](command:iisAuthLens.probeMrsEndpoint)\n```');
  assert.deepEqual(inspectMarkdown(docMd).problems, []);
  assert.equal(inspectMarkdown(docMd).links.length, 0);
});

void test('HCW CodeLens: the first error line of a failed cmdlet cannot inject icons or lines', () => {
  const cause = hcwFailureCause({ error: '$(alert) Something [x](command:y) failed\nsecond line' } as HcwEntry);
  assert.equal(cause, '\\$(alert) Something [x](command:y) failed');
});

void test('webview scripts put document text into the page as text nodes only (no innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
  const dir = join(__dirname, '..', '..', 'src', 'webview');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 3, files.join(', '));
  for (const f of files) {
    const src = readFileSync(join(dir, f), 'utf8');
    assert.doesNotMatch(src, /\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|DOMParser/, `${f} builds markup from strings`);
  }
});
