/**
 * The YAML 1.2 core schema's plain scalars exactly as the yaml package (yaml-tree.ts, the located reading)
 * resolves them: its core tags' tests, in its order. Both fast readers use this table: js-yaml through
 * types built from it (yaml-fast.ts), and the line reader (yaml-lines.ts) directly.
 */
export type Form = [RegExp, (text: string) => unknown];

export interface CoreTag {
  name: string;
  /**
   * Every first character the tag's forms can begin with. Most plain scalars are names and URLs no form
   * matches: their first character rules them out before any pattern runs. An empty text goes to the
   * patterns (every string includes '').
   */
  starts: string;
  forms: Form[];
}

const DIGITS = '0123456789';

export const CORE_TAGS: CoreTag[] = [
  { name: 'null', starts: '~nN', forms: [[/^(?:~|[Nn]ull|NULL)?$/, () => null]] },
  { name: 'bool', starts: 'tTfF', forms: [[/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (text) => text[0] === 't' || text[0] === 'T']] },
  {
    name: 'int',
    starts: `+-${DIGITS}`,
    forms: [
      [/^0o[0-7]+$/, (text) => parseInt(text.slice(2), 8)],
      [/^[-+]?[0-9]+$/, (text) => parseInt(text, 10)],
      [/^0x[0-9a-fA-F]+$/, (text) => parseInt(text.slice(2), 16)],
    ],
  },
  {
    name: 'float',
    starts: `+-.${DIGITS}`,
    forms: [
      [
        /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
        (text) => (text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? -Infinity : Infinity),
      ],
      [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, parseFloat],
      [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, parseFloat],
    ],
  },
];

/** What a plain scalar's text means: the first tag with a matching form decides, else it is a string. */
export function resolvePlain(text: string): unknown {
  const first = text.charAt(0);
  for (const tag of CORE_TAGS) {
    if (!tag.starts.includes(first)) continue;
    for (const [test, construct] of tag.forms) if (test.test(text)) return construct(text);
  }
  return text;
}
