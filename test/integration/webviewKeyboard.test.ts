// Keyboard use of our three webviews, in a real browser: each page is built by the host's own page
// builder (CSP with nonce, our bundled script from dist/webview, our stylesheet), loaded into Debian
// Chromium through playwright-core with a stub acquireVsCodeApi() that records postMessage, and fed
// realistic data (a FREB trace analysed by src/core as the host does, a probe result, the timeline of
// a real log). Then only the keyboard is used: Tab/Shift+Tab order, Enter/Space on buttons and rows,
// arrows in the event list and the timeline table, visible focus. Needs `node esbuild.mjs` first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { tryAnalyzeFreb } from '../../src/core/freb/frebAnalyze';
import { buildFrebReportModel, type FrebReportModel } from '../../src/core/freb/frebReportModel';
import { buildAuthTimeline, OUTCOMES, OUTCOME_LABELS, type AuthTimeline, type Outcome } from '../../src/core/timeline/authTimeline';
import { renderFrebReportPage } from '../../src/client/freb/frebReportHtml';
import { renderAuthTimelinePage } from '../../src/client/timeline/authTimelineHtml';
import { renderProbeReportPage } from '../../src/client/probe/probeReportHtml';
import type { ProbeResult } from '../../src/probe/probeTypes';

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const ORIGIN = 'https://webview.test';
const NONCE = 'dGVzdC1ub25jZS0xMjM0NQ==';
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} is missing (scripts/setup-system.sh installs it)` : false;

/** The stub VS Code gives every webview; theme variables as a dark theme sets them on <html>. */
const VSCODE_STUB = `(() => {
  window.__posted = [];
  window.__errors = [];
  let state;
  const theme = () => {
    const s = document.documentElement && document.documentElement.style;
    if (!s) return;
    s.setProperty('--vscode-focusBorder', '#007fd4');
    s.setProperty('--vscode-foreground', '#cccccc');
    s.setProperty('--vscode-editor-background', '#1e1e1e');
    s.setProperty('--vscode-textLink-foreground', '#3794ff');
    s.setProperty('--vscode-list-activeSelectionBackground', '#04395e');
    s.setProperty('--vscode-list-activeSelectionForeground', '#ffffff');
  };
  theme();
  document.addEventListener('readystatechange', theme);
  window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
  document.addEventListener('securitypolicyviolation', (e) => window.__errors.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI));
  window.__describe = (e) => {
    if (!e || e === document.body) return 'body';
    if (e.id) return '#' + e.id;
    const cls = e.className ? '.' + String(e.className).trim().split(/\\s+/).join('.') : '';
    return e.tagName.toLowerCase() + cls + '[' + (e.textContent || '').trim().slice(0, 40) + ']';
  };
  window.__focusShown = (e) => {
    const s = getComputedStyle(e);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== 'rgba(0, 0, 0, 0)') || s.boxShadow !== 'none';
  };
  window.__tabbables = () => Array.from(document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]'))
    .filter((e) => e.tabIndex >= 0 && !e.disabled && e.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true }))
    .map(window.__describe);
  window.acquireVsCodeApi = () => {
    theme();
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      setState: (s) => { state = s; },
      getState: () => state,
    };
  };
})();`;

let browser: Browser | undefined;

async function openPage(html: string): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1100, height: 800 } });
  await page.addInitScript(VSCODE_STUB);
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    const file = join(ROOT, url.pathname);
    if (!/^\/(dist\/webview|media)\/[\w.-]+$/.test(url.pathname) || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: url.pathname.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/index.html`);
  return page;
}

const posted = (page: Page): Promise<Array<Record<string, unknown>>> =>
  page.evaluate(() => (window as unknown as { __posted: Array<Record<string, unknown>> }).__posted);
const errors = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __errors: string[] }).__errors);
async function clearPosted(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __posted: unknown[] }).__posted.length = 0;
  });
}
async function waitPosted(page: Page, type: string): Promise<Record<string, unknown>> {
  await page.waitForFunction((t) => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === t), type, { timeout: 5000 });
  return (await posted(page)).find((m) => m.type === type)!;
}

interface Helpers {
  __describe(e: Element | null): string;
  __tabbables(): string[];
  __focusShown(e: Element): boolean;
}
/** A short description of the focused element: id, else tag.class[text]. */
function active(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as Helpers).__describe(document.activeElement));
}

/** Every element a keyboard user should reach with Tab (tabIndex >= 0, shown, enabled), in document order. */
function tabbables(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as Helpers).__tabbables());
}

/**
 * Presses `key` n times and records where the focus was after each press; an element that shows no
 * focus indicator (outline or box-shadow) gets " [focus not visible]" appended, so comparing with
 * `tabbables` also checks that keyboard focus is visible everywhere.
 */
async function walk(page: Page, key: string, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press(key);
    seen.push(
      await page.evaluate(() => {
        const w = window as unknown as Helpers;
        const e = document.activeElement;
        return w.__describe(e) + (e && e !== document.body && !w.__focusShown(e) ? ' [focus not visible]' : '');
      }),
    );
  }
  return seen;
}

/** The focused element shows a focus indicator in the theme's focusBorder (#007fd4) or selection colour. */
async function focusIndicator(page: Page): Promise<{ outline: string; background: string }> {
  return page.evaluate(() => {
    const s = getComputedStyle(document.activeElement!);
    return {
      outline: s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? 'none' : `${s.outlineStyle} ${s.outlineColor}`,
      background: s.backgroundColor,
    };
  });
}
const FOCUS_BORDER = 'rgb(0, 127, 212)';

/** Moves focus to the page start (as if the webview had just been focused): a tabindex=-1 marker at
 * the top of <body> takes focus, so the next Tab goes to the first control (a blur alone would leave
 * Chromium's sequential-navigation starting point where the focus was). */
async function focusStart(page: Page): Promise<void> {
  await page.evaluate(() => {
    let m = document.getElementById('test-start');
    if (!m) {
      m = document.createElement('span');
      m.id = 'test-start';
      m.tabIndex = -1;
      document.body.prepend(m);
    }
    m.focus();
  });
}

before(async () => {
  if (skip) return;
  for (const f of ['frebReport.js', 'probeReport.js', 'authTimeline.js']) {
    assert.ok(existsSync(join(ROOT, 'dist', 'webview', f)), `dist/webview/${f} is missing: run node esbuild.mjs first`);
  }
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

void describe('FREB report webview by keyboard', { skip }, () => {
  const name = 'fr000047.bad-bindings.xml';
  let model: FrebReportModel;
  let page: Page;

  before(async () => {
    const r = tryAnalyzeFreb(readFileSync(join(ROOT, 'test', 'fixtures', 'freb', 'generated', name), 'utf8'), name);
    assert.ok('analysis' in r, 'the fixture is a readable FREB trace');
    model = buildFrebReportModel(r.analysis, name);
    assert.ok(model.failure, 'the trace has a failure');
    assert.ok(model.events.length >= 5, `${model.events.length} events`);
    page = await openPage(
      renderFrebReportPage({
        cspSource: ORIGIN,
        nonce: NONCE,
        lang: 'en',
        title: `FREB report: ${name}`,
        styleUri: `${ORIGIN}/media/frebReport.css`,
        scriptUri: `${ORIGIN}/dist/webview/frebReport.js`,
        loading: 'Loading the trace...',
      }),
    );
    await waitPosted(page, 'ready');
    // What the host does on 'ready': post the model.
    await page.evaluate((m) => window.postMessage({ type: 'model', model: m, strings: {} }, '*'), model);
    const rendered = await waitPosted(page, 'rendered');
    assert.equal(rendered.events, model.events.length);
    await clearPosted(page);
  });

  after(async () => {
    await page?.close();
  });

  void test('Tab reaches every control once, in order, with one stop for the event list; Shift+Tab goes back', async () => {
    await focusStart(page);
    const expected = await tabbables(page);
    const headerLinks = model.requestHeaders.length + model.responseHeaders.length;
    assert.equal(expected[0], '#show-failure');
    assert.equal(expected.filter((d) => d.startsWith('button.linkish')).length, headerLinks, 'one line button per header');
    assert.equal(expected.filter((d) => d.startsWith('#ev-')).length, 1, 'the event list is one tab stop (roving tabindex)');
    assert.ok(expected.includes('#event-search'));
    const forward = await walk(page, 'Tab', expected.length);
    assert.deepEqual(forward, expected);
    const back = await walk(page, 'Shift+Tab', expected.length - 1);
    assert.deepEqual(back, expected.slice(0, -1).reverse());
  });

  void test('Enter and Space on "Show failing event" ask the host to reveal the failing line', async () => {
    await focusStart(page);
    await page.keyboard.press('Tab');
    assert.equal(await active(page), '#show-failure');
    assert.deepEqual(await focusIndicator(page).then((f) => f.outline), `solid ${FOCUS_BORDER}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    assert.deepEqual(await posted(page), [
      { type: 'reveal', line: model.failure!.line },
      { type: 'reveal', line: model.failure!.line },
    ]);
    await clearPosted(page);
  });

  void test('"Compare with the certificate IIS presents..." follows it; Enter asks the host to check the bindings against the host in the hint', async () => {
    assert.equal(model.failure?.bindingsTarget, 'mail.contoso.test:443');
    await focusStart(page);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await active(page), '#check-bindings');
    assert.equal((await focusIndicator(page)).outline, `solid ${FOCUS_BORDER}`);
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [{ type: 'checkBindings' }]);
    await clearPosted(page);
    const codes = await page.evaluate(() => Array.from(document.querySelectorAll('.hint-bindings code')).map((c) => c.textContent));
    assert.ok(codes.includes('mail.contoso.test:443'), JSON.stringify(codes));
  });

  void test('a header line button reveals that header line', async () => {
    const first = model.requestHeaders[0]!;
    await focusStart(page);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab'); // Compare with the certificate IIS presents...
    await page.keyboard.press('Tab');
    assert.match(await active(page), new RegExp(`^button\\.linkish\\[${first.line}\\]$`));
    assert.equal((await focusIndicator(page)).outline, `solid ${FOCUS_BORDER}`);
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [{ type: 'reveal', line: first.line }]);
    await clearPosted(page);
  });

  void test('in the event list: arrows, Home/End, PageDown move the selection; Enter reveals; Space opens the data', async () => {
    await page.focus('li.event[tabindex="0"]');
    assert.equal(await active(page), '#ev-0');
    const row = (): Promise<{ id: string; selected: string | null; line: string | undefined; tabStops: number }> =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        return {
          id: e.id,
          selected: e.getAttribute('aria-selected'),
          line: e.dataset.line,
          tabStops: document.querySelectorAll('li.event[tabindex="0"]').length,
        };
      });
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await row(), { id: 'ev-1', selected: 'true', line: String(model.events[1]!.line), tabStops: 1 });
    const ind = await focusIndicator(page);
    assert.ok(ind.outline === `solid ${FOCUS_BORDER}` || ind.background === 'rgb(4, 57, 94)', `focused row is visible: ${JSON.stringify(ind)}`);
    await page.keyboard.press('ArrowUp');
    assert.equal((await row()).id, 'ev-0');
    await page.keyboard.press('ArrowUp');
    assert.equal((await row()).id, 'ev-0', 'ArrowUp on the first row stays');
    await page.keyboard.press('End');
    assert.equal((await row()).id, `ev-${model.events.length - 1}`);
    await page.keyboard.press('ArrowDown');
    assert.equal((await row()).id, `ev-${model.events.length - 1}`, 'ArrowDown on the last row stays');
    await page.keyboard.press('Home');
    await page.keyboard.press('PageDown');
    assert.equal((await row()).id, `ev-${Math.min(10, model.events.length - 1)}`);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await clearPosted(page);
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [{ type: 'reveal', line: model.events[2]!.line }]);
    const details = (): Promise<{ hidden: boolean; expanded: string | null }> =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        return { hidden: e.querySelector<HTMLElement>('.ev-details')!.hidden, expanded: e.getAttribute('aria-expanded') };
      });
    await page.keyboard.press('Space');
    assert.deepEqual(await details(), { hidden: false, expanded: 'true' });
    assert.equal(await page.evaluate(() => window.scrollY >= 0 && document.activeElement!.id), 'ev-2', 'Space does not scroll away from the row');
    await page.keyboard.press('Space');
    assert.deepEqual(await details(), { hidden: true, expanded: 'false' });
    // leaving the list and coming back lands on the row last selected
    await page.keyboard.press('Shift+Tab');
    assert.equal(await active(page), '#event-search');
    await page.keyboard.press('Tab');
    assert.equal(await active(page), '#ev-2');
    await clearPosted(page);
  });

  void test('a level checkbox toggled with Space hides those events; the arrows skip them; the list keeps one tab stop', async () => {
    // select an event whose level then gets hidden (event 1 when its level differs from event 0's)
    const sel = model.events.findIndex((e) => (e.level ?? 0) !== (model.events[0]!.level ?? 0));
    assert.ok(sel > 0, 'the trace has events of two levels');
    const lvl = model.events[sel]!.level ?? 0;
    await page.focus('li.event[tabindex="0"]');
    await page.keyboard.press('Home');
    for (let k = 0; k < sel; k++) await page.keyboard.press('ArrowDown');
    assert.equal(await active(page), `#ev-${sel}`);
    await page.focus(`#lvl-${lvl}`);
    assert.equal((await focusIndicator(page)).outline, `solid ${FOCUS_BORDER}`, 'the checkbox shows focus');
    await page.keyboard.press('Space');
    assert.equal(await page.isChecked(`#lvl-${lvl}`), false);
    const visible = model.events.map((e, k) => ({ e, k })).filter(({ e }) => (e.level ?? 0) !== lvl);
    assert.equal(await page.locator('li.event:not([hidden])').count(), visible.length);
    const tabStops = (): Promise<number> => page.locator('li.event[tabindex="0"]').count();
    assert.equal(await tabStops(), 1, 'one tab stop while filtered');
    await page.focus('#event-search');
    await page.keyboard.press('Tab');
    assert.equal(await active(page), `#ev-${visible[0]!.k}`, 'Tab enters the list on a shown event');
    await page.keyboard.press('ArrowDown');
    assert.equal(await active(page), `#ev-${visible[1]!.k}`, 'ArrowDown skips hidden events');
    await page.keyboard.press('End');
    assert.equal(await active(page), `#ev-${visible[visible.length - 1]!.k}`);
    await page.focus(`#lvl-${lvl}`);
    await page.keyboard.press('Space');
    assert.equal(await page.locator('li.event:not([hidden])').count(), model.events.length);
    assert.equal(await tabStops(), 1, 'one tab stop after the filter is cleared');
    // the text filter: typing hides the selected event, clearing it leaves one tab stop
    await page.focus('#event-search');
    await page.keyboard.type(model.events[0]!.label);
    assert.ok((await page.locator('li.event:not([hidden])').count()) < model.events.length);
    assert.equal(await page.locator('li.event[tabindex="0"]:not([hidden])').count(), 1);
    await page.keyboard.press('Tab');
    assert.equal(await active(page), '#ev-0');
    await page.focus('#event-search');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    assert.equal(await page.locator('li.event:not([hidden])').count(), model.events.length);
    assert.equal(await tabStops(), 1);
  });

  void test('the host asking for the timeline focuses the failing event', async () => {
    await focusStart(page);
    await page.evaluate(() => window.postMessage({ type: 'focus', focus: 'timeline' }, '*'));
    const failing = model.events.findIndex((e) => e.isFailure);
    assert.ok(failing >= 0);
    await page.waitForFunction((id) => document.activeElement?.id === id, `ev-${failing}`, { timeout: 2000 });
    await clearPosted(page);
    await page.keyboard.press('Enter');
    assert.deepEqual(await posted(page), [{ type: 'reveal', line: model.events[failing]!.line }]);
    assert.deepEqual(await errors(page), []);
  });
});

/** An accept-mismatch result as the probe reports it behind a TLS-terminating proxy. */
function probeResult(): ProbeResult {
  return {
    url: 'https://mail.contoso.test/EWS/mrsproxy.svc',
    tls: {
      subject: 'CN=proxy.contoso.test',
      issuer: 'CN=Contoso Test CA',
      sans: ['mail.contoso.test'],
      signatureHash: 'sha256',
      fingerprintSha256: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
      channelBindings: '8d2f6d1c0b5a4e3f2a1b0c9d8e7f6a5b',
      serverEndPoint: 'f00d',
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2027-01-01T00:00:00Z',
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      verified: false,
      verifyError: 'self-signed certificate in certificate chain',
      trust: 'fingerprint',
      chain: [],
    },
    anonymous: { status: 401, wwwAuthenticate: ['Negotiate', 'NTLM'] },
    attempts: [
      { cbt: 'absent', scheme: 'NTLM', status: 200, ms: 12, ok: true, legs: [401, 200], sameConnection: true },
      { cbt: 'zero', scheme: 'NTLM', status: 200, ms: 11, ok: true, legs: [401, 200], sameConnection: true },
      { cbt: 'correct', scheme: 'NTLM', status: 401, ms: 13, ok: false, legs: [401, 401], sameConnection: true },
    ],
    verdict: 'accept-mismatch',
    explanation: 'EP is Accept and the proxy terminates TLS with another certificate.',
    remediation: [
      'Use the same certificate on the proxy and on Exchange, or pass TLS through.',
      'Turn Extended Protection off for mrsproxy.svc only: `.\\ExchangeExtendedProtectionManagement.ps1 -ExchangeServerNames EX01 -ExcludeVirtualDirectories "EWSBackend"`',
    ],
    steps: [
      { name: 'dns', ok: true, ms: 1, detail: '127.0.0.1' },
      { name: 'tls', ok: true, ms: 5, detail: 'TLSv1.3' },
      { name: 'ntlm-correct', ok: false, ms: 13, detail: '401 after type 3', error: ['server said 401'] },
    ],
    ms: 48,
  };
}

void describe('probe report webview by keyboard', { skip }, () => {
  let page: Page;
  const result = probeResult();

  before(async () => {
    page = await openPage(
      renderProbeReportPage(result, {
        cspSource: ORIGIN,
        nonce: NONCE,
        scriptUri: `${ORIGIN}/dist/webview/probeReport.js`,
        styleUri: `${ORIGIN}/media/probeReport.css`,
        renderId: 7,
      }),
    );
    assert.deepEqual(await waitPosted(page, 'ready'), { type: 'ready', renderId: 7 });
    await clearPosted(page);
  });

  after(async () => {
    await page?.close();
  });

  void test('the verdict has focus first and shows it; Tab then walks every action and copy button in order', async () => {
    assert.equal(await active(page), '#verdict');
    assert.equal((await focusIndicator(page)).outline, `solid ${FOCUS_BORDER}`);
    const expected = await tabbables(page);
    assert.deepEqual(expected.slice(0, 5), ['#verdict', '#copy-json', '#probe-again', '#show-log', '#find-lines']);
    assert.equal(expected.filter((d) => d.startsWith('button.copy')).length, 2, 'copy command + copy hash');
    const forward = await walk(page, 'Tab', expected.length - 1);
    assert.deepEqual(forward, expected.slice(1));
    const back = await walk(page, 'Shift+Tab', expected.length - 1);
    assert.deepEqual(back, expected.slice(0, -1).reverse());
  });

  void test('Enter and Space on the actions post what the host acts on', async () => {
    await page.focus('#verdict');
    await clearPosted(page);
    await page.keyboard.press('Tab');
    assert.equal((await focusIndicator(page)).outline, `solid ${FOCUS_BORDER}`);
    await page.keyboard.press('Enter'); // Copy as JSON
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // Probe again
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Show in output
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Find this probe's lines
    assert.deepEqual(await posted(page), [{ type: 'copyJson' }, { type: 'probeAgain' }, { type: 'showLog' }, { type: 'findLines' }]);
    await clearPosted(page);
  });

  void test('the copy buttons copy the command and the channel-binding hash; the confirmation is announced', async () => {
    await page.focus('#find-lines');
    await clearPosted(page);
    await page.keyboard.press('Tab');
    assert.equal(await active(page), 'button.copy[Copy command]');
    assert.equal((await focusIndicator(page)).outline, `solid ${FOCUS_BORDER}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await active(page), 'button.copy[Copy hash]');
    await page.keyboard.press('Space');
    assert.deepEqual(await posted(page), [
      { type: 'copy', text: '.\\ExchangeExtendedProtectionManagement.ps1 -ExchangeServerNames EX01 -ExcludeVirtualDirectories "EWSBackend"' },
      { type: 'copy', text: result.tls!.channelBindings },
    ]);
    await page.evaluate(() => window.postMessage({ type: 'copied', text: 'Copied the hash.' }, '*'));
    await page.waitForFunction(() => document.getElementById('toast')?.textContent === 'Copied the hash.', undefined, { timeout: 2000 });
    assert.equal(await active(page), 'button.copy[Copy hash]', 'the toast does not steal focus');
    assert.deepEqual(await errors(page), []);
  });
});

void describe('auth timeline webview by keyboard', { skip }, () => {
  let page: Page;
  let timeline: AuthTimeline;

  before(async () => {
    timeline = buildAuthTimeline(readFileSync(join(ROOT, 'test', 'fixtures', 'explain', 'u_ex241105_mrsproxy_fixed_at_1716.log')));
    assert.ok(timeline.urls.length >= 1);
    const labels = Object.fromEntries(OUTCOMES.map((o) => [o, OUTCOME_LABELS[o]])) as Record<Outcome, string>;
    const strings = {
      empty: 'No authentication traffic (401s) in this log: nothing to chart.',
      lastFailure: 'Last failure at',
      fixedAt: 'First success after it at',
      fixedShort: 'succeeds from',
      line: 'line',
      chartOf: 'Outcomes over time for',
      table: 'Table (select a count to go to its lines)',
      bucket: 'Time (UTC)',
      goTo: 'Go to the lines of',
    };
    page = await openPage(
      renderAuthTimelinePage(timeline, {
        cspSource: ORIGIN,
        nonce: NONCE,
        scriptUri: `${ORIGIN}/dist/webview/authTimeline.js`,
        title: 'u_ex241105.log',
        lang: 'en',
        texts: { heading: 'Auth timeline: u_ex241105.log', span: `${timeline.requests} requests`, labels, strings },
      }),
    );
    const rendered = await waitPosted(page, 'rendered');
    assert.equal(rendered.charts, timeline.urls.length);
    await clearPosted(page);
  });

  after(async () => {
    await page?.close();
  });

  /** The non-empty cells of a URL's table in reading order, with their grid position (row = bucket, col = outcome). */
  function cells(ui: number): Array<{ bucket: number; outcome: Outcome; col: number }> {
    const u = timeline.urls[ui]!;
    const used = OUTCOMES.filter((o) => u.totals[o] > 0);
    const out: Array<{ bucket: number; outcome: Outcome; col: number }> = [];
    u.buckets.forEach((b, bucket) => {
      used.forEach((o, col) => {
        if (b.counts[o] > 0) out.push({ bucket, outcome: o, col });
      });
    });
    return out;
  }

  async function revealed(): Promise<Record<string, unknown>> {
    await clearPosted(page);
    await page.keyboard.press('Enter');
    const p = await posted(page);
    assert.equal(p.length, 1, JSON.stringify(p));
    return p[0]!;
  }

  void test('each URL table opens from its summary with Enter and is one tab stop; arrows move between counts, Enter reveals', async () => {
    await focusStart(page);
    await page.keyboard.press('Tab');
    assert.match(await active(page), /^summary\[Table \(select a count/);
    assert.equal((await focusIndicator(page)).outline, `solid ${FOCUS_BORDER}`);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.querySelector('details')!.open), true);
    const grid = cells(0);
    assert.ok(grid.length >= 4, `${grid.length} cells`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement!.tagName), 'BUTTON');
    assert.equal((await focusIndicator(page)).outline, `solid ${FOCUS_BORDER}`);
    const at = (c: { bucket: number; outcome: Outcome }): Record<string, unknown> => ({ type: 'reveal', url: 0, bucket: c.bucket, outcome: c.outcome });
    let cur = grid[0]!;
    assert.deepEqual(await revealed(), at(cur));
    // Independent expectations: right/left in the same bucket row, down/up to the nearest column of the next/previous row.
    const right = (c: typeof cur): typeof cur => grid.find((x) => x.bucket === c.bucket && x.col > c.col) ?? c;
    const vertical = (c: typeof cur, dir: 1 | -1): typeof cur => {
      const rows = [...new Set(grid.map((x) => x.bucket))];
      const r = rows[rows.indexOf(c.bucket) + dir];
      if (r === undefined) return c;
      return grid.filter((x) => x.bucket === r).sort((a, b) => Math.abs(a.col - c.col) - Math.abs(b.col - c.col) || a.col - b.col)[0]!;
    };
    const keys: Array<[string, (c: typeof cur) => typeof cur]> = [
      ['ArrowDown', (c) => vertical(c, 1)],
      ['ArrowDown', (c) => vertical(c, 1)],
      ['ArrowRight', right],
      ['ArrowUp', (c) => vertical(c, -1)],
      ['ArrowRight', right],
      ['ArrowLeft', (c) => [...grid].reverse().find((x) => x.bucket === c.bucket && x.col < c.col) ?? c],
      ['Control+End', () => grid[grid.length - 1]!],
      ['ArrowDown', (c) => c],
      ['Home', (c) => grid.find((x) => x.bucket === c.bucket)!],
      ['Control+Home', () => grid[0]!],
      ['ArrowUp', (c) => c],
      ['End', (c) => [...grid].reverse().find((x) => x.bucket === c.bucket)!],
    ];
    let moved = 0;
    for (const [key, next] of keys) {
      await page.keyboard.press(key);
      const want = next(cur);
      if (want !== cur) moved++;
      cur = want;
      assert.deepEqual(await revealed(), at(cur), `after ${key}`);
      assert.equal(await page.evaluate(() => document.querySelectorAll('details')[0]!.querySelectorAll('button[tabindex="0"]').length), 1, 'one tab stop');
    }
    assert.ok(moved >= 6, `the keys moved ${moved} times`);
    // Tab leaves the table (to the next URL's summary) and Shift+Tab comes back to the cell last used
    await page.keyboard.press('Tab');
    assert.match(await active(page), timeline.urls.length > 1 ? /^summary\[/ : /^body$/);
    await page.keyboard.press('Shift+Tab');
    assert.deepEqual(await revealed(), at(cur));
    await clearPosted(page);
  });

  void test('Tab reaches every summary and, in an open table, exactly one count; nothing is out of reach', async () => {
    await page.evaluate(() => {
      for (const d of Array.from(document.querySelectorAll('details'))) d.open = false;
    });
    await focusStart(page);
    const closed = await tabbables(page);
    assert.equal(closed.length, timeline.urls.length, 'one summary per URL');
    assert.deepEqual(await walk(page, 'Tab', closed.length), closed);
    await page.evaluate(() => {
      for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
    });
    await focusStart(page);
    const open = await tabbables(page);
    assert.equal(open.length, 2 * timeline.urls.length, 'a summary and one count per URL');
    assert.deepEqual(await walk(page, 'Tab', open.length), open);
    assert.deepEqual(await walk(page, 'Shift+Tab', open.length - 1), open.slice(0, -1).reverse());
    assert.deepEqual(await errors(page), []);
  });

  void test("the 'succeeds from' label sits above the plot, where no bar or grid line crosses it", async () => {
    assert.ok(timeline.urls[0]!.firstSuccessAfterLastFailure, 'the story log has a fix to mark');
    // Record what the marker draws: its dashed line starts at the plot's top edge, its label is text.
    await page.evaluate(() => {
      const w = window as unknown as { __marks: Array<{ kind: string; y: number; text?: string; baseline?: string }> };
      w.__marks = [];
      const proto = CanvasRenderingContext2D.prototype;
      const { fillText, moveTo } = proto;
      proto.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number, max?: number) {
        if (text.startsWith('succeeds from')) w.__marks.push({ kind: 'label', y, text, baseline: this.textBaseline });
        return fillText.call(this, text, x, y, max);
      };
      proto.moveTo = function (this: CanvasRenderingContext2D, x: number, y: number) {
        if (this.getLineDash().join() === '4,3') w.__marks.push({ kind: 'line', y });
        return moveTo.call(this, x, y);
      };
    });
    await page.setViewportSize({ width: 1000, height: 800 }); // the responsive charts draw again
    await page.waitForFunction(() => (window as unknown as { __marks: Array<{ kind: string }> }).__marks.some((m) => m.kind === 'label'), undefined, {
      timeout: 5000,
    });
    const marks = await page.evaluate(() => (window as unknown as { __marks: Array<{ kind: string; y: number; text?: string; baseline?: string }> }).__marks);
    const label = marks.find((m) => m.kind === 'label')!;
    const line = marks.find((m) => m.kind === 'line');
    assert.ok(line, JSON.stringify(marks));
    assert.match(label.text!, /^succeeds from \d\d:\d\d$/);
    assert.equal(label.baseline, 'bottom');
    assert.ok(label.y < line.y, `the label (bottom at ${label.y}) ends above the plot's top (${line.y})`);
    assert.deepEqual(await errors(page), []);
  });
});
