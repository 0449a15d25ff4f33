// After a `rejected` verdict: the probe's own requests in the IIS logs at hand (open IIS log
// editors, and IIS logs in the workspace written since the probe started) tell a wrong password
// (2148074252) from Extended Protection (2148074310) without the reader doing it.
import * as vscode from 'vscode';
import { W3cScanner } from '../../core/w3c/w3cScanner';
import { MatchingLinesCollector, pathOfUrl } from '../../core/timeline/matchingIisLines';
import { scannerBytes } from '../../core/files/textEncoding';
import { scanW3cLog } from '../../node/logFiles';
import { rejectedCause, type RejectedEvidence } from '../../probe/rejectedCause';

const WORKSPACE_LOGS = '**/{u_ex,u_in,u_nc,ex}*.log';
const MAX_WORKSPACE_LOGS = 50;

export interface ProbeLogEvidence extends RejectedEvidence {
  log: vscode.Uri;
  /** First line of the probe's requests in that log (1-based). */
  line: number;
}

async function scan(uri: vscode.Uri, collector: MatchingLinesCollector): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open && (open.isDirty || uri.scheme !== 'file')) {
    const scanner = new W3cScanner(collector);
    scanner.push(scannerBytes(open.getText()));
    scanner.end();
    return;
  }
  // From disk: an open editor may not have caught up with what IIS (or the test endpoint) appended.
  await scanW3cLog(uri.fsPath, collector);
}

/** The logs to look in: open IIS logs first, then workspace IIS logs changed since `sinceMs`. */
async function candidateLogs(sinceMs: number): Promise<vscode.Uri[]> {
  const seen = new Set<string>();
  const out: vscode.Uri[] = [];
  const add = (u: vscode.Uri): void => {
    if (!seen.has(u.toString())) {
      seen.add(u.toString());
      out.push(u);
    }
  };
  for (const d of vscode.workspace.textDocuments) if (d.languageId === 'iis-w3c-log') add(d.uri);
  if (vscode.workspace.workspaceFolders?.length) {
    const found = await vscode.workspace.findFiles(WORKSPACE_LOGS, '**/node_modules/**', MAX_WORKSPACE_LOGS);
    for (const u of found) {
      try {
        if ((await vscode.workspace.fs.stat(u)).mtime >= sinceMs - 60_000) add(u);
      } catch {
        // gone since findFiles: nothing to read
      }
    }
  }
  return out;
}

/**
 * This probe's requests (its URL path and its run id in the User-Agent) in the IIS logs at hand,
 * and what they say. Undefined when no log at hand has them.
 */
export async function rejectedCauseFromLogs(
  url: string,
  probeId: string,
  startedMs: number,
  log: vscode.LogOutputChannel,
): Promise<ProbeLogEvidence | undefined> {
  // The run id in the User-Agent singles out this probe's requests; the window only bounds the
  // search (the server's clock may be off by minutes).
  const from = Math.floor(startedMs / 1000) - 15 * 60;
  const to = Math.ceil(Date.now() / 1000) + 15 * 60;
  const uriStem = pathOfUrl(url);
  for (const uri of await candidateLogs(startedMs)) {
    const collector = new MatchingLinesCollector({ from, to, uriStem, userAgentContains: `run ${probeId}` });
    try {
      await scan(uri, collector);
    } catch (err) {
      log.warn(`probe: cannot read ${uri.fsPath} for the probe's requests: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const evidence = rejectedCause(collector.lines);
    if (evidence.cause !== 'none' && evidence.cause !== 'other') return { ...evidence, log: uri, line: collector.lines[0]!.line };
  }
  return undefined;
}

/** The evidence in the reader's words, for the report's notes and the output channel. */
export function rejectedCauseText(e: ProbeLogEvidence): string {
  const where = `${vscode.workspace.asRelativePath(e.log)}:${e.line}`;
  switch (e.cause) {
    case 'bad-bindings':
      return vscode.l10n.t(
        "The IIS log {0} has this probe's requests: {1} x 401 with 2148074310 (SEC_E_BAD_BINDINGS) and none with a wrong password. The credentials are right; IIS rejected the channel bindings: Extended Protection is Require and a device in the path terminates TLS with another certificate.",
        where,
        e.badBindings,
      );
    case 'logon-denied':
      return vscode.l10n.t(
        "The IIS log {0} has this probe's requests: {1} x 401 with 2148074252 (SEC_E_LOGON_DENIED) and none with bad bindings. The account or password is wrong (or the account is locked or not allowed); Extended Protection is not what failed.",
        where,
        e.logonDenied,
      );
    default:
      return vscode.l10n.t(
        "The IIS log {0} has this probe's requests with both causes: {1} x 2148074310 (SEC_E_BAD_BINDINGS) and {2} x 2148074252 (SEC_E_LOGON_DENIED). Check the password first, then probe again.",
        where,
        e.badBindings,
        e.logonDenied,
      );
  }
}
