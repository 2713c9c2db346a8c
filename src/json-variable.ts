import { createRequire } from 'node:module';
import type * as YamlLibrary from 'yaml';
import type { Json } from './json.js';

// Required on the first variable that is not JSON: redaction loads this module on every run (--help
// included), and the YAML library costs start-up time most runs never use.
let yaml: typeof YamlLibrary | undefined;
const yamlLibrary = () => (yaml ??= createRequire(import.meta.url)('yaml') as typeof YamlLibrary);

/**
 * Why a variable's text is not a value, and where in it (1-based) when there is a place. `error` may quote
 * the text: it is for values that are not secret; `at` never holds any of it.
 */
export interface JsonVariableProblem {
  error: string;
  at?: { line: number; column: number };
}

/**
 * The value of a variable bound with `json: true`. JSON first; else a YAML list or mapping, flow
 * (`[a, b]`, `{region: eu}`) or block over several lines: the deploy tool pasted a variable's text into
 * its YAML files before parsing, so its users' variables hold YAML as often as JSON, and every JSON text
 * reads the same either way. A YAML scalar is not taken: a bare word (`https://a.example/cb`) read as a
 * string where a list was meant would only fail later, further from the variable, and YAML's scalar
 * forms (`yes`, `0o17`, `.inf`) are not what anyone means by a number or a boolean.
 */
export function parseJsonVariable(text: string): { value: Json } | JsonVariableProblem {
  try {
    return { value: JSON.parse(text) as Json };
  } catch {
    return parseYamlVariable(text);
  }
}

function parseYamlVariable(text: string): { value: Json } | JsonVariableProblem {
  const { LineCounter, isCollection, parseDocument, visit } = yamlLibrary();
  const lines = new LineCounter();
  // logLevel 'error': the library's warnings go to the process's stderr, past redaction, and quote the
  // text. Without the YAML 1.1 tags, `!!binary` or `!!set` is not read as a JavaScript object JSON has not.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, logLevel: 'error', resolveKnownTags: false });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  // The message without the library's place: the caller says where, in its own words.
  const problem = doc.errors[0];
  if (problem?.code === 'MULTIPLE_DOCS') return { error: 'it holds more than one YAML document (a `---` line starts another)', at: at(problem.pos[0]) };
  if (problem) return { error: lowerFirst(problem.message), at: at(problem.pos[0]) };
  // A list or mapping as a key (`{[a]: 1}`) would become a key made of its text, which for a secret would
  // then be printed in every path through it; JSON has no such key.
  let collectionKey: number | undefined;
  visit(doc, {
    Pair: (_, pair) => {
      if (!isCollection(pair.key)) return undefined;
      collectionKey = pair.key.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  if (collectionKey !== undefined) return { error: 'a mapping key is a list or mapping', at: at(collectionKey) };
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (cause) {
    // An alias to no anchor (`*name`), or too many aliases.
    return { error: lowerFirst((cause as Error).message) };
  }
  if (value !== null && typeof value === 'object') return { value: value as Json };
  return { error: doc.contents === null ? 'it is empty' : 'it is a single value, not a list or mapping (JSON writes text in double quotes)' };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Where a problem is in a variable's value: the column alone when the value is one line. */
export function placeInVariable(text: string, at: { line: number; column: number }): string {
  return text.includes('\n') ? `line ${at.line}, column ${at.column}` : `column ${at.column}`;
}

/** How to set such a variable, for hints. */
export const jsonVariableExample = (env: string): string =>
  `${env}='["one","two"]' or '[one, two]' for a list, ${env}='{"key":"value"}' or 'key: value' for a mapping`;
