// Every client feature (commands, views, webviews), one module each.
import type { ClientFeature } from '../context';
import { contentLanguageDetection } from './contentLanguageDetection';

export const clientFeatures: ClientFeature[] = [
  contentLanguageDetection,
];
