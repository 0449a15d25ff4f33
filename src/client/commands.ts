// THE command table: every command the extension registers, with the feature module whose
// activate() supplies its handler and who may reach it. activateFeatures (features.ts) registers
// from this table and nowhere else; test/unit/commandTable.test.ts checks it against package.json.
// Plain data (no vscode import), so the unit test reads it as is.
//
//   public    contributed in package.json (palette, menus, welcome links)
//   internal  not contributed, but users reach it: CodeLens, hover links, tree items
//   testHook  returns internal state to (or drives) the e2e suite: registered only in the
//             extension's test mode (isTestMode in context.ts), never for users

export type CommandVisibility = 'public' | 'internal' | 'testHook';

interface CommandSpec {
  /** The feature module (under src/client) whose activate() returns the handler. */
  readonly feature: string;
  readonly visibility: CommandVisibility;
}

export const COMMANDS = {
  // logs
  'iisAuthLens.analyzeFolder': { feature: 'logs/analyzeFolder', visibility: 'public' },
  'iisAuthLens.analyzeLargeFile': { feature: 'logs/largeFiles', visibility: 'public' },
  'iisAuthLens.showFindings': { feature: 'logs/showFindings', visibility: 'public' },
  'iisAuthLens.findMatchingIisLines': { feature: 'logs/findMatchingIisLines', visibility: 'public' },
  'iisAuthLens.clearAnalyzedFindings': { feature: 'logs/logSummaryView', visibility: 'public' },
  'iisAuthLens.clearAnalyzedFile': { feature: 'logs/logSummaryView', visibility: 'public' },
  'iisAuthLens.logSummary.revealLine': { feature: 'logs/logSummaryView', visibility: 'internal' },
  'iisAuthLens.logSummary.results': { feature: 'logs/logSummaryView', visibility: 'testHook' },
  'iisAuthLens.logSummary.rendered': { feature: 'logs/logSummaryView', visibility: 'testHook' },
  'iisAuthLens.logSummary.blockItems': { feature: 'logs/logSummaryView', visibility: 'testHook' },
  'iisAuthLens.logSummary.clear': { feature: 'logs/logSummaryView', visibility: 'testHook' },
  'iisAuthLens.excerptState': { feature: 'logs/logExcerptView', visibility: 'testHook' },
  'iisAuthLens.findingsPickState': { feature: 'logs/showFindings', visibility: 'testHook' },
  // documents
  'iisAuthLens.openReadOnly': { feature: 'documents/evidenceReadOnly', visibility: 'public' },
  // freb
  'iisAuthLens.openFrebReport': { feature: 'freb/frebReport', visibility: 'public' },
  'iisAuthLens.showFrebFailingEvent': { feature: 'freb/frebReport', visibility: 'public' },
  'iisAuthLens.frebReport.state': { feature: 'freb/frebReport', visibility: 'testHook' },
  'iisAuthLens.findFrebTraces': { feature: 'freb/frebSearch', visibility: 'public' },
  'iisAuthLens.copyFrebMatches': { feature: 'freb/frebSearch', visibility: 'public' },
  'iisAuthLens.exportFrebMatchesCsv': { feature: 'freb/frebSearch', visibility: 'public' },
  'iisAuthLens.frebResults.openReport': { feature: 'freb/frebSearch', visibility: 'public' },
  'iisAuthLens.frebResults.openXml': { feature: 'freb/frebSearch', visibility: 'public' },
  'iisAuthLens.frebResults.items': { feature: 'freb/frebSearch', visibility: 'testHook' },
  'iisAuthLens.frebResults.lastCopy': { feature: 'freb/frebSearch', visibility: 'testHook' },
  'iisAuthLens.setFrebFolder': { feature: 'freb/evidenceLinks', visibility: 'public' },
  'iisAuthLens.openMatchingFreb': { feature: 'freb/evidenceLinks', visibility: 'public' },
  'iisAuthLens.openMatchingIisLine': { feature: 'freb/evidenceLinks', visibility: 'public' },
  // probe
  'iisAuthLens.probeMrsEndpoint': { feature: 'probe/probeCommand', visibility: 'public' },
  'iisAuthLens.forgetProbePassword': { feature: 'probe/probeCommand', visibility: 'public' },
  'iisAuthLens.probeReportState': { feature: 'probe/probeCommand', visibility: 'testHook' },
  'iisAuthLens.probeReportMessage': { feature: 'probe/probeCommand', visibility: 'testHook' },
  // decode
  'iisAuthLens.decodeAuthorizationHeader': { feature: 'decode/decodeCommands', visibility: 'public' },
  'iisAuthLens.checkChannelBindings': { feature: 'decode/decodeCommands', visibility: 'public' },
  'iisAuthLens.revealBasicPassword': { feature: 'decode/decodeCommands', visibility: 'public' },
  // explain
  'iisAuthLens.explainError': { feature: 'explain/explainError', visibility: 'public' },
  'iisAuthLens.copyRemediation': { feature: 'explain/explainError', visibility: 'internal' },
  // timeline
  'iisAuthLens.openAuthTimeline': { feature: 'timeline/authTimeline', visibility: 'public' },
  'iisAuthLens.authTimelineState': { feature: 'timeline/authTimeline', visibility: 'testHook' },
  // epconfig
  'iisAuthLens.showEpConfigFolder': { feature: 'epconfig/epConfigView', visibility: 'public' },
  'iisAuthLens.epConfig.rows': { feature: 'epconfig/epConfigView', visibility: 'testHook' },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof COMMANDS;
export type CommandFeature = (typeof COMMANDS)[CommandId]['feature'];

/** The ids whose handler the feature module F supplies. */
export type CommandsOf<F extends CommandFeature> = { [K in CommandId]: (typeof COMMANDS)[K]['feature'] extends F ? K : never }[CommandId];

/** A command handler; its parameters are whatever the command's callers pass. */
export type CommandHandler = (...args: never[]) => unknown;

/** What a feature module hands to the registration: one handler per command of its own in the table. */
export type CommandHandlers<F extends CommandFeature> = Record<CommandsOf<F>, CommandHandler>;

/** Every id in the table, in table order. */
export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

/** The ids registered in a mode: test hooks only in the extension's test mode. */
export function registeredCommandIds(testMode: boolean): CommandId[] {
  return COMMAND_IDS.filter((id) => testMode || COMMANDS[id].visibility !== 'testHook');
}
