import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/** What every command and view module gets at activation. */
export interface ClientContext {
  extension: vscode.ExtensionContext;
  client: LanguageClient;
  log: vscode.LogOutputChannel;
}

/** A client feature: registers its commands, views and listeners and returns their disposables. */
export interface ClientFeature {
  activate(ctx: ClientContext): vscode.Disposable[] | Promise<vscode.Disposable[]>;
}
