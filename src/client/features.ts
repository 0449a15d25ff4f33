// Every client feature (commands, views, webviews), one module each.
import type { ClientFeature } from './context';
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
