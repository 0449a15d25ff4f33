// Every server feature, one file each. Order matters only for hover: the first provider
// that answers wins, so the most specific ones come first.
import type { Feature } from '../context';
import { authTokenHover } from './authTokenHover';
import { frebCodeLens } from './frebCodeLens';
import { frebDiagnosticsFeature } from './frebDiagnostics';
import { frebHoverFeature } from './frebHover';
import { frebSymbols } from './frebSymbols';
import { errorTextHover } from './errorTextHover';
import { errorTextDiagnostics } from './errorTextDiagnostics';
import { hcwOutline } from './hcwOutline';
import { hcwCodeLens } from './hcwCodeLens';
import { w3cSemanticTokens } from './w3cSemanticTokens';
import { w3cHover } from './w3cHover';
import { w3cDiagnosticsFeature } from './w3cDiagnostics';
import { w3cSymbolsFeature } from './w3cSymbols';
import { w3cFolding } from './w3cFolding';
import { w3cCodeLens } from './w3cCodeLens';
import { w3cAnalyzeFile } from './w3cAnalyzeFile';
import { epConfigCodeLens } from './epConfigCodeLens';
import { epConfigDiagnosticsFeature } from './epConfigDiagnostics';
import { epConfigHover } from './epConfigHover';
import { epConfigEvidence } from './epConfigEvidence';

export const features: Feature[] = [
  authTokenHover,
  w3cHover,
  errorTextHover,
  errorTextDiagnostics,
  hcwOutline,
  hcwCodeLens,
  w3cSemanticTokens,
  w3cDiagnosticsFeature,
  w3cSymbolsFeature,
  w3cFolding,
  w3cCodeLens,
  w3cAnalyzeFile,
  frebHoverFeature,
  frebCodeLens,
  frebDiagnosticsFeature,
  frebSymbols,
  epConfigHover,
  epConfigCodeLens,
  epConfigDiagnosticsFeature,
  epConfigEvidence,
];
