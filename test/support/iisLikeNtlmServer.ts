// A local HTTPS endpoint that behaves as IIS does for Windows authentication at /EWS/mrsproxy.svc:
// anonymous 401 with "Negotiate" and "NTLM" offers, NTLM state per connection, NTLMv2 verified
// against a known account, Extended Protection none / accept / require against its OWN certificate
// (absent and all-zero bindings count the same), an authenticated GET answered with 400 as the
// real endpoint does, and a W3C log in the Exchange layout with the sub-status and win32 codes
// IIS writes. Test support only: never shipped.
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { appendFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { decodeNtlm, NTLMSSP_NEGOTIATE_KEY_EXCH, NTLMSSP_NEGOTIATE_UNICODE } from '../../src/core/ntlmMessage';
import { ntlmChannelBindingsHash } from '../../src/core/channelBindings';
import { hmacMd5, ntowfv2, rc4, ntlmSign } from '../../src/probe/ntlmClient';
import { parseSpnegoInit, parseSpnegoResponse, spnegoServerResponse } from './spnegoPeer';

export type EpMode = 'none' | 'accept' | 'require';

export interface IisLikeOptions {
  cert: string;
  key: string;
  ep: EpMode;
  domain: string;
  user: string;
  password: string;
  /** W3C log file (written with the Exchange field layout). */
  logFile?: string;
  /** Offered schemes for the anonymous 401 (default Negotiate, NTLM). */
  offers?: string[];
  host?: string;
  port?: number;
  /** Take only raw NTLM tokens in the Negotiate header (no SPNEGO), as some non-Windows servers do. */
  negotiateRawOnly?: boolean;
  /** Close the connection after every response (breaks NTLM as a non-keep-alive server would). */
  closeEachResponse?: boolean;
}

export const W3C_FIELDS =
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';

export const SEC_E_INVALID_TOKEN = 2148074248;
export const SEC_E_LOGON_DENIED = 2148074252;
export const SEC_E_NO_CREDENTIALS = 2148074254;
export const SEC_E_BAD_BINDINGS = 2148074310;

interface ConnState {
  scheme: 'NTLM' | 'Negotiate';
  type1: Buffer;
  type2: Buffer;
  serverChallenge: Buffer;
}

export interface LogLine {
  method: string;
  status: number;
  substatus: number;
  win32: number;
  user: string;
}

export interface IisLikeServer {
  url: string;
  port: number;
  expectedBindings: string;
  log: LogLine[];
  close(): Promise<void>;
}

function buildChallenge(type1Flags: number, serverChallenge: Buffer): Buffer {
  const utf = (s: string): Buffer => Buffer.from(s, 'utf16le');
  const pair = (id: number, v: Buffer): Buffer => {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(id, 0);
    h.writeUInt16LE(v.length, 2);
    return Buffer.concat([h, v]);
  };
  const ft = Buffer.alloc(8);
  ft.writeBigUInt64LE((BigInt(Date.now()) + 11644473600000n) * 10000n);
  const targetInfo = Buffer.concat([
    pair(2, utf('CONTOSO')),
    pair(1, utf('EX01')),
    pair(4, utf('contoso.test')),
    pair(3, utf('ex01.contoso.test')),
    pair(5, utf('contoso.test')),
    pair(7, ft),
    pair(0, Buffer.alloc(0)),
  ]);
  const targetName = utf('CONTOSO');
  // Echo what the client asked for that IIS supports, plus TARGET_INFO, TARGET_TYPE_DOMAIN, VERSION.
  const flags = ((type1Flags & 0xe20882b7) | 0x00810000 | 0x02000000 | NTLMSSP_NEGOTIATE_UNICODE) >>> 0;
  const head = Buffer.alloc(56);
  head.write('NTLMSSP\0', 0, 'latin1');
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(targetName.length, 12);
  head.writeUInt16LE(targetName.length, 14);
  head.writeUInt32LE(56, 16);
  head.writeUInt32LE(flags, 20);
  serverChallenge.copy(head, 24);
  head.writeUInt16LE(targetInfo.length, 40);
  head.writeUInt16LE(targetInfo.length, 42);
  head.writeUInt32LE(56 + targetName.length, 44);
  Buffer.from([10, 0, 0x5c, 0x4f, 0, 0, 0, 15]).copy(head, 48);
  return Buffer.concat([head, targetName, targetInfo]);
}

export function startIisLikeServer(opts: IisLikeOptions): Promise<IisLikeServer> {
  const expectedBindings = ntlmChannelBindingsHash(opts.cert);
  const states = new WeakMap<Socket, ConnState>();
  const log: LogLine[] = [];
  const offers = opts.offers ?? ['Negotiate', 'NTLM'];
  if (opts.logFile) {
    writeFileSync(
      opts.logFile,
      `#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: ${new Date().toISOString().replace('T', ' ').slice(0, 19)}\r\n#Fields: ${W3C_FIELDS}\r\n`,
    );
  }

  const server = https.createServer({ cert: opts.cert, key: opts.key, keepAliveTimeout: 5000 }, (req, res) => {
    const t0 = Date.now();
    if (opts.closeEachResponse) res.setHeader('Connection', 'close');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks), t0));
  });

  function writeLog(req: IncomingMessage, status: number, substatus: number, win32: number, user: string, t0: number): void {
    log.push({ method: req.method ?? '-', status, substatus, win32, user });
    if (!opts.logFile) return;
    const now = new Date();
    const [path, query] = (req.url ?? '/').split('?');
    const ua = String(req.headers['user-agent'] ?? '-').replace(/ /g, '+');
    const line = [
      now.toISOString().slice(0, 10),
      now.toISOString().slice(11, 19),
      req.socket.localAddress ?? '-',
      req.method ?? '-',
      path || '/',
      query || '-',
      String(req.socket.localPort ?? '-'),
      user || '-',
      (req.socket.remoteAddress ?? '-').replace(/^::ffff:/, ''),
      ua,
      '-',
      String(status),
      String(substatus),
      String(win32),
      String(Date.now() - t0),
    ].join(' ');
    appendFileSync(opts.logFile, line + '\r\n');
  }

  function deny(req: IncomingMessage, res: ServerResponse, substatus: number, win32: number, t0: number, user = '-'): void {
    writeLog(req, 401, substatus, win32, user, t0);
    res.setHeader('WWW-Authenticate', offers);
    res.writeHead(401, { 'Content-Type': 'text/html' });
    res.end('401 - Unauthorized: Access is denied due to invalid credentials.');
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer, t0: number): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path.toLowerCase() !== '/ews/mrsproxy.svc') {
      writeLog(req, 404, 0, 2, '-', t0);
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('404 - File or directory not found.');
      return;
    }
    const auth = req.headers.authorization;
    const m = auth ? /^(\S+)\s+([A-Za-z0-9+/=]+)\s*$/.exec(auth) : null;
    const scheme = m?.[1].toLowerCase();
    if (!m || (scheme !== 'ntlm' && scheme !== 'negotiate') || !offers.some((o) => o.toLowerCase() === scheme)) {
      deny(req, res, 2, 5, t0);
      return;
    }
    const isNeg = scheme === 'negotiate';
    let token: Buffer = Buffer.from(m[2], 'base64');
    let mechListMic: Buffer | null = null;
    try {
      if (isNeg && token[0] !== 0x4e && opts.negotiateRawOnly) {
        deny(req, res, 1, SEC_E_INVALID_TOKEN, t0);
        return;
      }
      if (isNeg && token[0] === 0x60) token = parseSpnegoInit(token).mechToken ?? Buffer.alloc(0);
      else if (isNeg && token[0] === 0xa1) {
        const r = parseSpnegoResponse(token);
        token = r.responseToken ?? Buffer.alloc(0);
        mechListMic = r.mechListMic;
      }
      const msg = decodeNtlm(token);
      if (msg.messageType === 1) {
        const serverChallenge = randomBytes(8);
        const type2 = buildChallenge(msg.flags, serverChallenge);
        states.set(req.socket, { scheme: isNeg ? 'Negotiate' : 'NTLM', type1: token, type2, serverChallenge });
        writeLog(req, 401, 1, SEC_E_NO_CREDENTIALS, '-', t0);
        const answer =
          isNeg && !opts.negotiateRawOnly
            ? `Negotiate ${spnegoServerResponse(1, type2, true).toString('base64')}`
            : `${isNeg ? 'Negotiate' : 'NTLM'} ${type2.toString('base64')}`;
        res.writeHead(401, { 'WWW-Authenticate': answer, 'Content-Type': 'text/html' });
        res.end('401 - Unauthorized');
        return;
      }
      if (msg.messageType !== 3) {
        deny(req, res, 1, SEC_E_INVALID_TOKEN, t0);
        return;
      }
      const st = states.get(req.socket);
      states.delete(req.socket);
      // No challenge on this connection (a proxy moved the leg to another backend connection).
      if (!st) {
        deny(req, res, 1, SEC_E_INVALID_TOKEN, t0);
        return;
      }
      const account = `${msg.domain}\\${msg.user}`;
      if (msg.ntlmVersion !== 2 || !msg.ntlmV2) {
        deny(req, res, 1, SEC_E_LOGON_DENIED, t0);
        return;
      }
      const ntOff = token.readUInt32LE(24),
        ntLen = token.readUInt16LE(20);
      const blob = token.subarray(ntOff + 16, ntOff + ntLen);
      const known =
        msg.user.toLowerCase() === opts.user.toLowerCase() &&
        (msg.domain === '' || msg.domain.toLowerCase() === opts.domain.toLowerCase() || msg.domain.toLowerCase() === 'contoso.test');
      const key = ntowfv2(opts.password, msg.user, msg.domain);
      const proof = hmacMd5(key, st.serverChallenge, blob);
      if (!known || proof.toString('hex') !== msg.ntlmV2.ntProofStr) {
        deny(req, res, 1, SEC_E_LOGON_DENIED, t0);
        return;
      }
      const sessionBaseKey = hmacMd5(key, proof);
      let exported: Buffer = sessionBaseKey;
      if (msg.flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
        const kOff = token.readUInt32LE(56),
          kLen = token.readUInt16LE(52);
        exported = rc4(sessionBaseKey, token.subarray(kOff, kOff + kLen));
      }
      if (msg.micPresent && msg.mic) {
        const zeroed = Buffer.from(token);
        zeroed.fill(0, 72, 88);
        if (hmacMd5(exported, st.type1, st.type2, zeroed).toString('hex') !== msg.mic) {
          deny(req, res, 1, SEC_E_INVALID_TOKEN, t0);
          return;
        }
      }
      if (mechListMic && isNeg) {
        const want = ntlmSign(exported, 'client', 0, Buffer.from('300c060a2b06010401823702020a', 'hex'), msg.flags);
        if (!want || !want.equals(mechListMic)) {
          deny(req, res, 1, SEC_E_INVALID_TOKEN, t0);
          return;
        }
      }
      // Extended Protection: IIS compares against its own certificate; absent and zero count the same.
      const cb = msg.channelBindingsState;
      const matches = cb === 'present' && msg.channelBindings === expectedBindings;
      const epOk = opts.ep === 'none' ? true : opts.ep === 'accept' ? cb !== 'present' || matches : matches;
      if (!epOk) {
        deny(req, res, 1, SEC_E_BAD_BINDINGS, t0);
        return;
      }
      const headers: Record<string, string> = { 'Content-Type': 'text/html', 'Persistent-Auth': 'true' };
      if (isNeg && !opts.negotiateRawOnly) headers['WWW-Authenticate'] = `Negotiate ${spnegoServerResponse(0).toString('base64')}`;
      // The real endpoint: GET (and a POST without a SOAP body) is a 400; a POST with a body is served.
      const status = req.method === 'POST' && body.length > 0 ? 200 : 400;
      writeLog(req, status, 0, 0, account, t0);
      res.writeHead(status, headers);
      res.end(status === 400 ? 'Bad Request' : '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>');
    } catch {
      deny(req, res, 1, SEC_E_INVALID_TOKEN, t0);
    }
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        url: `https://127.0.0.1:${port}/EWS/mrsproxy.svc`,
        port,
        expectedBindings,
        log,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
