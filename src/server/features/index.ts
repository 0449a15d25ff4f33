// Every server feature, one file each. Order matters only for hover: the first provider
// that answers wins, so the most specific ones come first.
import type { Feature } from '../context';
import { errorTextHover } from './errorTextHover';
import { errorTextDiagnostics } from './errorTextDiagnostics';
import { hcwOutline } from './hcwOutline';
import { hcwCodeLens } from './hcwCodeLens';

export const features: Feature[] = [
  errorTextHover,
  errorTextDiagnostics,
  hcwOutline,
  hcwCodeLens,
];
