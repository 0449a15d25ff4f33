// Semantic tokens for IIS W3C logs: each value coloured by the meaning of its #Fields column
// (date/time, IP, method, URI, query, user, status class, win32 error vs 0). Range requests
// touch only the requested lines of the cached model, so large documents stay fast.
import type { Range, SemanticTokens } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from '../context';
import { describeField, type W3cLayout } from '../../core/w3c/w3cFields';
import { W3cLineKind } from '../../core/w3c/w3cDocument';
import { docLine, logLine, type W3cDocumentAnalysis } from '../../core/w3c/w3cDocumentAnalysis';
import { isW3cDocument, w3cAnalysis } from './w3cModelCache';

/** The token types of package.json `semanticTokenTypes`, in legend order. */
export const W3C_TOKEN_TYPES = [
  'iisDate',
  'iisIp',
  'iisMethod',
  'iisUri',
  'iisQuery',
  'iisUser',
  'iisStatusOk',
  'iisStatusRedirect',
  'iisStatusClientError',
  'iisStatusServerError',
  'iisWin32Error',
  'iisWin32Ok',
] as const;
export type W3cTokenType = (typeof W3C_TOKEN_TYPES)[number];

// Per-column roles; status and win32 depend on the value.
const NONE = -1,
  STATUS = -2,
  WIN32 = -3;

function columnRoles(lay: W3cLayout, typeIndex: (t: W3cTokenType) => number): Int32Array {
  const roles = new Int32Array(lay.fields.length).fill(NONE);
  lay.fields.forEach((f, i) => {
    switch (describeField(f).kind) {
      case 'date':
      case 'time':
        roles[i] = typeIndex('iisDate');
        break;
      case 'ip':
        roles[i] = typeIndex('iisIp');
        break;
      case 'method':
        roles[i] = typeIndex('iisMethod');
        break;
      case 'uri':
        roles[i] = typeIndex('iisUri');
        break;
      case 'query':
        roles[i] = typeIndex('iisQuery');
        break;
      case 'user':
        roles[i] = typeIndex('iisUser');
        break;
      case 'status':
      case 'substatus':
        roles[i] = STATUS;
        break;
      case 'win32':
        roles[i] = WIN32;
        break;
      default:
        break;
    }
  });
  return roles;
}

/** Encodes the tokens of 1-based lines [first, last] in LSP relative form. */
export function encodeW3cTokens(a: W3cDocumentAnalysis, first: number, last: number, typeIndex: (t: W3cTokenType) => number): number[] {
  const m = a.model;
  const rolesByLayout = new Map<number, Int32Array>();
  const statusIdx = [typeIndex('iisStatusOk'), typeIndex('iisStatusRedirect'), typeIndex('iisStatusClientError'), typeIndex('iisStatusServerError')];
  const win32Err = typeIndex('iisWin32Error'),
    win32Ok = typeIndex('iisWin32Ok');
  let out = new Uint32Array(4096);
  let n = 0;
  let prevLine = 0,
    prevChar = 0;
  const end = Math.min(last, m.lineCount);
  for (let line = Math.max(1, first); line <= end; line++) {
    if (m.kind[line - 1] !== W3cLineKind.Record) continue;
    const li = m.layoutIndex[line - 1]!;
    const lay = m.layouts[li];
    if (!lay) continue;
    let roles = rolesByLayout.get(li);
    if (!roles) {
      roles = columnRoles(lay, typeIndex);
      rolesByLayout.set(li, roles);
    }
    const f = m.fields(line);
    const count = f.length;
    const ch = (k: number): number => f[k]!.raw.charCodeAt(0);
    // status class of this line (the substatus takes the class of its status)
    let statusType = -1;
    const sc = lay.columns.status;
    if (sc >= 0 && sc < count) {
      const c = ch(sc);
      statusType = c === 0x31 || c === 0x32 ? statusIdx[0]! : c === 0x33 ? statusIdx[1]! : c === 0x34 ? statusIdx[2]! : c === 0x35 ? statusIdx[3]! : -1;
    }
    const dl = docLine(a, line);
    for (let k = 0; k < count; k++) {
      const role = roles[k];
      if (role === undefined || role === NONE) continue;
      const s = f[k]!.start,
        e = f[k]!.end;
      const one = e - s === 1;
      if (one && ch(k) === 0x2d) continue; // "-": empty
      const type = role === STATUS ? statusType : role === WIN32 ? (one && ch(k) === 0x30 ? win32Ok : win32Err) : role;
      if (type < 0) continue;
      if (n + 5 > out.length) {
        const o = new Uint32Array(out.length * 2);
        o.set(out);
        out = o;
      }
      out[n++] = dl - prevLine;
      out[n++] = dl === prevLine ? s - prevChar : s;
      out[n++] = e - s;
      out[n++] = type;
      out[n++] = 0;
      prevLine = dl;
      prevChar = s;
    }
  }
  // Array.from(typedArray) is ~5x slower than this loop on millions of numbers
  const data: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) data[i] = out[i]!;
  return data;
}

/** Above this many lines only range requests are answered (about 15 MB of Exchange log). */
const FULL_TOKENS_MAX_LINES = 50_000;

/** Full-document tokens per analysis (one analysis per document version). */
const fullTokens = new WeakMap<W3cDocumentAnalysis, number[]>();

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
        const a = w3cAnalysis(doc, ctx.settings(doc.uri).handshakeWindowSeconds);
        if (range) return { data: encodeW3cTokens(a, logLine(a, range.start.line), logLine(a, range.end.line), typeIndex) };
        // Whole-document tokens for a large log take most of a second and would hold back the
        // diagnostics and CodeLens queued behind them: decline, and VS Code colours the viewport
        // through range requests instead.
        if (a.model.lineCount > FULL_TOKENS_MAX_LINES) return null;
        // VS Code asks for the whole document again on focus and theme changes: keep the answer per version
        let data = fullTokens.get(a);
        if (!data) {
          data = encodeW3cTokens(a, 1, a.model.lineCount, typeIndex);
          fullTokens.set(a, data);
        }
        return { data };
      },
    });
  },
};
