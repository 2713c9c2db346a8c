import { createRequire } from 'node:module';
import type * as YamlLibrary from 'yaml';
import type { Json } from './json.js';

// Required on the first variable that is not JSON: redaction loads this module on every run (--help
// included), and the YAML library costs start-up time most runs never use.
let yaml: typeof YamlLibrary | undefined;
const yamlLibrary = () => (yaml ??= createRequire(import.meta.url)('yaml') as typeof YamlLibrary);

/**
 * The value of a variable bound with `json: true`. JSON first; else a YAML list or mapping, flow
 * (`[a, b]`, `{region: eu}`) or block over several lines: the deploy tool pasted a variable's text into
 * its YAML files before parsing, so its users' variables hold YAML as often as JSON, and every JSON text
 * reads the same either way. A YAML scalar is not taken: a bare word (`https://a.example/cb`) read as a
 * string where a list was meant would only fail later, further from the variable, and YAML's scalar
 * forms (`yes`, `0o17`, `.inf`) are not what anyone means by a number or a boolean.
 */
export function parseJsonVariable(text: string): { value: Json } | { error: string } {
  try {
    return { value: JSON.parse(text) as Json };
  } catch (cause) {
    const doc = yamlLibrary().parseDocument(text);
    const problem = doc.errors[0];
    if (problem) return { error: problem.message.split('\n')[0] ?? problem.code };
    const value = doc.toJS() as Json;
    if (value !== null && typeof value === 'object') return { value };
    return { error: (cause as Error).message };
  }
}

/** How to set such a variable, for hints. */
export const jsonVariableExample = (env: string): string =>
  `${env}='["one","two"]' or '[one, two]' for a list, ${env}='{"key":"value"}' or 'key: value' for a mapping`;
