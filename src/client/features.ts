// Every client feature (commands, views, webviews), one module each, and the one place that
// registers commands: from the table in commands.ts, with the handlers the features return.
import * as vscode from 'vscode';
import type { AnyClientFeature, ClientContext } from './context';
import { COMMANDS, registeredCommandIds, type CommandHandler, type CommandId } from './commands';
import { decodeCommands } from './decode/decodeCommands';
import { frebReport } from './freb/frebReport';
import { frebSearch } from './freb/frebSearch';
import { explainError } from './explain/explainError';
import { findMatchingIisLines } from './logs/findMatchingIisLines';
import { authTimeline } from './timeline/authTimeline';
import { evidenceLinks } from './freb/evidenceLinks';
import { contentLanguageDetection } from './documents/contentLanguageDetection';
import { logSummaryView } from './logs/logSummaryView';
import { logExcerptView } from './logs/logExcerptView';
import { evidenceReadOnly } from './documents/evidenceReadOnly';
import { showFindingsCommand } from './logs/showFindings';
import { largeFiles } from './logs/largeFiles';
import { analyzeFolderCommand } from './logs/analyzeFolder';
import { probeCommand } from './probe/probeCommand';
import { epConfigView } from './epconfig/epConfigView';

export const clientFeatures: AnyClientFeature[] = [
  decodeCommands,
  explainError,
  findMatchingIisLines,
  authTimeline,
  evidenceLinks,
  contentLanguageDetection,
  logSummaryView,
  logExcerptView,
  evidenceReadOnly,
  showFindingsCommand,
  largeFiles,
  analyzeFolderCommand,
  frebReport,
  frebSearch,
  probeCommand,
  epConfigView,
];

/**
 * Activates every feature (one that fails is logged and left out, the others start), then
 * registers the table's commands for this mode - test hooks only in test mode - and returns the
 * disposables and the ids it registered.
 */
export async function activateFeatures(ctx: ClientContext): Promise<{ disposables: vscode.Disposable[]; registered: CommandId[] }> {
  const disposables: vscode.Disposable[] = [];
  const handlers: Partial<Record<CommandId, CommandHandler>> = {};
  for (const feature of clientFeatures) {
    try {
      const activated = await feature.activate(ctx);
      disposables.push(...(activated.disposables ?? []));
      Object.assign(handlers, activated.commands);
    } catch (err) {
      ctx.log.error(`A feature failed to start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const registered: CommandId[] = [];
  for (const id of registeredCommandIds(ctx.testMode)) {
    const handler = handlers[id];
    if (!handler) {
      ctx.log.error(`${id} is not registered: its feature (${COMMANDS[id].feature}) did not start`);
      continue;
    }
    disposables.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
    registered.push(id);
  }
  return { disposables, registered };
}
