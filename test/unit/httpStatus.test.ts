import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStatus, statusLabel } from '../../src/core/httpStatus';

void test('401 substatus meanings', () => {
  assert.equal(describeStatus(401, 1).meaning, 'Logon failed');
  assert.match(describeStatus(401, 2).meaning!, /server configuration/);
  assert.match(describeStatus(401, 3).meaning!, /ACL/);
  assert.match(describeStatus(401, 4).meaning!, /filter/);
  assert.match(describeStatus(401, 5).meaning!, /ISAPI\/CGI/);
  assert.equal(describeStatus(401, 1).code, '401.1');
  assert.equal(describeStatus(401, 1).reason, 'Unauthorized');
  assert.equal(describeStatus(401, 1).statusClass, 'client-error');
  assert.match(describeStatus(401, 2).hint!, /first leg/);
});

void test('403, 404, 500, 502, 503 substatus meanings', () => {
  assert.match(describeStatus(403, 4).meaning!, /SSL required/);
  assert.match(describeStatus(403, 14).meaning!, /Directory listing/);
  assert.equal(describeStatus(404, 0).meaning, 'Not found');
  assert.equal(describeStatus(404, 7).meaning, 'File extension denied');
  assert.equal(describeStatus(404, 8).meaning, 'Hidden namespace');
  assert.match(describeStatus(404, 11).meaning!, /double escape/);
  assert.match(describeStatus(404, 13).meaning!, /Content length too large/);
  assert.match(describeStatus(500, 19).meaning!, /Configuration data is invalid/);
  assert.match(describeStatus(500, 21).meaning!, /Module not recognized/);
  assert.match(describeStatus(502, 3).meaning!, /forwarder connection error/);
  assert.match(describeStatus(503, 0).meaning!, /Application pool unavailable/);
  assert.equal(describeStatus(503).reason, 'Service Unavailable');
  assert.equal(describeStatus(503).code, '503');
  assert.equal(describeStatus(503).substatus, undefined);
});

void test('classes, unknown substatus, non-HTTP codes', () => {
  assert.equal(describeStatus(200, 0).statusClass, 'success');
  assert.equal(describeStatus(200, 0).meaning, 'OK');
  assert.equal(describeStatus(302).statusClass, 'redirect');
  assert.equal(describeStatus(500, 0).statusClass, 'server-error');
  assert.equal(describeStatus(401, 77).meaning, undefined);
  assert.equal(describeStatus(401, 77).code, '401.77');
  // FTP codes in an IIS 4 FTP log
  assert.equal(describeStatus(331).statusClass, 'redirect');
  assert.equal(describeStatus(331).reason, '');
  assert.equal(describeStatus(999).statusClass, 'unknown');
  assert.equal(statusLabel(401, 1), '401.1 Unauthorized: Logon failed');
  assert.equal(statusLabel(404), '404 Not Found');
});
