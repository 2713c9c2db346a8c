import { FAILSAFE_SCHEMA, load, type State, Type } from 'js-yaml';
import { withOptimizingCompiler } from '../compiler-tier.js';
import { isObject } from '../json.js';
import type { Loc } from './types.js';
import { CORE_TAGS } from './yaml-core.js';
import type { LinesReading } from './yaml-lines.js';
import { MAX_DEPTH } from './ynode.js';

/**
 * js-yaml's reading of a manifest, for files the line reader (yaml-lines.ts) leaves alone: loaded only
 * then (yaml-fast.ts). It gives up (undefined) on anchors, aliases, tags and directives, explicit `?`
 * keys and collections used as keys, tabs, a comment YAML 1.2 refuses, and any text js-yaml refuses
 * (duplicate keys, several documents, syntax errors): the located reading (yaml-tree.ts) reads or reports those.
 */
const UNSUPPORTED = [
  /[&*!%\t]/,
  /(^|[\s,[{])\?(\s|$)/m,
  /[\]}]\s*:(\s|$)/,
];

const HASH = 0x23;

/** js-yaml's schema: the core tags (yaml-core.ts) as js-yaml types, one per tag trying its forms in turn. */
const CORE = FAILSAFE_SCHEMA.extend({
  implicit: CORE_TAGS.map(
    ({ name, starts, forms }) =>
      new Type(`tag:yaml.org,2002:${name}`, {
        kind: 'scalar',
        resolve: (text: string) => starts.includes(text.charAt(0)) && forms.some(([test]) => test.test(text)),
        construct: (text: string) => forms.find(([test]) => test.test(text))?.[1](text),
      }),
  ),
});

/** The file's data as js-yaml reads it, for what the line reader leaves alone. */
export function readJsYaml(file: string, text: string): LinesReading | undefined {
  if (UNSUPPORTED.some((pattern) => pattern.test(text))) return undefined;
  // Where each item of a top-level list starts, found as js-yaml opens and closes nodes: depth 1 is the
  // file's mapping, 2 its keys and sections, 3 a section's items (a flow item opens once more inside).
  const itemLocs = new Map<unknown, Loc[]>();
  let depth = 0;
  let items: Loc[] = [];
  let itemStart: Pick<State, 'position' | 'line' | 'lineStart'> = { position: 0, line: 0, lineStart: 0 };
  // A `#` right after a value that ends on a quote or bracket (`[x]#`, `"x"#c`): YAML 1.2 reads a comment
  // only after white space and refuses it there, js-yaml takes it as a comment. Seen where each value
  // ends, at one character's cost: a pattern over the text would also catch the opening quote of
  // `"#0059d6"`, a colour every branding section has.
  let unseparatedComment = false;
  const listener = (event: 'open' | 'close', state: State) => {
    if (event === 'close' && text.charCodeAt(state.position) === HASH && !/\s/.test(text.charAt(state.position - 1))) {
      unseparatedComment = true;
    }
    if (event === 'open') {
      depth += 1;
      if (depth === 2) items = [];
      else if (depth === 3) itemStart = { position: state.position, line: state.line, lineStart: state.lineStart };
      return;
    }
    if (depth === 3) items.push(startOf(file, text, itemStart, isObject(state.result)));
    if (depth === 2 && Array.isArray(state.result)) itemLocs.set(state.result, items);
    depth -= 1;
  };
  let data: unknown;
  try {
    // maxDepth counts every value, scalars included: deeper files are left to yaml-tree.ts to report.
    data = withOptimizingCompiler(() => load(text, { schema: CORE, listener, maxDepth: MAX_DEPTH } as Parameters<typeof load>[1]));
  } catch {
    return undefined;
  }
  return unseparatedComment ? undefined : { data, itemLocs };
}

/**
 * Where an item starting at `offset` begins as yaml-tree.ts's startLoc says: its first character, or for
 * a mapping its first key (past a flow mapping's `{`). Spaces, line breaks and comments are skipped.
 */
function startOf(file: string, text: string, start: Pick<State, 'position' | 'line' | 'lineStart'>, mapping: boolean): Loc {
  const skip = (at: number) => {
    for (;;) {
      while (at < text.length && /\s/.test(text.charAt(at))) at++;
      if (text[at] !== '#') return at;
      while (at < text.length && text[at] !== '\n') at++;
    }
  };
  let at = skip(start.position);
  if (mapping && text[at] === '{') at = skip(at + 1);
  let { line, lineStart } = start;
  for (let i = text.indexOf('\n', lineStart); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) [line, lineStart] = [line + 1, i + 1];
  return { file, line: line + 1, col: at - lineStart + 1 };
}
