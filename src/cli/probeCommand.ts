// `iis-auth-lens probe [--json] URL --user DOMAIN\USER --password-stdin [--ca FILE | --insecure] [--timeout MS]`:
// probe an MRS endpoint for Extended Protection and TLS-termination problems (contract: probe).
// Every verdict, `unreachable` and `rejected` included, is a result (exit 0). The password is only
// read from stdin and never printed. A plain http:// URL is refused (usage error): credentials
// never travel unencrypted, and MRS itself only uses https.
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import type { Subcommand } from './commands';
import { InputError, UsageError, readStdinLine, terminalSafe, writeJson, type CliIo } from './io';
import { ProbeUrlError, runProbe, type ProbeResult } from '../probe/probe';

const USAGE = 'iis-auth-lens probe [--json] URL --user DOMAIN\\USER --password-stdin [--ca FILE | --insecure] [--timeout MS]';

const HELP = [
  `Usage: ${USAGE}`,
  '',
  'Tests what Exchange Online MRS does against https://HOST/EWS/mrsproxy.svc: DNS, TCP, TLS (certificate,',
  'fingerprint, the channel-binding hash of the certificate seen here), an anonymous request, then NTLMv2',
  'logons (raw NTLM and Negotiate) with channel bindings absent, all-zero and correct, each on its own',
  'keep-alive connection; and says which Extended Protection / TLS-termination situation that is.',
  '',
  '  URL                https://HOST/EWS/mrsproxy.svc (a bare HOST means that path); http:// is refused',
  '  --user DOMAIN\\USER the account (user@domain works too)',
  '  --password-stdin   read the password from stdin (the only way; never as an argument)',
  '  --ca FILE          verify the server certificate against this CA / certificate (PEM or DER)',
  '  --insecure         do not verify the certificate (the result says so)',
  '  --timeout MS       timeout of each step and request (default 10000)',
  '  --json             print one JSON document',
  '',
  'Verdicts: ok, require, accept-mismatch, rejected, no-ntlm, unreachable, inconclusive (all exit 0).',
  'Exit codes: 0 a verdict, 1 the --ca file cannot be read or is not a certificate, 2 usage error.',
].join('\n');

/** Read a CA file: PEM with one or more certificates, or one DER certificate. */
export async function readCaFile(file: string): Promise<string> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read the CA file (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`);
  }
  const text = data.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  const pems: string[] = [];
  if (blocks) {
    blocks.forEach((b, i) => {
      try {
        pems.push(new X509Certificate(b).toString());
      } catch (e) {
        throw new InputError(`${file}: certificate ${i + 1} is not a readable X.509 certificate (${e instanceof Error ? e.message : String(e)})`);
      }
    });
  } else {
    try {
      pems.push(new X509Certificate(data).toString());
    } catch {
      throw new InputError(`${file}: not a certificate (no PEM "BEGIN CERTIFICATE" block and not DER)`);
    }
  }
  return pems.join('\n');
}

interface ProbeArgs {
  json: boolean;
  url: string;
  user: string;
  ca: string | null;
  insecure: boolean;
  timeoutMs: number | undefined;
}

export function parseProbeArgs(argv: string[]): ProbeArgs | 'help' {
  let json = false,
    insecure = false,
    passwordStdin = false;
  let user: string | null = null,
    ca: string | null = null,
    timeout: string | null = null;
  const words: string[] = [];
  const value = (i: number, name: string): string => {
    const v = argv[i];
    if (v === undefined || v === '' || (v.startsWith('--') && v.length > 2)) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--json':
        json = true;
        break;
      case '--insecure':
        insecure = true;
        break;
      case '--password-stdin':
        passwordStdin = true;
        break;
      case '--password':
      case '-p':
      case '--pass':
      case '--pw':
        throw new UsageError(
          'the password is never accepted as an argument (it would land in shell history and process lists): pipe it on stdin with --password-stdin',
        );
      case '--user':
      case '-u':
        user = inline ?? value(++i, '--user');
        break;
      case '--ca':
        ca = inline ?? value(++i, '--ca');
        break;
      case '--timeout':
        timeout = inline ?? value(++i, '--timeout');
        break;
      case '--':
        words.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        // A stray argument may be the password typed in the wrong place: only option-shaped words are echoed.
        if (a.startsWith('-'))
          throw new UsageError(
            /^--?[A-Za-z][A-Za-z-]{0,30}$/.test(name)
              ? `unknown option '${name}'`
              : 'unknown option (an argument starting with "-"; not shown, it may be a secret)',
          );
        words.push(a);
    }
  }
  if (words.length === 0) throw new UsageError('missing URL');
  // Never echo the extra words: the usual one is a password given by mistake as an argument.
  if (words.length > 1) throw new UsageError(`one URL only (got ${words.length - 1} extra argument${words.length > 2 ? 's' : ''}, not shown)`);
  if (!user) throw new UsageError('missing --user DOMAIN\\USER');
  if (!passwordStdin) throw new UsageError('the password is read from stdin: add --password-stdin and pipe the password');
  if (ca && insecure) throw new UsageError('--ca and --insecure exclude each other');
  let timeoutMs: number | undefined;
  if (timeout !== null) {
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1 || Number(timeout) > 600000)
      throw new UsageError(`--timeout must be a number of milliseconds between 1 and 600000, got '${timeout}'`);
    timeoutMs = Number(timeout);
  }
  return { json, url: words[0], user, ca, insecure, timeoutMs };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The text report with what the server sent (certificate names, headers, error texts) escaped for a terminal, line by line. */
export function probeTextForTerminal(r: ProbeResult): string {
  return formatProbeText(r).split('\n').map(terminalSafe).join('\n');
}

export function formatProbeText(r: ProbeResult): string {
  const out: string[] = [`Probe ${r.url}`, ''];
  out.push('Steps:');
  for (const s of r.steps) {
    out.push(`  ${pad(s.name, 18)} ${s.ok ? 'ok  ' : 'FAIL'} ${pad(`${s.ms} ms`, 8)} ${s.detail}`);
    if (s.error && s.error.length > 1) for (const e of s.error.slice(1)) out.push(`  ${' '.repeat(33)}caused by: ${e}`);
  }
  if (r.tls) {
    out.push('', 'Certificate seen by this client:');
    out.push(`  subject      ${r.tls.subject}`, `  issuer       ${r.tls.issuer}`, `  SANs         ${r.tls.sans.join(', ') || '-'}`);
    out.push(`  valid        ${r.tls.validFrom} .. ${r.tls.validTo}`, `  signature    ${r.tls.signatureHash}`);
    out.push(`  SHA-256      ${r.tls.fingerprintSha256}`, `  bindings     ${r.tls.channelBindings} (MD5 of tls-server-end-point)`);
    out.push(`  trust        ${r.tls.trust}${r.tls.verifyError ? ` (${r.tls.verifyProblem ?? r.tls.verifyError}; ${r.tls.verifyError})` : ''}`);
  }
  if (r.anonymous) out.push('', `Anonymous request: ${r.anonymous.status}, WWW-Authenticate: ${r.anonymous.wwwAuthenticate.join(', ') || 'none'}`);
  if (r.attempts.length) {
    const schemes = [...new Set(r.attempts.map((a) => a.scheme))];
    out.push('', `Logons by channel bindings (status after the third leg):`);
    out.push(`  ${pad('bindings', 10)}${schemes.map((s) => pad(s, 22)).join('')}`);
    for (const cbt of ['absent', 'zero', 'correct'] as const) {
      const cells = schemes.map((s) => {
        const a = r.attempts.find((x) => x.cbt === cbt && x.scheme === s);
        if (!a) return pad('-', 22);
        return pad(a.error && a.status === null ? 'error' : `${a.status} ${a.ok ? 'ok' : 'fail'} (${a.ms} ms)`, 22);
      });
      out.push(`  ${pad(cbt, 10)}${cells.join('')}`);
    }
    for (const a of r.attempts.filter((x) => x.error)) out.push(`  ${a.scheme} ${a.cbt}: ${a.error}`);
  }
  out.push('', `Verdict: ${r.verdict}`, '', r.explanation);
  if (r.remediation.length) {
    out.push('', 'Fix:');
    for (const f of r.remediation) out.push(`  - ${f}`);
  }
  if (r.probeId && r.attempts.length) {
    out.push('', `The server's IIS log has this probe's requests with "run ${r.probeId}" in cs(User-Agent): findstr ${r.probeId} u_ex*.log`);
  }
  out.push('', `(${r.ms} ms)`);
  return out.map((l) => l.trimEnd()).join('\n');
}

export const probeCommand: Subcommand = {
  name: 'probe',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseProbeArgs(argv);
    if (args === 'help') {
      io.stdout.write(HELP + '\n');
      return 0;
    }
    if (io.stdinIsTTY) throw new UsageError('--password-stdin: nothing is piped on stdin (e.g. `printf %s "$PW" | iis-auth-lens probe ...`)');
    const ca = args.ca ? await readCaFile(args.ca) : undefined;
    // the first line is the password: a pipe that stays open after it does not keep us waiting
    const password = await readStdinLine(io);
    if (password === null) throw new UsageError('--password-stdin: no line end in the first 64 KiB of stdin: not a password');
    if (password === '') throw new UsageError('--password-stdin: stdin is empty, no password');
    let result: ProbeResult;
    try {
      result = await runProbe({ url: args.url, user: args.user, password, ca, insecure: args.insecure, timeoutMs: args.timeoutMs });
    } catch (e) {
      if (e instanceof ProbeUrlError) throw new UsageError(e.message);
      throw e;
    }
    if (args.json) writeJson(io, result);
    else io.stdout.write(probeTextForTerminal(result) + '\n');
    return 0;
  },
};
