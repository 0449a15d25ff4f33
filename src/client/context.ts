import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { CommandFeature, CommandHandler, CommandHandlers, CommandId, CommandsOf } from './commands';

/** What every command and view module gets at activation. */
export interface ClientContext {
  extension: vscode.ExtensionContext;
  client: LanguageClient;
  log: vscode.LogOutputChannel;
  /** The extension's test mode (isTestMode): test hooks registered, scripted prompts accepted. */
  testMode: boolean;
}

/**
 * The extension's test mode, the one rule for every test hook: the e2e suites run it as
 * ExtensionMode.Test (a development extension with extensionTestsPath), or set
 * IIS_AUTH_LENS_TEST_HOOKS=1 in the extension host's environment (scripts/e2e-code-server.mjs, for
 * an extension installed from a .vsix). Users never have it.
 */
export function isTestMode(extension: vscode.ExtensionContext): boolean {
  return extension.extensionMode === vscode.ExtensionMode.Test || process.env.IIS_AUTH_LENS_TEST_HOOKS === '1';
}

/**
 * What a feature's activate() returns: its views' and listeners' disposables, and one handler for
 * each of its commands in the table (src/client/commands.ts) - the type requires exactly those.
 * The feature does not register them: activateFeatures (features.ts) does, from the table.
 */
export type FeatureActivation<F extends CommandFeature> = { disposables?: vscode.Disposable[] } & ([CommandsOf<F>] extends [never]
  ? { commands?: never }
  : { commands: CommandHandlers<F> });

/** A client feature (F: its module path under src/client, as the command table names it). */
export interface ClientFeature<F extends CommandFeature = never> {
  activate(ctx: ClientContext): FeatureActivation<F> | Promise<FeatureActivation<F>>;
}

/** Any feature, as the activation loop sees it. */
export interface AnyClientFeature {
  activate(ctx: ClientContext): ActivatedFeature | Promise<ActivatedFeature>;
}
export interface ActivatedFeature {
  disposables?: vscode.Disposable[];
  commands?: Partial<Record<CommandId, CommandHandler>>;
}
