// Every client feature (commands, views, webviews), one module each.
import type { ClientFeature } from '../context';
import { decodeCommands } from './decodeCommands';
import { frebReport } from './frebReport';
import { frebSearch } from './frebSearch';
import { explainError } from './explainError';
import { findMatchingIisLines } from './findMatchingIisLines';
import { authTimeline } from './authTimeline';
import { evidenceLinks } from './evidenceLinks';
import { contentLanguageDetection } from './contentLanguageDetection';
import { logSummaryView } from './logSummaryView';
import { logExcerptView } from './logExcerptView';
import { evidenceReadOnly } from './evidenceReadOnly';
import { showFindingsCommand } from './showFindings';
import { largeFiles } from './largeFiles';
import { analyzeFolderCommand } from './analyzeFolder';
import { probeCommand } from './probeCommand';
import { epConfigView } from './epConfigView';

export const clientFeatures: ClientFeature[] = [
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
