// "Open FREB report" (a webview that replaces freb.xsl) and "Show failing event". The trace is
// parsed here, in the extension host, with the same core parser the server and the CLI use; the
// webview only renders the model it receives by postMessage.
import * as vscode from 'vscode';
import type { ClientContext, ClientFeature } from '../context';
import { tryAnalyzeFreb } from '../../core/freb/frebAnalyze';
import { buildFrebReportModel } from '../../core/freb/frebReportModel';
import { newNonce } from '../webviewPage';
import { renderFrebReportPage } from './frebReportHtml';

/** What the e2e tests ask: the open report panels and what their webviews rendered. */
export const FREB_REPORT_STATE_COMMAND = 'iisAuthLens.frebReport.state';

interface PanelState {
  uri: string;
  title: string;
  rendered: { events: number; failure: boolean; summary?: string; error?: string } | null;
}

const panels = new Map<string, { panel: vscode.WebviewPanel; state: PanelState }>();

function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return arg.includes('://') || arg.startsWith('file:') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

function webviewStrings(): Record<string, string> {
  const keys = [
    'Failure',
    'Finding',
    'Set by',
    'in',
    'line',
    'Show failing event in the editor',
    'Compare with the certificate IIS presents...',
    'Request',
    'Header',
    'Value',
    'Decoded auth',
    'Line',
    'Show in editor',
    'Event timeline',
    'Show levels',
    'Critical Error',
    'Error',
    'Warning',
    'Information',
    'Verbose',
    'General',
    'Filter events by name or data',
    'Up/Down move between events, Enter shows the event in the editor, Space opens its data.',
    'Events',
    'No module set an error status in this trace (it was triggered by time taken or a status rule).',
    'Request headers',
    'Response headers',
    'URL',
    'Verb',
    'Status',
    'Win32 status',
    'Time taken',
    'Auth type (requested)',
    'Authentication (root)',
    'User',
    'Token user',
    'Client address',
    'Site',
    'App pool',
    'Process',
    'Failure reason',
    'Trigger status',
    'Activity ID',
  ];
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = vscode.l10n.t(k);
  return out;
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const asset = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  return renderFrebReportPage({
    cspSource: webview.cspSource,
    nonce: newNonce(),
    lang: vscode.env.language,
    title,
    styleUri: asset('media', 'frebReport.css'),
    scriptUri: asset('dist', 'webview', 'frebReport.js'),
    loading: vscode.l10n.t('Loading the trace...'),
  });
}

async function revealLine(uri: vscode.Uri, line: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const l = Math.min(Math.max(0, line - 1), doc.lineCount - 1);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false, preview: false });
  const range = new vscode.Range(l, 0, l, doc.lineAt(l).text.length);
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/**
 * The report's "Compare with the certificate IIS presents..." button: Check Channel Bindings with the
 * trace's NTLM AUTHENTICATE and the request's host:port, which only pre-fills the host prompt (the
 * user confirms which host is contacted).
 */
async function checkBindings(doc: vscode.TextDocument, name: string): Promise<void> {
  const r = tryAnalyzeFreb(doc.getText(), name);
  if (!('analysis' in r) || !r.analysis.authorization) return;
  const target = buildFrebReportModel(r.analysis, name).failure?.bindingsTarget;
  await vscode.commands.executeCommand('iisAuthLens.checkChannelBindings', `Authorization: ${r.analysis.authorization.header.value}`, target ?? undefined);
}

/** `opts.focus: 'timeline'` opens the report at the failing event of the timeline. */
async function openReport(ctx: ClientContext, arg: unknown, opts?: { focus?: 'timeline' }): Promise<void> {
  const uri = toUri(arg);
  if (!uri) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a FREB trace (fr*.xml) first.'));
    return;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const name = uri.path.split('/').pop() ?? uri.toString();
  const r = tryAnalyzeFreb(doc.getText(), name);
  const key = uri.toString();
  let entry = panels.get(key);
  if (!entry) {
    const panel = vscode.window.createWebviewPanel('iisAuthLens.frebReport', vscode.l10n.t('FREB report: {0}', name), vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(ctx.extension.extensionUri, 'media')],
    });
    const state: PanelState = { uri: key, title: panel.title, rendered: null };
    entry = { panel, state };
    panels.set(key, entry);
    const current = entry;
    const send = (): void => {
      const fresh = tryAnalyzeFreb(doc.getText(), name);
      if ('analysis' in fresh)
        void panel.webview.postMessage({ type: 'model', model: buildFrebReportModel(fresh.analysis, name), strings: webviewStrings(), focus: opts?.focus });
      else void panel.webview.postMessage({ type: 'error', error: vscode.l10n.t('{0} is not a readable FREB trace: {1}', name, fresh.error.error ?? '') });
    };
    panel.webview.onDidReceiveMessage((msg: { type: string; line?: number; events?: number; failure?: boolean; summary?: string; error?: string }) => {
      if (msg.type === 'ready') send();
      else if (msg.type === 'reveal' && typeof msg.line === 'number') void revealLine(uri, msg.line);
      else if (msg.type === 'checkBindings') void checkBindings(doc, name);
      else if (msg.type === 'rendered') {
        current.state.rendered = { events: msg.events ?? 0, failure: !!msg.failure, summary: msg.summary, error: msg.error };
        ctx.log.info(`FREB report for ${name}: ${msg.events ?? 0} events rendered${msg.error ? ` (${msg.error})` : ''}`);
      }
    });
    panel.onDidDispose(() => {
      // only this panel's entry: a report reopened for the same trace may already stand in its place
      if (panels.get(key)?.panel === panel) panels.delete(key);
    });
    panel.webview.html = html(panel.webview, ctx.extension.extensionUri, panel.title);
  } else {
    entry.panel.reveal(vscode.ViewColumn.Beside);
    if (opts?.focus) void entry.panel.webview.postMessage({ type: 'focus', focus: opts.focus });
  }
  if ('error' in r) ctx.log.warn(`FREB report: ${r.error.error ?? ''}`);
}

async function showFailingEvent(arg: unknown, lineArg: unknown): Promise<void> {
  const uri = toUri(arg);
  if (!uri) return;
  let line = typeof lineArg === 'number' ? lineArg : undefined;
  if (line === undefined) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const r = tryAnalyzeFreb(doc.getText(), uri.path);
    if ('error' in r) {
      void vscode.window.showWarningMessage(r.error.error ?? vscode.l10n.t('Not a readable FREB trace.'));
      return;
    }
    line = r.analysis.failure?.event.line;
    if (line === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No module set an error status in this trace.'));
      return;
    }
  }
  await revealLine(uri, line);
}

export const frebReport: ClientFeature<'freb/frebReport'> = {
  activate(ctx) {
    return {
      disposables: [
        {
          dispose: () => {
            for (const p of panels.values()) p.panel.dispose();
          },
        },
      ],
      commands: {
        'iisAuthLens.openFrebReport': (arg?: unknown, opts?: { focus?: 'timeline' }) => openReport(ctx, arg, opts),
        'iisAuthLens.showFrebFailingEvent': (arg?: unknown, line?: unknown) => showFailingEvent(arg, line),
        // test hook: what the open report panels show
        [FREB_REPORT_STATE_COMMAND]: () => [...panels.values()].map((p) => ({ ...p.state })),
      },
    };
  },
};
