// `iis-auth-lens cbt [--json] FILE|HOST:PORT`: the channel bindings a certificate implies
// (RFC 5929 tls-server-end-point and the MD5 that NTLM carries in MsvAvChannelBindings).
import { stat } from 'node:fs/promises';
import type { Subcommand } from './commands';
import { InputError, MAX_CERT_BYTES, UsageError, readRegularFile, writeJson, type CliIo } from './io';
import { CertificateError, applicationDataText, ntlmChannelBindingsHash, tlsServerEndPoint } from '../core/channelBindings';
import { ServerCertificateError, fetchServerCertificate } from '../probe/connection';
import { parseHostPort } from '../probe/probeUrl';

const USAGE = 'iis-auth-lens cbt [--json] [--timeout MS] FILE|HOST:PORT';

const HELP = [
  `Usage: ${USAGE}`,
  '',
  'Computes the channel bindings of a server certificate as a Windows client sends them with',
  'Extended Protection: the RFC 5929 tls-server-end-point application data (MD5 and SHA-1',
  'signatures hash with SHA-256, RSA-PSS with the hash in its parameters) and the MD5 of the',
  'gss_channel_bindings_struct that NTLM carries in MsvAvChannelBindings.',
  '',
  '  FILE          a certificate, PEM or DER',
  '  HOST:PORT     connect with TLS and take the leaf certificate the server presents, trusted or',
  '                not (only the handshake happens; nothing is sent)',
  '  --timeout MS  TLS handshake timeout for HOST:PORT (default 10000)',
  '  --json        print {subject, signatureHash, applicationData, channelBindings, ...}',
  '',
  'Compare both sides: `cbt <public name>:443` (what clients see through the proxy) and',
  '`cbt <exchange server>:443` (what IIS expects). Different channelBindings = SEC_E_BAD_BINDINGS.',
  '',
  'Exit codes: 0 done, 1 the file is not a certificate / cannot be read / the host cannot be reached, 2 usage error.',
].join('\n');

export const cbtCommand: Subcommand = {
  name: 'cbt',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    let timeout = 10000;
    const pos: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--help' || a === '-h') {
        io.stdout.write(HELP + '\n');
        return 0;
      }
      if (a === '--json') json = true;
      else if (a === '--timeout' || a.startsWith('--timeout=')) {
        const v = a === '--timeout' ? argv[++i] : a.slice('--timeout='.length);
        const n = Number(v);
        if (!v || !Number.isInteger(n) || n <= 0 || n > 600000) throw new UsageError(`--timeout needs a number of milliseconds (1..600000), got '${v ?? ''}'`);
        timeout = n;
      } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
      else pos.push(a);
    }
    if (pos.length === 0) throw new UsageError('missing FILE or HOST:PORT');
    if (pos.length > 1) throw new UsageError(`expected one FILE or HOST:PORT, got ${pos.length}`);
    const target = pos[0];
    let der: Buffer;
    let source: string;
    const isFile = await stat(target).then(
      (s) => s.isFile(),
      () => false,
    );
    const hp = isFile ? null : parseHostPort(target);
    if (hp) {
      try {
        der = await fetchServerCertificate(hp.host, hp.port, timeout);
      } catch (e) {
        if (e instanceof ServerCertificateError) throw new InputError(e.message);
        throw e;
      }
      source = `${hp.host}:${hp.port}`;
    } else {
      try {
        // A certificate is a few KB: a device (/dev/zero) or FIFO is refused before it is opened.
        der = await readRegularFile(target, MAX_CERT_BYTES, 'a certificate (PEM or DER)');
      } catch (e) {
        if (
          e instanceof InputError &&
          !(await stat(target).then(
            () => true,
            () => false,
          ))
        )
          throw new InputError(`${target}: cannot read (no such file, and not HOST:PORT)`);
        throw e;
      }
      source = target;
    }
    let out;
    try {
      const ep = tlsServerEndPoint(der, source);
      out = {
        subject: ep.subject,
        signatureHash: ep.hashAlgorithm,
        applicationData: applicationDataText(ep),
        channelBindings: ntlmChannelBindingsHash(ep),
        source,
        issuer: ep.issuer,
        sans: ep.sans,
        signatureAlgorithm: ep.signatureAlgorithm,
        rule: ep.rule,
        fingerprintSha256: ep.fingerprintSha256,
        validFrom: ep.validFrom,
        validTo: ep.validTo,
      };
    } catch (e) {
      if (e instanceof CertificateError) throw new InputError(e.message);
      throw e;
    }
    if (json) writeJson(io, out);
    else {
      const rows: [string, string][] = [
        ['Certificate', `${out.subject} (${out.source})`],
        ['Channel bindings', `${out.channelBindings}  (MD5 of gss_channel_bindings_struct, as NTLM MsvAvChannelBindings)`],
        ['Hash', `${out.signatureHash}: ${out.rule}`],
        ['Application data', out.applicationData],
        ['Issuer', out.issuer],
        ['SANs', out.sans.join(', ') || '(none)'],
        ['Valid', `${out.validFrom} .. ${out.validTo}`],
        ['SHA-256', out.fingerprintSha256],
      ];
      const w = Math.max(...rows.map((r) => r[0].length));
      io.stdout.write(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n');
    }
    return 0;
  },
};
