// Every server feature, one file each. Order matters only for hover: the first provider
// that answers wins, so the most specific ones come first.
import type { Feature } from '../context';

export const features: Feature[] = [];
