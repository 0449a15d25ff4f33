// What the user typed, turned into the URL the probe sends to: the one normalizer behind the CLI
// (`iis-auth-lens probe URL`) and the editor's "Probe MRS Endpoint" (no vscode import).

/** The path of the MRS proxy endpoint, completed when the user gives only a host. */
export const MRS_PATH = '/EWS/mrsproxy.svc';

export type TargetProblem =
  | 'empty'
  | 'scheme' // not http(s)
  | 'credentials' // user:password@ inside the URL
  | 'invalid'; // not a URL and not a host name

export type NormalizedTarget = { ok: true; url: string; insecureScheme: boolean } | { ok: false; problem: TargetProblem; detail: string };

const HOST_RE = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))*\.?)(?::\d{1,5})?$/i;

/**
 * `mail.contoso.test` → `https://mail.contoso.test/EWS/mrsproxy.svc`; `host:8443` keeps its port;
 * a URL without a path, or with only `/`, gets the MRS path (Exchange's `/` is OWA's redirect, never
 * what an admin means to probe); a URL with a path stays as typed. `http://` is kept and marked
 * (callers refuse it with an explanation, rather than silently upgrading what the user typed).
 */
export function normalizeProbeTarget(input: string): NormalizedTarget {
  const text = input.trim();
  if (!text) return { ok: false, problem: 'empty', detail: '' };
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  let candidate = text;
  if (!schemeMatch) {
    // A bare host (optionally with port and path): only a host name or IP literal is accepted.
    const hostPart = text.split('/')[0]!;
    if (hostPart.includes('@')) return { ok: false, problem: 'credentials', detail: text };
    if (!HOST_RE.test(hostPart)) return { ok: false, problem: 'invalid', detail: text };
    candidate = `https://${text}`;
  } else {
    const scheme = schemeMatch[1]!.toLowerCase();
    if (scheme !== 'https' && scheme !== 'http') return { ok: false, problem: 'scheme', detail: scheme };
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { ok: false, problem: 'invalid', detail: text };
  }
  if (url.username || url.password) return { ok: false, problem: 'credentials', detail: url.host };
  if (!url.hostname) return { ok: false, problem: 'invalid', detail: text };
  if (url.port && (Number(url.port) < 1 || Number(url.port) > 65535)) return { ok: false, problem: 'invalid', detail: text };
  if (url.pathname === '/' || url.pathname === '') url.pathname = MRS_PATH;
  url.hash = '';
  return { ok: true, url: url.toString(), insecureScheme: url.protocol === 'http:' };
}

/** The https:// URL a refused http:// URL stands for (port 80 dropped). */
export function httpsInstead(url: string): string {
  return url.replace(/^http:/i, 'https:').replace(/^(https:\/\/[^/]+):80(?=\/|$)/i, '$1');
}

export interface HostPort {
  host: string;
  port: number;
}

/** "host:port", "[v6]:port" → parts; null when the text is not of that form (for `cbt HOST:PORT`). */
export function parseHostPort(text: string): HostPort | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2]!, port };
}
