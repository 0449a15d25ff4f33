// The Extended Protection configuration at hand: the applicationHost.config files that are open or
// in the workspace, read for what Default Web Site/EWS (and /EWS/mrsproxy.svc) is set to. The probe
// report names it next to an accept-mismatch or rejected verdict, with the file and line.
import * as vscode from 'vscode';
import { analyzeEpConfig } from '../../core/iisConfig/epConfig';
import { serverNameFromPath } from '../../core/iisConfig/epServers';
import type { TokenChecking } from '../../core/iisConfig/exchangeEpTable';

export interface ConfiguredEws {
  server: string;
  uri: vscode.Uri;
  /** 1-based line where the applied tokenChecking is written (or of the <location>). */
  line: number;
  tokenChecking: TokenChecking;
}

const PATTERN = '**/*{applicationHost,ApplicationHost,applicationhost}.config';
const MAX_FILES = 20;

/** Default Web Site/EWS of every config at hand (open documents first, then workspace files). */
export async function configuredEwsAtHand(log?: vscode.LogOutputChannel): Promise<ConfiguredEws[]> {
  const seen = new Set<string>();
  const texts: Array<{ uri: vscode.Uri; text: string }> = [];
  for (const d of vscode.workspace.textDocuments) {
    if (/applicationhost\.config$/i.test(d.uri.path) && d.uri.scheme !== 'git') {
      seen.add(d.uri.toString());
      texts.push({ uri: d.uri, text: d.getText() });
    }
  }
  try {
    for (const uri of await vscode.workspace.findFiles(PATTERN, '**/node_modules/**', MAX_FILES)) {
      if (seen.has(uri.toString())) continue;
      texts.push({ uri, text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)).replace(/^\uFEFF/, '') });
    }
  } catch (err) {
    log?.warn(`Extended Protection: searching the workspace for applicationHost.config failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const out: ConfiguredEws[] = [];
  for (const { uri, text } of texts) {
    try {
      const r = analyzeEpConfig(text);
      if (!r.mrsProxy) continue;
      const ews = r.locations.find((l) => l.location.toLowerCase() === 'default web site/ews');
      out.push({
        server: serverNameFromPath(uri.fsPath || uri.path),
        uri,
        line: r.mrsProxy.setAt?.line ?? ews?.line ?? 1,
        tokenChecking: r.mrsProxy.tokenChecking,
      });
    } catch {
      // A config that does not parse says so in its own diagnostics.
    }
  }
  return out;
}

function iisName(v: TokenChecking): string {
  return v === 'None' ? vscode.l10n.t('Off') : v === 'Allow' ? vscode.l10n.t('Accept') : vscode.l10n.t('Required');
}

/** One line per config for the probe report: where Default Web Site/EWS is set, and what that means for this verdict. */
export function configuredEwsNote(c: ConfiguredEws): string {
  const where = `${vscode.workspace.asRelativePath(c.uri)}:${c.line}`;
  return c.tokenChecking === 'None'
    ? vscode.l10n.t(
        'Configured ({0}, {1}): Default Web Site/EWS at None (Off) - Extended Protection is not what rejects this logon on that server; check that the probe reached it.',
        c.server,
        where,
      )
    : vscode.l10n.t(
        'Configured ({0}, {1}): Default Web Site/EWS at {2} ({3}) - with another certificate in front of Exchange only None works.',
        c.server,
        where,
        c.tokenChecking,
        iisName(c.tokenChecking),
      );
}
