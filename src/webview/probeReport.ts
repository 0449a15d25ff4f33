// Webview side of the MRS probe report: copy buttons, "Copy as JSON", "Probe again", "Show in
// output". The extension does the copying (vscode.env.clipboard works in every host, the browser
// clipboard API does not in all webviews); this script only says what was asked for.
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();

function toast(text: string): void {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = text;
  el.classList.add('visible');
  window.setTimeout(() => el.classList.remove('visible'), 1800);
}

document.addEventListener('click', (ev) => {
  const target = ev.target instanceof Element ? ev.target.closest('button') : null;
  if (!target) return;
  if (target.id === 'copy-json') vscode.postMessage({ type: 'copyJson' });
  else if (target.id === 'probe-again') vscode.postMessage({ type: 'probeAgain' });
  else if (target.id === 'show-log') vscode.postMessage({ type: 'showLog' });
  else if (target.id === 'find-lines') vscode.postMessage({ type: 'findLines' });
  else if (target.dataset.copy !== undefined) vscode.postMessage({ type: 'copy', text: target.dataset.copy });
});

window.addEventListener('message', (ev: MessageEvent<{ type?: string; text?: string }>) => {
  if (ev.data?.type === 'copied' && typeof ev.data.text === 'string') toast(ev.data.text);
});

vscode.postMessage({ type: 'ready', renderId: Number(document.body.dataset.renderId ?? 0) });

// The verdict gets focus first, so a keyboard or screen-reader user hears the outcome at once.
document.getElementById('verdict')?.focus({ preventScroll: true });
