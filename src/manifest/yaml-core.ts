/**
 * The YAML 1.2 core schema's plain scalars exactly as the yaml package (yaml-tree.ts, the located reading)
 * resolves them: its core tags' tests, in its order. Both fast readers use this table: js-yaml through
 * types built from it (yaml-fast.ts), and the line reader (yaml-lines.ts) directly, with the rules below
 * for where a plain scalar may start and end.
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

/**
 * The forms a text may take by its first character (char codes below 128), in the tags' order: most
 * plain scalars are names and URLs, which this rules out with one lookup. Built once; runs per scalar.
 */
const BY_FIRST: (Form[] | undefined)[] = [];
for (const tag of CORE_TAGS) {
  for (const c of tag.starts) (BY_FIRST[c.charCodeAt(0)] ??= []).push(...tag.forms);
}

/** What a plain scalar's text means: the first tag with a matching form decides, else it is a string. */
export function resolvePlain(text: string): unknown {
  // The empty text is null (the null tag's pattern allows it).
  const forms = text.length === 0 ? BY_FIRST[126] : BY_FIRST[text.charCodeAt(0)];
  if (forms === undefined) return text;
  // Indexed loops: this runs without the optimizing compiler (src/v8-flags.ts), where for-of allocates.
  for (let i = 0; i < forms.length; i++) {
    const form = forms[i]!;
    if (form[0].test(text)) return form[1](text);
  }
  return text;
}

/** Thrown inside the line reader (yaml-lines.ts) when the text is not in its subset; never leaves readLines. */
export class GiveUp extends Error {}

export function giveUp(): never {
  throw new GiveUp();
}

/** Characters that start something other than a plain scalar (or one the line reader leaves to js-yaml). */
const NOT_PLAIN = '|>&*!%@`#,[]{}?:\'"';
const FLOW_STOP = ',[]{}';
const SPACE = 32;

/** A plain scalar may not start with an indicator; `-` only when a character other than a space or a flow indicator follows. */
export function refuseStart(line: string, at: number): void {
  const c = line.charAt(at);
  if (at >= line.length || NOT_PLAIN.includes(c)) giveUp();
  if (c === '-' && (at + 1 === line.length || ` ${FLOW_STOP}`.includes(line.charAt(at + 1)))) giveUp();
}

/** A plain scalar in a block: up to a comment or the line's end. */
export function plainBlock(line: string, at: number): unknown {
  refuseStart(line, at);
  const comment = line.indexOf(' #', at);
  return plainText(comment < 0 ? line.slice(at) : line.slice(at, comment));
}

export function plainText(raw: string): unknown {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === SPACE) end--;
  const text = end === raw.length ? raw : raw.slice(0, end);
  // `a: b` inside a value is a mapping YAML would refuse or read otherwise.
  if (text.includes(': ') || text.endsWith(':')) giveUp();
  return resolvePlain(text);
}
