import { type Document, isScalar, Scalar, visit } from 'yaml';
import type { Json } from '../json.js';
import { isObject } from '../json.js';

/**
 * The deploy tool replaces keywords in the raw text before parsing, so its files hold markers a parser
 * would misread: `##KEY##` after a space starts a YAML comment, and an unquoted `@@KEY@@` is not JSON.
 * Before parsing, each marker becomes a quoted placeholder that survives both parsers; after parsing, the
 * placeholders become tenantctl's own markers again (`@@KEY@@` for a whole value, `##KEY##` inside text).
 */
const SHIELD = 'tenantctl-keyword';
const ARRAY = new RegExp(`(['"]?)@@([A-Za-z0-9_]+)@@\\1`, 'g');
const TEXT = /##([A-Za-z0-9_]+)##/g;
const BACK = new RegExp(`${SHIELD}-(array|text|splice)-([A-Za-z0-9_]+)-end`, 'g');
const TEXT_WHOLE = new RegExp(`^${SHIELD}-text-([A-Za-z0-9_]+)-end$`);

/**
 * The deploy tool's "array concatenation": `web_origins: [ "https://app.example", ##MORE_ORIGINS## ]`,
 * with MORE_ORIGINS holding quoted items ('"https://a.example", "https://b.example"'). The tool pastes
 * the text into the flow list before parsing, so the list gains every item it holds, not one string.
 * Only an unquoted `##KEY##` that is a whole item of a flow list does that (quoted, the text is one
 * string; `@@KEY@@` pastes JSON, one value); it becomes tenantctl's splice, `...@@KEY@@`.
 */
export function markSplices(doc: Document): void {
  visit(doc, {
    Seq(_key, seq) {
      if (!seq.flow) return;
      for (const item of seq.items) {
        if (!isScalar(item) || item.type !== Scalar.PLAIN || typeof item.value !== 'string') continue;
        const text = TEXT_WHOLE.exec(item.value);
        if (text) item.value = `${SHIELD}-splice-${text[1]}-end`;
      }
    },
  });
}

export function protectKeywords(text: string): string {
  // An `@@KEY@@` is a whole value: quoting it (and dropping quotes around it) makes it a string in both
  // YAML and JSON. A `##KEY##` is text: its placeholder has no `#`, so it cannot start a YAML comment.
  return text
    .replace(ARRAY, (_m, _q, key: string) => `"${SHIELD}-array-${key}-end"`)
    .replace(TEXT, (_m, key: string) => `${SHIELD}-text-${key}-end`);
}

/** Placeholders back to tenantctl markers, and every keyword name seen. */
export function restoreKeywords(value: Json, seen?: Set<string>): Json {
  if (typeof value === 'string')
    return value.replace(BACK, (_m, kind: string, key: string) => {
      seen?.add(key);
      return kind === 'array' ? `@@${key}@@` : kind === 'splice' ? `...@@${key}@@` : `##${key}##`;
    });
  if (Array.isArray(value)) return value.map((v) => restoreKeywords(v, seen));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreKeywords(v, seen)]));
  return value;
}

/** Keyword names used anywhere in a value. */
export function keywordsIn(value: Json, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const m of value.matchAll(/(?:@@|##)([A-Za-z0-9_]+)(?:@@|##)/g)) out.add(m[1] as string);
  else if (Array.isArray(value)) for (const v of value) keywordsIn(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) keywordsIn(v, out);
  return out;
}
