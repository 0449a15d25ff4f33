// The findings table: every finding code, the win32 / NTSTATUS codes it covers, its one severity,
// its title and its explanation - read by the W3C analyzer, the FREB analysis, the auth timeline,
// the language server's diagnostics, the client's views, the CLI JSON and (checked by
// test/unit/findingsTable.test.ts) the constants of the WebAssembly kernel. The codes are those
// of the CLI contract. Titles and explanations are English source strings that double as l10n
// keys: the CLI prints them as they are, the editor renders them through l10n at the edge
// (renderFindingMessage with the UI's translate function), so the German UI gets German text.

export type FindingCode = 'BAD_BINDINGS' | 'INVALID_TOKEN' | 'LOGON_DENIED' | 'HANDSHAKE_INCOMPLETE' | 'MALFORMED_LINE' | 'NO_CREDENTIALS' | 'AUTH_FAILED';

export type Severity = 'error' | 'warning' | 'info';

/** One finding, as the CLI prints it (`analyze --json`) and the server turns into a diagnostic. */
export interface Finding {
  /** 1-based line in the file as stored (FREB: the line of the event that carries the failure). */
  line: number;
  code: FindingCode;
  severity: Severity;
  /** English, for the CLI; the editor renders its own from the code and the fields below. */
  message: string;
  time?: string | null;
  clientIp?: string | null;
  user?: string | null;
  uri?: string | null;
  /** "401.1" */
  status?: string | null;
  win32?: number | null;
  /** Other lines that belong to the finding (e.g. the legs of a failed handshake), 1-based. */
  relatedLines?: number[];
}

// ---- the status codes, each in one place

/** SEC_E_BAD_BINDINGS, 0x80090346: what IIS logs when Extended Protection rejects the channel bindings. */
export const SEC_E_BAD_BINDINGS = 0x80090346; // 2148074310
/** STATUS_BAD_BINDINGS, the NTSTATUS form of the same verdict (some IIS builds log it). */
export const STATUS_BAD_BINDINGS = 0xc000035b; // 3221226331
export const SEC_E_INVALID_TOKEN = 0x80090308; // 2148074248
export const SEC_E_LOGON_DENIED = 0x8009030c; // 2148074252
/** The challenge leg of NTLM/Negotiate: IIS logs it as a 401.1, but it is the protocol working. */
export const SEC_E_NO_CREDENTIALS = 0x8009030e; // 2148074254

/** Seconds within which the legs of one NTLM/Negotiate handshake are grouped, unless configured. */
export const DEFAULT_HANDSHAKE_WINDOW_SECONDS = 120;

export interface FindingKind {
  code: FindingCode;
  /** win32 / NTSTATUS values (unsigned) that make this finding on a 401; [] when it is not one code. */
  win32: readonly number[];
  /** The one severity of the code: CLI JSON, Problems, FREB and W3C alike. */
  severity: Severity;
  /** Short title (l10n key). */
  title: string;
  /** What it means, why it happens and what fixes it (l10n key). */
  explanation: string;
}

/**
 * The table. Severities: BAD_BINDINGS is an error (the CLI contract); INVALID_TOKEN and AUTH_FAILED
 * are errors too - authentication broke in the path or the server; LOGON_DENIED is a warning - the
 * server works, one client's credentials do not; HANDSHAKE_INCOMPLETE and MALFORMED_LINE are
 * warnings (the CLI JSON has always said so); NO_CREDENTIALS, the challenge leg, is information.
 */
export const FINDINGS: Readonly<Record<FindingCode, FindingKind>> = {
  BAD_BINDINGS: {
    code: 'BAD_BINDINGS',
    win32: [SEC_E_BAD_BINDINGS, STATUS_BAD_BINDINGS],
    severity: 'error',
    title: 'Extended Protection: the channel bindings do not match (SEC_E_BAD_BINDINGS)',
    explanation:
      'The client bound its NTLM/Negotiate authentication to the TLS certificate it saw, and IIS compares that with its own certificate. They differ when TLS is terminated in between (a reverse proxy, load balancer, inspection proxy or the Hybrid Agent presents another certificate), or when Extended Protection is set to Require and the client sends no bindings at all. Fix: the same certificate on the proxy and on Exchange, TLS pass-through (or re-encryption with the Exchange certificate), or Extended Protection off for this virtual directory (e.g. mrsproxy.svc with ExchangeExtendedProtectionManagement.ps1).',
  },
  INVALID_TOKEN: {
    code: 'INVALID_TOKEN',
    win32: [SEC_E_INVALID_TOKEN],
    severity: 'error',
    title: 'The authentication token could not be read (SEC_E_INVALID_TOKEN)',
    explanation:
      'A device in the path altered or cut the Authorization header, the legs of one NTLM handshake reached different servers (no session affinity behind a load balancer), the client mixed NTLM and Kerberos legs across connections, or the token is too large for the header limits.',
  },
  LOGON_DENIED: {
    code: 'LOGON_DENIED',
    win32: [SEC_E_LOGON_DENIED],
    severity: 'warning',
    title: 'The logon was denied (SEC_E_LOGON_DENIED)',
    explanation:
      "Wrong password, or an unknown, disabled, expired or locked-out account, or no right to log on here (the domain controller's security log, event 4625, tells which). For MRS: the credentials of the migration endpoint.",
  },
  HANDSHAKE_INCOMPLETE: {
    code: 'HANDSHAKE_INCOMPLETE',
    win32: [],
    severity: 'warning',
    title: 'An NTLM/Negotiate handshake never completed',
    explanation: 'The client gave up after the challenge, or every attempt was rejected.',
  },
  MALFORMED_LINE: {
    code: 'MALFORMED_LINE',
    win32: [],
    severity: 'warning',
    title: 'A line does not fit its #Fields layout',
    explanation:
      'The line has another number of fields than its #Fields directive declares (a truncated write, a field with a space in it, or a file that is not a W3C log from here on).',
  },
  NO_CREDENTIALS: {
    code: 'NO_CREDENTIALS',
    win32: [SEC_E_NO_CREDENTIALS],
    severity: 'info',
    title: 'The challenge leg of NTLM/Negotiate (SEC_E_NO_CREDENTIALS)',
    explanation: 'IIS sent the challenge and waits for the third leg: normal when the next request of the same client completes the handshake.',
  },
  AUTH_FAILED: {
    code: 'AUTH_FAILED',
    win32: [],
    severity: 'error',
    title: 'Windows authentication failed',
    explanation: 'IIS rejected the request with an SSPI or NTSTATUS code; the code names the reason.',
  },
};

/** The order of the codes in a summary and, per line, in a list of findings. */
export const FINDING_ORDER: readonly FindingCode[] = [
  'BAD_BINDINGS',
  'INVALID_TOKEN',
  'LOGON_DENIED',
  'HANDSHAKE_INCOMPLETE',
  'MALFORMED_LINE',
  'AUTH_FAILED',
  'NO_CREDENTIALS',
];

/** The codes a W3C log analysis reports, in the order of the kernel's counters (then MALFORMED_LINE). */
export const W3C_FINDING_ORDER: readonly FindingCode[] = ['BAD_BINDINGS', 'INVALID_TOKEN', 'LOGON_DENIED', 'HANDSHAKE_INCOMPLETE', 'MALFORMED_LINE'];

/** The BAD_BINDINGS codes (SEC_E and STATUS form). */
export const BAD_BINDINGS_CODES: readonly number[] = FINDINGS.BAD_BINDINGS.win32;

export function isBadBindings(win32: number | null | undefined): boolean {
  return win32 === SEC_E_BAD_BINDINGS || win32 === STATUS_BAD_BINDINGS;
}

/** The finding a 401 with this win32 code is by itself (BAD_BINDINGS, INVALID_TOKEN, LOGON_DENIED), or null. */
export function findingOfWin32(win32: number | null | undefined): FindingCode | null {
  if (win32 === SEC_E_BAD_BINDINGS || win32 === STATUS_BAD_BINDINGS) return 'BAD_BINDINGS';
  if (win32 === SEC_E_INVALID_TOKEN) return 'INVALID_TOKEN';
  if (win32 === SEC_E_LOGON_DENIED) return 'LOGON_DENIED';
  return null;
}

export function severityOf(code: FindingCode): Severity {
  return FINDINGS[code].severity;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * A code's place in any list shown to the admin: errors first (BAD_BINDINGS first of all), then
 * warnings, then info; within a severity the order of FINDING_ORDER.
 */
export function findingRank(code: FindingCode): number {
  return SEVERITY_RANK[FINDINGS[code].severity] * FINDING_ORDER.length + FINDING_ORDER.indexOf(code);
}

/** Sort comparator of findings: findingRank, then line order. */
export function compareFindings(a: Pick<Finding, 'code' | 'line'>, b: Pick<Finding, 'code' | 'line'>): number {
  return findingRank(a.code) - findingRank(b.code) || a.line - b.line;
}

/** l10n.t's shape: a message with {0}, {1} ... and its arguments. */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** The CLI's translate: English, arguments put in. */
export const english: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** What a finding's message is made of, besides its code: the facts of this occurrence. */
export interface FindingFacts {
  code: FindingCode;
  /** "401.1" */
  status?: string | null;
  win32?: number | null;
  /** Name of the win32 code when known (SEC_E_BAD_BINDINGS ...). */
  codeName?: string | null;
  /** HANDSHAKE_INCOMPLETE: number of legs; with lastLeg the last leg's status and code name. */
  legs?: number;
  lastLeg?: string;
  /** MALFORMED_LINE: why (field counts). */
  reason?: string;
  /** FREB: the module (null: unknown) and notification that set the failure, and the event's own text. */
  module?: string | null;
  notification?: string | null;
  text?: string | null;
}

/**
 * A finding's message: the facts of this occurrence, then the code's explanation. `t` is the
 * l10n function of the surface (the CLI's `english`, the server's l10n.t, the client's
 * vscode.l10n.t); document text (FREB's event text, a malformed line's reason) is never translated.
 */
export function renderFindingMessage(f: FindingFacts, t: Translate = english): string {
  const kind = FINDINGS[f.code];
  const status = f.status ?? '401';
  const name =
    f.codeName ??
    (f.win32 === STATUS_BAD_BINDINGS
      ? 'STATUS_BAD_BINDINGS'
      : f.code === 'BAD_BINDINGS'
        ? 'SEC_E_BAD_BINDINGS'
        : f.code === 'INVALID_TOKEN'
          ? 'SEC_E_INVALID_TOKEN'
          : f.code === 'LOGON_DENIED'
            ? 'SEC_E_LOGON_DENIED'
            : '');
  const code = f.win32 !== null && f.win32 !== undefined ? hex(f.win32) : kind.win32[0] !== undefined ? hex(kind.win32[0]) : '';
  let head: string;
  if (f.code === 'MALFORMED_LINE') {
    // the reason is the scanner's own English (field counts); the frame is translated
    return t('Line does not fit its #Fields layout: {0}.', f.reason ?? t('wrong number of fields'));
  } else if (f.code === 'HANDSHAKE_INCOMPLETE') {
    const legs = f.legs === undefined ? null : f.legs === 1 ? t('1 leg') : t('{0} legs', f.legs);
    head =
      legs !== null
        ? t(
            '{0}: a Negotiate/NTLM handshake from this client to this URL never reached a non-401 response ({1}, last leg {2}).',
            status,
            legs,
            f.lastLeg ?? status,
          )
        : t('{0}: a Negotiate/NTLM handshake from this client to this URL never reached a non-401 response.', status);
  } else {
    head = name ? `${status} ${name} (${code})` : `${status} (${code})`;
    if (f.module !== undefined) {
      head += ' ' + (f.notification ? t('set by {0} in {1}', f.module ?? t('a module'), f.notification) : t('set by {0}', f.module ?? t('a module')));
    }
    head += f.text ? `: ${/[.!?]$/.test(f.text.trim()) ? f.text.trim() : f.text.trim() + '.'}` : '.';
  }
  return `${head} ${t(kind.explanation)}`;
}

const MALFORMED_PREFIX = 'Line does not fit its #Fields layout: ';

/**
 * The facts of a finding as the CLI JSON carries it (status, win32, related lines, and for a
 * malformed line the reason in its English message), for rendering it again in another language.
 * FREB findings have richer facts (frebFindingFacts); `codeName` names a win32 code.
 */
export function factsOfFinding(f: Finding, codeName?: (win32: number) => string | undefined): FindingFacts {
  const facts: FindingFacts = { code: f.code, status: f.status ?? null, win32: f.win32 ?? null };
  if (f.code === 'MALFORMED_LINE') {
    facts.reason = f.message.startsWith(MALFORMED_PREFIX) ? f.message.slice(MALFORMED_PREFIX.length).replace(/\.$/, '') : f.message;
  } else if (f.code === 'HANDSHAKE_INCOMPLETE') {
    facts.legs = (f.relatedLines?.length ?? 0) + 1;
    const w = f.win32 ?? null;
    const name = w !== null && w !== 0 ? (codeName?.(w) ?? String(w)) : null;
    facts.lastLeg = name ? `${f.status ?? '401'} ${name}` : (f.status ?? '401');
  }
  return facts;
}
