// The FREB report webview (replaces freb.xsl): failure first, request summary, headers with the
// auth decoded, and the event timeline with durations, level filters and keyboard navigation.
// The model comes from the extension host (postMessage); nothing is fetched, no HTML is injected:
// every value goes through textContent.
import type { FrebReportEvent, FrebReportHeader, FrebReportModel } from '../core/freb/frebReportModel';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  setState(s: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const LEVELS: Array<[number, string]> = [
  [1, 'Critical Error'],
  [2, 'Error'],
  [3, 'Warning'],
  [4, 'Information'],
  [5, 'Verbose'],
  [0, 'General'],
];
let strings: Record<string, string> = {};
const t = (s: string): string => strings[s] ?? s;

interface State {
  hidden: number[];
  text: string;
}
const state: State = { hidden: [], text: '', ...((vscode.getState() as Partial<State> | undefined) ?? {}) };

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string | null>
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

function reveal(line: number): void {
  vscode.postMessage({ type: 'reveal', line });
}

function failureSection(m: FrebReportModel): HTMLElement | null {
  if (!m.failure && !m.findings.length) return null;
  const f = m.failure;
  const sec = el('section', { class: 'failure', 'aria-labelledby': 'failure-h' });
  const title = f ? `${f.status ?? ''} ${f.codeName ?? ''} ${f.hex ? `(${f.hex})` : ''}`.replace(/\s+/g, ' ').trim() : t('Finding');
  sec.append(el('h2', { id: 'failure-h' }, t('Failure'), ': ', title));
  if (f) {
    if (f.text) sec.append(el('p', { class: 'failure-text' }, f.text));
    sec.append(
      el(
        'p',
        {},
        t('Set by'),
        ' ',
        el('code', {}, f.module ?? '?'),
        f.notification ? ` ${t('in')} ` : '',
        f.notification ? el('code', {}, f.notification) : null,
        ` · ${t('line')} ${f.line}`,
      ),
    );
  }
  for (const x of m.findings) {
    // The heading already says status, code, module and text: show what the finding adds.
    const at = f?.text ? x.message.indexOf(f.text) : -1;
    const note = at >= 0 ? x.message.slice(at + f!.text!.length).replace(/^[.\s]+/, '') : x.message;
    sec.append(el('p', { class: `finding sev-${x.severity}` }, el('strong', {}, x.code), ' ', note || x.message));
  }
  if (f?.bindingsHint) {
    const p = el('p', { class: 'hint-bindings' });
    const target = f.bindingsTarget ? `|${f.bindingsTarget.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` : '';
    f.bindingsHint.split(new RegExp(`(\\b[0-9a-f]{32}\\b${target})`)).forEach((part, k) => p.append(k % 2 ? el('code', {}, part) : part));
    sec.append(p);
  }
  if (f) {
    const b = el('button', { type: 'button', id: 'show-failure' }, t('Show failing event in the editor'));
    b.addEventListener('click', () => reveal(f.line));
    sec.append(b);
  }
  if (f?.bindingsTarget) {
    // Check Channel Bindings with this trace's AUTHENTICATE; the host is only pre-filled: the user confirms it.
    const c = el('button', { type: 'button', id: 'check-bindings', class: 'secondary' }, t('Compare with the certificate IIS presents...'));
    c.addEventListener('click', () => vscode.postMessage({ type: 'checkBindings' }));
    sec.append(' ', c);
  }
  return sec;
}

function requestSection(m: FrebReportModel): HTMLElement {
  const dl = el('dl', { class: 'request' });
  for (const [k, v] of m.request) dl.append(el('dt', {}, t(k)), el('dd', {}, v));
  return el('section', { 'aria-labelledby': 'req-h' }, el('h2', { id: 'req-h' }, t('Request')), dl);
}

function headerTable(title: string, id: string, rows: FrebReportHeader[]): HTMLElement | null {
  if (!rows.length) return null;
  const tbody = el('tbody');
  for (const h of rows) {
    const value = el('td', { class: 'hval' }, h.value);
    const tr = el('tr', { class: h.auth ? 'auth' : '' }, el('th', { scope: 'row' }, h.name), value, el('td', {}, h.auth ?? ''));
    const link = el('button', { type: 'button', class: 'linkish', 'aria-label': `${t('Show in editor')}: ${h.name}` }, String(h.line));
    link.addEventListener('click', () => reveal(h.line));
    tr.append(el('td', {}, link));
    tbody.append(tr);
    if (h.details.length) {
      const dl = el('dl', { class: 'token' });
      for (const [k, v] of h.details) dl.append(el('dt', {}, k), el('dd', {}, v));
      const cell = el('td', { colspan: '4' }, dl);
      tbody.append(el('tr', { class: 'token-details' }, cell));
    }
  }
  const table = el(
    'table',
    { class: 'headers' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, t('Header')),
        el('th', { scope: 'col' }, t('Value')),
        el('th', { scope: 'col' }, t('Decoded auth')),
        el('th', { scope: 'col' }, t('Line')),
      ),
    ),
    tbody,
  );
  return el('section', { 'aria-labelledby': id }, el('h2', { id }, title), table);
}

function timelineSection(m: FrebReportModel): HTMLElement {
  const sec = el('section', { 'aria-labelledby': 'tl-h', class: 'timeline' });
  sec.append(el('h2', { id: 'tl-h' }, t('Event timeline'), ` (${m.events.length})`));
  const filters = el('fieldset', { class: 'filters' }, el('legend', {}, t('Show levels')));
  const present = new Set(m.events.map((e) => e.level ?? 0));
  for (const [lvl, name] of LEVELS) {
    if (!present.has(lvl)) continue;
    const id = `lvl-${lvl}`;
    const cb = el('input', { type: 'checkbox', id, 'data-level': String(lvl) });
    cb.checked = !state.hidden.includes(lvl);
    cb.addEventListener('change', () => {
      state.hidden = cb.checked ? state.hidden.filter((x) => x !== lvl) : [...state.hidden, lvl];
      vscode.setState(state);
      applyFilters();
    });
    const count = m.events.filter((e) => (e.level ?? 0) === lvl).length;
    filters.append(el('label', { for: id, class: `lvl lvl-${lvl}` }, cb, ` ${t(name)} (${count})`));
  }
  const search = el('input', {
    type: 'search',
    id: 'event-search',
    placeholder: t('Filter events by name or data'),
    'aria-label': t('Filter events by name or data'),
  });
  search.value = state.text;
  search.addEventListener('input', () => {
    state.text = search.value;
    vscode.setState(state);
    applyFilters();
  });
  filters.append(search);
  sec.append(filters);
  sec.append(el('p', { class: 'hint' }, t('Up/Down move between events, Enter shows the event in the editor, Space opens its data.')));

  const list = el('ul', { class: 'events', role: 'listbox', 'aria-label': t('Events') });
  const maxDur = Math.max(1, m.totalMs ?? 0, ...m.events.map((e) => e.durationMs ?? 0));
  m.events.forEach((e, k) => list.append(eventRow(e, k, maxDur)));
  list.addEventListener('keydown', (ev) => onKey(ev, list));
  sec.append(list);
  return sec;
}

function eventRow(e: FrebReportEvent, k: number, maxDur: number): HTMLElement {
  const li = el('li', {
    class: `event lvl-${e.level ?? 0}${e.isFailure ? ' is-failure' : ''}`,
    role: 'option',
    tabindex: k === 0 ? '0' : '-1',
    'data-level': String(e.level ?? 0),
    'data-line': String(e.line),
    'aria-selected': 'false',
    id: `ev-${k}`,
  });
  const head = el('div', { class: 'ev-head' });
  head.append(el('span', { class: 'ev-offset', title: e.time ?? '' }, e.offsetMs !== null ? `+${e.offsetMs} ms` : ''));
  const name = el('span', { class: 'ev-name', title: e.label }, e.label);
  name.style.paddingLeft = `${Math.min(e.depth, 8) * 10}px`;
  head.append(name);
  const bar = el('span', { class: 'ev-bar', 'aria-hidden': 'true' });
  if (e.durationMs !== null) {
    const fill = el('span', { class: 'ev-bar-fill' });
    fill.style.width = `${Math.max(1, Math.round((e.durationMs / maxDur) * 100))}%`;
    bar.append(fill);
  }
  head.append(bar, el('span', { class: 'ev-dur' }, e.durationMs !== null ? `${e.durationMs} ms` : ''));
  head.append(el('span', { class: 'ev-level' }, e.levelName ?? ''));
  li.append(head);
  const details = el('div', { class: 'ev-details', hidden: '' });
  if (e.doc) details.append(el('p', { class: 'ev-doc' }, e.doc));
  const dl = el('dl');
  for (const [k2, v] of e.data) {
    const d = e.descriptions[k2];
    dl.append(el('dt', {}, k2), el('dd', {}, v, d && d !== v ? el('span', { class: 'desc' }, ` — ${d}`) : null));
  }
  details.append(dl, el('p', { class: 'ev-line' }, `${t('line')} ${e.line}`));
  li.append(details);
  li.addEventListener('click', () => {
    focusRow(li);
    toggle(li);
  });
  li.addEventListener('dblclick', () => reveal(e.line));
  return li;
}

function toggle(li: HTMLElement): void {
  const d = li.querySelector<HTMLElement>('.ev-details')!;
  d.hidden = !d.hidden;
  li.setAttribute('aria-expanded', String(!d.hidden));
}

function visibleRows(list: HTMLElement): HTMLElement[] {
  return Array.from(list.querySelectorAll<HTMLElement>('li.event')).filter((r) => !r.hidden);
}

function focusRow(li: HTMLElement): void {
  const list = li.parentElement!;
  for (const r of Array.from(list.querySelectorAll<HTMLElement>('li.event'))) {
    r.tabIndex = -1;
    r.setAttribute('aria-selected', 'false');
  }
  li.tabIndex = 0;
  li.setAttribute('aria-selected', 'true');
  list.setAttribute('aria-activedescendant', li.id);
  li.focus();
}

function onKey(ev: KeyboardEvent, list: HTMLElement): void {
  const rows = visibleRows(list);
  const cur = document.activeElement as HTMLElement;
  const i = rows.indexOf(cur);
  let next: HTMLElement | undefined;
  switch (ev.key) {
    case 'ArrowDown':
      next = rows[Math.min(rows.length - 1, i + 1)];
      break;
    case 'ArrowUp':
      next = rows[Math.max(0, i - 1)];
      break;
    case 'Home':
      next = rows[0];
      break;
    case 'End':
      next = rows[rows.length - 1];
      break;
    case 'PageDown':
      next = rows[Math.min(rows.length - 1, i + 10)];
      break;
    case 'PageUp':
      next = rows[Math.max(0, i - 10)];
      break;
    case 'Enter':
      if (cur?.dataset.line) reveal(Number(cur.dataset.line));
      ev.preventDefault();
      return;
    case ' ':
      if (i >= 0) toggle(cur);
      ev.preventDefault();
      return;
    default:
      return;
  }
  ev.preventDefault();
  if (next) focusRow(next);
}

function applyFilters(): void {
  const q = state.text.trim().toLowerCase();
  for (const r of Array.from(document.querySelectorAll<HTMLElement>('li.event'))) {
    const lvl = Number(r.dataset.level);
    const matchText = !q || (r.textContent ?? '').toLowerCase().includes(q);
    r.hidden = state.hidden.includes(lvl) || !matchText;
  }
  const list = document.querySelector<HTMLElement>('ul.events');
  // The list stays one tab stop: when the event holding it is filtered out, the first shown event
  // takes it over (and keeps it when the filter is cleared, so there are never two).
  if (list && !visibleRows(list).some((r) => r.tabIndex === 0)) {
    const first = visibleRows(list)[0];
    if (first) {
      for (const r of Array.from(list.querySelectorAll<HTMLElement>('li.event'))) r.tabIndex = -1;
      first.tabIndex = 0;
    }
  }
}

/** Scrolls to the timeline and focuses the failing event (or the first one). */
function focusTimeline(): void {
  const list = document.querySelector<HTMLElement>('ul.events');
  if (!list) return;
  const row = list.querySelector<HTMLElement>('li.is-failure:not([hidden])') ?? visibleRows(list)[0];
  if (!row) return;
  focusRow(row);
  toggle(row);
  row.scrollIntoView({ block: 'center' });
}

function render(m: FrebReportModel): void {
  app.textContent = '';
  app.append(el('header', {}, el('h1', {}, m.summary), el('p', { class: 'file' }, m.file)));
  const failure = failureSection(m);
  if (failure) app.append(failure);
  else app.append(el('p', { class: 'no-failure' }, t('No module set an error status in this trace (it was triggered by time taken or a status rule).')));
  app.append(requestSection(m));
  for (const s of [headerTable(t('Request headers'), 'rqh-h', m.requestHeaders), headerTable(t('Response headers'), 'rsh-h', m.responseHeaders)])
    if (s) app.append(s);
  app.append(timelineSection(m));
  applyFilters();
  vscode.postMessage({ type: 'rendered', events: m.events.length, failure: !!m.failure, summary: m.summary });
}

window.addEventListener('message', (ev: MessageEvent) => {
  const msg = ev.data as { type: string; model?: FrebReportModel; strings?: Record<string, string>; error?: string; focus?: string };
  if (msg.type === 'model' && msg.model) {
    strings = msg.strings ?? {};
    render(msg.model);
    if (msg.focus === 'timeline') focusTimeline();
  } else if (msg.type === 'focus' && msg.focus === 'timeline') {
    focusTimeline();
  } else if (msg.type === 'error') {
    app.textContent = '';
    app.append(el('p', { class: 'error', role: 'alert' }, msg.error ?? ''));
    vscode.postMessage({ type: 'rendered', events: 0, failure: false, error: msg.error });
  }
});
vscode.postMessage({ type: 'ready' });
