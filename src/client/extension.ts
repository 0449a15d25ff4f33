// Activation: start the language server and register the client features.
import * as vscode from 'vscode';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { activateFeatures } from './features';
import { isTestMode, type ClientContext } from './context';
import { COMMANDS } from './commands';
import { DEFAULT_HANDSHAKE_WINDOW_SECONDS } from '../core/findings';
import { EXCERPT_SCHEME } from './logs/logExcerptView';

let client: LanguageClient | undefined;

/** The l10n bundle for the UI language, handed to the server so hovers and diagnostics match. */
function serverL10nBundle(context: vscode.ExtensionContext): string | undefined {
  const lang = vscode.env.language.toLowerCase();
  for (const candidate of [lang, lang.split('-')[0]]) {
    const p = path.join(context.extensionPath, 'l10n', `bundle.l10n.${candidate}.json`);
    if (candidate !== 'en' && fs.existsSync(p)) return p;
  }
  return undefined;
}

/** What activate() returns (the e2e suites read it): the client, the command table and the ids registered from it. */
export interface ExtensionApi {
  client: LanguageClient;
  commands: { table: typeof COMMANDS; registered: string[] };
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const log = vscode.window.createOutputChannel('IIS Auth Lens', { log: true });
  context.subscriptions.push(log);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const config = vscode.workspace.getConfiguration('iisAuthLens');
  const decodeLanguages = config.get<string[]>('decode.languages') ?? [];
  const languages = [...new Set(['iis-w3c-log', 'freb', 'hcw-log', ...decodeLanguages])];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...languages.map((language) => ({ language })),
      // FREB traces that stay in XML mode (e.g. with Red Hat XML installed) keep our features.
      { language: 'xml', pattern: '**/fr[0-9]*.xml' },
      // IIS configuration (Extended Protection per virtual directory): applicationHost.config, copies
      // such as EX01_applicationHost.config, and web.config - by name, not every XML file.
      { language: 'xml', pattern: '**/*{applicationHost,ApplicationHost,applicationhost}.config' },
      { language: 'xml', pattern: '**/{web,Web}.config' },
    ],
    synchronize: { configurationSection: 'iisAuthLens' },
    initializationOptions: {
      l10nBundle: serverL10nBundle(context),
      settings: { decodeLanguages, handshakeWindowSeconds: config.get<number>('handshake.windowSeconds') ?? DEFAULT_HANDSHAKE_WINDOW_SECONDS },
    },
    outputChannel: log,
    // Excerpts of big logs (logs/logExcerptView.ts) are cut-outs: the server would read every handshake
    // cut at the edges as a finding at the wrong line, so it is not given them.
    middleware: {
      didOpen: (doc, next) => (doc.uri.scheme === EXCERPT_SCHEME ? Promise.resolve() : next(doc)),
      didChange: (e, next) => (e.document.uri.scheme === EXCERPT_SCHEME ? Promise.resolve() : next(e)),
      didClose: (doc, next) => (doc.uri.scheme === EXCERPT_SCHEME ? Promise.resolve() : next(doc)),
      provideHover: (doc, pos, token, next) => (doc.uri.scheme === EXCERPT_SCHEME ? undefined : next(doc, pos, token)),
      provideCodeLenses: (doc, token, next) => (doc.uri.scheme === EXCERPT_SCHEME ? [] : next(doc, token)),
      provideDocumentSymbols: (doc, token, next) => (doc.uri.scheme === EXCERPT_SCHEME ? [] : next(doc, token)),
      provideDocumentSemanticTokens: (doc, token, next) => (doc.uri.scheme === EXCERPT_SCHEME ? undefined : next(doc, token)),
    },
    // Hover links run only these commands of ours (markdown `command:` URIs from the server).
    markdown: {
      isTrusted: {
        enabledCommands: [
          'iisAuthLens.decodeAuthorizationHeader',
          'iisAuthLens.checkChannelBindings',
          'iisAuthLens.probeMrsEndpoint',
          'iisAuthLens.findMatchingIisLines',
          'iisAuthLens.explainError',
          'iisAuthLens.copyRemediation',
          'iisAuthLens.openMatchingFreb',
        ],
      },
    },
  };
  client = new LanguageClient('iisAuthLens', 'IIS Auth Lens', serverOptions, clientOptions);
  await client.start();
  log.info(`IIS Auth Lens ${String(context.extension.packageJSON.version)} activated; language server started.`);

  const ctx: ClientContext = { extension: context, client, log, testMode: isTestMode(context) };
  const { disposables, registered } = await activateFeatures(ctx);
  context.subscriptions.push(...disposables);
  if (ctx.testMode) log.info(`Test mode: ${registered.filter((id) => COMMANDS[id].visibility === 'testHook').length} test hooks registered.`);
  return { client, commands: { table: COMMANDS, registered } };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
