// The language server: thin LSP handlers that fan requests out to the feature providers.
import {
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  SemanticTokensRefreshRequest,
  TextDocuments,
  TextDocumentSyncKind,
  type Diagnostic,
  type Hover,
  type InitializeResult,
  type ServerCapabilities,
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
let codeLensRefreshSupported = false;
let semanticTokensRefreshSupported = false;

/** iisAuthLens.handshake.windowSeconds per document (a resource setting), read when first needed. */
const resourceWindow = new Map<string, Promise<number | null>>();

function settingsFor(uri?: string): ServerSettings {
  const w = uri !== undefined ? resolvedWindow.get(uri) : undefined;
  return w !== undefined && w !== null ? { ...settings, handshakeWindowSeconds: w } : settings;
}
/** The resolved values of resourceWindow (the providers are synchronous). */
const resolvedWindow = new Map<string, number | null>();

async function loadResourceSettings(uri: string): Promise<ServerSettings> {
  if (!configurationSupported) return settings;
  let p = resourceWindow.get(uri);
  if (!p) {
    p = (async () => {
      try {
        const s = (await connection.workspace.getConfiguration({ scopeUri: uri, section: 'iisAuthLens' })) as {
          handshake?: { windowSeconds?: unknown };
        } | null;
        const w = s?.handshake?.windowSeconds;
        return typeof w === 'number' && Number.isFinite(w) && w > 0 ? w : null;
      } catch {
        return null;
      }
    })();
    resourceWindow.set(uri, p);
  }
  const w = await p;
  if (resourceWindow.get(uri) === p) resolvedWindow.set(uri, w);
  return settingsFor(uri);
}

function forgetResourceSettings(uri?: string): void {
  if (uri === undefined) {
    resourceWindow.clear();
    resolvedWindow.clear();
    return;
  }
  resourceWindow.delete(uri);
  resolvedWindow.delete(uri);
}

const pending = new Map<string, NodeJS.Timeout>();
const DIAGNOSTICS_DEBOUNCE_MS = 150;

async function publishDiagnostics(uri: string): Promise<void> {
  if (!documents.get(uri)) return;
  await loadResourceSettings(uri);
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
  pending.set(
    uri,
    setTimeout(() => {
      pending.delete(uri);
      void publishDiagnostics(uri);
    }, delay),
  );
}

const ctx: ServerContext = {
  connection,
  documents,
  settings: settingsFor,
  loadResourceSettings,
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
  codeLensRefreshSupported = !!params.capabilities.workspace?.codeLens?.refreshSupport;
  semanticTokensRefreshSupported = !!params.capabilities.workspace?.semanticTokens?.refreshSupport;
  const opts = (params.initializationOptions ?? {}) as { l10nBundle?: string; settings?: Partial<ServerSettings> };
  if (opts.l10nBundle) {
    try {
      await l10n.config({ fsPath: opts.l10nBundle });
    } catch {
      /* fall back to English */
    }
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
    s = (await connection.workspace.getConfiguration('iisAuthLens')) as Record<string, unknown>;
  }
  if (s) {
    const decode = s.decode as { languages?: string[] } | undefined;
    const handshake = s.handshake as { windowSeconds?: number } | undefined;
    settings = {
      decodeLanguages: Array.isArray(decode?.languages) ? decode.languages : settings.decodeLanguages,
      handshakeWindowSeconds: typeof handshake?.windowSeconds === 'number' ? handshake.windowSeconds : settings.handshakeWindowSeconds,
    };
  }
  // a resource setting may have changed for any folder: read it again per document, then redo
  // what depends on it (diagnostics here, CodeLens and semantic tokens on the client's request)
  forgetResourceSettings();
  await Promise.all(documents.all().map((d) => loadResourceSettings(d.uri)));
  for (const d of documents.all()) scheduleDiagnostics(d.uri);
  if (codeLensRefreshSupported) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  if (semanticTokensRefreshSupported) void connection.sendRequest(SemanticTokensRefreshRequest.type).catch(() => undefined);
});

function guarded<T>(what: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    connection.console.error(`${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
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
  forgetResourceSettings(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
