// Shared helpers for the token tests: tokens from an independent NTLM implementation
// (Debian python3-ntlm-auth via /usr/bin/python3) and certificates made with openssl.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PY = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', 'fixtures', 'tokens', 'ntlm_auth_tokens.py');

/** Why python tokens cannot be made here, or null when they can. */
export function pythonNtlmMissing(): string | null {
  const r = spawnSync(PY, ['-c', 'import ntlm_auth.ntlm, ntlm_auth.gss_channel_bindings'], { encoding: 'utf8' });
  if (r.error) return `${PY} not runnable: ${r.error.message}`;
  return r.status === 0 ? null : `${PY} has no ntlm_auth (python3-ntlm-auth): ${r.stderr.trim().split('\n').pop()}`;
}

export interface PyTokens {
  negotiate: string;
  challenge: string;
  authenticate: string;
  cbt: string | null;
}

export function pythonNtlm(args: {
  user: string;
  domain: string;
  workstation: string;
  ntHash?: string;
  appData?: Buffer | null;
  spn?: string | null;
  timestamp?: boolean;
}): PyTokens {
  const input = JSON.stringify({
    user: args.user,
    domain: args.domain,
    workstation: args.workstation,
    ntHash: args.ntHash ?? '8846f7eaee8fb117ad06bdd830b7586c',
    appData: args.appData ? args.appData.toString('hex') : null,
    spn: args.spn ?? null,
    timestamp: args.timestamp ?? true,
  });
  return JSON.parse(execFileSync(PY, [SCRIPT], { input, encoding: 'utf8' })) as PyTokens;
}

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A self-signed certificate made by openssl; returns the PEM path and its DER bytes. */
export function opensslCert(
  dir: string,
  name: string,
  keyArgs: string[],
  signArgs: string[],
  subject = `/CN=${name}.contoso.test`,
): { pem: string; der: Buffer } {
  const key = join(dir, `${name}.key`);
  const pem = join(dir, `${name}.pem`);
  execFileSync('openssl', ['genpkey', ...keyArgs, '-out', key], { stdio: 'pipe' });
  execFileSync('openssl', ['req', '-x509', '-new', '-key', key, '-out', pem, '-days', '2', '-subj', subject, ...signArgs], { stdio: 'pipe' });
  const der = execFileSync('openssl', ['x509', '-in', pem, '-outform', 'DER']);
  return { pem, der };
}

/** `openssl x509 -outform DER | openssl dgst -<alg>` as hex. */
export function opensslDigest(pem: string, alg: string): string {
  const der = execFileSync('openssl', ['x509', '-in', pem, '-outform', 'DER']);
  const out = execFileSync('openssl', ['dgst', `-${alg}`, '-r'], { input: der, encoding: 'utf8' });
  return out.split(/\s/)[0];
}

export function readHex(file: string, name: string): Buffer {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k === name && v) return Buffer.from(v, 'hex');
  }
  throw new Error(`${name} not in ${file}`);
}
