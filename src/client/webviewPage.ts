// The page shell every webview of ours uses: a strict CSP (nothing remote, scripts and inline
// styles only with the page's nonce), theme-aware defaults left to each page's stylesheet.
// No vscode import, so the pages render in unit tests too.
import { randomBytes } from 'node:crypto';

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface WebviewPageOptions {
  /** `webview.cspSource`: where our own scripts, styles, images and fonts come from. */
  cspSource: string;
  nonce: string;
  lang: string;
  title: string;
  /** Inner HTML of <body>, already escaped. */
  body: string;
  scriptUris: string[];
  styleUris?: string[];
  /** CSS placed in a <style> carrying the nonce. */
  inlineStyle?: string;
  /** Extra attributes of <body>, already escaped (e.g. `data-render-id="3"`). */
  bodyAttributes?: string;
  /** Lets `data:` images through (a chart library's canvas export). */
  dataImages?: boolean;
}

export function contentSecurityPolicy(o: Pick<WebviewPageOptions, 'cspSource' | 'nonce' | 'dataImages' | 'inlineStyle'>): string {
  return [
    "default-src 'none'",
    // the nonce only where the page has an inline <style>: otherwise stylesheets from our folder alone
    `style-src ${o.cspSource}${o.inlineStyle ? ` 'nonce-${o.nonce}'` : ''}`,
    `script-src 'nonce-${o.nonce}'`,
    `img-src ${o.cspSource}${o.dataImages ? ' data:' : ''}`,
    `font-src ${o.cspSource}`,
  ].join('; ');
}

export function webviewPage(o: WebviewPageOptions): string {
  const nonce = escapeHtml(o.nonce);
  return `<!DOCTYPE html>
<html lang="${escapeHtml(o.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${(o.styleUris ?? []).map((u) => `<link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n')}
<title>${escapeHtml(o.title)}</title>
${o.inlineStyle ? `<style nonce="${nonce}">${o.inlineStyle}</style>` : ''}
</head>
<body${o.bodyAttributes ? ' ' + o.bodyAttributes : ''}>
${o.body}
${o.scriptUris.map((u) => `<script nonce="${nonce}" src="${escapeHtml(u)}"></script>`).join('\n')}
</body>
</html>`;
}
