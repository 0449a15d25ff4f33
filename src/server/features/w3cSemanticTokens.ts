// Semantic tokens for IIS W3C logs: each value coloured by the meaning of its #Fields column
// (date/time, IP, method, URI, query, user, status class, win32 error vs 0). Range requests
// touch only the requested lines of the cached model, so large documents stay fast.
import type { Range, SemanticTokens } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { describeField, type W3cLayout } from '../../core/w3c/w3cFields';
import { columnOf, docLine, LineKind, type W3cEditorModel } from '../../core/w3c/w3cEditorModel';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';

/** The token types of package.json `semanticTokenTypes`, in legend order. */
export const W3C_TOKEN_TYPES = [
  'iisDate', 'iisIp', 'iisMethod', 'iisUri', 'iisQuery', 'iisUser',
  'iisStatusOk', 'iisStatusRedirect', 'iisStatusClientError', 'iisStatusServerError',
  'iisWin32Error', 'iisWin32Ok',
] as const;
export type W3cTokenType = (typeof W3C_TOKEN_TYPES)[number];

// Per-column roles; status and win32 depend on the value.
const NONE = -1, STATUS = -2, WIN32 = -3;

function columnRoles(lay: W3cLayout, typeIndex: (t: W3cTokenType) => number): Int32Array {
  const roles = new Int32Array(lay.fields.length).fill(NONE);
  lay.fields.forEach((f, i) => {
    switch (describeField(f).kind) {
      case 'date': case 'time': roles[i] = typeIndex('iisDate'); break;
      case 'ip': roles[i] = typeIndex('iisIp'); break;
      case 'method': roles[i] = typeIndex('iisMethod'); break;
      case 'uri': roles[i] = typeIndex('iisUri'); break;
      case 'query': roles[i] = typeIndex('iisQuery'); break;
      case 'user': roles[i] = typeIndex('iisUser'); break;
      case 'status': case 'substatus': roles[i] = STATUS; break;
      case 'win32': roles[i] = WIN32; break;
      default: break;
    }
  });
  return roles;
}

/** Encodes the tokens of lines [first, last] (0-based scanner lines) in LSP relative form. */
export function encodeW3cTokens(m: W3cEditorModel, first: number, last: number, typeIndex: (t: W3cTokenType) => number): number[] {
  const rolesByLayout = new Map<number, Int32Array>();
  const statusIdx = [typeIndex('iisStatusOk'), typeIndex('iisStatusRedirect'), typeIndex('iisStatusClientError'), typeIndex('iisStatusServerError')];
  const win32Err = typeIndex('iisWin32Error'), win32Ok = typeIndex('iisWin32Ok');
  let out = new Uint32Array(4096);
  let n = 0;
  let prevLine = 0, prevChar = 0;
  const buf = m.buf;
  const end = Math.min(last, m.lineCount - 1);
  for (let line = Math.max(0, first); line <= end; line++) {
    if (m.lineKind[line] !== LineKind.Record) continue;
    const li = m.lineLayout[line]!;
    const lay = m.layouts[li];
    if (!lay) continue;
    let roles = rolesByLayout.get(li);
    if (!roles) { roles = columnRoles(lay, typeIndex); rolesByLayout.set(li, roles); }
    const from = m.tokIndex[line]!, to = m.tokIndex[line + 1]!;
    // status class of this line (substatus takes the class of its status)
    let statusType = -1;
    const sc = lay.columns.status;
    if (sc >= 0 && from + sc < to) {
      const c = buf[m.tokStart[from + sc]!]!;
      statusType = c >= 0x31 && c <= 0x32 ? statusIdx[0]! : c === 0x33 ? statusIdx[1]! : c === 0x34 ? statusIdx[2]! : c === 0x35 ? statusIdx[3]! : -1;
    }
    const dl = docLine(m, line + 1);
    for (let k = from; k < to; k++) {
      const role = roles[k - from];
      if (role === undefined || role === NONE) continue;
      const s = m.tokStart[k]!, e = m.tokEnd[k]!;
      if (e - s === 1 && buf[s] === 0x2d) continue; // "-": empty
      let type = role;
      if (role === STATUS) type = statusType;
      else if (role === WIN32) type = e - s === 1 && buf[s] === 0x30 ? win32Ok : win32Err;
      if (type < 0) continue;
      const char = columnOf(m, line, s);
      const len = m.ascii ? e - s : columnOf(m, line, e) - char;
      if (n + 5 > out.length) { const o = new Uint32Array(out.length * 2); o.set(out); out = o; }
      out[n++] = dl - prevLine;
      out[n++] = dl === prevLine ? char - prevChar : char;
      out[n++] = len;
      out[n++] = type;
      out[n++] = 0;
      prevLine = dl;
      prevChar = char;
    }
  }
  return Array.from(out.subarray(0, n));
}

/** First scanner line (0-based) whose editor line is >= docLine0. */
function scannerLineOf(m: W3cEditorModel, docLine0: number): number {
  const map = m.docLineOf;
  if (!map) return docLine0;
  let lo = 0, hi = map.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (map[mid]! < docLine0) lo = mid + 1; else hi = mid; }
  return lo;
}

export const w3cSemanticTokens: Feature = {
  register(ctx: ServerContext) {
    const existing = ctx.capabilities.semanticTokensProvider;
    const types = [...(existing?.legend.tokenTypes ?? [])];
    for (const t of W3C_TOKEN_TYPES) if (!types.includes(t)) types.push(t);
    ctx.capabilities.semanticTokensProvider = {
      legend: { tokenTypes: types, tokenModifiers: existing?.legend.tokenModifiers ?? [] },
      full: true,
      range: true,
    };
    // Read the legend at request time: another feature may extend it after us.
    const typeIndex = (t: W3cTokenType): number => ctx.capabilities.semanticTokensProvider?.legend.tokenTypes.indexOf(t) ?? -1;
    ctx.semanticTokens.push({
      provideSemanticTokens(doc: TextDocument, range?: Range): SemanticTokens | null {
        if (!isW3cDocument(doc)) return null;
        const { model } = w3cAnalysis(doc, ctx.settings().handshakeWindowSeconds);
        const first = range ? scannerLineOf(model, range.start.line) : 0;
        const last = range ? scannerLineOf(model, range.end.line + 1) - 1 : model.lineCount - 1;
        return { data: encodeW3cTokens(model, first, last, typeIndex) };
      },
    });
  },
};
