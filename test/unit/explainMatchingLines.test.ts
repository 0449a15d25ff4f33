import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findMatchingIisLines, pathOfUrl, timeWindow } from '../../src/core/timeline/matchingIisLines';
import { explainText } from '../../src/core/explain/explainText';

const STORY = readFileSync(join(__dirname, '..', 'fixtures', 'explain', 'u_ex241105_mrsproxy_fixed_at_1716.log'));

void test('path of the endpoint URL, MRS path by default', () => {
  assert.equal(pathOfUrl('https://mrs.msxfaq.net/EWS/mrsproxy.svc'), '/EWS/mrsproxy.svc');
  assert.equal(pathOfUrl('https://x.msappproxy.net/EWS/mrsproxy.svc?a=1'), '/EWS/mrsproxy.svc');
  assert.equal(pathOfUrl('https://mail.contoso.test'), '/EWS/mrsproxy.svc');
  assert.equal(pathOfUrl(null), '/EWS/mrsproxy.svc');
});

void test('time window: local text time with a UTC offset, explicit zones win', () => {
  const w = timeWindow('2024-11-05T15:23:55.000', 60, 2, 3)!;
  assert.equal(new Date(w.from * 1000).toISOString(), '2024-11-05T14:21:55.000Z');
  assert.equal(new Date(w.to * 1000).toISOString(), '2024-11-05T14:26:55.000Z');
  const z = timeWindow('2024-11-05T14:23:55Z', 60, 0, 0)!;
  assert.equal(z.from, Date.UTC(2024, 10, 5, 14, 23, 55) / 1000);
  const plus = timeWindow('2024-11-05T15:23:55+01:00', 0, 0, 0)!;
  assert.equal(plus.from, z.from);
  assert.equal(timeWindow('yesterday', 0, 1, 1), null);
});

void test('the HCW error at 15:23:55 local (UTC+1) finds the three failing legs in the IIS log', () => {
  const [m] = explainText(
    "2024.11.05 15:23:55.100 10277 [Client=UX, Session=Tenant, Cmdlet=Test-MigrationServerAvailability, Thread=12] FINISH Time=5428,0ms Results=1 {ErrorDetail=The call to 'https://mrs.contoso.test/EWS/mrsproxy.svc' failed. Error details: The HTTP request is unauthorized with client authentication scheme 'Negotiate'. The authentication header received from the server was 'Negotiate, NTLM'.}",
  );
  assert.ok(m?.time);
  const w = timeWindow(m.time, 60, 1, 1)!;
  const r = findMatchingIisLines(STORY, { ...w, uriStem: pathOfUrl(m.url) });
  assert.deepEqual(
    r.lines.map((l) => [l.status, l.win32, l.outcome, l.clientIp]),
    [
      ['401.2', 5, 'challenge', '52.97.218.221'],
      ['401.1', 2148074254, 'challenge', '52.97.218.221'],
      ['401.1', 2148074310, 'badBindings', '52.97.218.221'],
    ],
  );
  const text = STORY.toString('utf8').split('\r\n');
  for (const l of r.lines) assert.match(text[l.line - 1]!, /mrsproxy\.svc/);
  assert.equal(r.lines[2]!.user, 'UCLABOR\\fcadmin');
  assert.equal(r.pathRequests, 78);
});

void test('no lines in the window: empty, and other paths or an empty stem', () => {
  const w = timeWindow('2024-11-05T09:00:00', 0, 5, 5)!;
  assert.deepEqual(findMatchingIisLines(STORY, w).lines, []);
  const all = timeWindow('2024-11-05T15:02:10', 0, 0, 1)!;
  assert.deepEqual(
    findMatchingIisLines(STORY, { ...all, uriStem: '/ews/exchange.asmx' }).lines.map((l) => l.outcome),
    ['challenge', 'challenge', 'logonDenied'],
  );
  assert.equal(findMatchingIisLines(STORY, { ...all, uriStem: '' }).lines.length >= 3, true);
  assert.deepEqual(findMatchingIisLines('garbage\n\u0000', w).lines, []);
});
