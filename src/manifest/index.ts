export { diagnosticText, formatDiagnostic, shownPath } from './format.js';
export { manifestJsonSchema } from './json-schema.js';
export { type LoadOptions, loadManifests } from './load.js';
export type { Desired, DesiredItem, Diagnostic, LoadResult, Loc, Place, SensitiveValue } from './types.js';
