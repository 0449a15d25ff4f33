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
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { EXCERPT_SCHEME, showLogExcerpt } from '../logs/logExcerptView';
import { SYNC_LIMIT_BYTES } from '../logs/largeFiles';

/** Milliseconds the last timeline took to build (logged; the e2e suite reports it). */
let lastMs = 0;

/** Open timeline panels (for the e2e suite): log URI -> panel and data. */
export const timelinePanels = new Map<string, { panel: vscode.WebviewPanel; timeline: AuthTimeline; rendered: number; errors: string[] }>();

/** A log's timeline from memory when VS Code holds the document, else from disk with progress and cancel. */
async function computeTimeline(uri: vscode.Uri): Promise<AuthTimeline | undefined> {
  const b = new AuthTimelineBuilder();
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Building the auth timeline') }, () => {
      const sc = new W3cScanner(b);
      sc.push(scannerBytes(open.getText()));
      sc.end();
      return Promise.resolve(b.result());
    });
  }
  // from disk through the file pipeline (logs over 50 MB, gzip, UTF-16, CR-only line ends), as the CLI reads it
  const size = (await fs.stat(uri.fsPath)).size;
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Building the auth timeline of {0}', path.basename(uri.fsPath)),
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let shown = 0;
      try {
        await scanW3cLog(uri.fsPath, b, {
          signal: abort.signal,
          onRawBytes: (n) => {
            const pct = Math.min(100, Math.floor((n / Math.max(1, size)) * 100));
            if (pct > shown) {
              progress.report({ increment: pct - shown, message: `${(n / 1048576).toFixed(0)} / ${(size / 1048576).toFixed(0)} MB` });
              shown = pct;
            }
          },
        });
      } catch (err) {
        if (abort.signal.aborted) return undefined;
        throw err;
      } finally {
        sub.dispose();
      }
      return b.result();
    },
  );
}

/** The log of the active editor, or of the active tab when VS Code did not hand the file over (over 50 MB). */
function activeLog(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor?.document.uri;
  if (editor && editor.scheme !== EXCERPT_SCHEME) return editor;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText) {
    if (input.uri.scheme !== EXCERPT_SCHEME) return input.uri;
    // the excerpt of a big log stands for that log
    const file = new URLSearchParams(input.uri.query).get('file');
    if (file) return vscode.Uri.file(file);
  }
  return editor;
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
  const span =
    timeline.from && timeline.to
      ? vscode.l10n.t(
          '{0} to {1} (UTC, IIS log time), {2}-minute buckets, {3} requests',
          timeline.from.replace('T', ' ').replace('Z', ''),
          timeline.to.slice(11, 19),
          timeline.bucketSeconds / 60,
          timeline.requests,
        )
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
  const synced = vscode.workspace.textDocuments.some((d) => d.uri.toString() === log.toString());
  if (!synced && log.scheme === 'file') {
    const st = await fs.stat(log.fsPath).catch(() => undefined);
    if (st && (st.size >= SYNC_LIMIT_BYTES || log.fsPath.toLowerCase().endsWith('.gz'))) {
      // too large for the editor: a read-only excerpt around the first, selecting those in its window
      await showLogExcerpt(log.fsPath, lines[0]!, { alsoSelect: lines });
      return;
    }
  }
  const doc = await vscode.workspace.openTextDocument(log);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  editor.selections = lines.map((l) => {
    const i = Math.min(doc.lineCount - 1, l - 1);
    return new vscode.Selection(i, 0, i, doc.lineAt(i).text.length);
  });
  editor.revealRange(editor.selections[0]!, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export async function openAuthTimeline(ctx: ClientContext, arg?: vscode.Uri | string): Promise<vscode.WebviewPanel | undefined> {
  const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg instanceof vscode.Uri ? arg : activeLog();
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open an IIS log to see its auth timeline.'));
    return undefined;
  }
  let timeline: AuthTimeline | undefined;
  const started = performance.now();
  try {
    timeline = await computeTimeline(uri);
    if (!timeline) {
      ctx.log.info(`authTimeline ${uri.toString()}: cancelled`);
      return undefined;
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    ctx.log.error(`authTimeline ${uri.toString()}: ${msg}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot build the auth timeline of {0}: {1}', uri.fsPath, msg));
    return undefined;
  }
  const title = uri.path.split('/').pop() ?? uri.toString();
  const existing = timelinePanels.get(uri.toString());
  const dist = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview');
  const panel =
    existing?.panel ??
    vscode.window.createWebviewPanel('iisAuthLens.authTimeline', vscode.l10n.t('Auth timeline: {0}', title), vscode.ViewColumn.Beside, {
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
    panel.onDidDispose(() => {
      // only this panel's entry: a panel reopened for the same log may already stand in its place
      if (timelinePanels.get(uri.toString())?.panel === panel) timelinePanels.delete(uri.toString());
    });
    panel.webview.onDidReceiveMessage((msg: { type?: string; url?: number; bucket?: number; outcome?: Outcome; charts?: number; message?: string }) => {
      if (msg?.type === 'rendered') {
        entry.rendered = typeof msg.charts === 'number' ? msg.charts : 0;
        return;
      }
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
  lastMs = Math.round(performance.now() - started);
  ctx.log.info(`authTimeline ${title}: ${timeline.requests} requests, ${timeline.urls.length} URL(s), ${timeline.bucketSeconds}s buckets in ${lastMs} ms`);
  return panel;
}

export const authTimeline: ClientFeature<'timeline/authTimeline'> = {
  activate(ctx) {
    return {
      commands: {
        'iisAuthLens.openAuthTimeline': (arg?: vscode.Uri | string) => openAuthTimeline(ctx, arg),
        // test hook: what the open timeline panels drew
        'iisAuthLens.authTimelineState': () =>
          [...timelinePanels.entries()].map(([uri, e]) => ({
            uri,
            rendered: e.rendered,
            visible: e.panel.visible,
            errors: e.errors,
            urls: e.timeline.urls.map((u) => u.uri),
            requests: e.timeline.requests,
            ms: lastMs,
          })),
      },
    };
  },
};
