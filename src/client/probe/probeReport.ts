// The probe report webview: one panel, replaced by each new result. The HTML comes from
// probeReportHtml.ts; the page script (src/webview/probeReport.ts) asks for copies, "Probe again"
// and the output channel through messages.
import * as vscode from 'vscode';
import { newNonce } from '../webviewPage';
import type { ClientContext } from '../context';
import type { ProbeResult } from '../../probe/probeTypes';
import { probeResultJson, remediationParts } from './probeModel';
import { renderProbeReportPage } from './probeReportHtml';

export const PROBE_REPORT_VIEW_TYPE = 'iisAuthLens.probeReport';

interface PanelState {
  panel: vscode.WebviewPanel;
  result: ProbeResult;
  notes: string[];
  rerun: () => Promise<unknown>;
  renderId: number;
  /** The renderId the page reported after loading. */
  shownId: number;
  /** When the probe started (UTC): its requests are in the server's IIS log around then. */
  startedAt: string;
}

type ReportMessage = { type?: unknown; text?: unknown; renderId?: unknown } | undefined;

/** What the page asks for: copies (only texts of this result), "Probe again", the output channel. */
async function handleMessage(ctx: ClientContext, state: PanelState, msg: ReportMessage): Promise<void> {
  try {
    switch (msg?.type) {
      case 'ready':
        if (typeof msg.renderId === 'number') state.shownId = msg.renderId;
        break;
      case 'copyJson':
        await vscode.env.clipboard.writeText(probeResultJson(state.result));
        void state.panel.webview.postMessage({ type: 'copied', text: vscode.l10n.t('The result was copied as JSON.') });
        break;
      case 'copy':
        if (typeof msg.text === 'string' && copyableTexts(state.result).has(msg.text)) {
          await vscode.env.clipboard.writeText(msg.text);
          void state.panel.webview.postMessage({ type: 'copied', text: vscode.l10n.t('Copied.') });
        }
        break;
      case 'probeAgain':
        await state.rerun();
        break;
      case 'showLog':
        ctx.log.show(true);
        break;
      case 'findLines':
        // The probe's own requests in the server's IIS log (UTC, like IIS writes it): the
        // 401 1 2148074310 / 2148074252 lines that tell bad bindings from a bad password.
        await vscode.commands.executeCommand('iisAuthLens.findMatchingIisLines', {
          time: state.startedAt,
          url: state.result.url,
          utcOffsetMinutes: 0,
          windowMinutes: 5,
        });
        break;
    }
  } catch (err) {
    ctx.log.error(`probe report: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The probe ran for result.ms up to now. */
function probeStart(result: ProbeResult): string {
  return new Date(Date.now() - (result.ms ?? 0)).toISOString();
}

let renders = 0;
let current: PanelState | undefined;

/** What the page may put on the clipboard: the JSON, the remediation commands and the hashes of this result. */
function copyableTexts(result: ProbeResult): Set<string> {
  const texts = new Set<string>();
  for (const r of result.remediation) for (const c of remediationParts(r).commands) texts.add(c);
  if (result.tls) {
    texts.add(result.tls.channelBindings);
    texts.add(result.tls.fingerprintSha256);
  }
  return texts;
}

function render(ctx: ClientContext, state: PanelState): void {
  const webview = state.panel.webview;
  const dist = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
  const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media');
  state.panel.title = vscode.l10n.t('MRS probe: {0}', state.result.verdict);
  state.renderId = ++renders;
  webview.html = renderProbeReportPage(state.result, {
    cspSource: webview.cspSource,
    nonce: newNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'probeReport.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'probeReport.css')).toString(),
    lang: vscode.env.language,
    renderId: state.renderId,
    notes: state.notes,
    t: vscode.l10n.t,
  });
}

export function showProbeReport(ctx: ClientContext, result: ProbeResult, rerun: () => Promise<unknown>, notes: string[] = []): vscode.WebviewPanel {
  if (current) {
    current.result = result;
    current.notes = notes;
    current.rerun = rerun;
    current.startedAt = probeStart(result);
    render(ctx, current);
    current.panel.reveal(undefined, true);
    return current.panel;
  }
  const panel = vscode.window.createWebviewPanel(
    PROBE_REPORT_VIEW_TYPE,
    vscode.l10n.t('MRS probe'),
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(ctx.extension.extensionUri, 'media')],
      retainContextWhenHidden: false,
    },
  );
  const state: PanelState = { panel, result, notes, rerun, renderId: 0, shownId: -1, startedAt: probeStart(result) };
  current = state;
  panel.onDidDispose(() => {
    if (current === state) current = undefined;
  });
  panel.webview.onDidReceiveMessage((msg: ReportMessage) => handleMessage(ctx, state, msg));
  render(ctx, state);
  return panel;
}

/** Handles a message as if the open report's page had sent it (internal command iisAuthLens.probeReportMessage, for tests). */
export async function probeReportMessage(ctx: ClientContext, msg: ReportMessage): Promise<boolean> {
  if (!current || !msg || typeof msg !== 'object') return false;
  await handleMessage(ctx, current, msg);
  return true;
}

/** What the open report shows (for the e2e suite, through the internal command iisAuthLens.probeReportState). */
export function probeReportState(): { verdict: string; url: string; title: string; loaded: boolean; visible: boolean } | undefined {
  if (!current) return undefined;
  return {
    verdict: current.result.verdict,
    url: current.result.url,
    title: current.panel.title,
    loaded: current.shownId === current.renderId,
    visible: current.panel.visible,
  };
}
