// The auth timeline webview: one stacked bar chart per URL (outcomes per time bucket) with a
// keyboard-navigable table beneath; clicking a bar or a table cell selects those lines in the log.
// Data comes embedded as JSON (see src/client/timeline/authTimeline.ts); colours are the theme's.
// @ts-expect-error TS1479: chart.js ships ESM types; tsc checks src as CommonJS, esbuild bundles it for the browser.
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend, type ChartEvent, type ActiveElement, type Plugin } from 'chart.js';
import type { AuthTimeline, Outcome } from '../core/timeline/authTimeline';

declare function acquireVsCodeApi(): { postMessage(msg: unknown): void };

interface Payload {
  timeline: AuthTimeline;
  outcomes: Outcome[];
  labels: Record<Outcome, string>;
  strings: Record<string, string>;
}

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const vscode = acquireVsCodeApi();
window.addEventListener('error', (e) => vscode.postMessage({ type: 'error', message: String(e.message) }));
// A CSP violation would mean a broken chart in a stricter host: report it like an error.
document.addEventListener('securitypolicyviolation', (e) =>
  vscode.postMessage({ type: 'error', message: `CSP: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}` }),
);
const payload = JSON.parse(document.getElementById('timeline-data')!.textContent ?? '{}') as Payload;
const { timeline, outcomes, labels, strings } = payload;

const css = getComputedStyle(document.body);
const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
const COLORS: Record<Outcome, string> = {
  success: v('--vscode-charts-green', '#388a34'),
  challenge: v('--vscode-charts-blue', '#1a85ff'),
  badBindings: v('--vscode-charts-red', '#e51400'),
  logonDenied: v('--vscode-charts-orange', '#d18616'),
  invalidToken: v('--vscode-charts-purple', '#652d90'),
  otherAuthFailure: v('--vscode-charts-yellow', '#bf8803'),
  otherError: v('--vscode-disabledForeground', '#888888'),
};
const FG = v('--vscode-foreground', '#cccccc');
const GRID = v('--vscode-charts-lines', 'rgba(128,128,128,0.3)');
Chart.defaults.color = FG;
Chart.defaults.font.family = v('--vscode-font-family', 'sans-serif');
Chart.defaults.animation = false;

/** "2024-11-05T14:25:00Z" -> "14:25" (or with the date when the log spans days). */
const multiDay =
  timeline.bucketStarts.length > 0 && timeline.bucketStarts[0]!.slice(0, 10) !== timeline.bucketStarts[timeline.bucketStarts.length - 1]!.slice(0, 10);
const label = (iso: string): string => (multiDay ? iso.slice(5, 10) + ' ' : '') + iso.slice(11, 16);

function reveal(url: number, bucket: number, outcome: Outcome): void {
  vscode.postMessage({ type: 'reveal', url, bucket, outcome });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, val] of Object.entries(attrs)) e.setAttribute(k, val);
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Roving tabindex over the count buttons of a table: Tab enters at the last cell used, the arrows
 * move to the nearest count left/right in the row or in the nearest row above/below, Home/End to the
 * row's first/last count, Ctrl+Home/End to the table's first/last.
 */
function gridKeys(table: HTMLTableElement): void {
  const cells = Array.from(table.querySelectorAll<HTMLButtonElement>('button')).map((b) => {
    const td = b.closest('td')!;
    return { b, r: (td.parentElement as HTMLTableRowElement).rowIndex, c: td.cellIndex };
  });
  cells.forEach((x, k) => {
    x.b.tabIndex = k === 0 ? 0 : -1;
  });
  const move = (to: (typeof cells)[number] | undefined): void => {
    to?.b.focus();
  };
  const nearestIn = (r: number, c: number): (typeof cells)[number] | undefined =>
    cells.filter((x) => x.r === r).sort((a, b) => Math.abs(a.c - c) - Math.abs(b.c - c) || a.c - b.c)[0];
  // a clicked (or otherwise focused) count becomes the table's tab stop
  table.addEventListener('focusin', (ev) => {
    const to = cells.find((x) => x.b === ev.target);
    if (to) for (const x of cells) x.b.tabIndex = x === to ? 0 : -1;
  });
  table.addEventListener('keydown', (ev) => {
    const cur = cells.find((x) => x.b === document.activeElement);
    if (!cur) return;
    const row = cells.filter((x) => x.r === cur.r);
    let to: (typeof cells)[number] | undefined;
    switch (ev.key) {
      case 'ArrowRight':
        to = row.find((x) => x.c > cur.c);
        break;
      case 'ArrowLeft':
        to = [...row].reverse().find((x) => x.c < cur.c);
        break;
      case 'ArrowDown': {
        const r = cells.find((x) => x.r > cur.r)?.r;
        to = r === undefined ? undefined : nearestIn(r, cur.c);
        break;
      }
      case 'ArrowUp': {
        const r = [...cells].reverse().find((x) => x.r < cur.r)?.r;
        to = r === undefined ? undefined : nearestIn(r, cur.c);
        break;
      }
      case 'Home':
        to = ev.ctrlKey ? cells[0] : row[0];
        break;
      case 'End':
        to = ev.ctrlKey ? cells[cells.length - 1] : row[row.length - 1];
        break;
      default:
        return;
    }
    ev.preventDefault();
    move(to);
  });
}

const root = document.getElementById('root')!;
if (timeline.urls.length === 0) {
  root.append(el('p', { class: 'empty' }, strings.empty));
}

timeline.urls.forEach((u, ui) => {
  const section = el('section', { 'aria-label': u.uri });
  section.append(el('h2', {}, u.uri));
  const facts: string[] = [];
  const total = (o: Outcome): number => u.totals[o];
  facts.push(
    outcomes
      .filter((o) => total(o) > 0)
      .map((o) => `${labels[o]}: ${total(o)}`)
      .join(' · '),
  );
  if (u.lastFailure) facts.push(`${strings.lastFailure} ${u.lastFailure.time.slice(11, 19)} (${strings.line} ${u.lastFailure.line})`);
  if (u.firstSuccessAfterLastFailure)
    facts.push(`${strings.fixedAt} ${u.firstSuccessAfterLastFailure.time.slice(11, 19)} (${strings.line} ${u.firstSuccessAfterLastFailure.line})`);
  for (const f of facts) section.append(el('p', { class: 'fact' }, f));

  const wrap = el('div', { class: 'chart' });
  const canvas = el('canvas', { role: 'img', 'aria-label': `${strings.chartOf} ${u.uri}` });
  wrap.append(canvas);
  section.append(wrap);
  const used = outcomes.filter((o) => total(o) > 0);
  // A dashed line where requests start to succeed again after the last failure ("fixed at 17:16").
  const fix = u.firstSuccessAfterLastFailure;
  const fixBucket = fix
    ? timeline.bucketStarts.findIndex((start, i) => start <= fix.time && (i + 1 === timeline.bucketStarts.length || fix.time < timeline.bucketStarts[i + 1]!))
    : -1;
  const fixMarker: Plugin<'bar'> = {
    id: 'fixMarker',
    afterDatasetsDraw(chart) {
      if (fixBucket < 0) return;
      const x = chart.scales.x!.getPixelForValue(fixBucket) - chart.scales.x!.width / Math.max(1, timeline.bucketStarts.length) / 2;
      const { top, bottom } = chart.chartArea;
      const g = chart.ctx;
      g.save();
      g.strokeStyle = COLORS.success;
      g.setLineDash([4, 3]);
      g.lineWidth = 1.5;
      g.beginPath();
      g.moveTo(x, top);
      g.lineTo(x, bottom);
      g.stroke();
      g.setLineDash([]);
      // The label in the strip above the plot (layout.padding.top), so it neither covers bars nor is
      // crossed by them; left of the line, or right of it when the line is near the chart's left edge.
      const text = `${strings.fixedShort} ${fix!.time.slice(11, 16)}`;
      const w = g.measureText(text).width;
      const tx = x - 4 - w >= chart.chartArea.left ? x - 4 - w : x + 4;
      g.fillStyle = FG;
      g.textAlign = 'left';
      g.textBaseline = 'bottom';
      g.fillText(text, tx, top - 3);
      g.restore();
    },
  };
  new Chart(canvas, {
    plugins: [fixMarker],
    type: 'bar',
    data: {
      labels: timeline.bucketStarts.map(label),
      datasets: used.map((o) => ({
        label: labels[o],
        data: u.buckets.map((b) => b.counts[o]),
        backgroundColor: COLORS[o],
        borderWidth: 0,
        stack: 'all',
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { top: fixBucket >= 0 ? 16 : 0 } },
      scales: {
        x: { stacked: true, grid: { color: GRID }, ticks: { maxRotation: 0, autoSkip: true } },
        y: { stacked: true, beginAtZero: true, grid: { color: GRID }, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: 'bottom' }, tooltip: { mode: 'index', intersect: false } },
      onClick: (_e: ChartEvent, els: ActiveElement[]) => {
        const hit = els[0];
        if (hit) reveal(ui, hit.index, used[hit.datasetIndex]!);
      },
      onHover: (e: ChartEvent, els: ActiveElement[]) => {
        const target = e.native?.target as HTMLElement | undefined;
        if (target) target.style.cursor = els.length ? 'pointer' : 'default';
      },
    },
  });

  // The same data as a table: one tab stop; the arrow keys move between the non-empty cells.
  const details = el('details');
  details.append(el('summary', {}, strings.table));
  const table = el('table', { role: 'grid', 'aria-label': `${strings.table}: ${u.uri}` });
  const head = el('tr');
  head.append(el('th', { scope: 'col' }, strings.bucket));
  for (const o of used) head.append(el('th', { scope: 'col' }, labels[o]));
  table.append(head);
  u.buckets.forEach((b, bi) => {
    if (!used.some((o) => b.counts[o] > 0)) return;
    const tr = el('tr');
    tr.append(el('th', { scope: 'row' }, label(b.start)));
    for (const o of used) {
      const td = el('td');
      if (b.counts[o] > 0) {
        const btn = el('button', { type: 'button', title: `${strings.goTo} ${labels[o]} ${label(b.start)}` }, String(b.counts[o]));
        btn.addEventListener('click', () => reveal(ui, bi, o));
        td.append(btn);
      }
      tr.append(td);
    }
    table.append(tr);
  });
  gridKeys(table);
  details.append(table);
  section.append(details);
  root.append(section);
});

// Tell the extension the charts are drawn: after the browser has laid them out, or after a second
// when the frame never comes (a webview that opens behind another editor gets no animation frames).
let told = false;
const tellRendered = (): void => {
  if (told) return;
  told = true;
  vscode.postMessage({ type: 'rendered', charts: document.querySelectorAll('canvas').length });
};
requestAnimationFrame(tellRendered);
setTimeout(tellRendered, 1000);
