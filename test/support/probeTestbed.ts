// The scene of the articles, on loopback, for the probe tests that run as a user would: an
// Exchange-like endpoint (test/support/iisLikeNtlmServer.ts) with its own certificate, reached by a
// real host name (mail.contoso.test, a hosts-file entry: see testHosts.ts) either directly or
// through haproxy, which terminates TLS with ANOTHER certificate for the same name, as a reverse
// proxy in front of Exchange does. Each endpoint writes its W3C log (u_ex*.log) where asked.
//
//   direct         EP accept, the server's own certificate        -> ok
//   proxyAccept    EP accept behind haproxy (other certificate)   -> accept-mismatch
//   proxyRequire   EP require behind haproxy (other certificate)  -> rejected, log: 2148074310
//
// Test support only: never shipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCert, type TestCert } from './certs';
import { freePort, waitForPort } from './cliProcess';
import { startIisLikeServer, type IisLikeServer, type EpMode } from './iisLikeNtlmServer';

export const TEST_HOST = 'mail.contoso.test';

export interface TestbedEndpoint {
  /** https://mail.contoso.test:PORT/EWS/mrsproxy.svc */
  url: string;
  /** The certificate the client sees (PEM file), to pass as the CA. */
  certPath: string;
  /** The W3C log the Exchange side writes. */
  logFile: string;
  server: IisLikeServer;
}

export interface ProbeTestbed {
  host: string;
  direct: TestbedEndpoint;
  proxyAccept: TestbedEndpoint;
  proxyRequire: TestbedEndpoint;
  exchangeCert: TestCert;
  proxyCert: TestCert;
  close(): Promise<void>;
}

export const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((p) => existsSync(p));

/**
 * Starts the three endpoints. `certDir` holds certificates and haproxy's config, `logDir` the W3C logs.
 * haproxy is a prerequisite (scripts/setup-system.sh installs it): without it this throws.
 */
export async function startProbeTestbed(opts: { certDir: string; logDir: string; password: string; host?: string }): Promise<ProbeTestbed> {
  const host = opts.host ?? TEST_HOST;
  if (!HAPROXY) throw new Error('haproxy is not installed: scripts/setup-system.sh installs it (apt-get install haproxy)');
  const exchangeCert = makeCert(opts.certDir, 'exchange', 'ex01.contoso.test', `DNS:ex01.contoso.test,DNS:${host},IP:127.0.0.1`);
  const proxyCert = makeCert(opts.certDir, 'proxy', host, `DNS:${host}`);
  const account = { domain: 'CONTOSO', user: 'mrsadmin', password: opts.password };
  const servers: IisLikeServer[] = [];
  const start = async (ep: EpMode, name: string): Promise<{ server: IisLikeServer; logFile: string }> => {
    const logFile = join(opts.logDir, `u_ex_probe_${name}.log`);
    const server = await startIisLikeServer({ cert: exchangeCert.cert, key: exchangeCert.key, ep, ...account, logFile });
    servers.push(server);
    return { server, logFile };
  };
  const direct = await start('accept', 'direct');
  const accept = await start('accept', 'behind_proxy');
  const require = await start('require', 'require_behind_proxy');

  const pem = join(opts.certDir, 'proxy.pem');
  writeFileSync(pem, proxyCert.cert + proxyCert.key);
  const acceptPort = await freePort();
  const requirePort = await freePort();
  const front = (name: string, port: number, backend: number): string[] => [
    `frontend fe_${name}`,
    `  bind 127.0.0.1:${port} ssl crt ${pem}`,
    `  default_backend be_${name}`,
    // NTLM is connection-bound: one backend connection per client connection, never shared.
    `backend be_${name}`,
    '  http-reuse never',
    `  server ex 127.0.0.1:${backend} ssl verify none`,
  ];
  const cfgPath = join(opts.certDir, 'haproxy.cfg');
  writeFileSync(
    cfgPath,
    [
      'global',
      '  maxconn 100',
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 30s',
      '  timeout server 30s',
      ...front('accept', acceptPort, accept.server.port),
      ...front('require', requirePort, require.server.port),
    ].join('\n') + '\n',
  );
  const check = spawnSync(HAPROXY, ['-c', '-f', cfgPath], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy config: ${check.stdout}${check.stderr}`);
  const haproxy: ChildProcess = spawn(HAPROXY, ['-db', '-f', cfgPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForPort(acceptPort, 30_000);
  await waitForPort(requirePort, 30_000);

  const url = (port: number): string => `https://${host}:${port}/EWS/mrsproxy.svc`;
  return {
    host,
    exchangeCert,
    proxyCert,
    direct: { url: url(direct.server.port), certPath: exchangeCert.certPath, logFile: direct.logFile, server: direct.server },
    proxyAccept: { url: url(acceptPort), certPath: proxyCert.certPath, logFile: accept.logFile, server: accept.server },
    proxyRequire: { url: url(requirePort), certPath: proxyCert.certPath, logFile: require.logFile, server: require.server },
    async close() {
      if (haproxy.exitCode === null) {
        haproxy.kill('SIGTERM');
        await new Promise((r) => {
          haproxy.once('exit', r);
          setTimeout(r, 3000);
        });
      }
      for (const s of servers) await s.close();
    },
  };
}
