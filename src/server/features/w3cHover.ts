// Hover on any value of an IIS W3C log: the field name and what it means; status, substatus and
// win32 decoded (decimal, hex, name, text); on a BAD_BINDINGS line the cause and the fixes from
// the articles. Hover on a directive and on the field names of `#Fields`.
import * as l10n from '@vscode/l10n';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { describeField, displayValue } from '../../core/w3c/w3cFields';
import { describeStatus } from '../../core/httpStatus';
import { describeWin32, parseWin32Code } from '../../core/win32Status';
import {
  byteOf, columnOf, fieldAt, fieldCount, fieldText, layoutOf, LineKind, type W3cEditorModel,
} from '../../core/w3c/w3cEditorModel';
import { BAD_BINDINGS_CODES, blockOfLine, type W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';

const fmt = (n: number): string => n.toLocaleString('en-US');
/** Inline code that survives backticks in the value. */
const code = (s: string): string => (s.includes('`') ? '`` ' + s + ' ``' : '`' + s + '`');

/** Why a 401 with SEC_E_BAD_BINDINGS happens, and what fixes it (the two source articles). */
export function badBindingsExplanation(): string {
  return [
    '**' + l10n.t('Extended Protection: the channel bindings do not match (SEC_E_BAD_BINDINGS)') + '**',
    '',
    l10n.t('The client bound its NTLM/Negotiate authentication to the TLS certificate it saw, and IIS compares that with its own certificate. They differ when TLS is terminated in between (a reverse proxy, load balancer, inspection proxy or the Hybrid Agent presents another certificate), or when Extended Protection is set to Require and the client sends no bindings at all.'),
    '',
    l10n.t('Fixes:'),
    '- ' + l10n.t('Use the same certificate on the proxy / load balancer and on Exchange.'),
    '- ' + l10n.t('Pass TLS through to Exchange (TCP pass-through), or re-encrypt (SSL bridging) with the Exchange certificate.'),
    '- ' + l10n.t('Or turn Extended Protection off for the affected virtual directory (e.g. EWS/mrsproxy.svc for Exchange Online mailbox moves): `.\\ExchangeExtendedProtectionManagement.ps1 -DisableExtendedProtection` (CSS-Exchange).'),
    '',
    l10n.t('Check it from outside with `iis-auth-lens probe https://HOST/EWS/mrsproxy.svc` (command "Probe MRS Endpoint").'),
  ].join('\n');
}

/** A few sentences for the other Windows-auth codes IIS logs with a 401. */
function authCodeExplanation(win32: number): string | undefined {
  switch (win32) {
    case 2148074252: return l10n.t('SEC_E_LOGON_DENIED: the user name or password is wrong, the account is locked or not allowed to log on here. Check the credentials the client uses (for MRS: the migration endpoint credentials).');
    case 2148074248: return l10n.t('SEC_E_INVALID_TOKEN: IIS could not read the token. Behind a load balancer this typically means the legs of one NTLM handshake reached different servers (no session affinity), or a proxy changed the Authorization header.');
    case 2148074254: return l10n.t('SEC_E_NO_CREDENTIALS on a 401.1 is normally the challenge leg of an NTLM/Negotiate handshake: IIS sent the challenge and waits for the third leg. Only a problem when no further request of the same client follows.');
    default: return undefined;
  }
}

function statusSection(status: number, substatus: number | undefined): string[] {
  const d = describeStatus(status, substatus);
  const head = `**${d.code}** ${d.reason}` + (d.meaning && d.meaning !== d.reason ? ` — ${d.meaning}` : '');
  return d.hint ? [head, '', d.hint] : [head];
}

function win32Section(raw: string): string[] {
  const n = parseWin32Code(raw);
  if (n === undefined) {
    return [l10n.t('{0} is not a 32-bit status value (sanitised or corrupted log?).', code(raw))];
  }
  if (n === 0) return [l10n.t('**0** — the request completed without a Windows error.')];
  const w = describeWin32(n);
  if (!w) return [`**${fmt(n)}** = ${code('0x' + n.toString(16).toUpperCase().padStart(8, '0'))} — ` + l10n.t('unknown code')];
  return [`**${w.decimal}** = ${code(w.hex)} **${w.name}**`, '', w.text];
}

function lineNumberOf(m: W3cEditorModel, pos: Position): number {
  const map = m.docLineOf;
  if (!map) return pos.line;
  let lo = 0, hi = map.length - 1, hit = 0;
  while (lo <= hi) { const mid = (lo + hi) >> 1; if (map[mid]! <= pos.line) { hit = mid; lo = mid + 1; } else hi = mid - 1; }
  return hit;
}

function directiveHover(a: W3cDocumentAnalysis, line: number, pos: Position): Hover | null {
  const m = a.model;
  const d = m.directives.find((x) => x.line === line + 1);
  if (!d) return null;
  const lname = d.name.toLowerCase();
  const lay = layoutOf(m, line);
  if (lname === 'fields' && lay && lay.fieldsLine === line + 1) {
    const b = byteOf(m, line, pos.character);
    const i = fieldAt(m, line, b);
    const from = m.tokIndex[line]!;
    if (i >= 0) {
      const name = fieldText(m, line, i);
      const f = describeField(name);
      return {
        contents: { kind: MarkupKind.Markdown, value: [`**${code(name)}**` + ' · ' + l10n.t('column {0} of {1}', i + 1, lay.fields.length), '', f.description].join('\n') },
        range: { start: { line: pos.line, character: columnOf(m, line, m.tokStart[from + i]!) }, end: { line: pos.line, character: columnOf(m, line, m.tokEnd[from + i]!) } },
      };
    }
    const blk = blockOfLine(a.blocks, line + 1);
    const lines = [`**#Fields** — ` + l10n.t('the columns of the lines that follow, until the next #Fields ({0} fields).', lay.fields.length)];
    if (blk) {
      lines.push('', l10n.t('Block {0}: {1} requests · {2} × 401 · {3} BAD_BINDINGS · {4} findings', blk.index, fmt(blk.requests), fmt(blk.status401), fmt(blk.badBindings), fmt(blk.findings)));
    }
    return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') } };
  }
  const texts: Record<string, string> = {
    software: l10n.t('The program that wrote the log. "Microsoft HTTP API" marks an HTTP.sys error log (HTTPERR).'),
    version: l10n.t('Version of the W3C extended log file format.'),
    date: l10n.t('When this header block was written (UTC). IIS writes a new header block when it starts a log file or restarts.'),
    remark: l10n.t('A comment.'),
    'start-date': l10n.t('When logging started (UTC).'),
    'end-date': l10n.t('When logging ended (UTC).'),
  };
  const text = texts[lname] ?? l10n.t('Directive (not one IIS writes).');
  return { contents: { kind: MarkupKind.Markdown, value: `**#${d.name}** — ${text}` } };
}

export function w3cHoverAt(a: W3cDocumentAnalysis, pos: Position): Hover | null {
  const m = a.model;
  const line = lineNumberOf(m, pos);
  if (line < 0 || line >= m.lineCount) return null;
  const kind = m.lineKind[line];
  if (kind === LineKind.Directive) return directiveHover(a, line, pos);
  if (kind !== LineKind.Record && kind !== LineKind.Malformed) return null;
  const lay = layoutOf(m, line);
  const b = byteOf(m, line, pos.character);
  const i = fieldAt(m, line, b);
  if (i < 0) return null;
  const from = m.tokIndex[line]!;
  const raw = fieldText(m, line, i);
  const range = {
    start: { line: pos.line, character: columnOf(m, line, m.tokStart[from + i]!) },
    end: { line: pos.line, character: columnOf(m, line, m.tokEnd[from + i]!) },
  };
  const out: string[] = [];
  if (kind === LineKind.Malformed) {
    out.push('**' + l10n.t('This line does not fit its #Fields') + '**: ' + (m.malformed.get(line + 1) ?? ''), '');
  }
  const name = lay && i < lay.fields.length && !(kind === LineKind.Malformed && fieldCount(m, line) !== lay.fields.length) ? lay.fields[i]! : undefined;
  if (!name) {
    out.push(l10n.t('Value {0} (column {1}); no field is known for it.', code(raw), i + 1));
    return { contents: { kind: MarkupKind.Markdown, value: out.join('\n') }, range };
  }
  const f = describeField(name);
  out.push(`${code(name)} · ${f.description}`);
  const shown = displayValue(name, raw);
  if (raw === '-') out.push('', l10n.t('empty ("-")'));
  else if (shown !== raw) out.push('', code(shown));

  const c = lay!.columns;
  const status = c.status >= 0 ? Number(fieldText(m, line, c.status)) : NaN;
  const subRaw = c.substatus >= 0 ? fieldText(m, line, c.substatus) : '';
  const substatus = /^\d+$/.test(subRaw) ? Number(subRaw) : undefined;
  const win32Raw = c.win32 >= 0 ? fieldText(m, line, c.win32) : '';
  const win32 = parseWin32Code(win32Raw);
  const badBindings = status === 401 && win32 !== undefined && BAD_BINDINGS_CODES.has(win32);

  if ((f.kind === 'status' || f.kind === 'substatus') && Number.isFinite(status)) {
    out.push('', ...statusSection(status, f.kind === 'substatus' || substatus !== undefined ? substatus : undefined));
    if (f.kind === 'status' && win32Raw && win32 !== 0) out.push('', 'sc-win32-status: ' + win32Section(win32Raw)[0]);
  } else if (f.kind === 'win32' && raw !== '-') {
    out.push('', ...win32Section(raw));
    if (Number.isFinite(status)) out.push('', l10n.t('with HTTP {0}', describeStatus(status, substatus).code));
  }
  const isStatusField = f.kind === 'status' || f.kind === 'substatus' || f.kind === 'win32';
  if (badBindings) {
    out.push('', '---', '', isStatusField ? badBindingsExplanation()
      : l10n.t('This request failed with SEC_E_BAD_BINDINGS (401.{0}); hover the sc-win32-status value for the cause and the fixes.', substatus ?? 1));
  } else if (isStatusField && status === 401 && win32 !== undefined) {
    const ex = authCodeExplanation(win32);
    if (ex) out.push('', '---', '', ex);
  }
  return { contents: { kind: MarkupKind.Markdown, value: out.join('\n') }, range };
}

export const w3cHover: Feature = {
  register(ctx: ServerContext) {
    ctx.hover.push({
      provideHover(doc: TextDocument, position: Position): Hover | null {
        if (!isW3cDocument(doc)) return null;
        return w3cHoverAt(w3cAnalysis(doc, ctx.settings().handshakeWindowSeconds), position);
      },
    });
  },
};
