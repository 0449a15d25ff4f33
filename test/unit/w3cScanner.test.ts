// Parsing traps of W3C logs as IIS writes them, one by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeW3cText, analyzeW3cBuffer } from '../../src/core/w3c/w3cAnalyze';
import { parseW3cDocument } from '../../src/core/w3c/w3cDocument';
import { describeField, displayValue } from '../../src/core/w3c/w3cFields';
import { W3cScanner } from '../../src/core/w3c/w3cScanner';

const F =
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
const line = (t: string, ip: string, uri: string, user: string, st: string): string =>
  `2026-11-21 ${t} 10.0.0.5 POST ${uri} - 443 ${user} ${ip} Microsoft+Office/16.0+(Windows+NT+10.0) - ${st} 15`;

void test('CRLF: the CR does not stick to the last field; BOM is skipped', () => {
  const text =
    '\uFEFF#Software: Microsoft Internet Information Services 10.0\r\n' +
    F +
    '\r\n' +
    line('10:00:00', '52.1.2.3', '/EWS/mrsproxy.svc', '-', '401 1 2148074310') +
    '\r\n';
  const r = analyzeW3cText(text);
  assert.equal(r.lines, 3);
  assert.equal(r.requests, 1);
  assert.deepEqual(r.summary.win32, { 2148074310: 1 });
  assert.equal(r.findings[0].code, 'BAD_BINDINGS');
  assert.equal(r.findings[0].line, 3);
  assert.equal(r.findings[0].time, '2026-11-21T10:00:00Z');
  const m = parseW3cDocument(text);
  const f = m.fields(3);
  assert.equal(f.at(-1)!.raw, '15');
  assert.equal(f.at(-1)!.name, 'time-taken');
});

void test('directives in any order, #Remark tolerated, no #Fields falls back to the IIS default layout', () => {
  const r = analyzeW3cText(
    [
      '#Date: 2026-11-21 00:00:00',
      F,
      '#Remark: hello',
      '#Software: Microsoft Internet Information Services 10.0',
      line('10:00:00', '1.1.1.1', '/ews/exchange.asmx', '-', '401 1 2148074248'),
    ].join('\n'),
  );
  assert.equal(r.requests, 1);
  assert.equal(r.findings.filter((f) => f.code === 'INVALID_TOKEN').length, 1);
  const noFields = analyzeW3cText([line('10:00:00', '1.1.1.1', '/x', 'CONTOSO\\a', '401 1 2148074252'), 'too few fields here'].join('\n'));
  assert.equal(noFields.requests, 1);
  assert.equal(noFields.findings.find((f) => f.code === 'LOGON_DENIED')?.user, 'CONTOSO\\a');
  const mal = noFields.findings.find((f) => f.code === 'MALFORMED_LINE')!;
  assert.equal(mal.line, 2);
  assert.match(mal.message, /no #Fields directive before this line/);
});

void test('repeated #Fields re-map columns: status moves', () => {
  const r = analyzeW3cText(
    [
      '#Fields: c-ip sc-status sc-substatus sc-win32-status cs-uri-stem time',
      '1.1.1.1 401 1 2148074310 /a 10:00:00',
      '#Fields: sc-win32-status sc-substatus sc-status cs-uri-stem c-ip time',
      '3221226331 1 401 /b 2.2.2.2 10:00:01',
      '0 0 200 /c 2.2.2.2 10:00:02',
    ].join('\n'),
  );
  assert.deepEqual(r.summary.status, { 200: 1, 401: 2 });
  assert.deepEqual(
    r.findings.filter((f) => f.code === 'BAD_BINDINGS').map((f) => [f.line, f.clientIp, f.uri, f.win32]),
    [
      [2, '1.1.1.1', '/a', 2148074310],
      [4, '2.2.2.2', '/b', 3221226331],
    ],
  );
  // no date field and no #Date: the time is unknown, not invented
  assert.equal(r.findings[0].time, null);
});

void test('a 2148074310 without a 401 is not BAD_BINDINGS; a "-" status counts as "-", a junk status not at all', () => {
  const r = analyzeW3cText(
    [
      F,
      line('10:00:00', '1.1.1.1', '/a', '-', '500 0 2148074310'),
      line('10:00:00', '1.1.1.1', '/a', '-', '- - -'),
      line('10:00:00', '1.1.1.1', '/a', '-', 'abc 0 0'),
    ].join('\n'),
  );
  assert.equal(r.findings.length, 0);
  assert.deepEqual(r.summary.status, { 500: 1, '-': 1 });
  assert.equal(r.requests, 3);
});

void test('tokens: blank runs are one separator, W3C quoted values with blanks are one token', () => {
  const r = analyzeW3cText(
    ['#Fields: c-ip cs(User-Agent) sc-status', '1.1.1.1  "Mozilla 5.0 ""x"""   200', '1.1.1.1 "unclosed quote 200', '1.1.1.1 a"b"c 200'].join('\n'),
  );
  assert.equal(r.requests, 2);
  assert.deepEqual(
    r.findings.map((f) => [f.code, f.line]),
    [['MALFORMED_LINE', 3]],
  );
  const m = parseW3cDocument(['#Fields: c-ip cs(User-Agent) sc-status', '1.1.1.1  "Mozilla 5.0 ""x"""   200'].join('\n'));
  assert.deepEqual(
    m.fields(2).map((f) => [f.start, f.end, f.raw]),
    [
      [0, 7, '1.1.1.1'],
      [9, 28, '"Mozilla 5.0 ""x"""'],
      [31, 34, '200'],
    ],
  );
});

void test('garbage bytes, an empty file, blank lines and a missing final newline', () => {
  assert.deepEqual(analyzeW3cBuffer(Buffer.alloc(0)), {
    lines: 0,
    requests: 0,
    bytes: 0,
    summary: { status: {}, win32: {}, findings: {} },
    findings: [],
    findingsOmitted: 0,
    layouts: [],
    blocks: [],
  });
  const junk = Buffer.from([0, 1, 2, 255, 254, 32, 10, 13, 10, 0x23, 10]);
  const r = analyzeW3cBuffer(Buffer.concat([Buffer.from(F + '\n'), junk, Buffer.from('\n\n' + line('10:00:00', '1.1.1.1', '/a', '-', '200 0 0'))]));
  assert.equal(r.lines, 7); // F, junk, CR-only (blank), '#', blank, blank, data
  assert.equal(r.requests, 1);
  assert.deepEqual(
    r.findings.map((f) => [f.code, f.line]),
    [['MALFORMED_LINE', 2]],
  );
});

void test('handshake: anonymous, challenge, success is complete; window and grouping per client + URL', () => {
  const legs = (t0: string, t1: string, ip: string, uri: string): string[] => [line(t0, ip, uri, '-', '401 2 5'), line(t1, ip, uri, '-', '401 1 2148074254')];
  const ok = analyzeW3cText(
    [F, ...legs('10:00:00', '10:00:00', '1.1.1.1', '/EWS/Exchange.asmx'), line('10:00:01', '1.1.1.1', '/EWS/Exchange.asmx', 'CONTOSO\\a', '200 0 0')].join(
      '\n',
    ),
  );
  assert.equal(ok.findings.length, 0);
  const abandoned = analyzeW3cText(
    [
      F,
      ...legs('10:00:00', '10:00:00', '1.1.1.1', '/EWS/Exchange.asmx'),
      line('10:00:01', '1.1.1.1', '/owa/', 'CONTOSO\\a', '200 0 0'), // other URL: does not complete
      line('10:00:01', '9.9.9.9', '/EWS/Exchange.asmx', 'CONTOSO\\b', '200 0 0'), // other client: does not complete
      line('10:00:02', '3.3.3.3', '/ecp/', '-', '401 2 5'), // anonymous only: not reported
    ].join('\n'),
  );
  assert.deepEqual(
    abandoned.findings.map((f) => [f.code, f.line, f.relatedLines]),
    [['HANDSHAKE_INCOMPLETE', 3, [2]]],
  );
  assert.equal(abandoned.findings[0].win32, 2148074254);
  assert.equal(abandoned.findings[0].time, '2026-11-21T10:00:00Z');
  assert.match(abandoned.findings[0].message, /never reached a non-401.*SEC_E_NO_CREDENTIALS/);
  // a success 5 minutes later does not rescue the attempt (window 120 s), but does with a 600 s window
  const late = [F, ...legs('10:00:00', '10:00:01', '1.1.1.1', '/a'), line('10:05:00', '1.1.1.1', '/a', 'CONTOSO\\a', '200 0 0')].join('\n');
  assert.equal(analyzeW3cText(late).summary.findings.HANDSHAKE_INCOMPLETE, 1);
  assert.equal(analyzeW3cText(late, { handshakeWindowSeconds: 600 }).summary.findings.HANDSHAKE_INCOMPLETE, undefined);
  // summary mode counts without keeping findings
  const s = analyzeW3cText(late, { collectFindings: false });
  assert.equal(s.findings.length, 0);
  assert.equal(s.summary.findings.HANDSHAKE_INCOMPLETE, 1);
});

void test('block stats for CodeLens: 401s, BAD_BINDINGS, top failing URL and client', () => {
  const r = analyzeW3cText(
    [
      F,
      line('10:00:00', '52.1.1.1', '/EWS/mrsproxy.svc', '-', '401 2 5'),
      line('10:00:00', '52.1.1.1', '/EWS/mrsproxy.svc', '-', '401 1 2148074254'),
      line('10:00:01', '52.1.1.1', '/EWS/mrsproxy.svc', '-', '401 1 2148074310'),
      line('10:00:02', '52.1.1.2', '/EWS/mrsproxy.svc', '-', '401 1 2148074310'),
      line('10:00:02', '52.1.1.1', '/EWS/mrsproxy.svc', '-', '401 1 2148074310'),
      line('10:00:03', '10.0.0.9', '/Microsoft-Server-ActiveSync/default.eas', '-', '401 1 1326'),
      line('10:00:04', '10.0.0.9', '/owa/', 'CONTOSO\\x', '200 0 0'),
    ].join('\n'),
  );
  const b = r.blocks[0];
  assert.equal(b.requests, 7);
  assert.equal(b.status401, 6);
  assert.equal(b.badBindings, 3);
  assert.equal(b.failures, 4);
  assert.deepEqual(b.topFailingUri, { value: '/EWS/mrsproxy.svc', count: 3 });
  assert.deepEqual(b.topFailingClient, { value: '52.1.1.1', count: 2 });
  assert.deepEqual(b.failureLines, [4, 5, 6, 7]);
});

void test('field descriptions and display values', () => {
  assert.equal(describeField('sc-win32-status').kind, 'win32');
  assert.equal(describeField('C-IP').kind, 'ip');
  assert.equal(describeField('cs(X-Custom)').kind, 'header');
  assert.equal(describeField('X-Forwarded-For').kind, 'ip');
  assert.equal(describeField('s-whatever').kind, 'other');
  assert.equal(displayValue('cs(User-Agent)', 'Mozilla/5.0+(Windows+NT)'), 'Mozilla/5.0 (Windows NT)');
  assert.equal(displayValue('cs-uri-query', 'a+b'), 'a+b');
  assert.equal(displayValue('cs-username', '-'), '');
});

void test('a line longer than 1 MiB across chunks is one malformed line; memory stays bounded; offsets stay right', () => {
  const good = line('10:00:00', '1.1.1.1', '/a', '-', '401 1 2148074310');
  const text = Buffer.concat([Buffer.from(F + '\r\n'), Buffer.alloc(3 << 20, 0x78), Buffer.from('\r\n' + good + '\r\n' + good)]);
  const seen: { line: number; offset: number; reason?: string }[] = [];
  const sc = new W3cScanner({
    onRecord: (r) => seen.push({ line: r.line, offset: r.fileOffset }),
    onMalformed: (r, reason) => seen.push({ line: r.line, offset: r.fileOffset, reason }),
  });
  for (let i = 0; i < text.length; i += 65536) sc.push(text.subarray(i, i + 65536));
  sc.end();
  const l3 = F.length + 2 + (3 << 20) + 2;
  assert.deepEqual(
    seen.map((s) => [s.line, s.offset]),
    [
      [2, F.length + 2],
      [3, l3],
      [4, l3 + good.length + 2],
    ],
  );
  assert.match(seen[0].reason!, /a line of 314572[89] bytes, longer than 1 MiB/);
  assert.equal(sc.lines, 4);
  assert.equal(sc.bytes, text.length);
  const r = analyzeW3cBuffer(text);
  assert.deepEqual(
    r.findings.filter((f) => f.code !== 'HANDSHAKE_INCOMPLETE').map((f) => [f.code, f.line]),
    [
      ['MALFORMED_LINE', 2],
      ['BAD_BINDINGS', 3],
      ['BAD_BINDINGS', 4],
    ],
  );
});

void test('MALFORMED_LINE findings can be capped while the count stays exact', () => {
  const junk = Array.from({ length: 50 }, (_, i) => `junk line ${i}`).join('\n');
  const r = analyzeW3cText(F + '\n' + junk, { maxMalformedFindings: 10 });
  assert.equal(r.summary.findings.MALFORMED_LINE, 50);
  assert.equal(r.findings.length, 10);
  assert.equal(r.findingsOmitted, 40);
  assert.deepEqual(
    r.findings.map((f) => f.line),
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  );
});

void test('a UTF-16 log file (with BOM) is read like its UTF-8 text', async () => {
  const { analyzeW3cFile } = await import('../../src/core/w3c/w3cAnalyze.js');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const d = mkdtempSync(join(tmpdir(), 'w3c16-'));
  try {
    const text = [F, line('10:00:00', '1.1.1.1', '/EWS/mrsproxy.svc', 'CONTOSO\\jörg', '401 1 2148074310')].join('\r\n') + '\r\n';
    const p = join(d, 'u_ex16.log');
    writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = await analyzeW3cFile(p);
    assert.equal(r.requests, 1);
    assert.deepEqual(
      r.findings.filter((f) => f.code === 'BAD_BINDINGS').map((f) => [f.line, f.user]),
      [[2, 'CONTOSO\\jörg']],
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

void test('without #Fields, only lines that start with date and time are read with the IIS default layout', () => {
  const fifteen = 'a b c d e f g h i j k l m n o';
  const r = analyzeW3cText([fifteen, line('10:00:00', '1.1.1.1', '/x', '-', '200 0 0')].join('\n'));
  assert.equal(r.requests, 1);
  assert.deepEqual(
    r.findings.map((f) => [f.code, f.line]),
    [['MALFORMED_LINE', 1]],
  );
  assert.match(r.findings[0].message, /does not fit the IIS default layout/);
});

void test('each failed attempt is its own BAD_BINDINGS with its legs, also when the client retries within the window; no HANDSHAKE_INCOMPLETE on top', () => {
  const attempt = (t: string): string[] => [
    line(t, '52.1.1.1', '/EWS/mrsproxy.svc', '-', '401 2 5'),
    line(t, '52.1.1.1', '/EWS/mrsproxy.svc', '-', '401 1 2148074254'),
    line(t, '52.1.1.1', '/EWS/mrsproxy.svc', '-', '401 1 2148074310'),
  ];
  const r = analyzeW3cText([F, ...attempt('10:00:00'), ...attempt('10:00:30'), ...attempt('10:01:00')].join('\n'));
  assert.deepEqual(
    r.findings.map((f) => [f.code, f.line, f.relatedLines]),
    [
      ['BAD_BINDINGS', 4, [2, 3]],
      ['BAD_BINDINGS', 7, [5, 6]],
      ['BAD_BINDINGS', 10, [8, 9]],
    ],
  );
  assert.deepEqual(r.summary.findings, { BAD_BINDINGS: 3 });
  // the same attempts with a final verdict that is no finding of its own (SEC_E_UNSUPPORTED_FUNCTION) stay HANDSHAKE_INCOMPLETE
  const other = analyzeW3cText([F, ...attempt('10:00:00'), ...attempt('10:00:30')].join('\n').replace(/2148074310/g, '2148074242'));
  assert.deepEqual(
    other.findings.map((f) => [f.code, f.line, f.relatedLines]),
    [
      ['HANDSHAKE_INCOMPLETE', 4, [2, 3]],
      ['HANDSHAKE_INCOMPLETE', 7, [5, 6]],
    ],
  );
});
