// The language server's features registered in this process as server.ts registers them (the
// feature list, default settings), with a connection that swallows everything: what the providers
// answer for a document, without a server process or stdio.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLens, Diagnostic, Hover } from 'vscode-languageserver/node';
import { features } from '../../src/server/features';
import { defaultSettings, type ServerContext } from '../../src/server/context';

export interface InProcessServer {
  ctx: ServerContext;
  /** The first hover provider that answers wins, as in server.ts. */
  hover(doc: TextDocument, line: number, character: number): Hover | null;
  codeLens(doc: TextDocument): CodeLens[];
  diagnostics(doc: TextDocument): Diagnostic[];
}

/** The server's providers; `docs` are the documents it sees as open (for features that look across them). */
export function inProcessServer(docs: TextDocument[] = []): InProcessServer {
  const noop = (): void => undefined;
  const connection = new Proxy({}, { get: () => new Proxy(noop, { get: () => noop }) });
  const documents = new Proxy(
    { get: (u: string) => docs.find((d) => d.uri === u), all: () => docs },
    { get: (t, k) => (t as Record<string | symbol, unknown>)[k] ?? noop },
  );
  const ctx = {
    connection,
    documents,
    settings: () => defaultSettings,
    capabilities: {},
    hover: [],
    diagnostics: [],
    codeLens: [],
    symbols: [],
    folding: [],
    semanticTokens: [],
    refreshDiagnostics: noop,
  } as unknown as ServerContext;
  for (const f of features) f.register(ctx);
  return {
    ctx,
    hover: (doc, line, character) => {
      for (const h of ctx.hover) {
        const r = h.provideHover(doc, { line, character });
        if (r) return r;
      }
      return null;
    },
    codeLens: (doc) => ctx.codeLens.flatMap((c) => c.provideCodeLenses(doc)),
    diagnostics: (doc) => ctx.diagnostics.flatMap((d) => d.provideDiagnostics(doc)),
  };
}
