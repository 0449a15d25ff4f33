// What the lines of a W3C log mean for authentication: which 401s are failures, which are legs of
// an NTLM/Negotiate handshake, which verdict ends an attempt, and the message of a finding. The
// code of a finding, its severity and wording are the findings table's (../findings.ts).
//
// HANDSHAKE_INCOMPLETE, how legs are grouped: a "leg" is a 401 with substatus 2 (the anonymous
// first request) or a 401.1 whose win32 is an SSPI status (0x8009xxxx, e.g. 2148074254 the NTLM
// challenge, or 3221226331). Legs are grouped per (c-ip, cs-uri-stem) as long as each leg follows
// the previous one of its group within the window (default 120 s). A non-401 response to the same
// (c-ip, cs-uri-stem) within the window completes the group. A 401.1 with a final SSPI verdict
// (any SSPI code but 2148074254, the challenge: e.g. BAD_BINDINGS, LOGON_DENIED) ends its group at
// once, so every failed attempt counts. A group that ends (final verdict, window passes, file
// ends, or a new leg comes after the window) without a non-401 and that has at least one SSPI
// 401.1 leg is one HANDSHAKE_INCOMPLETE finding at its last leg, with the other legs as
// relatedLines - unless its final verdict is itself a finding (BAD_BINDINGS, INVALID_TOKEN,
// LOGON_DENIED): then that finding alone says how the handshake ended, and carries the other
// legs. Groups of 401.2 legs only are not reported: they tell nothing about the scheme (Basic
// clients and probes also get 401.2). Other 401s (401.1 1326, 401.3) neither extend nor complete
// a group.
import { renderFindingMessage, SEC_E_NO_CREDENTIALS, type FindingFacts } from '../findings';
import { isSspiFailure } from '../win32Status';

/** The message of a W3C finding (English, for the CLI JSON): the findings table's wording. */
export function findingMessage(facts: FindingFacts): string {
  return renderFindingMessage(facts);
}

/** Key of a failure status for the failing-request counters (everything but the normal legs). */
export function isFailure(status: number, sub: number, win32: number): boolean {
  if (status !== 401) return false;
  if (sub === 2) return false;
  if (sub === 1 && win32 === SEC_E_NO_CREDENTIALS) return false;
  return true;
}

/** A 401.1 with an SSPI status: a leg of an NTLM/Negotiate handshake (with 401.2, the anonymous first leg). */
export function isSspiLeg(sub: number, win32: number): boolean {
  return sub === 1 && win32 >= 0 && isSspiFailure(win32);
}

/** An SSPI verdict that ends the attempt (anything but the SEC_E_NO_CREDENTIALS challenge). */
export function endsAttempt(win32: number): boolean {
  return win32 !== SEC_E_NO_CREDENTIALS;
}
