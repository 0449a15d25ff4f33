// A small LSP client for the tests in test/lsp: spawns `node dist/server.js --stdio`, speaks
// LSP over its pipes, and waits for conditions (diagnostics) with a bounded wait - never sleeps.
// Build first: `node esbuild.mjs`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type InitializeResult,
  type PublishDiagnosticsParams,
  type Hover,
  type CodeLens,
  type DocumentSymbol,
  type FoldingRange,
  type SemanticTokens,
  type Position,
  type Range,
  type SymbolInformation,
} from 'vscode-languageserver-protocol/node';

export const SERVER_JS = path.resolve(__dirname, '..', '..', 'dist', 'server.js');

export interface StartOptions {
  /** Passed as initializationOptions (e.g. `{ settings: { handshakeWindowSeconds: 60 } }`). */
  initializationOptions?: unknown;
  /** Answer to `workspace/configuration` requests (the `iisAuthLens` section). */
  configuration?: Record<string, unknown>;
  /** Extra process arguments for node before the server script (e.g. `--max-old-space-size=...`). */
  execArgv?: string[];
}

export interface DiagnosticsEvent {
  params: PublishDiagnosticsParams;
  /** performance.now() when the notification arrived. */
  at: number;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Resolve only for a publication that satisfies this (e.g. non-empty). */
  predicate?: (p: PublishDiagnosticsParams) => boolean;
  /** Ignore publications that arrived before this performance.now() time. */
  after?: number;
}

export class LspClient {
  readonly diagnostics = new Map<string, DiagnosticsEvent>();
  /** Everything the server wrote to stderr (for failure messages). */
  stderr = '';
  /** window/logMessage and telemetry text, newest last. */
  readonly logs: string[] = [];
  private waiters: Array<{ uri: string; opts: WaitOptions; resolve: (e: DiagnosticsEvent) => void }> = [];
  private exited = false;

  private constructor(
    readonly proc: ChildProcess,
    readonly connection: ProtocolConnection,
    public initializeResult: InitializeResult,
  ) {}

  /** Spawns the server and completes the initialize handshake. */
  static async start(opts: StartOptions = {}): Promise<LspClient> {
    if (!fs.existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run \`node esbuild.mjs\` first`);
    const proc = spawn(process.execPath, [...(opts.execArgv ?? []), SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, connection, { capabilities: {} });
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => {
      client.stderr += d;
    });
    proc.on('exit', () => {
      client.exited = true;
    });

    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      const ev = { params, at: performance.now() };
      client.diagnostics.set(params.uri, ev);
      client.waiters = client.waiters.filter((w) => {
        if (w.uri !== params.uri || !client.matches(ev, w.opts)) return true;
        w.resolve(ev);
        return false;
      });
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      client.logs.push(p.message);
    });
    connection.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) =>
      p.items.map((i) => (i.section === 'iisAuthLens' || !i.section ? (opts.configuration ?? null) : null)),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.onRequest('workspace/semanticTokens/refresh', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    connection.listen();

    client.initializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: null,
      initializationOptions: opts.initializationOptions,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        window: { workDoneProgress: true },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
          codeLens: {},
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          foldingRange: { lineFoldingOnly: true },
          semanticTokens: {
            requests: { full: true, range: true },
            tokenTypes: [],
            tokenModifiers: [],
            formats: ['relative'],
          },
        },
      },
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  private matches(ev: DiagnosticsEvent, opts: WaitOptions): boolean {
    if (opts.after !== undefined && ev.at < opts.after) return false;
    return opts.predicate ? opts.predicate(ev.params) : true;
  }

  async open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** Replaces the whole text (a full-content change event). */
  async change(uri: string, version: number, text: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** The next (or an already received) diagnostics publication for uri that fits opts. */
  waitForDiagnostics(uri: string, opts: WaitOptions = {}): Promise<DiagnosticsEvent> {
    const known = this.diagnostics.get(uri);
    if (known && this.matches(known, opts)) return Promise.resolve(known);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const waiter = {
        uri,
        opts,
        resolve: (e: DiagnosticsEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const last = this.diagnostics.get(uri);
        reject(
          new Error(
            `no matching diagnostics for ${uri} within ${timeoutMs} ms` +
              (last ? ` (last publication had ${last.params.diagnostics.length})` : ' (none published)') +
              (this.stderr ? `\nserver stderr:\n${this.stderr.slice(-2000)}` : ''),
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.request('textDocument/hover', { textDocument: { uri }, position });
  }
  codeLens(uri: string): Promise<CodeLens[] | null> {
    return this.request('textDocument/codeLens', { textDocument: { uri } });
  }
  symbols(uri: string): Promise<DocumentSymbol[] | SymbolInformation[] | null> {
    return this.request('textDocument/documentSymbol', { textDocument: { uri } });
  }
  folding(uri: string): Promise<FoldingRange[] | null> {
    return this.request('textDocument/foldingRange', { textDocument: { uri } });
  }
  semanticTokens(uri: string): Promise<SemanticTokens | null> {
    return this.request('textDocument/semanticTokens/full', { textDocument: { uri } });
  }
  semanticTokensRange(uri: string, range: Range): Promise<SemanticTokens | null> {
    return this.request('textDocument/semanticTokens/range', { textDocument: { uri }, range });
  }

  /** shutdown + exit; kills the process if it does not exit within 3 s. */
  async stop(): Promise<void> {
    if (this.exited) {
      this.connection.dispose();
      return;
    }
    const exited = new Promise<void>((resolve) => {
      if (this.exited) resolve();
      else this.proc.once('exit', () => resolve());
    });
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
      await this.connection.sendNotification('exit');
    } catch {
      /* the process may already be gone */
    }
    const timer = setTimeout(() => this.proc.kill(), 3000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}

/** Decodes LSP relative semantic token data into absolute tokens with their type names. */
export function decodeSemanticTokens(data: number[], legend: string[]): Array<{ line: number; char: number; length: number; type: string; modifiers: number }> {
  const out: Array<{ line: number; char: number; length: number; type: string; modifiers: number }> = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i + 4 < data.length; i += 5) {
    const dLine = data[i]!;
    const dChar = data[i + 1]!;
    line += dLine;
    char = dLine === 0 ? char + dChar : dChar;
    out.push({ line, char, length: data[i + 2]!, type: legend[data[i + 3]!] ?? `#${data[i + 3]}`, modifiers: data[i + 4]! });
  }
  return out;
}

/** A file: URI for a path (the server never reads it; it only names the document). */
export function fileUri(p: string): string {
  return 'file://' + path.resolve(p).split(path.sep).map(encodeURIComponent).join('/');
}
