import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import { type Diag, error, warning } from './diagnostics.js';
import type { Loc } from './types.js';
import { wordYamlProblem } from './yaml-problem.js';
import { MAX_DEPTH, streamYaml } from './yaml-stream.js';
import type { YEntry, YNode, YScalar } from './ynode.js';

// The tree's shape and helpers live in ynode.ts; most callers reach them through here.
export * from './ynode.js';

export interface ParsedFile {
  /** Undefined when the file could not be parsed or is empty. */
  root: YNode | undefined;
  /** The file has YAML errors: nothing in it may be used, items handed to a sink included. */
  failed: boolean;
  diagnostics: Diag[];
}

/** Takes list items of some top-level sections one by one while a file is parsed. */
export interface ItemSink {
  sections: ReadonlySet<string>;
  item(section: string, node: YNode): void;
}

/** The yaml library appends " at line L, column C:" and a source excerpt; we print our own location. */
function plainYamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
}

const YAML_HINTS: Record<string, string> = {
  MULTIPLE_DOCS: 'A manifest file holds one YAML document: remove the `---` separator or split the file.',
  DUPLICATE_KEY: 'Each key may appear once per mapping: merge or remove the repeated key.',
};

/**
 * A file as a tree. Items of `sink.sections` lists go to the sink as soon as each is parsed, instead of
 * into the tree, so a large file is never held whole; each list's last item stays in the tree, as does
 * everything from a file's first anchor or directive on (see yaml-stream.ts).
 */
export function parseYamlFile(file: string, text: string, sink?: ItemSink): ParsedFile {
  const lineCounter = new LineCounter();
  const locOf = (offset: number): Loc => ({ file, ...lineCounter.linePos(offset) });
  // Conversion problems count only if the whole file parses.
  const converted: Diag[] = [];
  const budget = { aliasNodes: MAX_ALIAS_NODES + text.length, tooDeep: false };
  const context = (doc: Document): ConvertContext => ({ doc, locOf, diagnostics: converted, stack: new Set(), budget });
  const { doc, errors, warnings, tooDeep } = streamYaml(text, {
    lineCounter,
    sections: sink?.sections ?? new Set(),
    onItem: (section, item, itemDoc) => sink?.item(section, convert(context(itemDoc), item, 0)),
  });
  const diagnostics: Diag[] = [];
  if (tooDeep !== undefined) diagnostics.push(tooDeepError(locOf(tooDeep)));
  for (const problem of [...errors, ...warnings]) {
    const make = problem.name === 'YAMLWarning' ? warning : error;
    const worded = wordYamlProblem(text, problem);
    const loc = locOf(worded?.at ?? problemStart(text, problem));
    const message = worded?.message ?? plainYamlMessage(problem.message);
    // One unclosed bracket can be reported once per collection it leaves open: say it once.
    if (diagnostics.some((d) => d.message === message && d.loc?.line === loc.line && d.loc.col === loc.col)) continue;
    diagnostics.push(
      make('yaml_syntax', message, {
        loc,
        hint:
          worded?.hint ??
          (/reserved character @/.test(problem.message)
            ? "A keyword written as a whole value must be quoted: '@@NAME@@' (YAML reserves a leading @)."
            : (YAML_HINTS[problem.code] ?? 'Fix the YAML syntax at this position.')),
      }),
    );
  }
  if (errors.length > 0) return { root: undefined, failed: true, diagnostics };
  if (tooDeep !== undefined) return { root: undefined, failed: true, diagnostics };
  const root = doc?.contents ? convert(context(doc), doc.contents, 0) : undefined;
  return { root, failed: false, diagnostics: [...diagnostics, ...converted] };
}

/**
 * Where to point for a YAML problem. The yaml package reports an unclosed quote where the scalar it
 * swallowed ends: often the file's last line, far below the quote a user forgot to close (`b: "y` on line
 * 2 of a 500-line file was reported at line 501). The opening quote is the last one before that end not
 * escaped (`\"` in double quotes, `''` in single quotes): the scalar ran from it, and any closing quote
 * would have ended it.
 */
function problemStart(text: string, problem: { code: string; message: string; pos: [number, number] }): number {
  const end = problem.pos[0];
  const quote = problem.code === 'MISSING_CHAR' ? /^Missing closing (["'])quote/.exec(problem.message)?.[1] : undefined;
  if (quote === undefined) return end;
  for (let at = Math.min(end, text.length) - 1; at >= 0; at--) {
    if (text[at] !== quote) continue;
    if (quote === "'" && text[at - 1] === "'") {
      at--;
      continue;
    }
    let backslashes = 0;
    while (quote === '"' && text[at - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return end;
}

/**
 * Each alias is expanded into a copy of its anchor's value, so a few lines of nested aliases ("billion
 * laughs") would expand into billions of values. A file may expand this many values through aliases,
 * plus one per character of its text (a large file may reuse anchors more often).
 */
const MAX_ALIAS_NODES = 100_000;

function tooDeepError(loc: Loc): Diag {
  return error('yaml_too_deep', `values are nested more than ${MAX_DEPTH} levels deep`, {
    loc,
    hint: 'No manifest field nests this deep: look for unclosed or repeated [ or { here, or aliases that nest each other.',
  });
}

interface ConvertContext {
  doc: Document;
  locOf: (offset: number) => Loc;
  diagnostics: Diag[];
  /** Nodes being converted, to refuse aliases that point at their own ancestor (infinite data). */
  stack: Set<Node>;
  /** Values aliases may still expand to in this file, and whether it was found too deep (reported once). */
  budget: { aliasNodes: number; tooDeep: boolean };
  /** Set while an alias is being expanded: its values count against the budget. */
  inAlias?: boolean;
}

function convert(ctx: ConvertContext, node: Node, depth: number): YNode {
  const loc = ctx.locOf(node.range?.[0] ?? 0);
  // Aliases of aliases can nest deeper than the text does.
  if (depth > MAX_DEPTH) {
    if (!ctx.budget.tooDeep) ctx.diagnostics.push(tooDeepError(loc));
    ctx.budget.tooDeep = true;
    return { type: 'scalar', value: null, loc, broken: true };
  }
  if (ctx.inAlias && --ctx.budget.aliasNodes < 0) {
    // Reported once, at the first alias past the budget; everything after it is cut short silently.
    if (ctx.budget.aliasNodes === -1) {
      ctx.diagnostics.push(
        error('yaml_alias_bomb', 'aliases in this file expand to too many values', {
          loc,
          hint: 'Aliases copy their anchor\'s whole value: write the values out, or nest fewer aliases in each other.',
        }),
      );
    }
    return { type: 'scalar', value: null, loc, broken: true };
  }
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    if (target === undefined || ctx.stack.has(target)) {
      ctx.diagnostics.push(
        error('yaml_alias', `alias '*${node.source}' cannot be resolved`, {
          loc,
          hint: 'Define the anchor before using it, and do not make an anchor refer to itself.',
        }),
      );
      return { type: 'scalar', value: null, loc, broken: true };
    }
    // Everything under an alias points at the alias: that is where the user wrote this value.
    return relocate(convert({ ...ctx, inAlias: true }, target, depth), loc);
  }
  ctx.stack.add(node);
  try {
    if (isMap(node)) {
      const entries: YEntry[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyLoc = keyNode?.range ? ctx.locOf(keyNode.range[0]) : loc;
        if (keyNode !== null && !isScalar(keyNode)) {
          ctx.diagnostics.push(
            error('yaml_key', 'mapping keys must be plain strings', {
              loc: keyLoc,
              hint: 'Use a plain word as the key.',
            }),
          );
          continue;
        }
        const key = keyNode === null ? '' : String(keyNode.value);
        const valueNode = pair.value as Node | null;
        const value =
          valueNode === null
            ? ({ type: 'scalar', value: null, loc: keyLoc } as const)
            : convert(ctx, valueNode, depth + 1);
        entries.push({ key, keyLoc, value });
      }
      return { type: 'map', entries, loc };
    }
    if (isSeq(node)) {
      const items = node.items.map((item) =>
        item === null ? ({ type: 'scalar', value: null, loc } as const) : convert(ctx, item as Node, depth + 1),
      );
      return { type: 'seq', items, loc };
    }
    if (isScalar(node)) {
      const scalar: YScalar = { type: 'scalar', value: scalarValue(node.value), loc };
      // In YAML ` #` starts a comment, so an unquoted `text ##NAME##` silently loses the keyword.
      const lost = /^#([A-Za-z_][A-Za-z0-9_]*)##/.exec(node.comment ?? '');
      if (lost === null) return scalar;
      ctx.diagnostics.push(
        error('keyword_in_comment', `'##${lost[1]}##' is read as a YAML comment, not as a keyword`, {
          loc,
          hint: "Quote the whole value, e.g. 'Orders at ##APP_URL##'.",
        }),
      );
      return { ...scalar, broken: true };
    }
    return { type: 'scalar', value: null, loc };
  } finally {
    ctx.stack.delete(node);
  }
}

function scalarValue(value: unknown): YScalar['value'] {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  // Custom tags and other exotic values (no JSON equivalent) are kept as their text.
  return String(value);
}

function relocate(node: YNode, loc: Loc): YNode {
  switch (node.type) {
    case 'scalar':
      return { ...node, loc };
    case 'seq':
      return { ...node, loc, items: node.items.map((item) => relocate(item, loc)) };
    case 'map':
      return {
        ...node,
        loc,
        entries: node.entries.map((entry) => ({
          key: entry.key,
          keyLoc: loc,
          value: relocate(entry.value, loc),
        })),
      };
  }
}
