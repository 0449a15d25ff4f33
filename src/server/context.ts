// The registries through which feature files plug into the server. The LSP handlers in
// server.ts only fan a request out to the providers registered here and merge the answers.
import type {
  CodeLens,
  Connection,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Position,
  Range,
  SemanticTokens,
  ServerCapabilities,
} from 'vscode-languageserver/node';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_HANDSHAKE_WINDOW_SECONDS } from '../core/findings';

export interface ServerSettings {
  /** Languages in which Authorization headers and bare tokens get a hover. */
  decodeLanguages: string[];
  /** Seconds within which the legs of one NTLM/Negotiate handshake are grouped. */
  handshakeWindowSeconds: number;
}

export const defaultSettings: ServerSettings = {
  decodeLanguages: ['plaintext', 'log', 'http', 'json', 'jsonc', 'iis-w3c-log', 'freb', 'xml', 'hcw-log'],
  handshakeWindowSeconds: DEFAULT_HANDSHAKE_WINDOW_SECONDS,
};

export interface HoverProvider {
  provideHover(doc: TextDocument, position: Position): Hover | null | undefined;
}
export interface DiagnosticsProvider {
  provideDiagnostics(doc: TextDocument): Diagnostic[];
}
export interface CodeLensProvider {
  provideCodeLenses(doc: TextDocument): CodeLens[];
}
export interface SymbolProvider {
  provideSymbols(doc: TextDocument): DocumentSymbol[];
}
export interface FoldingProvider {
  provideFoldingRanges(doc: TextDocument): FoldingRange[];
}
export interface SemanticTokensProvider {
  provideSemanticTokens(doc: TextDocument, range?: Range): SemanticTokens | null;
}

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /**
   * The settings, for one document when `uri` is given: `iisAuthLens.handshake.windowSeconds` is
   * a resource setting (a folder of one site may use another window than the rest).
   */
  settings(uri?: string): ServerSettings;
  /** Reads the resource settings of `uri` from the client (once per document and configuration change). */
  loadResourceSettings(uri: string): Promise<ServerSettings>;
  /** Capabilities a feature adds (semantic token legend, commands, ...), merged at initialize. */
  capabilities: ServerCapabilities;
  hover: HoverProvider[];
  diagnostics: DiagnosticsProvider[];
  codeLens: CodeLensProvider[];
  symbols: SymbolProvider[];
  folding: FoldingProvider[];
  semanticTokens: SemanticTokensProvider[];
  /** Asks the server to recompute and publish diagnostics for a document. */
  refreshDiagnostics(uri: string): void;
}

export interface Feature {
  register(ctx: ServerContext): void;
}
