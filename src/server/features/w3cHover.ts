// Hover on any value of an IIS W3C log: the field name and what it means; status, substatus and
// win32 decoded (decimal, hex, name, text); on a BAD_BINDINGS line the cause and the fixes from
// the articles. Hover on a directive and on the field names of `#Fields`.
import * as l10n from '@vscode/l10n';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { describeField, displayValue } from '../../core/w3c/w3cFields';
import { describeHttpErrReason } from '../../core/w3c/httpErrReasons';
import { describeStatus } from '../../core/httpStatus';
import { describeWin32, parseWin32Code } from '../../core/win32Status';
import { W3cLineKind } from '../../core/w3c/w3cDocument';
import { blockOfLine, logLine, type W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { FINDINGS, findingOfWin32, isBadBindings, SEC_E_NO_CREDENTIALS } from '../../core/findings';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';
import { mdBold, mdCode as code, mdText } from '../../core/markdown';
import { findingsLabel, requestsLabel } from './w3cCodeLens';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Why a 401 with SEC_E_BAD_BINDINGS happens and what fixes it: the findings table's wording, and how to check it from outside. */
export function badBindingsExplanation(): string {
  return [
    mdBold(l10n.t(FINDINGS.BAD_BINDINGS.title)),
    '',
    mdText(l10n.t(FINDINGS.BAD_BINDINGS.explanation)),
    '',
    l10n.t('Check it from outside with `iis-auth-lens probe https://HOST/EWS/mrsproxy.svc` (command "Probe MRS Endpoint").'),
  ].join('\n');
}

/** The other Windows-auth codes IIS logs with a 401: the findings table's title and explanation. */
function authCodeExplanation(win32: number): string | undefined {
  const code = win32 === SEC_E_NO_CREDENTIALS ? 'NO_CREDENTIALS' : findingOfWin32(win32);
  if (!code) return undefined;
  return `${mdBold(l10n.t(FINDINGS[code].title))}: ${mdText(l10n.t(FINDINGS[code].explanation))}`;
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

/** Spans of the field names on a `#Fields:` line (0-based UTF-16 columns). */
function fieldNameSpans(text: string): Array<{ name: string; start: number; end: number }> {
  const colon = text.indexOf(':');
  const out: Array<{ name: string; start: number; end: number }> = [];
  const re = /[^ \t]+/g;
  re.lastIndex = colon + 1;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ name: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

function directiveHover(a: W3cDocumentAnalysis, line: number, pos: Position): Hover | null {
  const m = a.model;
  const d = m.directives.find((x) => x.line === line);
  if (!d) return null;
  const lname = d.name.toLowerCase();
  if (d.layout) {
    const names = fieldNameSpans(m.lineText(line));
    const i = names.findIndex((f) => pos.character >= f.start && pos.character < f.end);
    if (i >= 0) {
      const f = names[i]!;
      return {
        contents: {
          kind: MarkupKind.Markdown,
          value: [
            `**${code(f.name)}**` + ' · ' + l10n.t('column {0} of {1}', i + 1, d.layout.fields.length),
            '',
            mdText(describeField(f.name).description),
          ].join('\n'),
        },
        range: { start: { line: pos.line, character: f.start }, end: { line: pos.line, character: f.end } },
      };
    }
    const blk = blockOfLine(a.blocks, line);
    const lines = [`**#Fields** — ` + l10n.t('the columns of the lines that follow, until the next #Fields ({0} fields).', d.layout.fields.length)];
    if (blk) {
      const counts = [
        requestsLabel(blk.requests),
        l10n.t('{0} × 401', fmt(blk.status401)),
        l10n.t('{0} BAD_BINDINGS', fmt(blk.badBindings)),
        findingsLabel(blk.findings),
      ];
      lines.push('', l10n.t('Block {0}: {1}', blk.index, counts.join(' · ')));
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
  return { contents: { kind: MarkupKind.Markdown, value: `${mdBold('#' + d.name)} — ${text}` } };
}

export function w3cHoverAt(a: W3cDocumentAnalysis, pos: Position): Hover | null {
  const m = a.model;
  const line = logLine(a, pos.line);
  if (line < 1 || line > m.lineCount) return null;
  const kind = m.lineKind(line);
  if (kind === W3cLineKind.Directive) return directiveHover(a, line, pos);
  if (kind !== W3cLineKind.Record && kind !== W3cLineKind.Malformed) return null;
  const lay = m.layoutOf(line);
  const spans = m.fields(line);
  const field = spans.find((f) => pos.character >= f.start && pos.character < f.end);
  if (!field) return null;
  const raw = field.raw;
  const i = field.index;
  const range = { start: { line: pos.line, character: field.start }, end: { line: pos.line, character: field.end } };
  const out: string[] = [];
  const fits = kind === W3cLineKind.Record;
  if (!fits) {
    out.push('**' + l10n.t('This line does not fit its #Fields') + '**: ' + mdText(m.malformed.get(line) ?? ''), '');
    out.push(l10n.t('Value {0} (column {1}); its field cannot be known.', code(raw), i + 1));
    return { contents: { kind: MarkupKind.Markdown, value: out.join('\n') }, range };
  }
  const name = lay && i < lay.fields.length ? lay.fields[i]! : undefined;
  if (!name || !lay) {
    out.push(l10n.t('Value {0} (column {1}); no field is known for it.', code(raw), i + 1));
    return { contents: { kind: MarkupKind.Markdown, value: out.join('\n') }, range };
  }
  const f = describeField(name);
  out.push(`${code(name)} · ${mdText(f.description)}`);
  const shown = displayValue(name, raw);
  if (raw === '-') out.push('', l10n.t('empty ("-")'));
  else if (shown !== raw) out.push('', code(shown));

  if (f.kind === 'reason' && raw !== '-') {
    const why = describeHttpErrReason(raw);
    if (why) out.push('', `${mdBold(raw)} — ${mdText(why)}`);
  }

  const c = lay.columns;
  const statusRaw = spans[c.status]?.raw ?? '';
  const status = /^\d+$/.test(statusRaw) ? Number(statusRaw) : NaN;
  const subRaw = spans[c.substatus]?.raw ?? '';
  const substatus = /^\d+$/.test(subRaw) ? Number(subRaw) : undefined;
  const win32Raw = spans[c.win32]?.raw ?? '';
  const win32 = parseWin32Code(win32Raw);
  const badBindings = status === 401 && isBadBindings(win32);

  if ((f.kind === 'status' || f.kind === 'substatus') && Number.isFinite(status)) {
    out.push('', ...statusSection(status, substatus));
    if (win32Raw && win32 !== 0) out.push('', 'sc-win32-status: ' + win32Section(win32Raw)[0]);
  } else if (f.kind === 'win32' && raw !== '-') {
    out.push('', ...win32Section(raw));
    if (Number.isFinite(status)) out.push('', l10n.t('with HTTP {0}', describeStatus(status, substatus).code));
  }
  const isStatusField = f.kind === 'status' || f.kind === 'substatus' || f.kind === 'win32';
  if (badBindings) {
    out.push(
      '',
      '---',
      '',
      isStatusField
        ? badBindingsExplanation()
        : l10n.t('This request failed with SEC_E_BAD_BINDINGS (401.{0}); hover the sc-win32-status value for the cause and the fixes.', substatus ?? 1),
    );
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
        return w3cHoverAt(w3cAnalysis(doc, ctx.settings(doc.uri).handshakeWindowSeconds), position);
      },
    });
  },
};
