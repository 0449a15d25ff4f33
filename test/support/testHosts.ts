// The test host name (mail.contoso.test, a reserved .test name) must resolve to loopback through
// the system resolver, as a real host name does for a user: the probe and VS Code's proxy support
// treat a name differently from 127.0.0.1. The tests' setup adds a hosts-file entry when it can
// (CI and developers run as root here) and fails with the line to add when it cannot.
import { promises as dns } from 'node:dns';
import { appendFileSync, readFileSync } from 'node:fs';

const MARK = '# iis-auth-lens tests';

export function hostsFile(): string {
  return process.platform === 'win32' ? `${process.env.SystemRoot ?? 'C:\\Windows'}\\System32\\drivers\\etc\\hosts` : '/etc/hosts';
}

async function resolvesToLoopback(name: string): Promise<boolean> {
  try {
    const all = await dns.lookup(name, { all: true });
    return all.some((a) => a.address === '127.0.0.1');
  } catch {
    return false;
  }
}

/** Makes `name` resolve to 127.0.0.1 (hosts file), or throws saying how. Idempotent. */
export async function ensureLoopbackName(name: string): Promise<void> {
  if (await resolvesToLoopback(name)) return;
  const file = hostsFile();
  const line = `127.0.0.1 ${name} ${MARK}`;
  try {
    const text = readFileSync(file, 'utf8');
    appendFileSync(file, `${text.endsWith('\n') || text === '' ? '' : '\n'}${line}\n`);
  } catch (err) {
    throw new Error(`the test host name ${name} must resolve to 127.0.0.1: add "${line}" to ${file} (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!(await resolvesToLoopback(name))) throw new Error(`${name} does not resolve to 127.0.0.1 even after adding it to ${file}`);
}
