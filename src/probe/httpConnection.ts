// HTTP/1.1 spoken by the probe itself over a socket it opened and checked (RFC 9112): one request
// at a time, keep-alive, Content-Length, chunked and read-until-close bodies, interim 1xx answers
// (100 Continue, 103 Early Hints) skipped, every size bounded.
//
// Why not node:http: NTLM authenticates the connection, so both legs of a handshake must travel on
// the one TLS connection whose certificate the channel bindings name. VS Code's proxy support
// patches node:http/https (agents, request) in the extension host; a request through them may be
// sent elsewhere or in plain text. Writing the bytes on our own socket keeps the CLI and the editor
// on exactly the same code path, whatever the host did to node:http.
import type { Duplex } from 'node:stream';

/** Most header bytes of one response (IIS allows 64 KiB of request headers; answers are smaller). */
export const MAX_HEADER_BYTES = 64 * 1024;
/** Most body bytes read from one response; a 401 page or a SOAP fault is a few KB. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Most bytes of body kept for the caller (the rest is read and dropped). */
const KEPT_BODY_BYTES = 16 * 1024;
/** Most interim (1xx) answers before the final one. */
const MAX_INTERIM = 8;
const MAX_HEADER_FIELDS = 200;

export class HttpProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}

export interface HttpRequest {
  method: string;
  /** Origin-form target: /EWS/mrsproxy.svc?x */
  path: string;
  /** In order; Host first. Names and values must not contain CR or LF. */
  headers: Array<[string, string]>;
  body?: Buffer;
}

export interface HttpResponse {
  status: number;
  reason: string;
  httpVersion: string;
  /** Raw header fields in order, names as sent. */
  headers: Array<[string, string]>;
  /** The first bytes of the body (at most 16 KiB). */
  body: Buffer;
  bodyBytes: number;
  /** Interim answers seen before this one (e.g. [100]). */
  interim: number[];
  /** May the connection carry another request after this answer? */
  keepAlive: boolean;
  /** Which connection of the session carried it (1, 2, ...). */
  connectionId: number;
}

/** Values of one header, case-insensitive, in order. */
export function headerValues(res: Pick<HttpResponse, 'headers'>, name: string): string[] {
  const lower = name.toLowerCase();
  return res.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

function tokensOf(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

function checkFieldText(what: string, text: string): void {
  // Request smuggling guard: nothing we send may end a header line early.
  if (/[\r\n\0]/.test(text)) throw new HttpProtocolError(`${what} contains a line break`);
}

export function serializeRequest(req: HttpRequest): Buffer {
  checkFieldText('the method', req.method);
  checkFieldText('the path', req.path);
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(req.method)) throw new HttpProtocolError(`invalid method ${req.method}`);
  if (/\s/.test(req.path) || !req.path.startsWith('/')) throw new HttpProtocolError(`invalid request target ${JSON.stringify(req.path)}`);
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  for (const [name, value] of req.headers) {
    checkFieldText(`header ${name}`, name + value);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new HttpProtocolError(`invalid header name ${JSON.stringify(name)}`);
    head += `${name}: ${value}\r\n`;
  }
  head += '\r\n';
  const h = Buffer.from(head, 'latin1');
  return req.body?.length ? Buffer.concat([h, req.body]) : h;
}

interface Waiter {
  resolve(): void;
}

/**
 * One HTTP/1.1 connection over an already established (TLS) socket. Not for pipelining: a request
 * is sent only after the previous answer was read completely.
 */
export class HttpConnection {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: Error | undefined;
  private waiter: Waiter | undefined;
  private busy = false;
  /** False once the server said close, ended the stream, or an answer could not be framed. */
  private reusable = true;

  constructor(
    private readonly socket: Duplex,
    readonly id: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      // Unasked-for bytes or an answer far over the bounds: stop reading instead of growing.
      if (this.buf.length > MAX_HEADER_BYTES + MAX_BODY_BYTES + 64 * 1024) {
        this.fail(new HttpProtocolError('the server sent more data than an answer may have'));
      }
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.reusable = false;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.reusable = false;
      this.wake();
    });
    socket.on('error', (e: Error) => this.fail(e));
  }

  /** Can another request go over this connection? */
  get open(): boolean {
    // Bytes waiting before we asked (a 408, a stray answer) would be read as the next answer.
    const stray = !this.busy && this.buf.length > 0;
    return this.reusable && !stray && !this.ended && !this.failure && !this.socket.destroyed;
  }

  destroy(): void {
    this.reusable = false;
    this.socket.destroy();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.reusable = false;
    this.socket.destroy();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve();
  }

  /** Resolves when more bytes arrived, the stream ended, or it failed. */
  private more(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiter = { resolve };
    });
  }

  private take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Reads one CRLF-terminated line (bare LF tolerated), at most `limit` bytes. */
  private async line(limit: number, what: string): Promise<string> {
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        if (nl > limit) throw new HttpProtocolError(`${what} is longer than ${limit} bytes`);
        const raw = this.take(nl + 1);
        return raw.toString('latin1', 0, raw.length - (raw.length >= 2 && raw[raw.length - 2] === 0x0d ? 2 : 1));
      }
      if (this.buf.length > limit) throw new HttpProtocolError(`${what} is longer than ${limit} bytes`);
      if (this.ended) throw this.endedError(what);
      await this.more();
    }
  }

  private endedError(what: string): Error {
    return this.failure ?? new HttpProtocolError(`the server closed the connection during ${what}`);
  }

  /** Exactly n body bytes; keeps at most KEPT_BODY_BYTES of them in `kept`. */
  private async bytes(n: number, kept: Buffer[], keptLen: { n: number }, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0) {
        if (this.ended) throw this.endedError(what);
        await this.more();
        continue;
      }
      const part = this.take(Math.min(left, this.buf.length));
      left -= part.length;
      if (keptLen.n < KEPT_BODY_BYTES) {
        const slice = part.subarray(0, KEPT_BODY_BYTES - keptLen.n);
        kept.push(Buffer.from(slice));
        keptLen.n += slice.length;
      }
    }
  }

  private async head(): Promise<{ status: number; reason: string; version: string; headers: Array<[string, string]> }> {
    let budget = MAX_HEADER_BYTES;
    // RFC 9112 2.2: a client should ignore at least one empty line before the status line.
    let statusLine = await this.line(budget, 'the status line');
    if (statusLine === '') statusLine = await this.line(budget, 'the status line');
    budget -= statusLine.length;
    const m = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) {
      const shown = statusLine.length > 60 ? `${statusLine.slice(0, 60)}…` : statusLine;
      throw new HttpProtocolError(`the answer is not HTTP (status line ${JSON.stringify(shown)})`);
    }
    const headers: Array<[string, string]> = [];
    for (;;) {
      const l = await this.line(budget, 'the response headers');
      budget -= l.length + 2;
      if (budget < 0) throw new HttpProtocolError(`the response headers are longer than ${MAX_HEADER_BYTES} bytes`);
      if (l === '') break;
      if (/^[ \t]/.test(l) && headers.length) {
        // obs-fold (RFC 9112 5.2): a continuation line joins the previous value.
        headers[headers.length - 1][1] += ` ${l.trim()}`;
        continue;
      }
      const colon = l.indexOf(':');
      if (colon <= 0 || /\s/.test(l.slice(0, colon))) throw new HttpProtocolError(`malformed response header line ${JSON.stringify(l.slice(0, 60))}`);
      headers.push([l.slice(0, colon), l.slice(colon + 1).trim()]);
      if (headers.length > MAX_HEADER_FIELDS) throw new HttpProtocolError(`more than ${MAX_HEADER_FIELDS} response header fields`);
    }
    return { status: Number(m[3]), reason: m[4] ?? '', version: `${m[1]}.${m[2]}`, headers };
  }

  private async chunked(kept: Buffer[], keptLen: { n: number }): Promise<number> {
    let total = 0;
    for (;;) {
      const sizeLine = await this.line(1024, 'a chunk size line');
      const m = /^([0-9A-Fa-f]{1,8})[ \t]*(?:;.*)?$/.exec(sizeLine);
      if (!m) throw new HttpProtocolError(`malformed chunk size ${JSON.stringify(sizeLine.slice(0, 40))}`);
      const size = parseInt(m[1], 16);
      if (size === 0) break;
      total += size;
      if (total > MAX_BODY_BYTES) throw new HttpProtocolError(`the response body is larger than ${MAX_BODY_BYTES} bytes`);
      await this.bytes(size, kept, keptLen, 'a chunk');
      const end = await this.line(2, 'the end of a chunk');
      if (end !== '') throw new HttpProtocolError('a chunk does not end where its size says');
    }
    // Trailer fields, up to the empty line.
    let budget = MAX_HEADER_BYTES;
    for (;;) {
      const t = await this.line(budget, 'the chunked trailer');
      if (t === '') break;
      budget -= t.length + 2;
      if (budget < 0) throw new HttpProtocolError('the chunked trailer is too long');
    }
    return total;
  }

  private async untilClose(kept: Buffer[], keptLen: { n: number }): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.buf.length) {
        const part = this.take(this.buf.length);
        total += part.length;
        if (total > MAX_BODY_BYTES) throw new HttpProtocolError(`the response body is larger than ${MAX_BODY_BYTES} bytes`);
        if (keptLen.n < KEPT_BODY_BYTES) {
          const slice = part.subarray(0, KEPT_BODY_BYTES - keptLen.n);
          kept.push(Buffer.from(slice));
          keptLen.n += slice.length;
        }
        continue;
      }
      if (this.ended) return total;
      await this.more().catch((e: unknown) => {
        // A reset after the last byte of a read-until-close body ends it as well.
        if (!this.ended) throw e;
      });
      if (this.failure && !this.buf.length) return total;
    }
  }

  private async readResponse(method: string): Promise<HttpResponse> {
    const interim: number[] = [];
    for (;;) {
      const h = await this.head();
      if (h.status >= 100 && h.status < 200) {
        if (h.status === 101) throw new HttpProtocolError('the server switched protocols (101), which the probe did not ask for');
        interim.push(h.status);
        if (interim.length > MAX_INTERIM) throw new HttpProtocolError(`more than ${MAX_INTERIM} interim (1xx) answers`);
        continue;
      }
      const res: HttpResponse = {
        status: h.status,
        reason: h.reason,
        httpVersion: h.version,
        headers: h.headers,
        body: Buffer.alloc(0),
        bodyBytes: 0,
        interim,
        keepAlive: false,
        connectionId: this.id,
      };
      const connection = tokensOf(headerValues(res, 'connection'));
      let keepAlive = h.version === '1.0' ? connection.includes('keep-alive') : !connection.includes('close');
      const kept: Buffer[] = [];
      const keptLen = { n: 0 };
      const te = tokensOf(headerValues(res, 'transfer-encoding'));
      const cl = headerValues(res, 'content-length');
      if (method === 'HEAD' || h.status === 204 || h.status === 304) {
        res.bodyBytes = 0;
      } else if (te.length) {
        if (te[te.length - 1] !== 'chunked') {
          // RFC 9112 6.3: a final coding other than chunked is framed by the close.
          res.bodyBytes = await this.untilClose(kept, keptLen);
          keepAlive = false;
        } else {
          res.bodyBytes = await this.chunked(kept, keptLen);
        }
      } else if (cl.length) {
        const values = new Set(tokensOf(cl));
        const only = [...values][0];
        if (values.size !== 1 || !/^\d{1,12}$/.test(only)) throw new HttpProtocolError(`invalid Content-Length ${JSON.stringify(cl.join(', '))}`);
        const n = Number(only);
        if (n > MAX_BODY_BYTES) throw new HttpProtocolError(`the response body is larger than ${MAX_BODY_BYTES} bytes (Content-Length ${n})`);
        await this.bytes(n, kept, keptLen, 'the response body');
        res.bodyBytes = n;
      } else {
        res.bodyBytes = await this.untilClose(kept, keptLen);
        keepAlive = false;
      }
      res.body = Buffer.concat(kept);
      // Bytes nobody asked for after a complete answer: the framing is off, do not reuse.
      if (this.buf.length) keepAlive = false;
      if (!keepAlive) this.reusable = false;
      res.keepAlive = keepAlive && this.open;
      return res;
    }
  }

  /**
   * Sends one request and reads its answer. Rejects on a protocol error, a timeout (no complete
   * answer within `timeoutMs`), cancellation, or when the connection was closed first.
   */
  async request(req: HttpRequest, timeoutMs: number, signal?: AbortSignal): Promise<HttpResponse> {
    if (this.busy) throw new Error('a request is already running on this connection');
    if (!this.open) throw this.failure ?? new HttpProtocolError('the connection is closed');
    this.busy = true;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const bytes = serializeRequest(req);
      const stop = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const e = new Error(`no HTTP answer within ${timeoutMs} ms`);
          reject(e);
          this.fail(e);
        }, timeoutMs);
        onAbort = () => {
          const e = new Error('cancelled');
          reject(e);
          this.fail(e);
        };
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
      stop.catch(() => undefined);
      this.socket.write(bytes);
      return await Promise.race([this.readResponse(req.method.toUpperCase()), stop]);
    } catch (e) {
      // An answer that could not be read leaves the connection in an unknown state.
      this.reusable = false;
      throw e;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      this.busy = false;
    }
  }
}
