import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/manifest/yaml-lines.js';
import { readings } from '../helpers/yaml-readings.js';

/**
 * The line reader (yaml-lines.ts) is the first reading of every manifest: what it accepts goes to the plan
 * as read, so it must read exactly what the located reading (the yaml library) reads, and accept nothing
 * that reading finds wrong. Documents are generated in the styles manifests are written in (block and
 * flow, quoted and plain, comments, lists at or under their key's indentation); then mutated one
 * character at a time, where the reader may give up but never read otherwise.
 */
type Doc =
  | { kind: 'scalar'; text: string }
  | { kind: 'map'; flow: boolean; step: number; entries: [string, Doc][]; comment: boolean }
  | { kind: 'seq'; flow: boolean; step: number; items: Doc[]; dash: string };

const NOT_PLAIN_START = '|>&*!%@`#,[]{}?:\'"';
/** A plain scalar valid in block and flow context alike, with no `: ` or ` #` that would end or split it. */
const safePlain = (t: string) =>
  t.length > 0 &&
  t.trim() === t &&
  !NOT_PLAIN_START.includes(t.charAt(0)) &&
  !/^- |^-$|: | #|:$|[,[\]{}]/.test(t);
const plain = fc.oneof(
  fc.constantFrom('true', 'False', 'NULL', '~', '0o17', '0x1F', '-12', '+3', '1.5e3', '.5', '-.inf', '.NaN', '1_000', '007', '0b11'),
  fc.constantFrom('yes', 'https://*.example/cb', 'a#b', '-x', 'Ünïcode 😀', 'a:b', 'x!y', '100%', 'a  b', 'e@mail.example'),
  fc.string({ unit: fc.constantFrom(...'abZ09-._/:@*&!#%?~+ é'), minLength: 1, maxLength: 8 }),
).filter(safePlain);
const singleQuoted = fc.string({ unit: fc.constantFrom(...'ab \'"\\#:,[]{}-é'), maxLength: 6 }).map((t) => `'${t.replaceAll("'", "''")}'`);
const doubleQuoted = fc
  .array(fc.constantFrom('a', ' ', '\\\\', '\\"', '\\n', '\\t', '\\u00e9', '\\/', "'", '#', ': ', ','), { maxLength: 5 })
  .map((parts) => `"${parts.join('')}"`);
const scalar = fc.oneof({ weight: 4, arbitrary: plain }, singleQuoted, doubleQuoted).map((text): Doc => ({ kind: 'scalar', text }));
const key = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_.-]{0,5}$/).filter((k) => !/^(?:null|true|false)$/i.test(k)) },
  fc.constantFrom("'a b'", '"x: y"', "'#'", "'true'"),
);

const { doc } = fc.letrec<{ doc: Doc; map: Doc; seq: Doc }>((tie) => ({
  doc: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 3, arbitrary: scalar }, tie('map'), tie('seq')),
  map: fc.record({
    kind: fc.constant('map' as const),
    flow: fc.boolean(),
    step: fc.constantFrom(1, 2, 4),
    entries: fc.uniqueArray(fc.tuple(key, tie('doc')), { maxLength: 4, selector: ([k]) => k.replace(/^['"]|['"]$/g, '') }),
    comment: fc.boolean(),
  }),
  seq: fc.record({
    kind: fc.constant('seq' as const),
    flow: fc.boolean(),
    step: fc.constantFrom(0, 2, 3),
    items: fc.array(tie('doc'), { maxLength: 4 }),
    dash: fc.constantFrom('- ', '-   '),
  }),
}));

const flowText = (d: Doc): string =>
  d.kind === 'scalar'
    ? d.text
    : d.kind === 'map'
      ? `{ ${d.entries.map(([k, v]) => `${k}: ${flowText(v)}`).join(', ')} }`
      : `[${d.items.map(flowText).join(', ')}]`;

/** Whether a value goes on its key's or dash's line: scalars, flow collections, and empty collections. */
const inline = (d: Doc) => d.kind === 'scalar' || d.flow || (d.kind === 'map' ? d.entries.length === 0 : d.items.length === 0);

/** A block collection's lines at `indent`; the first line's text may be taken over by a dash (`prefix`). */
function blockLines(d: Doc, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  if (d.kind === 'map') {
    d.entries.forEach(([k, v], i) => {
      if (d.comment && i === 1) out.push(`${pad}# about ${k}`, '');
      if (inline(v)) out.push(`${pad}${k}: ${flowText(v)}${d.comment && i === 0 ? '  # note' : ''}`);
      else {
        out.push(`${pad}${k}:`);
        const under = v.kind === 'seq' ? indent + v.step : indent + d.step;
        out.push(...blockLines(v, under));
      }
    });
  } else if (d.kind === 'seq') {
    for (const item of d.items) {
      if (inline(item)) out.push(`${pad}${d.dash}${flowText(item)}`);
      else if (item.kind === 'map') {
        // A compact mapping: its first key on the dash's line, the others under it.
        const [first, ...rest] = blockLines(item, indent + d.dash.length);
        out.push(`${pad}${d.dash}${(first ?? '').trimStart()}`, ...rest);
      } else {
        // A list in a list is left to js-yaml: written in flow.
        out.push(`${pad}${d.dash}${flowText(item)}`);
      }
    }
  }
  return out;
}

const documents = fc
  .uniqueArray(fc.tuple(fc.oneof(fc.constantFrom('clients', 'users', 'tenant'), key), doc), { minLength: 1, maxLength: 4, selector: ([k]) => k.replace(/^['"]|['"]$/g, '') })
  .map((entries) => `${blockLines({ kind: 'map', flow: false, step: 2, entries, comment: false }, 0).join('\n')}\n`);

describe('the line reader', () => {
  it('reads the documents it is made for, exactly as the located reading does', () => {
    fc.assert(
      fc.property(documents, (text) => {
        expect(readLines('m.yaml', text), text).toBeDefined();
        const { fast, located, locatedErrors } = readings(text);
        expect(locatedErrors, text).toEqual([]);
        expect(fast, text).toEqual(located);
      }),
      { numRuns: 400 },
    );
  });

  it('reads a changed document the same or gives it up, and accepts nothing the located reading refuses', () => {
    const edit = fc.record({
      at: fc.nat(),
      insert: fc.constantFrom('', ' ', ':', ': ', '#', ' #', '-', '- ', "'", '"', '\\', '[', ']', '{', '}', ',', '\n', '\n  ', '?', '&a ', '*a', '!t ', '|', '>', '---\n'),
      remove: fc.nat({ max: 2 }),
    });
    fc.assert(
      fc.property(documents, fc.array(edit, { minLength: 1, maxLength: 3 }), (original, edits) => {
        let text = original;
        for (const { at, insert, remove } of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        if (readLines('m.yaml', text) === undefined) return;
        const { fast, located, locatedErrors } = readings(text);
        expect(locatedErrors, text).toEqual([]);
        expect(fast, text).toEqual(located);
      }),
      { numRuns: 1500 },
    );
  });

  it('gives up on what it leaves to js-yaml or the located reading', () => {
    for (const text of [
      'clients:\n  - name: a\n    description: |\n      two\n      lines\n', // a block scalar
      'clients:\n  - name: a\n    description: two\n      lines\n', // a plain scalar over two lines
      'clients:\n  - [a,\n    b]\n', // a flow collection over two lines
      'clients:\n  -\n    name: a\n', // an item on the line after its dash
      'tenant:\n  ? friendly_name\n  : Acme\n', // an explicit key
      'clients:\n  - name: "\\x41"\n', // an escape it does not know
    ]) {
      expect(readLines('m.yaml', text), text).toBeUndefined();
      const { fast, located } = readings(text);
      if (fast !== undefined) expect(fast, text).toEqual(located);
    }
  });
});
