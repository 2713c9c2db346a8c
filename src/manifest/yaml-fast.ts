import { isObject, type Json } from '../json.js';
import type { Loc } from './types.js';
import type { ItemSink } from './yaml-tree.js';
import { fromJson, PlainMap, type YNode } from './ynode.js';
import { type LinesReading, readLines } from './yaml-lines.js';

/**
 * The fast reading of a manifest file, for files that turn out valid. Locating every value (yaml-tree.ts)
 * costs most of a large tenant's load; here the file is read as plain data, by the line reader
 * (yaml-lines.ts) or else by js-yaml (both several times faster), and only each list item's start is
 * located, which plans and bulk jobs name. Every other value carries its item's place: the loader reads
 * the files again with yaml-tree.ts as soon as any problem is found, so a diagnostic always points at the
 * exact value.
 *
 * It reads only what it reads exactly as yaml-tree.ts does, and gives up (undefined) on anything else: a
 * `##KEYWORD##` that YAML would take for a comment (yaml-tree.ts reports those), and what both the line
 * reader and js-yaml (yaml-js.ts) leave alone.
 */
const KEYWORD_COMMENT = /\s##[A-Za-z_][A-Za-z0-9_]*##/;
/**
 * The file as a tree, undefined for an empty file; items of `sink.sections` lists go to the sink one by
 * one (their section stays in the tree as an empty list), so a large file's tree is never built whole.
 * Undefined (not an object) when the fast reading gives up.
 */
export async function readYamlFast(file: string, text: string, sink: ItemSink): Promise<FastReading | undefined> {
  if (KEYWORD_COMMENT.test(text)) return undefined;
  const lines = readLines(file, text);
  if (lines === undefined) await loadJsYaml();
  return fromReading(file, text, sink, lines ?? jsYaml!(file, text));
}

type FastReading = { root: YNode | undefined };
type JsYamlReader = (file: string, text: string) => LinesReading | undefined;
let jsYaml: JsYamlReader | undefined;

/**
 * js-yaml's reading sits in a module of its own (yaml-js.ts), loaded for the first file the line reader
 * leaves alone: its ~100 kB cost the start-up of every run whose manifests the line reader reads whole.
 */
export async function loadJsYaml(): Promise<void> {
  jsYaml ??= (await import('./yaml-js.js')).readJsYaml;
}

/** readYamlFast for callers that cannot wait (tests): js-yaml must be loaded first (loadJsYaml). */
export function parseYamlFast(file: string, text: string, sink: ItemSink): FastReading | undefined {
  if (KEYWORD_COMMENT.test(text)) return undefined;
  const reading = readLines(file, text) ?? (jsYaml ?? notLoaded)(file, text);
  return fromReading(file, text, sink, reading);
}

const notLoaded: JsYamlReader = () => {
  throw new Error('parseYamlFast needs js-yaml: await loadJsYaml() first');
};

function fromReading(file: string, text: string, sink: ItemSink, reading: LinesReading | undefined): FastReading | undefined {
  if (reading === undefined) return undefined;
  const { data, itemLocs } = reading;
  if (data === undefined || data === null) return { root: undefined };
  const protoKey = text.includes('__proto__');
  const keywordFree = !text.includes('@@') && !text.includes('##');
  const top: Loc = { file, line: 1, col: 1 };
  if (!isObject(data)) return { root: fromJson(data as Json, top) };
  const entries = Object.entries(data).map(([key, value]) => {
    const locs = Array.isArray(value) ? itemLocs.get(value) : undefined;
    if (!sink.sections.has(key) || !Array.isArray(value) || locs?.length !== value.length) {
      return { key, keyLoc: top, value: fromJson(value, top) };
    }
    value.forEach((item, i) => {
      const loc = locs[i] ?? top;
      // A `__proto__` key reads differently as plain data than as a tree (toJson's assignment): rebuild then.
      if (protoKey) return sink.item(key, fromJson(item, loc));
      sink.item(key, isObject(item) ? new PlainMap(item, loc, keywordFree) : fromJson(item, loc));
    });
    return { key, keyLoc: top, value: { type: 'seq', items: [], loc: top } satisfies YNode };
  });
  return { root: { type: 'map', entries, loc: top } };
}
