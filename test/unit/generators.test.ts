// The test generators' ground truth checked against their own files by a count that shares no code
// with src/ (split lines, split blanks, look at fixed columns), and their determinism: the analyzer
// tests can only be as right as this truth.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIisLog, parseSize } from '../support/iisLogGenerator';
import { generateFreb, parseMix } from '../support/frebGenerator';

const dir = mkdtempSync(join(tmpdir(), 'generators-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void test('IIS log truth: bytes, lines, requests, layouts, status and win32 counts, finding lines, malformed lines', () => {
  const out = join(dir, 'u_ex261121.log');
  const t = generateIisLog({ out, size: '400k', seed: 9, garbage: 6, badBindingsRate: 0.05, logonDeniedRate: 0.03, invalidTokenRate: 0.02, abandonRate: 0.02 });
  const buf = readFileSync(out);
  assert.equal(t.bytes, buf.length);
  assert.ok(t.bytes >= parseSize('400k'));
  const lines = buf.toString('latin1').split('\r\n');
  assert.equal(lines.pop(), '', 'CRLF after the last line too');
  assert.equal(t.lines, lines.length);
  assert.ok(lines.every((l) => (!l.includes('\n') && !l.includes('\r')) || t.malformedLines.includes(lines.indexOf(l) + 1)));
  let fields: string[] = [];
  const status: Record<string, number> = {},
    win32: Record<string, number> = {};
  const find: Record<string, number[]> = { BAD_BINDINGS: [], INVALID_TOKEN: [], LOGON_DENIED: [] };
  const layouts: number[] = [],
    malformed: number[] = [];
  let requests = 0;
  lines.forEach((l, i) => {
    if (l.startsWith('#')) {
      if (l.startsWith('#Fields: ')) {
        fields = l.slice(9).split(' ');
        layouts.push(i + 1);
      }
      return;
    }
    const v = l.split(' ');
    if (v.length !== fields.length) {
      malformed.push(i + 1);
      return;
    }
    requests++;
    const st = v[fields.indexOf('sc-status')],
      w = v[fields.indexOf('sc-win32-status')];
    status[st] = (status[st] ?? 0) + 1;
    win32[w] = (win32[w] ?? 0) + 1;
    if (st === '401') {
      const code =
        w === '2148074310' || w === '3221226331' ? 'BAD_BINDINGS' : w === '2148074248' ? 'INVALID_TOKEN' : w === '2148074252' ? 'LOGON_DENIED' : null;
      if (code) find[code].push(i + 1);
    }
  });
  assert.equal(t.requests, requests);
  assert.deepEqual(
    t.layouts.map((l) => l.line),
    layouts,
  );
  assert.equal(layouts.length, 3, 'start, restart, layout change');
  assert.deepEqual(t.malformedLines, malformed);
  assert.equal(malformed.length, 6);
  assert.deepEqual(t.status, status);
  assert.deepEqual(t.win32, win32);
  for (const [code, at] of Object.entries(find)) {
    assert.ok(at.length > 0, code);
    assert.equal(t.findings[code], at.length, code);
    assert.deepEqual(t.findingLines[code].first, at, code);
    assert.equal(
      t.findingLines[code].lineSum,
      at.reduce((a, b) => a + b, 0),
      code,
    );
  }
  assert.deepEqual(JSON.parse(readFileSync(out + '.truth.json', 'utf8')), t, 'the sidecar holds the returned truth');
});

void test('IIS logs: same seed and options give the same bytes; another seed, LF or another size does not', () => {
  const a = join(dir, 'a.log'),
    b = join(dir, 'b.log'),
    c = join(dir, 'c.log'),
    d = join(dir, 'd.log');
  generateIisLog({ out: a, size: '64k', seed: 4, writeTruth: false });
  generateIisLog({ out: b, size: '64k', seed: 4, writeTruth: false });
  generateIisLog({ out: c, size: '64k', seed: 5, writeTruth: false });
  const lf = generateIisLog({ out: d, size: '64k', seed: 4, lf: true, writeTruth: false });
  assert.ok(readFileSync(a).equals(readFileSync(b)));
  assert.ok(!readFileSync(a).equals(readFileSync(c)));
  assert.ok(!readFileSync(d).includes('\r'));
  assert.equal(lf.options.eol, 'LF');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.truth.json') && f !== 'u_ex261121.log.truth.json'),
    [],
    'writeTruth: false',
  );
  assert.throws(() => generateIisLog({ out: a, size: '12 parsecs' }), /bad size/);
  assert.throws(() => generateIisLog({ out: a, date: '21.11.2026' }), /YYYY-MM-DD/);
});

void test('FREB truth: cases by the mix, status, win32, failure and Authorization lines as written in each file', () => {
  const out = join(dir, 'W3SVC1');
  const t = generateFreb({
    out,
    count: 40,
    seed: 3,
    mix: 'bad-bindings=2,anonymous=2,challenge=2,logon-denied=1,invalid-token=1,success-slow=1,server-error=1',
  });
  assert.equal(t.files.length, 40);
  assert.deepEqual(
    readdirSync(out)
      .filter((f) => f.endsWith('.xml'))
      .sort(),
    t.files.map((f) => f.file),
  );
  assert.equal(
    Object.values(t.cases).reduce((a, b) => a + b, 0),
    40,
  );
  for (const f of t.files) {
    const text = readFileSync(join(out, f.file), 'utf8');
    assert.ok(text.endsWith('</failedRequest>\r\n') && !/[^\r]\n/.test(text), `${f.file}: CRLF throughout`);
    const lines = text.split('\r\n');
    const status = /statusCode="(\d+)(?:\.(\d+))?"/.exec(text)!;
    assert.equal(Number(status[1]), f.statusCode, f.file);
    assert.equal(Number(status[2] ?? 0), f.subStatusCode, f.file);
    assert.equal((text.match(/<Event xmlns=/g) ?? []).length, f.events, f.file);
    if (f.failureEvent) {
      assert.equal(lines[f.failureEvent.eventStartLine - 1], '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">', f.file);
      assert.equal(lines[f.failureEvent.opcodeLine - 1], '  <Opcode>MODULE_SET_RESPONSE_ERROR_STATUS</Opcode>', f.file);
      const code = /<Data Name="ErrorCode">(\d+)<\/Data>/.exec(lines.slice(f.failureEvent.eventStartLine, f.failureEvent.opcodeLine).join('\n'));
      assert.equal(Number(code?.[1]), f.win32Status, f.file);
    } else {
      assert.equal(f.win32Status, null);
      assert.ok(!text.includes('MODULE_SET_RESPONSE_ERROR_STATUS'), f.file);
    }
    if (f.authorization) {
      const line = lines[f.authorizationHeaderLine! - 1];
      assert.match(line, new RegExp(`^  <Data Name="Headers">Authorization: ${f.authorization.scheme} TlRMTVNTUAA`), f.file);
      const msg = Buffer.from(/ (TlRMTVNTUAA[A-Za-z0-9+/=]*)$/.exec(line)![1], 'base64');
      assert.equal(msg.readUInt32LE(8), f.authorization.ntlm.messageType, f.file);
    } else {
      assert.equal(f.authorizationHeaderLine, null);
    }
    assert.deepEqual(
      f.findings.map((x) => x.code),
      f.case === 'bad-bindings' ? ['BAD_BINDINGS'] : f.case === 'logon-denied' ? ['LOGON_DENIED'] : f.case === 'invalid-token' ? ['INVALID_TOKEN'] : [],
    );
  }
  const again = generateFreb({
    out: join(dir, 'again'),
    count: 40,
    seed: 3,
    mix: 'bad-bindings=2,anonymous=2,challenge=2,logon-denied=1,invalid-token=1,success-slow=1,server-error=1',
  });
  assert.deepEqual(again.files, t.files);
  assert.ok(readFileSync(join(dir, 'again', 'fr000007.xml')).equals(readFileSync(join(out, 'fr000007.xml'))));
  assert.throws(() => parseMix('bad-bindings=1,kerberos-loop=2'), /unknown case kerberos-loop/);
});
