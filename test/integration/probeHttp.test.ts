// The probe's own HTTP/1.1 (src/probe/httpConnection.ts) against scripted servers that answer with
// every framing a real IIS, proxy or load balancer uses, and the probe through a host name while
// node:http/https are patched the way VS Code's proxy support patches them in the extension host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCert, type TestCert } from '../support/certs';
import { startIisLikeServer, type IisLikeServer } from '../support/iisLikeNtlmServer';
import { HttpConnection, HttpProtocolError, MAX_BODY_BYTES, headerValues, serializeRequest, type HttpRequest } from '../../src/probe/httpConnection';
import { fetchServerCertificate } from '../../src/probe/connection';
import { formatFingerprint } from '../../src/core/thumbprint';
import { checkTls, runProbe } from '../../src/probe/probe';
import { tlsServerEndPoint } from '../../src/core/channelBindings';

const REQ: HttpRequest = {
  method: 'POST',
  path: '/EWS/mrsproxy.svc',
  headers: [
    ['Host', 'mail.contoso.test'],
    ['Content-Length', '0'],
  ],
};

/** A TCP server that answers each request (up to the blank line) with the next scripted reply; `null` = say nothing. */
async function scripted(replies: Array<string | Buffer | null | ((s: Socket) => void)>): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((s) => {
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        requests.push(buf.slice(0, end));
        buf = buf.slice(end + 4);
        const r = replies.shift();
        if (r === null || r === undefined) continue;
        if (typeof r === 'function') r(s);
        else s.write(r);
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return { server, port: typeof a === 'object' && a ? a.port : 0, requests };
}

async function conn(port: number, id = 1): Promise<HttpConnection> {
  const s = connect({ host: '127.0.0.1', port });
  await new Promise<void>((r, j) => {
    s.once('connect', () => r());
    s.once('error', j);
  });
  return new HttpConnection(s, id);
}

void test('Content-Length, chunked with extensions and trailers, keep-alive: two answers on one connection', async () => {
  const srv = await scripted([
    'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\nContent-Length: 5\r\n\r\nabcde',
    'HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\nWWW-Authenticate: NTLM TlRMTVNTUAACAAAA\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n',
  ]);
  try {
    const c = await conn(srv.port);
    const r1 = await c.request(REQ, 2000);
    assert.equal(r1.status, 401);
    assert.deepEqual(headerValues(r1, 'www-authenticate'), ['Negotiate', 'NTLM']);
    assert.equal(r1.body.toString(), 'abcde');
    assert.equal(r1.keepAlive, true);
    const r2 = await c.request(REQ, 2000);
    assert.equal(r2.body.toString(), 'abcde');
    assert.equal(r2.bodyBytes, 5);
    assert.deepEqual(headerValues(r2, 'WWW-Authenticate'), ['NTLM TlRMTVNTUAACAAAA']);
    assert.equal(r2.connectionId, r1.connectionId);
    assert.ok(c.open);
    assert.equal(srv.requests.length, 2);
    assert.match(srv.requests[0], /^POST \/EWS\/mrsproxy\.svc HTTP\/1\.1\r\nHost: mail\.contoso\.test\r\n/);
    c.destroy();
  } finally {
    srv.server.close();
  }
});

void test('interim answers (100 Continue, 103 Early Hints) are skipped; the final answer counts', async () => {
  const srv = await scripted(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
  try {
    const c = await conn(srv.port);
    const r = await c.request(REQ, 2000);
    assert.equal(r.status, 200);
    assert.deepEqual(r.interim, [100, 103]);
    assert.equal(r.body.toString(), 'ok');
    c.destroy();
  } finally {
    srv.server.close();
  }
});

void test('HTTP/1.0 without keep-alive, Connection: close and read-until-close bodies end the connection', async () => {
  const srv = await scripted(['HTTP/1.0 401 Unauthorized\r\nContent-Length: 0\r\n\r\n']);
  const srv2 = await scripted([
    (s) => {
      s.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n\r\nno length, ends with the connection');
    },
  ]);
  const srv3 = await scripted(['HTTP/1.0 401 Unauthorized\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n']);
  try {
    const c = await conn(srv.port);
    const r = await c.request(REQ, 2000);
    assert.equal(r.keepAlive, false);
    assert.equal(c.open, false);
    c.destroy();
    const c2 = await conn(srv2.port);
    const r2 = await c2.request(REQ, 2000);
    assert.equal(r2.body.toString(), 'no length, ends with the connection');
    assert.equal(r2.keepAlive, false);
    c2.destroy();
    const c3 = await conn(srv3.port);
    assert.equal((await c3.request(REQ, 2000)).keepAlive, true, 'HTTP/1.0 with Connection: Keep-Alive stays open');
    c3.destroy();
  } finally {
    for (const s of [srv, srv2, srv3]) s.server.close();
  }
});

void test('bare LF line ends, folded header lines and an empty line before the status line are read', async () => {
  const srv = await scripted(['\r\nHTTP/1.1 401 Unauthorized\nWWW-Authenticate: NTLM\n  TlRMTVNTUAACAAAA\nContent-Length: 0\n\n']);
  try {
    const c = await conn(srv.port);
    const r = await c.request(REQ, 2000);
    assert.equal(r.status, 401);
    assert.deepEqual(headerValues(r, 'www-authenticate'), ['NTLM TlRMTVNTUAACAAAA']);
    c.destroy();
  } finally {
    srv.server.close();
  }
});

void test('hostile answers are refused with a reason, bounded: not HTTP, huge headers, huge bodies, bad chunk sizes, two lengths', async () => {
  const cases: Array<[string | Buffer, RegExp]> = [
    ['\x16\x03\x01\x00\x02garbage\r\n\r\n', /not HTTP/],
    [`HTTP/1.1 401 X\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`, /longer than/],
    [`HTTP/1.1 401 X\r\n${'X-A: 1\r\n'.repeat(300)}\r\n`, /more than 200 response header fields/],
    [`HTTP/1.1 401 X\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`, /larger than/],
    ['HTTP/1.1 401 X\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /malformed chunk size/],
    ['HTTP/1.1 401 X\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', /invalid Content-Length/],
    ['HTTP/1.1 101 Switching Protocols\r\n\r\n', /switched protocols/],
    ['HTTP/1.1 401 X\r\nBad Header Line\r\n\r\n', /malformed response header/],
  ];
  for (const [reply, why] of cases) {
    const srv = await scripted([reply]);
    try {
      const c = await conn(srv.port);
      await assert.rejects(c.request(REQ, 3000), (e: Error) => e instanceof HttpProtocolError && why.test(e.message), String(why));
      assert.equal(c.open, false);
      c.destroy();
    } finally {
      srv.server.close();
    }
  }
});

void test('a chunked body larger than the bound and an endless read-until-close body stop at the bound', async () => {
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  const srv = await scripted([
    (s) => {
      s.write('HTTP/1.1 401 X\r\nTransfer-Encoding: chunked\r\n\r\n');
      for (let i = 0; i < 6; i++) s.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    },
  ]);
  try {
    const c = await conn(srv.port);
    await assert.rejects(c.request(REQ, 5000), /larger than/);
    c.destroy();
  } finally {
    srv.server.close();
  }
});

void test('no answer: the request times out with the step timeout; a close mid-body is an error; cancel ends it', async () => {
  const silent = await scripted([null]);
  const cut = await scripted([
    (s) => {
      s.end('HTTP/1.1 401 X\r\nContent-Length: 100\r\n\r\nonly a part');
    },
  ]);
  const slow = await scripted([null]);
  try {
    const c = await conn(silent.port);
    const t0 = Date.now();
    await assert.rejects(c.request(REQ, 300), /no HTTP answer within 300 ms/);
    assert.ok(Date.now() - t0 < 2000);
    const c2 = await conn(cut.port);
    await assert.rejects(c2.request(REQ, 2000), /closed the connection during the response body/);
    const c3 = await conn(slow.port);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    await assert.rejects(c3.request(REQ, 10_000, abort.signal), /cancelled/);
    for (const x of [c, c2, c3]) x.destroy();
  } finally {
    for (const s of [silent, cut, slow]) s.server.close();
  }
});

void test('an answer nobody asked for before the next request makes the connection unusable, not the next answer', async () => {
  const srv = await scripted([
    (s) => {
      s.write('HTTP/1.1 401 X\r\nContent-Length: 0\r\n\r\n');
      setTimeout(() => s.write('HTTP/1.1 408 Request Timeout\r\n\r\n'), 20);
    },
  ]);
  try {
    const c = await conn(srv.port);
    await c.request(REQ, 2000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(c.open, false, 'stray bytes: the session opens a new connection instead');
    c.destroy();
  } finally {
    srv.server.close();
  }
});

void test('requests are written as sent: no header injection through CR/LF', () => {
  assert.throws(() => serializeRequest({ ...REQ, headers: [['Authorization', 'NTLM x\r\nX-Evil: 1']] }), /line break/);
  assert.throws(() => serializeRequest({ ...REQ, path: '/a b' }), /invalid request target/);
  assert.equal(serializeRequest(REQ).toString('latin1'), 'POST /EWS/mrsproxy.svc HTTP/1.1\r\nHost: mail.contoso.test\r\nContent-Length: 0\r\n\r\n');
});

// ---------------------------------------------------------------------------------------------
// Through a host name, with node:http/https patched as VS Code's proxy support patches them.

const PASSWORD = 'Herbst-2026!';
let dir = '';
let cert: TestCert;
let otherCert: TestCert;
let server: IisLikeServer;
const HOST = 'mail.contoso.test';
const toLoopback = (host: string): Promise<string[]> => {
  assert.equal(host, HOST, 'only the host name of the URL is looked up');
  return Promise.resolve(['127.0.0.1']);
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'probe-http-'));
  cert = makeCert(dir, 'mail', HOST, `DNS:${HOST}`);
  otherCert = makeCert(dir, 'other', HOST, `DNS:${HOST}`);
  server = await startIisLikeServer({ cert: cert.cert, key: cert.key, ep: 'accept', domain: 'CONTOSO', user: 'mrsadmin', password: PASSWORD });
});
after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

void test('a host name URL gives the verdict while http.request, https.request and the global agents are hijacked', async () => {
  // The module objects every require('http') shares, as the extension host's patch replaces them.
  const load = createRequire(__filename);
  const http = load('node:http') as Record<string, unknown>;
  const https = load('node:https') as Record<string, unknown>;
  const saved = { hr: http.request, hg: http.get, sr: https.request, sg: https.get };
  let hijacked = 0;
  const hijack = (): never => {
    hijacked++;
    throw new Error('the probe used node:http');
  };
  try {
    Object.assign(http, { request: hijack, get: hijack });
    Object.assign(https, { request: hijack, get: hijack });
    const url = `https://${HOST}:${server.port}/EWS/mrsproxy.svc`;
    const r = await runProbe({ url, user: 'CONTOSO\\mrsadmin', password: PASSWORD, ca: cert.cert }, { lookup: toLoopback });
    assert.equal(r.verdict, 'ok', r.explanation);
    assert.equal(r.url, url);
    assert.equal(r.tls?.trust, 'verified', 'chain and host name verified against the CA');
    assert.equal(r.tls?.channelBindings, server.expectedBindings);
    assert.equal(r.steps.find((s) => s.name === 'dns')?.detail, `${HOST} -> 127.0.0.1`);
    assert.ok(r.attempts.length === 6 && r.attempts.every((a) => a.ok && a.sameConnection));
    assert.equal(hijacked, 0);
  } finally {
    Object.assign(http, { request: saved.hr, get: saved.hg });
    Object.assign(https, { request: saved.sr, get: saved.sg });
  }
});

void test('a certificate for another name does not verify, and says so in plain words with the SHA-256 thumbprint', async () => {
  const url = `https://127.0.0.1:${server.port}/EWS/mrsproxy.svc`;
  const r = await runProbe({ url, user: 'CONTOSO\\mrsadmin', password: PASSWORD, ca: cert.cert }, {});
  assert.equal(r.verdict, 'unreachable');
  const tlsStep = r.steps.find((s) => s.name === 'tls');
  assert.ok(tlsStep && !tlsStep.ok);
  assert.match(tlsStep.detail, /for another name than the one you typed/);
  const fp = tlsServerEndPoint(cert.cert).fingerprintSha256;
  assert.ok(tlsStep.detail.includes(formatFingerprint(fp)), tlsStep.detail);
  // The certificate check before the credentials shows the same reason.
  const check = await checkTls(url, { ca: cert.cert });
  assert.equal(check.tls?.verified, false);
  assert.equal(check.tls?.verifyError, 'ERR_TLS_CERT_ALTNAME_INVALID');
  assert.match(check.tls?.verifyProblem ?? '', /another name/);
  // Against another CA: an unknown issuer, not a name problem.
  const other = await checkTls(`https://${HOST}:${server.port}/`, { ca: otherCert.cert }, { lookup: toLoopback });
  assert.equal(other.tls?.verified, false);
  assert.match(other.tls?.verifyProblem ?? '', /self-signed|certificate authority/);
  assert.equal(other.url, `https://${HOST}:${server.port}/EWS/mrsproxy.svc`, 'https://host/ means the MRS endpoint, as in the editor');
});

void test('cbt HOST:PORT and Check Channel Bindings take the certificate through the same connector', async () => {
  const der = await fetchServerCertificate(HOST, server.port, 5000, toLoopback);
  assert.equal(tlsServerEndPoint(der).fingerprintSha256, tlsServerEndPoint(cert.cert).fingerprintSha256);
  await assert.rejects(fetchServerCertificate('no-such-host.invalid', 443, 2000), /cannot resolve no-such-host\.invalid/);
});
