// `iis-auth-lens decode [--json] [--cert FILE] TEXT|-`: decode an Authorization / WWW-Authenticate
// header or a bare token; with --cert, check its channel bindings against a certificate.
import type { Subcommand } from './commands';
import { InputError, MAX_CERT_BYTES, UsageError, readRegularFile, readStdin, terminalSafe, writeJson, type CliIo } from './io';
import { decodeToken, type DecodeResult } from '../core/authHeader';
import { CertificateError, compareChannelBindings, tlsServerEndPoint, type ChannelBindingsComparison } from '../core/channelBindings';
import { decodeRows } from '../core/tokenReport';

/** Largest TEXT read from stdin: a header line or token is a few KB (the decoder takes up to 512K characters). */
export const MAX_TEXT_BYTES = 1 << 20;

const USAGE = 'iis-auth-lens decode [--json] [--cert FILE] TEXT|-';

const HELP = [
  `Usage: ${USAGE}`,
  '',
  'Decodes what an Authorization, Proxy-Authorization or WWW-Authenticate header carries: NTLM',
  '(NEGOTIATE, CHALLENGE, AUTHENTICATE with user, domain, workstation, SPN, channel bindings, MIC),',
  'SPNEGO around NTLM or Kerberos, Kerberos AP-REQ (realm, service, etype; the ticket stays',
  'encrypted), Basic (the password is never printed, only its length) and Bearer JWTs (claims;',
  'the signature is not verified).',
  '',
  '  TEXT         a whole header line ("Authorization: Negotiate TlRMTVNT..."), a scheme and a',
  '               token ("NTLM TlRM...", also "Negotiate+TlRM..." as IIS logs write it), or a bare token',
  '  -            read TEXT from stdin',
  "  --cert FILE  compare the token's channel bindings with this certificate (PEM or DER):",
  '               adds "cbt": {match, state (match|zero|absent|mismatch), expected, certificate}',
  '  --json       print one JSON document',
  '',
  'Exit codes: 0 decoded, 1 the token is not base64 / malformed or the certificate is not one, 2 usage error.',
].join('\n');

export interface CbtJson {
  match: boolean;
  state: ChannelBindingsComparison['state'] | 'not-applicable';
  expected: string;
  actual: string | null;
  certificate: string;
  hashAlgorithm: string;
  explanation: string;
}

export function cbtOf(r: DecodeResult, certDer: Buffer, certName: string): { json: CbtJson; cmp: ChannelBindingsComparison | null } {
  const ep = tlsServerEndPoint(certDer, certName);
  if (r.ntlm?.messageType === 3) {
    const cmp = compareChannelBindings(r.ntlm.channelBindings, ep);
    return {
      json: {
        match: cmp.match,
        state: cmp.state,
        expected: cmp.expected,
        actual: cmp.actual,
        certificate: cmp.certificate,
        hashAlgorithm: cmp.hashAlgorithm,
        explanation: cmp.explanation,
      },
      cmp,
    };
  }
  const cmp = compareChannelBindings(null, ep);
  const why = r.kerberos
    ? 'Kerberos carries channel bindings inside the encrypted authenticator: they cannot be read from the token.'
    : 'Only an NTLM AUTHENTICATE (type 3) message carries channel bindings.';
  return {
    json: {
      match: false,
      state: 'not-applicable',
      expected: cmp.expected,
      actual: null,
      certificate: cmp.certificate,
      hashAlgorithm: cmp.hashAlgorithm,
      explanation: why,
    },
    cmp: null,
  };
}

export const decodeCommand: Subcommand = {
  name: 'decode',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    let certFile: string | null = null;
    const words: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--help' || a === '-h') {
        io.stdout.write(HELP + '\n');
        return 0;
      }
      if (a === '--json') json = true;
      else if (a === '--cert') {
        const v = argv[++i];
        if (v === undefined || v === '') throw new UsageError('--cert needs a FILE');
        certFile = v;
      } else if (a.startsWith('--cert=')) certFile = a.slice('--cert='.length);
      else if (a === '--') {
        words.push(...argv.slice(i + 1));
        break;
      } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
      else words.push(a);
    }
    if (words.length === 0) throw new UsageError('missing TEXT (a header line, "scheme token" or a token; - for stdin)');
    let text: string;
    let source = 'TEXT';
    if (words.length === 1 && words[0] === '-') {
      if (io.stdinIsTTY) throw new UsageError("'-' reads TEXT from stdin, but nothing is piped in");
      text = await readStdin(io, MAX_TEXT_BYTES, 'a header line or token is a few KB');
      source = 'stdin';
    } else {
      // Unquoted "Authorization: Negotiate TlRM..." arrives as several words.
      text = words.join(' ');
    }
    let cert: Buffer | null = null;
    if (certFile !== null) {
      cert = await readRegularFile(certFile, MAX_CERT_BYTES, 'a certificate (PEM or DER)', (why) => `${certFile}: cannot read the certificate (${why})`);
    }
    const r = decodeToken(text);
    if (r.error) {
      throw new InputError(`${source}: ${r.error}`);
    }
    let cbt: CbtJson | undefined;
    let cmp: ChannelBindingsComparison | null = null;
    if (cert) {
      try {
        const c = cbtOf(r, cert, certFile as string);
        cbt = c.json;
        cmp = c.cmp;
      } catch (e) {
        if (e instanceof CertificateError) throw new InputError(e.message);
        throw e;
      }
    }
    if (json) {
      writeJson(io, cbt ? { ...r, cbt } : r);
    } else {
      // User, domain, workstation, SPN and certificate names come from the input: escaped for the terminal.
      const rows = decodeRows(r, cmp);
      const w = Math.max(...rows.map((x) => x.label.length));
      io.stdout.write(rows.map((x) => `${x.label.padEnd(w)}  ${terminalSafe(x.value)}`).join('\n') + '\n');
      if (cbt && !cmp) io.stdout.write(`CBT check  ${terminalSafe(cbt.explanation)}\n`);
      if (cmp) io.stdout.write(`\n${terminalSafe(cmp.explanation)}\n`);
    }
    return 0;
  },
};
