// `iisAuthLens.openAuthTimeline`: for the open IIS log, a chart per URL of how requests ended over
// time (successes, challenge legs, BAD_BINDINGS, LOGON_DENIED, INVALID_TOKEN), so the moment a
// change fixed things is visible; a click on a bar selects those lines in the log.
import * as vscode from 'vscode';
import type { ClientFeature, ClientContext } from '../context';
import { AuthTimelineBuilder, OUTCOMES, OUTCOME_LABELS, type AuthTimeline, type Outcome } from '../../core/timeline/authTimeline';
import { W3cScanner } from '../../core/w3c/w3cScanner';
import { newNonce } from '../webviewPage';
import { scanW3cLog } from '../../node/logFiles';
import { scannerBytes } from '../../core/files/textEncoding';
import { renderAuthTimelinePage } from './authTimelineHtml';

/** Open timeline panels (for the e2e suite): log URI -> panel and data. */
export const timelinePanels = new Map<string, { panel: vscode.WebviewPanel; timeline: AuthTimeline; rendered: number; errors: string[] }>();

async function computeTimeline(uri: vscode.Uri): Promise<AuthTimeline> {
  const b = new AuthTimelineBuilder();
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const sc = new W3cScanner(b);
    sc.push(scannerBytes(open.getText()));
    sc.end();
    return b.result();
  }
  // from disk through the file pipeline: gzip, UTF-16 with or without BOM, CR-only line ends, as the CLI reads it
  await scanW3cLog(uri.fsPath, b);
  return b.result();
}

function html(webview: vscode.Webview, script: vscode.Uri, title: string, timeline: AuthTimeline): string {
  const labels = Object.fromEntries(OUTCOMES.map((o) => [o, vscode.l10n.t(OUTCOME_LABELS[o])])) as Record<Outcome, string>;
  const strings = {
    empty: vscode.l10n.t('No authentication traffic (401s) in this log: nothing to chart.'),
    lastFailure: vscode.l10n.t('Last failure at'),
    fixedAt: vscode.l10n.t('First success after it at'),
    fixedShort: vscode.l10n.t('succeeds from'),
    line: vscode.l10n.t('line'),
    chartOf: vscode.l10n.t('Outcomes over time for'),
    table: vscode.l10n.t('Table (select a count to go to its lines)'),
    bucket: vscode.l10n.t('Time (UTC)'),
    goTo: vscode.l10n.t('Go to the lines of'),
  };
  const span = timeline.from && timeline.to
    ? vscode.l10n.t('{0} to {1} (UTC, IIS log time), {2}-minute buckets, {3} requests', timeline.from.replace('T', ' ').replace('Z', ''), timeline.to.slice(11, 19), timeline.bucketSeconds / 60, timeline.requests)
    : vscode.l10n.t('{0} requests', timeline.requests);
  return renderAuthTimelinePage(timeline, {
    cspSource: webview.cspSource,
    nonce: newNonce(),
    scriptUri: webview.asWebviewUri(script).toString(),
    title,
    lang: vscode.env.language,
    texts: { heading: vscode.l10n.t('Auth timeline: {0}', title), span, labels, strings },
  });
}

async function revealLines(log: vscode.Uri, lines: number[]): Promise<void> {
  if (lines.length === 0) return;
  const doc = await vscode.workspace.openTextDocument(log);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  editor.selections = lines.map((l) => {
    const i = Math.min(doc.lineCount - 1, l - 1);
    return new vscode.Selection(i, 0, i, doc.lineAt(i).text.length);
  });
  editor.revealRange(editor.selections[0]!, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export async function openAuthTimeline(ctx: ClientContext, arg?: vscode.Uri | string): Promise<vscode.WebviewPanel | undefined> {
  const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open an IIS log to see its auth timeline.'));
    return undefined;
  }
  let timeline: AuthTimeline;
  try {
    timeline = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Building the auth timeline') }, () => computeTimeline(uri));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    ctx.log.error(`authTimeline ${uri.toString()}: ${msg}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot build the auth timeline of {0}: {1}', uri.fsPath, msg));
    return undefined;
  }
  const title = uri.path.split('/').pop() ?? uri.toString();
  const existing = timelinePanels.get(uri.toString());
  const dist = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
  const panel = existing?.panel ?? vscode.window.createWebviewPanel('iisAuthLens.authTimeline', vscode.l10n.t('Auth timeline: {0}', title), vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [dist],
    retainContextWhenHidden: false,
  });
  const entry = existing ?? { panel, timeline, rendered: -1, errors: [] as string[] };
  entry.timeline = timeline;
  entry.rendered = -1;
  timelinePanels.set(uri.toString(), entry);
  panel.webview.html = html(panel.webview, vscode.Uri.joinPath(dist, 'authTimeline.js'), title, timeline);
  if (!existing) {
    panel.onDidDispose(() => timelinePanels.delete(uri.toString()));
    panel.webview.onDidReceiveMessage((msg: { type?: string; url?: number; bucket?: number; outcome?: Outcome; charts?: number; message?: string }) => {
      if (msg?.type === 'rendered') { entry.rendered = typeof msg.charts === 'number' ? msg.charts : 0; return; }
      if (msg?.type === 'error') {
        entry.errors.push(String(msg.message).slice(0, 500));
        ctx.log.error(`authTimeline webview: ${String(msg.message).slice(0, 500)}`);
        return;
      }
      if (msg?.type !== 'reveal' || typeof msg.url !== 'number' || typeof msg.bucket !== 'number' || !msg.outcome) return;
      const lines = entry.timeline.urls[msg.url]?.buckets[msg.bucket]?.lines[msg.outcome];
      if (!lines || !OUTCOMES.includes(msg.outcome)) return;
      void revealLines(uri, lines);
    });
  } else {
    panel.reveal();
  }
  ctx.log.info(`authTimeline ${title}: ${timeline.requests} requests, ${timeline.urls.length} URL(s), ${timeline.bucketSeconds}s buckets`);
  return panel;
}

export const authTimeline: ClientFeature = {
  activate(ctx) {
    return [
      vscode.commands.registerCommand('iisAuthLens.openAuthTimeline', (arg?: vscode.Uri | string) => openAuthTimeline(ctx, arg)),
      // Internal (not in the palette): what the open timeline panels drew, for the e2e suite.
      vscode.commands.registerCommand('iisAuthLens.authTimelineState', () =>
        [...timelinePanels.entries()].map(([uri, e]) => ({ uri, rendered: e.rendered, errors: e.errors, urls: e.timeline.urls.map((u) => u.uri) }))),
    ];
  },
};
