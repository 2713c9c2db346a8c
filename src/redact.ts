import { parseJsonVariable } from './json-variable.js';

/**
 * The last line of defence: any sensitive value that reaches output text is masked, whatever code path
 * put it there (an API error message that echoes a request value, mgmt-api.md §3.2, included). Every
 * output goes through one redactor: stdout, stderr, progress, errors and plan files.
 *
 * A value is also masked in the forms it takes when it is quoted on the way: escaped inside a JSON string
 * (the API quotes echoed values; `--output json` quotes messages again) and percent-encoded in a URL.
 * Short values are skipped, or every "a" in the output would be masked.
 */
export type Redact = (text: string) => string;

const MIN_LENGTH = 4;

function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const twice = JSON.stringify(json).slice(1, -1);
  return [secret, json, twice, encodeURIComponent(secret)];
}

export function redactor(secrets: readonly string[]): Redact {
  const all = new Set(secrets.filter((s) => s.length >= MIN_LENGTH).flatMap(forms));
  // Longest first, so a secret that contains another is masked whole.
  const list = [...all].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of list) out = out.split(secret).join('(sensitive)');
    return out;
  };
}

/**
 * The texts a secret can be printed as. A secret read as JSON (`json: true`, e.g. an object of
 * credentials) can reach output whole or in parts: a field of it echoed in an API error, or the variable's
 * text. Every string inside it is masked on its own, as is its compact JSON form.
 */
export function secretTexts(value: unknown, raw?: string): string[] {
  const out: string[] = raw === undefined ? [] : [raw];
  if (typeof value === 'string') out.push(value);
  else if (value !== null && typeof value === 'object') {
    out.push(JSON.stringify(value));
    const strings = (v: unknown): void => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) v.forEach(strings);
      else if (v !== null && typeof v === 'object') Object.values(v).forEach(strings);
    };
    strings(value);
  }
  return out;
}

/** The texts of a secret variable's value, as `secretTexts`; a `json: true` one is parsed first when it can be. */
export function secretTextsOfVariable(raw: string, json: boolean): string[] {
  if (!json) return [raw];
  const parsed = parseJsonVariable(raw);
  return 'value' in parsed ? secretTexts(parsed.value, raw) : [raw];
}
