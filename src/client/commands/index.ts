// Every client feature (commands, views, webviews), one module each.
import type { ClientFeature } from '../context';

export const clientFeatures: ClientFeature[] = [];
