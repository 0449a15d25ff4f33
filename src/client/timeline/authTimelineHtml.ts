// The auth timeline page as HTML (pure: no `vscode` import, so the keyboard test loads the same page
// the host builds). The data goes in as JSON the page script reads.
import { OUTCOMES, type AuthTimeline, type Outcome } from '../../core/timeline/authTimeline';
import { escapeHtml, webviewPage } from '../webviewPage';

/** The page's words, translated by the host (vscode.l10n.t there, so l10n-dev finds them). */
export interface AuthTimelineTexts {
  /** <h1> of the page. */
  heading: string;
  /** Line under it: time span, bucket size, request count. */
  span: string;
  labels: Record<Outcome, string>;
  /** Keys the page script reads: empty, lastFailure, fixedAt, fixedShort, line, chartOf, table, bucket, goTo. */
  strings: Record<string, string>;
}

export interface AuthTimelinePageOptions {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  title: string;
  lang: string;
  texts: AuthTimelineTexts;
}

export function renderAuthTimelinePage(timeline: AuthTimeline, o: AuthTimelinePageOptions): string {
  const data = JSON.stringify({ timeline, outcomes: OUTCOMES, labels: o.texts.labels, strings: o.texts.strings }).replace(/</g, '\\u003c');
  return webviewPage({
    cspSource: o.cspSource,
    nonce: o.nonce,
    lang: o.lang,
    title: o.title,
    dataImages: true,
    inlineStyle: TIMELINE_CSS,
    scriptUris: [o.scriptUri],
    body: `<h1>${escapeHtml(o.texts.heading)}</h1>
<p class="sub">${escapeHtml(o.texts.span)}</p>
<div id="root"></div>
<script type="application/json" id="timeline-data">${data}</script>`,
  });
}

const TIMELINE_CSS = `
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 24px; }
  h1 { font-size: 1.3em; font-weight: 600; margin: 14px 0 2px; }
  h2 { font-size: 1.1em; font-weight: 600; margin: 18px 0 4px; font-family: var(--vscode-editor-font-family); }
  .sub, .fact { color: var(--vscode-descriptionForeground); margin: 2px 0; }
  .chart { position: relative; height: 240px; margin: 6px 0; }
  section { border-top: 1px solid var(--vscode-panel-border, rgba(128,128,128,0.35)); }
  table { border-collapse: collapse; margin: 6px 0; }
  th, td { padding: 2px 10px; text-align: right; border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,0.2)); }
  th[scope=col] { font-weight: 600; }
  button { color: var(--vscode-textLink-foreground); background: none; border: none; cursor: pointer; font: inherit; padding: 0 4px; }
  button:focus-visible, summary:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
  .empty { margin-top: 16px; }
`;
