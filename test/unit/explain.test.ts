import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTimed } from '../support/growth';
import { explainText, type ExplainMatch } from '../../src/core/explain/explainText';

const FIX = join(__dirname, '..', 'fixtures', 'explain');
const read = (name: string): string => readFileSync(join(FIX, name), 'utf8');
const codes = (ms: ExplainMatch[]): string[] => ms.map((m) => `${m.line}:${m.code}`);
const byCode = (ms: ExplainMatch[], code: string): ExplainMatch => {
  const m = ms.find((x) => x.code === code);
  assert.ok(m, `expected ${code} in ${codes(ms).join(', ')}`);
  return m;
};

void test("the article's MRS move-request error: 9821, credentials, Negotiate 401, (401) Unauthorized", () => {
  const ms = explainText(read('mrs-move-request-error.en.txt'));
  assert.deepEqual(codes(ms), ['1:MRS_PORT_9821', '1:MRS_CREDENTIALS_REJECTED', '1:MRS_UNAUTHORIZED_NEGOTIATE', '1:MRS_401']);
  for (const m of ms) {
    assert.equal(m.url, 'https://mrs.msxfaq.net/EWS/mrsproxy.svc');
    assert.equal(m.time, null);
    assert.ok(m.next.includes('probe'));
    assert.ok(m.next.includes('find-iis-lines'));
  }
  const neg = byCode(ms, 'MRS_UNAUTHORIZED_NEGOTIATE');
  assert.equal(neg.title, 'MRS could not authenticate to the on-premises endpoint');
  assert.match(neg.explanation, /Extended Protection/);
  assert.match(neg.explanation, /NTLM/);
  assert.equal(neg.scheme, 'Negotiate');
  assert.equal(neg.header, 'Negotiate,NTLM');
  const port = byCode(ms, 'MRS_PORT_9821');
  assert.equal(port.internalUrl, 'net.tcp://paxpr08mb6367.eurprd08.prod.outlook.com:9821/Microsoft.Exchange.MailboxReplicationService');
  assert.match(port.explanation, /internal|inside Microsoft 365/);
  assert.ok(neg.remediation.some((r) => r.command === '.\\ExchangeExtendedProtectionManagement.ps1 -ShowExtendedProtection'));
  assert.ok(neg.remediation.some((r) => r.command === '.\\ExchangeExtendedProtectionManagement.ps1 -DisableExtendedProtection'));
  assert.ok(neg.remediation.some((r) => /certificate/i.test(r.label)));
});

void test('the HCW entry from the article (flattened onto one line): time of FINISH, Hybrid Agent URL repaired, no probe', () => {
  const ms = explainText(read('hcw-article-flattened.txt'));
  const neg = byCode(ms, 'MRS_UNAUTHORIZED_NEGOTIATE');
  assert.equal(neg.line, 1);
  assert.equal(neg.time, '2024-11-05T14:23:18.825');
  // The article breaks the URL after "00313."; the match joins it again.
  assert.equal(neg.url, 'https://eb92551b-9c63-4472-a8dc-2be7fcf00313.resource.mailboxmigration.his.msappproxy.net/EWS/mrsproxy.svc');
  assert.equal(neg.header, 'Negotiate, NTLM');
  assert.equal(neg.hybridAgent, true);
  assert.ok(!neg.next.includes('probe'), 'no probe from outside for a Hybrid Agent URL');
  assert.match(neg.explanation, /Hybrid Agent/);
  const port = byCode(ms, 'MRS_PORT_9821');
  assert.equal(port.time, '2024-11-05T14:23:18.825');
  const tmsa = byCode(ms, 'TEST_MIGRATION_SERVER_AVAILABILITY');
  assert.equal(tmsa.time, '2024-11-05T14:23:18.825');
  const agent = byCode(ms, 'HYBRID_AGENT_ENDPOINT');
  assert.equal(agent.time, '2024-11-05T14:23:13.397', 'the START entry names the agent host first');
});

void test('an HCW log with one entry per line (CRLF): matches on the FINISH line with its time', () => {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'hcw', 'HybridConfiguration_11_5_2024_14_23_10.log'), 'utf8');
  const ms = explainText(text);
  const neg = byCode(ms, 'MRS_UNAUTHORIZED_NEGOTIATE');
  assert.equal(neg.line, 5);
  assert.equal(neg.time, '2024-11-05T14:23:18.825');
  assert.equal(byCode(ms, 'TEST_MIGRATION_SERVER_AVAILABILITY').line, 5);
  assert.equal(byCode(ms, 'HYBRID_AGENT_ENDPOINT').line, 4);
  assert.ok(!ms.some((m) => m.line === 1 || m.line === 2 || m.line === 3 || m.line === 6), codes(ms).join());
});

void test('German .NET texts: WCF 401 and (401) Nicht autorisiert, URL from "Der Aufruf von"', () => {
  const ms = explainText(read('mrs-move-request-error.de.txt'));
  assert.deepEqual(codes(ms), ['1:MRS_PORT_9821', '2:MRS_UNAUTHORIZED_NEGOTIATE', '2:MRS_401']);
  const neg = byCode(ms, 'MRS_UNAUTHORIZED_NEGOTIATE');
  assert.equal(neg.url, 'https://mail.contoso.test/EWS/mrsproxy.svc');
  assert.equal(neg.scheme, 'Negotiate');
  assert.equal(neg.header, 'Negotiate,NTLM');
  assert.equal(byCode(ms, 'MRS_PORT_9821').url, 'https://mail.contoso.test/EWS/mrsproxy.svc');
});

void test('German header with quotes inside (Basic realm="...") is read to its real end', () => {
  const t =
    'Die HTTP-Anforderung ist beim Clientauthentifizierungsschema "Negotiate" nicht autorisiert. Vom Server wurde der Authentifizierungsheader "Basic realm="mail.contoso.test",Negotiate,NTLM" empfangen.';
  const [m] = explainText(t);
  assert.equal(m?.code, 'MRS_UNAUTHORIZED_NEGOTIATE');
  assert.equal(m?.header, 'Basic realm="mail.contoso.test",Negotiate,NTLM');
});

void test('French WCF text and a non-Windows scheme (Basic) are told apart', () => {
  const fr = explainText(
    "La requête HTTP n'est pas autorisée avec un schéma d'authentification client 'Negotiate'. L'en-tête d'authentification reçu du serveur était 'Negotiate,NTLM'.",
  );
  assert.deepEqual(codes(fr), ['1:MRS_UNAUTHORIZED_NEGOTIATE']);
  const basic = explainText(
    "The HTTP request is unauthorized with client authentication scheme 'Basic'. The authentication header received from the server was 'Basic realm=\"x\"'.",
  );
  assert.deepEqual(codes(basic), ['1:WCF_HTTP_UNAUTHORIZED']);
});

void test('console-wrapped text (80 columns, words and URLs broken, indented continuation) is still recognised', () => {
  const text = read('mrs-move-request-error.wrapped80.txt');
  assert.ok(text.split('\n').length > 20);
  const ms = explainText(text);
  const got = new Set(ms.map((m) => m.code));
  for (const c of ['MRS_PORT_9821', 'MRS_CREDENTIALS_REJECTED', 'MRS_UNAUTHORIZED_NEGOTIATE', 'MRS_401']) assert.ok(got.has(c as never), c);
  const neg = byCode(ms, 'MRS_UNAUTHORIZED_NEGOTIATE');
  assert.equal(neg.url, 'https://mrs.msxfaq.net/EWS/mrsproxy.svc');
  assert.ok(neg.endLine > neg.line, 'the match spans the wrapped lines');
  // The phrase starts where the unwrapped text has it: 80 characters on line 1, then 60 per line.
  const flat = read('mrs-move-request-error.en.txt');
  const at = flat.indexOf('The HTTP request is unauthorized');
  assert.equal(neg.line, at < 80 ? 1 : 2 + Math.floor((at - 80) / 60));
});

void test('SSPI codes in every notation: decimal, hex, signed, NTSTATUS, names, message texts (en/de)', () => {
  const ms = explainText(read('sspi-codes-every-notation.txt'));
  assert.deepEqual(codes(ms), [
    '1:SEC_E_BAD_BINDINGS',
    '2:SEC_E_BAD_BINDINGS',
    '3:SEC_E_BAD_BINDINGS',
    '4:SEC_E_BAD_BINDINGS',
    '5:SEC_E_BAD_BINDINGS',
    '6:SEC_E_BAD_BINDINGS',
    '7:SEC_E_INVALID_TOKEN',
    '8:SEC_E_LOGON_DENIED',
    '9:SEC_E_NO_CREDENTIALS',
    '10:SEC_E_BAD_BINDINGS',
    '11:SEC_E_INVALID_TOKEN',
    '12:SEC_E_BAD_BINDINGS',
  ]);
  assert.deepEqual(
    ms.slice(0, 6).map((m) => m.notation),
    ['2148074310', '0x80090346', '-2146892986', '3221226331', '0xC000035B', 'SEC_E_BAD_BINDINGS'],
  );
  assert.equal(byCode(ms, 'SEC_E_BAD_BINDINGS').url, null);
});

void test('the article\'s IIS code list, including its "EC_E_BAD_BINDINGS" typo', () => {
  const ms = explainText(read('article-iis-codes.txt'));
  assert.deepEqual(codes(ms), ['1:SEC_E_NO_CREDENTIALS', '1:SEC_E_INVALID_TOKEN', '1:SEC_E_BAD_BINDINGS', '2:SEC_E_BAD_BINDINGS']);
});

void test('the FREB description from the article', () => {
  const ms = explainText(read('freb-description-bad-bindings.txt'));
  assert.deepEqual(codes(ms), ['1:SEC_E_BAD_BINDINGS']);
  assert.match(ms[0]!.explanation, /certificate/);
  assert.ok(ms[0]!.next.includes('compare-certificates'));
});

void test('pasted IIS lines: the failing leg is recognised, the normal challenge leg (401 1 2148074254) is not', () => {
  const text = [
    '2024-11-05 14:23:55 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 52.97.218.221 - - 401 2 5 0',
    '2024-11-05 14:23:55 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - 52.97.218.221 - - 401 1 2148074254 0',
    '2024-11-05 14:23:55 10.0.0.5 POST /EWS/mrsproxy.svc - 443 UCLABOR\\fcadmin 52.97.218.221 - - 401 1 2148074310 15',
  ].join('\r\n');
  const ms = explainText(text);
  assert.deepEqual(codes(ms), ['3:SEC_E_BAD_BINDINGS']);
  assert.equal(ms[0]!.time, '2024-11-05T14:23:55');
});

void test('no false positives: ordinary IIS logs (real and synthetic with handshakes), near-miss texts, empty input', () => {
  assert.deepEqual(explainText(read('ordinary-exchange-iis10-edge-cases.log')), []);
  const synthetic = read('ordinary-synthetic-handshakes.log');
  assert.ok(/401 1 2148074254/.test(synthetic));
  assert.deepEqual(codes(explainText(synthetic)), []);
  assert.deepEqual(codes(explainText(read('not-error-texts.txt'))), []);
  assert.deepEqual(explainText(''), []);
  assert.deepEqual(explainText('\n\n   \n'), []);
});

void test('a 1 MB line (hostile: quotes, partial phrases, digits) is scanned in linear time', () => {
  const chunk =
    "The HTTP request is unauthorized with client authentication scheme 'Negotiate'. The authentication header received from the server was '" + 'N'.repeat(50);
  const hostile = (chunk + "''''2148074310x".repeat(3) + '9'.repeat(200) + ' ').repeat(Math.ceil(1_000_000 / (chunk.length + 250)));
  const { ms: dt, value: ms } = cpuTimed(() => explainText(hostile));
  assert.ok(ms.length >= 1, 'the phrase is still found');
  assert.ok(dt < 3000, `took ${dt.toFixed(0)} ms of CPU`);
  const quotes = "'".repeat(1_000_000);
  const q = cpuTimed(() => explainText(quotes));
  assert.deepEqual(q.value, []);
  assert.ok(q.ms < 2000, `took ${q.ms.toFixed(0)} ms of CPU`);
  const spaces = 'a '.repeat(500_000) + '2148074310';
  const sp = cpuTimed(() => explainText(spaces));
  assert.deepEqual(codes(sp.value), ['1:SEC_E_BAD_BINDINGS']);
  assert.ok(sp.ms < 2000, `took ${sp.ms.toFixed(0)} ms of CPU`);
});

void test('timestamps in other notations give the entry time; continuation lines inherit it', () => {
  const text = [
    '05.11.2024 14:23:18 [EX01] Transient error CommunicationErrorTransientException has occurred. The system will retry.',
    "    The call to 'https://mail.contoso.test/EWS/mrsproxy.svc' failed. Error details: The remote server returned an error: (401) Unauthorized.",
    '',
    '11/5/2024 2:23:18 PM: The logon attempt failed',
  ].join('\n');
  const ms = explainText(text);
  assert.deepEqual(codes(ms), ['2:MRS_401', '4:SEC_E_LOGON_DENIED']);
  assert.equal(ms[0]!.time, '2024-11-05T14:23:18');
  assert.equal(ms[0]!.url, 'https://mail.contoso.test/EWS/mrsproxy.svc');
  assert.equal(ms[1]!.time, '2024-11-05T14:23:18');
  assert.ok(!ms[1]!.next.includes('probe') || ms[1]!.url === null);
});

void test('prose after an HCW entry does not inherit its time or endpoint', () => {
  const text = [
    "2024.11.05 14:23:18.825 10277 [Client=UX, Session=Tenant, Cmdlet=Test-MigrationServerAvailability, Thread=12] FINISH Time=5428,0ms Results=1 {ErrorDetail=The call to 'https://hybrid.contoso.test/EWS/mrsproxy.svc' failed.}",
    'Insbesondere beim "2148074310 = EC_E_BAD_BINDINGS" klingelt bei mir was.',
    '    at Microsoft.Exchange.Migration.Foo() 0x80090346',
  ].join('\n');
  const ms = explainText(text);
  assert.deepEqual(codes(ms), ['1:TEST_MIGRATION_SERVER_AVAILABILITY', '2:SEC_E_BAD_BINDINGS', '3:SEC_E_BAD_BINDINGS']);
  assert.equal(ms[1]!.time, null);
  assert.equal(ms[2]!.time, null, 'the indented line continues the prose line, not the HCW entry');
  assert.equal(ms[1]!.url, null);
  const cont = explainText([text.split('\n')[0], text.split('\n')[2]].join('\n'));
  assert.deepEqual(codes(cont), ['1:TEST_MIGRATION_SERVER_AVAILABILITY', '2:SEC_E_BAD_BINDINGS']);
  assert.equal(cont[1]!.time, '2024-11-05T14:23:18.825', 'an indented exception line continues the entry');
  assert.equal(cont[1]!.url, 'https://hybrid.contoso.test/EWS/mrsproxy.svc');
});

void test('Test-MigrationServerAvailability output (Format-List, wrapped with blank lines in between)', () => {
  const ms = explainText(read('test-migrationserveravailability-output.txt'));
  const tmsa = ms.filter((m) => m.code === 'TEST_MIGRATION_SERVER_AVAILABILITY');
  assert.deepEqual(
    tmsa.map((m) => m.line),
    [11],
  );
  const neg = byCode(ms, 'MRS_UNAUTHORIZED_NEGOTIATE');
  assert.equal(neg.line, 17);
  assert.equal(neg.endLine, 21);
  assert.equal(neg.header, 'Negotiate, NTLM');
  assert.equal(neg.url, 'https://mail.contoso.test/EWS/mrsproxy.svc', 'the URL two wrapped lines above, across a blank line');
  assert.equal(tmsa[0]!.url, 'https://mail.contoso.test/EWS/mrsproxy.svc');
  assert.equal(byCode(ms, 'MRS_401').line, 21);
  assert.ok(!ms.some((m) => m.line > 21), 'nothing after the error');
});
