export { formatDiagnostic } from './format.js';
export { manifestJsonSchema } from './json-schema.js';
export { type LoadOptions, loadManifests } from './load.js';
export type { Desired, DesiredItem, Diagnostic, LoadResult, Loc, SensitiveValue } from './types.js';
