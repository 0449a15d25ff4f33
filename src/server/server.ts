// The language server: thin LSP handlers that fan requests out to the feature providers.
import {
  createConnection, DidChangeConfigurationNotification, ProposedFeatures, TextDocuments,
  TextDocumentSyncKind, type Diagnostic, type Hover, type InitializeResult, type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as l10n from '@vscode/l10n';
import { defaultSettings, type ServerContext, type ServerSettings } from './context';
import { features } from './features';
import { w3cKernelProblem } from '../core/w3c/w3cKernel';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let settings: ServerSettings = { ...defaultSettings };
let configurationSupported = false;

const pending = new Map<string, NodeJS.Timeout>();
const DIAGNOSTICS_DEBOUNCE_MS = 150;

function publishDiagnostics(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return;
  const all: Diagnostic[] = [];
  for (const p of ctx.diagnostics) {
    try {
      all.push(...p.provideDiagnostics(doc));
    } catch (err) {
      connection.console.error(`diagnostics failed for ${uri}: ${String(err)}`);
    }
  }
  void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: all });
}

function scheduleDiagnostics(uri: string, delay = DIAGNOSTICS_DEBOUNCE_MS): void {
  const t = pending.get(uri);
  if (t) clearTimeout(t);
  pending.set(uri, setTimeout(() => { pending.delete(uri); publishDiagnostics(uri); }, delay));
}

const ctx: ServerContext = {
  connection,
  documents,
  settings: () => settings,
  capabilities: {},
  hover: [],
  diagnostics: [],
  codeLens: [],
  symbols: [],
  folding: [],
  semanticTokens: [],
  refreshDiagnostics: (uri) => scheduleDiagnostics(uri, 0),
};

for (const f of features) f.register(ctx);

connection.onInitialize(async (params): Promise<InitializeResult> => {
  configurationSupported = !!params.capabilities.workspace?.configuration;
  const opts = (params.initializationOptions ?? {}) as { l10nBundle?: string; settings?: Partial<ServerSettings> };
  if (opts.l10nBundle) {
    try { await l10n.config({ fsPath: opts.l10nBundle }); } catch { /* fall back to English */ }
  }
  if (opts.settings) settings = { ...settings, ...opts.settings };
  const capabilities: ServerCapabilities = {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    hoverProvider: true,
    codeLensProvider: { resolveProvider: false },
    documentSymbolProvider: true,
    foldingRangeProvider: true,
    ...ctx.capabilities,
  };
  return { capabilities, serverInfo: { name: 'IIS Auth Lens', version: '0.1.0' } };
});

connection.onInitialized(() => {
  if (configurationSupported) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
  // say once whether logs are read by the WebAssembly kernel (dist/w3cKernel.wasm) or the slower JavaScript path
  const kernel = w3cKernelProblem();
  if (kernel) connection.console.warn(`W3C log kernel unavailable (${kernel}): logs are read by the slower JavaScript path`);
  else connection.console.info('W3C log kernel: WebAssembly SIMD');
});

connection.onDidChangeConfiguration(async (change) => {
  let s = (change.settings as { iisAuthLens?: Record<string, unknown> } | undefined)?.iisAuthLens;
  if (!s && configurationSupported) {
    s = await connection.workspace.getConfiguration('iisAuthLens') as Record<string, unknown>;
  }
  if (s) {
    const decode = s.decode as { languages?: string[] } | undefined;
    const handshake = s.handshake as { windowSeconds?: number } | undefined;
    settings = {
      decodeLanguages: Array.isArray(decode?.languages) ? decode.languages : settings.decodeLanguages,
      handshakeWindowSeconds: typeof handshake?.windowSeconds === 'number' ? handshake.windowSeconds : settings.handshakeWindowSeconds,
    };
  }
  for (const d of documents.all()) scheduleDiagnostics(d.uri);
});

function guarded<T>(what: string, fn: () => T, fallback: T): T {
  try { return fn(); } catch (err) {
    connection.console.error(`${what} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return fallback;
  }
}

connection.onHover((p): Hover | null => {
  const doc = documents.get(p.textDocument.uri);
  if (!doc) return null;
  for (const h of ctx.hover) {
    const r = guarded('hover', () => h.provideHover(doc, p.position), null);
    if (r) return r;
  }
  return null;
});

connection.onCodeLens((p) => {
  const doc = documents.get(p.textDocument.uri);
  return doc ? ctx.codeLens.flatMap((c) => guarded('codeLens', () => c.provideCodeLenses(doc), [])) : [];
});

connection.onDocumentSymbol((p) => {
  const doc = documents.get(p.textDocument.uri);
  return doc ? ctx.symbols.flatMap((s) => guarded('symbols', () => s.provideSymbols(doc), [])) : [];
});

connection.onFoldingRanges((p) => {
  const doc = documents.get(p.textDocument.uri);
  return doc ? ctx.folding.flatMap((f) => guarded('folding', () => f.provideFoldingRanges(doc), [])) : [];
});

connection.languages.semanticTokens.on((p) => {
  const doc = documents.get(p.textDocument.uri);
  for (const s of doc ? ctx.semanticTokens : []) {
    const r = guarded('semanticTokens', () => s.provideSemanticTokens(doc!), null);
    if (r) return r;
  }
  // null, not an empty result: VS Code then keeps asking for the visible range only, which is
  // what a provider wants when it declines whole-document tokens for a large log.
  return null;
});

connection.languages.semanticTokens.onRange((p) => {
  const doc = documents.get(p.textDocument.uri);
  for (const s of doc ? ctx.semanticTokens : []) {
    const r = guarded('semanticTokens', () => s.provideSemanticTokens(doc!, p.range), null);
    if (r) return r;
  }
  return { data: [] };
});

documents.onDidOpen((e) => scheduleDiagnostics(e.document.uri, 0));
documents.onDidChangeContent((e) => scheduleDiagnostics(e.document.uri));
documents.onDidClose((e) => {
  const t = pending.get(e.document.uri);
  if (t) clearTimeout(t);
  pending.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
