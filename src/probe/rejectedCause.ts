// A `rejected` verdict has two causes the probe cannot tell apart from the client side: a wrong
// account or password, or Extended Protection Require behind a device that terminates TLS with
// another certificate. The server's IIS log tells, by the win32 status of the probe's own 401s
// (the article's table): 2148074252 SEC_E_LOGON_DENIED vs 2148074310 SEC_E_BAD_BINDINGS.
import { BAD_BINDINGS_CODES, SEC_E_LOGON_DENIED } from '../core/findings';

export type RejectedCause = 'bad-bindings' | 'logon-denied' | 'both' | 'other' | 'none';

export interface RejectedEvidence {
  cause: RejectedCause;
  badBindings: number;
  logonDenied: number;
  /** Requests of the probe's time window on its path. */
  requests: number;
}

/** Reads the probe's requests (status "401.1", win32) found in the IIS log. */
export function rejectedCause(lines: ReadonlyArray<{ status: string; win32: number }>): RejectedEvidence {
  let badBindings = 0;
  let logonDenied = 0;
  for (const l of lines) {
    if (!l.status.startsWith('401')) continue;
    if (BAD_BINDINGS_CODES.includes(l.win32)) badBindings++;
    else if (l.win32 === SEC_E_LOGON_DENIED) logonDenied++;
  }
  const cause: RejectedCause =
    lines.length === 0 ? 'none' : badBindings && logonDenied ? 'both' : badBindings ? 'bad-bindings' : logonDenied ? 'logon-denied' : 'other';
  return { cause, badBindings, logonDenied, requests: lines.length };
}
