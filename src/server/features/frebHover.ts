// Hover in a FREB trace: event names (what the event means, its level, time and duration), error
// codes (SSPI/Win32 names and texts), HTTP status / sub-status, auth types, and header lines.
// Headers that carry tokens are decoded by the token hover, which is registered before this one.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature } from '../context';
import type { FrebAnalysis } from '../../core/freb/frebAnalyze';
import type { FrebEvent } from '../../core/freb/frebTrace';
import { describeWin32 } from '../../core/win32Status';
import { describeStatus, statusLabel } from '../../core/httpStatus';
import { FREB_EVENT_DOCS, FREB_LEVEL_DOCS, HEADER_DOCS, REQUEST_AUTH_TYPES } from '../../core/freb/frebEventDocs';
import { decodeAuthorization } from '../../core/freb/frebAuthScheme';
import { frebAnalysisOf } from './frebDocument';
import { mdBold, mdCode, mdText } from '../../core/markdown';
import { FINDINGS, findingOfWin32, SEC_E_NO_CREDENTIALS } from '../../core/findings';
import * as l10n from '@vscode/l10n';

/** A table entry by a key read from the document (never an Object.prototype member such as `constructor`). */
function own(table: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function eventAt(a: FrebAnalysis, line: number): FrebEvent | undefined {
  const ev = a.trace.events;
  let lo = 0;
  let hi = ev.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ev[mid].endLine < line) lo = mid + 1;
    else if (ev[mid].line > line) hi = mid - 1;
    else return ev[mid];
  }
  return undefined;
}

function wordAt(text: string, ch: number): { word: string; start: number; end: number } | null {
  const re = /[A-Za-z0-9_.\-]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index <= ch && ch <= m.index + m[0].length) return { word: m[0], start: m.index, end: m.index + m[0].length };
  }
  return null;
}

function codeMarkdown(code: string): string | null {
  const info = describeWin32(code);
  if (!info) return null;
  // the findings table's explanation of the code, as in Problems and the W3C hover
  const finding = info.decimal === SEC_E_NO_CREDENTIALS ? 'NO_CREDENTIALS' : findingOfWin32(info.decimal);
  return `**${info.name}** \`${info.hex}\` = ${info.decimal}\n\n${info.text}` + (finding ? `\n\n${mdText(l10n.t(FINDINGS[finding].explanation))}` : '');
}

function eventMarkdown(a: FrebAnalysis, ev: FrebEvent): string {
  const parts = [`${mdBold(ev.name)} (event ${ev.index + 1} of ${a.trace.events.length})`];
  const doc = own(FREB_EVENT_DOCS, ev.name);
  if (doc) parts.push(doc);
  const facts: string[] = [];
  if (ev.level !== null) facts.push(`level ${ev.level}: ${FREB_LEVEL_DOCS[ev.level] ?? mdText(ev.levelName ?? '')}`);
  if (ev.time) facts.push(`time ${mdText(ev.time)}`);
  const first = a.trace.events.find((e) => e.timeMs !== null)?.timeMs;
  if (first != null && ev.timeMs !== null) facts.push(`+${ev.timeMs - first} ms since the request started`);
  if (ev.provider) facts.push(`provider ${mdText(ev.provider)}`);
  if (facts.length) parts.push(facts.join(' · '));
  if (a.failure && a.failure.event === ev) parts.push('This event carries the failure of the trace.');
  return parts.join('\n\n');
}

function headerMarkdown(name: string, value: string): string {
  const parts = [`${mdBold(name)} request/response header`];
  const doc = own(HEADER_DOCS, name.toLowerCase());
  if (doc) parts.push(doc);
  if (/^(authorization|www-authenticate|proxy-authorization)$/i.test(name)) {
    const s = decodeAuthorization(value);
    if (s && s.mechanism !== 'unknown') {
      const type = s.ntlmMessageType ? ` message type ${s.ntlmMessageType} (${['', 'NEGOTIATE', 'CHALLENGE', 'AUTHENTICATE'][s.ntlmMessageType]})` : '';
      parts.push(`Scheme ${mdCode(s.scheme)}, carries ${mdBold(s.mechanism)}${type}.`);
      const n = s.decoded?.ntlm;
      if (n) {
        const facts: string[] = [];
        if (n.user || n.domain) facts.push(`user ${mdCode(`${n.domain ?? ''}\\${n.user ?? ''}`)}`);
        if (n.workstation) facts.push(`workstation ${mdCode(n.workstation)}`);
        if (n.spn) facts.push(`SPN ${mdCode(n.spn)}`);
        if (n.messageType === 3) {
          if (n.channelBindingsMalformed)
            facts.push(`channel bindings ${mdBold(`malformed (${(n.channelBindings ?? '').length / 2} bytes, MS-NLMP requires 16)`)}`);
          else
            facts.push(
              n.channelBindingsState === 'present'
                ? `channel bindings ${mdCode(n.channelBindings ?? '')}`
                : `channel bindings ${mdText(n.channelBindingsState)}`,
            );
        }
        if (facts.length) parts.push(facts.join(' · '));
      }
    }
  }
  return parts.join('\n\n');
}

export function frebHover(doc: TextDocument, position: Position): Hover | null {
  const a = frebAnalysisOf(doc);
  if (!a) return null;
  const line = position.line + 1;
  const text = doc.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } }).replace(/\r?\n$/, '');
  const w = wordAt(text, position.character);
  const range = w ? { start: { line: position.line, character: w.start }, end: { line: position.line, character: w.end } } : undefined;
  const md = (value: string): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range });
  const ev = eventAt(a, line);

  // Header lines inside <Data Name="Headers"> (multi-line) or a HeaderName/HeaderValue pair.
  if (ev) {
    const hdr = [...a.requestHeaders, ...a.responseHeaders].find((h) => h.line === line);
    if (hdr && (!w || text.indexOf(hdr.name) <= position.character)) return md(headerMarkdown(hdr.name, hdr.value));
  }
  if (!w) return null;
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(w.word) && ev && ev.name === w.word) return md(eventMarkdown(a, ev));
  const eventDoc = own(FREB_EVENT_DOCS, w.word);
  if (eventDoc) return md(`${mdBold(w.word)}\n\n${eventDoc}`);
  const dataName = /<Data Name="([^"]+)"/.exec(text)?.[1] ?? /<freb:Description Data="([^"]+)"/.exec(text)?.[1];
  if (/^(0x[0-9a-f]{1,8}|-?\d{4,11})$/i.test(w.word) && (dataName === 'ErrorCode' || /^0x/i.test(w.word) || Number(w.word) >= 0x80000000)) {
    const m = codeMarkdown(w.word);
    if (m) return md(m);
  }
  if (ev && (dataName === 'HttpStatus' || dataName === 'HttpSubStatus') && /^\d+$/.test(w.word)) {
    const s = Number(ev.data.find(([n]) => n === 'HttpStatus')?.[1]);
    const sub = Number(ev.data.find(([n]) => n === 'HttpSubStatus')?.[1]);
    if (Number.isInteger(s)) {
      const d = describeStatus(s, Number.isInteger(sub) ? sub : undefined);
      return md(`**${statusLabel(s, Number.isInteger(sub) ? sub : undefined)}**${d.hint ? '\n\n' + d.hint : ''}`);
    }
  }
  const authType = own(REQUEST_AUTH_TYPES, w.word);
  if ((dataName === 'RequestAuthType' || dataName === 'AuthTypeSupported' || dataName === 'AuthType') && authType) {
    return md(`${mdBold(dataName)} ${mdText(w.word)} = ${authType}`);
  }
  const attr = /^\s*(?:<failedRequest\s+)?(statusCode|triggerStatusCode)="(\d+)(?:\.(\d+))?"/.exec(text);
  if (attr) return md(`**${statusLabel(Number(attr[2]), attr[3] !== undefined ? Number(attr[3]) : undefined)}**`);
  return null;
}

export const frebHoverFeature: Feature = {
  register(ctx) {
    ctx.hover.push({ provideHover: frebHover });
  },
};
