// The probe report as HTML for the webview (pure: no `vscode` import, so unit tests render it).
// Everything from the result is escaped; the page loads only our script and stylesheet (CSP with
// a nonce) and uses the theme's colours. Interaction (copy buttons, probe again) lives in
// src/webview/probeReport.ts and talks to probeReport.ts through postMessage.
import type { ProbeAttempt, ProbeResult, ProbeVerdict } from '../../probe/probeTypes';
import { formatFingerprint, plainTranslate, remediationParts, stepCauses, type Translate } from './probeModel';
import { escapeHtml, webviewPage } from '../webviewPage';

export { escapeHtml };

export interface ReportPageOptions {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** UI language (vscode.env.language). */
  lang?: string;
  /** Render number, echoed by the page script when it has loaded (so tests know what is on screen). */
  renderId?: number;
  /** Remarks of the editor around the result (e.g. a configured proxy that the probe does not use). */
  notes?: readonly string[];
  t?: Translate;
}

export type VerdictTone = 'good' | 'info' | 'warning' | 'error';

export function verdictTone(verdict: ProbeVerdict): VerdictTone {
  switch (verdict) {
    case 'ok':
      return 'good';
    case 'require':
      return 'info';
    case 'no-ntlm':
    case 'inconclusive':
      return 'warning';
    default:
      return 'error';
  }
}

export function verdictTitle(verdict: ProbeVerdict, t: Translate = plainTranslate): string {
  switch (verdict) {
    case 'ok':
      return t('Extended Protection does not block MRS');
    case 'require':
      return t('Extended Protection is Require and the channel bindings match');
    case 'accept-mismatch':
      return t('TLS is terminated in the path with another certificate: Exchange Online MRS fails with 401');
    case 'rejected':
      return t('Every variant was rejected: wrong credentials, or Extended Protection Require behind a TLS-terminating device');
    case 'no-ntlm':
      return t('The endpoint offers neither NTLM nor Negotiate');
    case 'unreachable':
      return t('The endpoint could not be reached');
    case 'inconclusive':
      return t('The variants disagree in an unexpected way');
  }
}

function cbtLabel(cbt: ProbeAttempt['cbt'], t: Translate): string {
  switch (cbt) {
    case 'absent':
      return t('absent');
    case 'zero':
      return t('all-zero');
    case 'correct':
      return t('correct for the certificate seen');
  }
}

function row(label: string, value: string, code = false): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${code ? `<code>${escapeHtml(value)}</code>` : escapeHtml(value)}</td></tr>`;
}

function copyButton(text: string, label: string): string {
  return `<button type="button" class="copy" data-copy="${escapeHtml(text)}" aria-label="${escapeHtml(label)}">${escapeHtml(label)}</button>`;
}

/** The report body (everything inside <body>), exported so tests can check the content without the page frame. */
export function renderProbeReportBody(result: ProbeResult, t: Translate = plainTranslate, notes: readonly string[] = []): string {
  const out: string[] = [];
  const tone = verdictTone(result.verdict);
  out.push(`<header class="verdict tone-${tone}" role="status" tabindex="0" id="verdict">`);
  out.push(`<div class="verdict-label">${escapeHtml(t('Verdict'))}</div>`);
  out.push(`<div class="verdict-code"><code>${escapeHtml(result.verdict)}</code></div>`);
  out.push(`<h1>${escapeHtml(verdictTitle(result.verdict, t))}</h1>`);
  out.push(`<p class="target">${escapeHtml(result.url)} · ${escapeHtml(t('{0} ms in total', result.ms))}</p>`);
  out.push('</header>');
  for (const n of notes) out.push(`<p class="note">${escapeHtml(n)}</p>`);

  out.push('<nav class="actions" aria-label="' + escapeHtml(t('Report actions')) + '">');
  out.push(`<button type="button" id="copy-json">${escapeHtml(t('Copy as JSON'))}</button>`);
  out.push(`<button type="button" id="probe-again">${escapeHtml(t('Probe again'))}</button>`);
  out.push(`<button type="button" id="show-log" class="secondary">${escapeHtml(t('Show in output'))}</button>`);
  if (result.attempts.length)
    out.push(`<button type="button" id="find-lines" class="secondary">${escapeHtml(t("Find this probe's lines in an IIS log"))}</button>`);
  out.push('</nav>');

  out.push(`<section aria-labelledby="h-explanation"><h2 id="h-explanation">${escapeHtml(t('Explanation'))}</h2>`);
  out.push(`<p class="explanation">${escapeHtml(result.explanation)}</p></section>`);

  if (result.remediation.length) {
    out.push(`<section aria-labelledby="h-remediation"><h2 id="h-remediation">${escapeHtml(t('What to do'))}</h2><ol class="remediation">`);
    for (const entry of result.remediation) {
      const parts = remediationParts(entry);
      out.push(`<li><p>${escapeHtml(parts.text)}</p>`);
      for (const cmd of parts.commands) {
        out.push(`<div class="command"><pre><code>${escapeHtml(cmd)}</code></pre>${copyButton(cmd, t('Copy command'))}</div>`);
      }
      out.push('</li>');
    }
    out.push('</ol></section>');
  }

  // Variants: absent / zero / correct × scheme.
  out.push(`<section aria-labelledby="h-variants"><h2 id="h-variants">${escapeHtml(t('Channel-binding variants'))}</h2>`);
  if (result.attempts.length === 0) {
    out.push(`<p class="muted">${escapeHtml(t('No handshake was attempted.'))}</p>`);
  } else {
    out.push('<table class="variants"><thead><tr>');
    for (const h of [t('Channel bindings'), t('Scheme'), t('Status'), t('Result'), t('Time'), t('Legs'), t('Same connection')])
      out.push(`<th scope="col">${escapeHtml(h)}</th>`);
    out.push('</tr></thead><tbody>');
    for (const a of result.attempts) {
      out.push(`<tr class="${a.ok ? 'ok' : 'fail'}">`);
      const label = cbtLabel(a.cbt, t);
      out.push(`<td>${label === a.cbt ? '' : `${escapeHtml(label)} `}<code>${escapeHtml(a.cbt)}</code></td>`);
      out.push(`<td>${escapeHtml(a.scheme)}</td>`);
      out.push(`<td class="num">${escapeHtml(a.status ?? '—')}</td>`);
      out.push(
        `<td><span class="badge ${a.ok ? 'good' : 'error'}">${escapeHtml(a.ok ? t('accepted') : t('rejected'))}</span>${a.error ? `<div class="error">${escapeHtml(a.error)}</div>` : ''}</td>`,
      );
      out.push(`<td class="num">${escapeHtml(a.ms)} ms</td>`);
      out.push(`<td>${escapeHtml(a.legs.join(' → ') || '—')}</td>`);
      out.push(`<td>${escapeHtml(a.sameConnection ? t('yes') : t('no'))}</td>`);
      out.push('</tr>');
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');

  // TLS certificate.
  out.push(`<section aria-labelledby="h-tls"><h2 id="h-tls">${escapeHtml(t('TLS certificate the probe saw'))}</h2>`);
  const tls = result.tls;
  if (!tls) {
    out.push(`<p class="muted">${escapeHtml(t('No TLS certificate (plain HTTP, or the connection failed before TLS).'))}</p>`);
  } else {
    out.push('<table class="facts"><tbody>');
    out.push(row(t('Subject'), tls.subject));
    out.push(row(t('Issuer'), tls.issuer));
    out.push(row(t('Names (SAN)'), tls.sans.join(', ') || '—'));
    out.push(row(t('Valid'), `${tls.validFrom} – ${tls.validTo}`));
    out.push(row(t('Signature hash'), tls.signatureHash));
    out.push(row(t('SHA-256 fingerprint'), formatFingerprint(tls.fingerprintSha256), true));
    out.push(row(t('tls-server-end-point hash'), tls.serverEndPoint, true));
    out.push(
      `<tr><th scope="row">${escapeHtml(t('Channel bindings (MD5, as NTLM carries them)'))}</th><td><code>${escapeHtml(tls.channelBindings)}</code> ${copyButton(tls.channelBindings, t('Copy hash'))}</td></tr>`,
    );
    const trust =
      tls.trust === 'verified'
        ? t('verified')
        : tls.trust === 'fingerprint'
          ? t('not verified; trusted by the fingerprint you confirmed')
          : t('not verified (insecure)');
    out.push(row(t('Trust'), trust + (tls.verifyError ? ` — ${tls.verifyError}` : '')));
    if (tls.protocol || tls.cipher) out.push(row(t('Protocol'), [tls.protocol, tls.cipher].filter(Boolean).join(', ')));
    if (tls.chain.length > 1) out.push(row(t('Chain'), tls.chain.map((c) => c.subject).join(' ← ')));
    out.push('</tbody></table>');
  }
  out.push('</section>');

  // Anonymous leg.
  out.push(`<section aria-labelledby="h-anon"><h2 id="h-anon">${escapeHtml(t('Anonymous request'))}</h2>`);
  if (!result.anonymous) {
    out.push(`<p class="muted">${escapeHtml(t('Not sent.'))}</p>`);
  } else {
    out.push(`<p>${escapeHtml(t('Status {0}; the server offers:', result.anonymous.status))}</p>`);
    if (result.anonymous.wwwAuthenticate.length) {
      out.push(
        '<ul class="offers">' + result.anonymous.wwwAuthenticate.map((o) => `<li><code>WWW-Authenticate: ${escapeHtml(o)}</code></li>`).join('') + '</ul>',
      );
    } else {
      out.push(`<p class="muted">${escapeHtml(t('no WWW-Authenticate header'))}</p>`);
    }
  }
  out.push('</section>');

  // Steps with timings.
  out.push(`<section aria-labelledby="h-steps"><h2 id="h-steps">${escapeHtml(t('Steps'))}</h2><table class="steps"><thead><tr>`);
  for (const h of [t('Step'), t('Result'), t('Time'), t('Detail')]) out.push(`<th scope="col">${escapeHtml(h)}</th>`);
  out.push('</tr></thead><tbody>');
  for (const s of result.steps) {
    const causes = stepCauses(s);
    out.push(`<tr class="${s.ok ? 'ok' : 'fail'}"><td><code>${escapeHtml(s.name)}</code></td>`);
    out.push(`<td><span class="badge ${s.ok ? 'good' : 'error'}">${escapeHtml(s.ok ? t('ok') : t('failed'))}</span></td>`);
    out.push(`<td class="num">${escapeHtml(s.ms)} ms</td>`);
    out.push(
      `<td>${escapeHtml(s.detail)}${causes.length ? `<ul class="error">${causes.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>` : ''}</td></tr>`,
    );
  }
  out.push('</tbody></table></section>');
  return out.join('\n');
}

/** The whole webview page. */
export function renderProbeReportPage(result: ProbeResult, opts: ReportPageOptions): string {
  const t = opts.t ?? plainTranslate;
  return webviewPage({
    cspSource: opts.cspSource,
    nonce: opts.nonce,
    lang: opts.lang ?? 'en',
    title: t('MRS probe: {0}', result.verdict),
    styleUris: [opts.styleUri],
    scriptUris: [opts.scriptUri],
    bodyAttributes: `data-render-id="${escapeHtml(opts.renderId ?? 0)}"`,
    body: `<main>\n${renderProbeReportBody(result, t, opts.notes)}\n</main>\n<div id="toast" role="status" aria-live="polite"></div>`,
  });
}
