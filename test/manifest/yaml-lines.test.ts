import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYamlFast, resolvePlain } from '../../src/manifest/yaml-fast.js';
import { readLines } from '../../src/manifest/yaml-lines.js';
import { toJson, type YNode } from '../../src/manifest/ynode.js';

/**
 * The line reader (yaml-lines.ts) stands in for js-yaml on the plainest files: whatever it reads must be
 * what js-yaml reads, data and item places alike, or the fast reading would hand the checks other values
 * than the file holds. Files are generated the way manifests are written (block lists of block or flow
 * mappings, comments, compact lists) from scalars that sit at the edges of YAML's plain, quoted and flow
 * rules, then some are cut and salted with the characters YAML gives meaning to.
 */
const SCALARS = [
  'Client 0', 'user0@bench.example', 'https://api0.bench.example', 's0:api0', 'a:b', 'a: b', 'a :b', 'x:', ':x',
  '3600', '-1', '+1', '0x1F', '0o17', '1e3', '.5', '1.', '.inf', '-.Inf', '.nan', 'true', 'True', 'FALSE', 'yes',
  'null', 'Null', '~', '', ' ', 'a #b', 'a#b', '#x', '- x', '-x', '-', "it's", 'say "hi"', 'back\\slash', 'a, b',
  '[a]', '{a}', 'a]b', '@x', '%x', '`x', '|', '>', '?x', '? x', '!x', '&x', '*x', 'tab\there', 'ünï', 'a  b ',
];
const KEYS = ['name', 'email', 'given_name', 'scope', 'value', 'description', 'true', 'True', 'null', 'a-b', 'x_1', 'key with space', '"quoted"', '1a'];

/** Mostly everyday values and keys, so that many files are read by lines and compared. */
const PLAIN = ['Client 0', 'user0@bench.example', 'https://api0.bench.example', 's0:api0', '3600', '-1', 'true', 'null', 'bench client 7'];
const scalar = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PLAIN) }, { weight: 1, arbitrary: fc.constantFrom(...SCALARS) });
const key = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...KEYS.slice(0, 6)) }, { weight: 1, arbitrary: fc.constantFrom(...KEYS) });
const quote = (text: string, style: number) =>
  style === 0 ? text : style === 1 ? `'${text.replaceAll("'", "''")}'` : `"${text}"`;
const styled = fc.tuple(scalar, fc.integer({ min: 0, max: 2 })).map(([text, style]) => quote(text, style));

const flowValue: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    styled,
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 3, selector: ([k]) => k }).map((entries) => `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
  ),
})).value;

const comment = fc.constantFrom('', '', ' # note', ' #x');

/** A block mapping at `indent` (its first line written after `first`, for list items). */
function blockMap(indent: number, depth: number): fc.Arbitrary<string[]> {
  const entry = (k: string) => fc.tuple(fc.oneof(flowValue, styled), comment).map(([v, c]) => [`${k}: ${v}${c}`]);
  const nested = (k: string) =>
    depth > 1
      ? entry(k)
      : fc.oneof(
          entry(k),
          fc.tuple(fc.integer({ min: 0, max: 1 }), fc.array(fc.oneof(flowValue, styled), { minLength: 1, maxLength: 3 })).map(
            ([compact, items]) => [`${k}:`, ...items.map((v) => `${' '.repeat(compact ? 0 : 2)}- ${v}`)],
          ),
          blockMap(2, depth + 1).map((lines) => [`${k}:`, ...lines]),
        );
  return fc
    .uniqueArray(key, { minLength: 1, maxLength: 4 })
    .chain((keys) => fc.tuple(...keys.map(nested)))
    .map((entries) => entries.flat().map((line) => ' '.repeat(indent) + line));
}

const item = fc.oneof(
  flowValue.map((v) => [`- ${v}`]),
  blockMap(0, 0).map(([first, ...rest]) => [`- ${first!.trimStart()}`, ...rest.map((line) => `  ${line}`)]),
  blockMap(0, 0).map(([first, ...rest]) => [`-   ${first!.trimStart()}`, ...rest.map((line) => `    ${line}`)]),
);

const section = (name: string) => fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.array(item, { maxLength: 4 }), fc.boolean())
  .chain(([indent, items, blank]) =>
    name === 'tenant'
      ? blockMap(2, 0).map((lines): string[] => [`${name}:`, ...lines])
      : fc.constant<string[]>([`${name}:`, ...items.flat().map((line) => ' '.repeat(indent) + line), ...(blank ? ['', '  # trailing comment'] : [])]),
  );

const manifest = fc
  .uniqueArray(fc.constantFrom('users', 'clients', 'resourceServers', 'clientGrants', 'tenant', 'other'), { minLength: 1, maxLength: 3 })
  .chain((names) => fc.tuple(...names.map(section)))
  .map((sections) => `${sections.flat().join('\n')}\n`);

/** A file cut or salted with one of YAML's own characters at some places. */
const salted = fc
  .tuple(manifest, fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', ':', '#', '-', '[', ']', '{', '}', ',', "'", '"', '\n', '  ', '')), { maxLength: 3 }))
  .map(([text, edits]) => {
    let out = text;
    for (const [at, ch] of edits) {
      const i = at % (out.length + 1);
      out = ch === '' ? out.slice(0, i) + out.slice(i + 1) : out.slice(0, i) + ch + out.slice(i);
    }
    return out;
  });

const SECTIONS = new Set(['users', 'clients', 'resourceServers', 'clientGrants']);

/** What the loader gets from a reading: the tree's data, and each listed item's data and place. */
function reading(text: string, byLines: boolean) {
  const items: unknown[] = [];
  const sink = { sections: SECTIONS, item: (section: string, node: YNode) => items.push([section, toJson(node), node.loc]) };
  const read = parseYamlFast('f.yaml', text, sink, byLines);
  return read === undefined ? undefined : { root: read.root && toJson(read.root), items };
}

const accepted = (text: string) => readLines(text, resolvePlain, () => ({ file: '', line: 0, col: 0 })) !== undefined;

describe('the line reader', () => {
  it('reads what js-yaml reads: the same data, key order and item places, or gives up', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(manifest, salted), (text) => {
        if (accepted(text)) read++;
        const lines = reading(text, true);
        const yaml = reading(text, false);
        expect(JSON.stringify(lines)).toBe(JSON.stringify(yaml));
        // NaN and -0 are lost to JSON: compare those values as they are.
        expect(lines).toStrictEqual(yaml);
      }),
      { numRuns: 3000 },
    );
    // The property is not vacuous: many generated files are read by lines.
    expect(read).toBeGreaterThan(600);
  });

  it('reads a bench-like file by lines', () => {
    const text = 'users:\n  - { connection: db, email: a@b.co, given_name: User 0 }\nclientGrants:\n  - { client: C, audience: "https://a", scope: [s0:a, s1:a] }\n';
    expect(accepted(text)).toBe(true);
    expect(reading(text, true)).toStrictEqual(reading(text, false));
  });
});
