// Fetch the leaf certificate a TLS server presents, trusted or not. Nothing is sent after the
// handshake: the connection is closed as soon as the certificate is known.
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface HostPort { host: string; port: number }

/** "host:port", "[v6]:port" → parts; null when the text is not of that form. */
export function parseHostPort(text: string): HostPort | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2], port };
}

export class TlsFetchError extends Error {
  constructor(message: string, public readonly step: 'connect' | 'tls' | 'timeout') {
    super(message);
    this.name = 'TlsFetchError';
  }
}

/** Connect, complete the TLS handshake, return the peer's leaf certificate (DER). */
export function fetchLeafCertificate(host: string, port: number, timeoutMs = 10000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let done = false;
    const opts: tls.ConnectionOptions = {
      host, port, rejectUnauthorized: false,
      // SNI only for names: IP literals must not be sent as server names.
      ...(net.isIP(host) ? {} : { servername: host }),
    };
    const finish = (err: Error | null, der?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(der as Buffer);
    };
    const socket = tls.connect(opts, () => {
      const cert = socket.getPeerCertificate(false);
      if (!cert || !cert.raw || cert.raw.length === 0) finish(new TlsFetchError(`${host}:${port}: the server presented no certificate`, 'tls'));
      else finish(null, Buffer.from(cert.raw));
    });
    const timer = setTimeout(() => finish(new TlsFetchError(`${host}:${port}: no TLS handshake within ${timeoutMs} ms`, 'timeout')), timeoutMs);
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const step = e.code && /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN|ETIMEDOUT)$/.test(e.code) ? 'connect' : 'tls';
      finish(new TlsFetchError(`${host}:${port}: ${step === 'connect' ? 'cannot connect' : 'TLS handshake failed'}: ${e.code ?? ''}${e.code ? ' ' : ''}${e.message}`.replace(/\s+/g, ' '), step));
    });
  });
}
