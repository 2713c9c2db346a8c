import {
  Composer,
  CST,
  type Document,
  isSeq,
  Lexer,
  type LineCounter,
  type Node,
  Parser,
  type YAMLError,
  YAMLParseError,
} from 'yaml';

/**
 * Parsing a manifest with tens of thousands of list items in one go holds the yaml library's token tree
 * (about 6 KB per user) and its Document (about 3 KB) at once. Instead the file is lexed and parsed token
 * by token, and every finished item of a top-level section's block list is taken out of the parser's tree
 * and composed on its own, so only one item at a time is held in full. What remains (section keys, each
 * list's last item, everything else) is composed as one Document, as `parseDocument` would.
 */
export interface StreamOptions {
  /** Filled as the text is read: items handed over can already be located. */
  lineCounter: LineCounter;
  /** Top-level keys whose block-list items are handed over one by one. */
  sections: ReadonlySet<string>;
  /** A finished item without errors; `doc` is the small document it was composed in. */
  onItem(section: string, item: Node, doc: Document.Parsed): void;
}

export interface Streamed {
  /** The first document, without the items handed over; undefined for an empty file. */
  doc: Document.Parsed | undefined;
  /** Problems of the whole file, handed-over items included. */
  errors: YAMLError[];
  warnings: YAMLError[];
  /** Where the text nests deeper than MAX_DEPTH: reading stopped there and nothing of the file is usable. */
  tooDeep?: number;
}

// MAX_DEPTH lives in ynode.ts, so the fast reading can use it without loading the yaml library.
import { MAX_DEPTH } from './ynode.js';

export { MAX_DEPTH };

const PARSE_OPTIONS = { uniqueKeys: true } as const;
const BETWEEN = new Set(['space', 'newline', 'comment']);

/** The section a top-level pair names, when its key is written plainly (no anchor, tag or `?`). */
function sectionOf(pair: CST.BlockMap['items'][number], sections: ReadonlySet<string>): string | undefined {
  const { key, sep } = pair;
  if (key?.type !== 'scalar' || !sections.has(key.source)) return undefined;
  if (!pair.start.every((t) => BETWEEN.has(t.type))) return undefined;
  if (!sep?.every((t) => BETWEEN.has(t.type) || t.type === 'map-value-ind')) return undefined;
  return key.source;
}

export function streamYaml(text: string, options: StreamOptions): Streamed {
  const parser = new Parser(options.lineCounter.addNewLine);
  const itemComposer = new Composer(PARSE_OPTIONS);
  const errors: YAMLError[] = [];
  const warnings: YAMLError[] = [];
  let tooDeep: number | undefined;

  /** One item, composed in a list of its own at the list's indentation. */
  const compose = (seq: CST.BlockSequence, item: CST.BlockSequence['items'][number]) => {
    const value: CST.BlockSequence = { type: 'block-seq', offset: seq.offset, indent: seq.indent, items: [item] };
    const token: CST.Document = { type: 'document', offset: seq.offset, start: [], value };
    const [doc] = [...itemComposer.next(token), ...itemComposer.end()];
    return doc as Document.Parsed;
  };

  /** Takes the finished items (all but the last) out of a section list being parsed at the top level. */
  const handOver = (stack: CST.Token[]) => {
    const [doc, map, seq] = stack;
    if (doc?.type !== 'document' || map?.type !== 'block-map' || seq?.type !== 'block-seq') return;
    if (seq.items.length < 2) return;
    const pair = map.items[map.items.length - 1];
    const section = pair && sectionOf(pair, options.sections);
    if (section === undefined) return;
    for (const item of seq.items.splice(0, seq.items.length - 1)) {
      const composed = compose(seq, item);
      const node = isSeq(composed.contents) ? (composed.contents.items[0] as Node | undefined) : undefined;
      // The composer places problems of an item relative to the end of the previous one: the list's
      // offset moves along, for the next item and for the items left in the Document.
      if (node?.range) seq.offset = node.range[2];
      errors.push(...composed.errors);
      warnings.push(...composed.warnings);
      if (node !== undefined && composed.errors.length === 0) options.onItem(section, node, composed);
    }
  };

  function* tokens(): Generator<CST.Token> {
    // Anchors may be used by later items, and directives change how items are read: from the first of
    // either on, everything stays in the one Document.
    let streaming = true;
    let scalarText = false;
    // As `Parser.parse` does before its first token: line 1 starts at offset 0.
    options.lineCounter.addNewLine(0);
    for (const lexeme of new Lexer().lex(text)) {
      // The parser's stack holds one entry per open collection (plus the document): its depth is the nesting.
      if (parser.stack.length > MAX_DEPTH) {
        tooDeep = parser.offset;
        return;
      }
      // The lexeme after the scalar marker is a scalar's text, whatever it starts with.
      const type = scalarText ? 'scalar' : CST.tokenType(lexeme);
      scalarText = !scalarText && lexeme === CST.SCALAR;
      if (type === 'anchor' || type === 'directive-line') streaming = false;
      for (const token of parser.next(lexeme)) {
        if (token.type === 'document') streaming = false;
        yield token;
      }
      if (streaming) handOver(parser.stack);
    }
    yield* parser.end();
  }

  // As `parseDocument`: the first document is the file, a second one is an error.
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(PARSE_OPTIONS).compose(tokens(), true, text.length)) {
    if (doc === undefined) {
      doc = next;
      continue;
    }
    const message = 'Source contains multiple documents; please use YAML.parseAllDocuments()';
    doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', message));
    break;
  }
  if (tooDeep !== undefined) return { doc: undefined, errors, warnings, tooDeep };
  errors.push(...(doc?.errors ?? []));
  warnings.push(...(doc?.warnings ?? []));
  return { doc: doc?.contents === null ? undefined : doc, errors, warnings };
}
