// The FREB report page shell (pure: no `vscode` import, so the keyboard test loads the page the host
// builds). The page shows `loading` until the host posts the model (see src/webview/frebReport.ts).
import { escapeHtml, webviewPage } from '../webviewPage';

export interface FrebReportPageOptions {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  lang: string;
  title: string;
  scriptUri: string;
  styleUri: string;
  /** "Loading the trace...", translated by the host. */
  loading: string;
}

export function renderFrebReportPage(o: FrebReportPageOptions): string {
  return webviewPage({
    cspSource: o.cspSource,
    nonce: o.nonce,
    lang: o.lang,
    title: o.title,
    styleUris: [o.styleUri],
    scriptUris: [o.scriptUri],
    body: `<main id="app" aria-live="polite"><p>${escapeHtml(o.loading)}</p></main>`,
  });
}
