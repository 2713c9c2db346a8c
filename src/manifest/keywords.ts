import type { Json } from '../json.js';
import { type Diag, error } from './diagnostics.js';
import { hasInline, INLINE, type Keyword, type KeywordTable, SPLICE, STRAY_WHOLE, WHOLE } from './keyword-table.js';
import { didYouMean } from './suggest.js';
import type { Loc, SensitiveValue } from './types.js';

/** A secret field left out of an item because its keyword's variable is not set (unset-secret.ts). */
export interface UnsetField extends SensitiveValue {
  keyword: string;
  loc: Loc;
}
import { fromJson, isKeywordFree, plainJsonOf, type YEntry, type YNode } from './ynode.js';

export interface Replacer {
  /**
   * The tree with keywords replaced; nodes whose replacement failed are marked broken and reported.
   * A mapping entry whose whole value is a secret keyword with its variable unset, at a path `deferrable`
   * accepts (the kind's secret fields), is left out of the tree and listed in `unset` (path within the node,
   * variable): see unset-secret.ts. Anywhere else it is reported and broken like any unset keyword: left
   * out, its absence made a second error (`public_key needs exactly one of pem or pem_file`).
   */
  replace(node: YNode, deferrable?: (path: (string | number)[]) => boolean): { node: YNode; diagnostics: Diag[]; unset: UnsetField[] };
  /** Names of the keywords used so far, across calls. */
  used: Set<string>;
}

/**
 * Values keyword uses may add to the manifests in all. A keyword's value is copied at each use, so a large
 * value (built with aliases in the environment file) used in many places could grow without bound; this
 * leaves room for a default metadata object on tens of thousands of users.
 */
const MAX_KEYWORD_VALUES = 2_000_000;

function countValues(value: Json): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + countValues(item), 1);
  if (value !== null && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + countValues(v as Json), 1);
  return 1;
}

function mentionsKeyword(value: Json): boolean {
  if (typeof value === 'string') return value.includes('@@') || value.includes('##');
  if (Array.isArray(value)) return value.some(mentionsKeyword);
  if (value !== null && typeof value === 'object') {
    for (const key in value) if (mentionsKeyword(value[key] as Json)) return true;
  }
  return false;
}

export function keywordReplacer(table: KeywordTable): Replacer {
  // Problems of the current `replace` call; each call starts a fresh list so callers can attach an address.
  let diagnostics: Diag[] = [];
  let unset: UnsetField[] = [];
  let deferrable: (path: (string | number)[]) => boolean = () => false;
  const used = new Set<string>();
  const sizes = new Map<string, number>();
  let budget = MAX_KEYWORD_VALUES;

  /** The keyword, or undefined after reporting why it cannot be used here. */
  const lookup = (name: string, loc: Loc): Keyword | undefined => {
    const keyword = table.keywords.get(name);
    if (keyword) used.add(name);
    if (table.none) diagnostics.push(error('no_environment', `keyword '${name}': ${table.none.message}`, { loc, hint: table.none.hint, at: table.none.at }));
    if (table.file === undefined || table.unreadable || keyword?.unusable === 'invalid') return undefined;
    if (keyword === undefined) {
      diagnostics.push(
        error('unknown_keyword', `unknown keyword '${name}'${didYouMean(name, table.keywords.keys())}`, {
          loc,
          hint: `Define ${name} under \`keywords:\` in {at}.`,
          at: { file: table.file },
        }),
      );
      return undefined;
    }
    if (keyword.unusable === 'unset') {
      diagnostics.push(
        error(
          'unset_env',
          `keyword '${name}' cannot be used: environment variable ${keyword.env} is not set`,
          {
            loc,
            hint: `Set ${keyword.env} in the environment that runs tenantctl.`,
          },
        ),
      );
      return undefined;
    }
    return keyword;
  };

  /** Counts a use of the keyword's value against MAX_KEYWORD_VALUES; false (reported) past the limit. */
  const charge = (keyword: Keyword, loc: Loc): boolean => {
    const size = sizes.get(keyword.name) ?? countValues(keyword.value);
    sizes.set(keyword.name, size);
    budget -= size;
    if (budget >= 0) return true;
    // Reported at the first use past the limit; later uses are dropped with it.
    if (budget + size >= 0)
      diagnostics.push(
        error('keyword_too_large', `keyword '${keyword.name}' is used where its values add up to more than ${MAX_KEYWORD_VALUES} in all`, {
          loc,
          hint: 'Keyword values are copied at each use: make the value smaller or use it in fewer places.',
        }),
      );
    return false;
  };

  /**
   * `...@@NAME@@` as a list item: the items of the keyword's list, spliced in its place. The deploy tool's
   * users add a variable's items to a list written in the file (its "array concatenation", done there by
   * pasting text); a plain `@@NAME@@` item puts the whole value there as one item, a list inside the list.
   */
  const splice = (node: YNode, name: string): YNode[] => {
    const keyword = lookup(name, node.loc);
    if (!keyword) return [{ ...node, broken: true }];
    if (keyword.sensitive && keyword.env) {
      // A secret is recorded as "the value of VAR at this path": its items have no path of their own.
      diagnostics.push(
        error('sensitive_in_list', `keyword '${name}' holds a secret (from ${keyword.env}) and cannot be spliced into a list`, {
          loc: node.loc,
          hint: `Use '@@${name}@@' as the entire list, or add \`sensitive: false\` to its binding if it is not a secret.`,
        }),
      );
      return [{ ...node, broken: true }];
    }
    if (!Array.isArray(keyword.value)) {
      diagnostics.push(
        error('splice_not_list', `'...@@${name}@@' adds the items of a list, and keyword '${name}' is not a list`, {
          loc: node.loc,
          hint: keyword.env
            ? `Bind it as \`{ env: ${keyword.env}, json: true, sensitive: false }\` and set ${keyword.env} to a JSON list, e.g. '["one","two"]'.`
            : `Give ${name} a list value, e.g. [one, two].`,
        }),
      );
      return [{ ...node, broken: true }];
    }
    if (!charge(keyword, node.loc)) return [{ ...node, broken: true }];
    return keyword.value.map((item) => ({ ...fromJson(item, node.loc), keyword: keyword.name }));
  };

  const replaceString = (node: YNode & { type: 'scalar' }, text: string): YNode => {
    const whole = WHOLE.exec(text);
    if (whole) {
      const keyword = lookup(whole[1]!, node.loc);
      if (!keyword) return { ...node, broken: true };
      if (!charge(keyword, node.loc)) return { ...node, broken: true };
      const value: YNode = { ...fromJson(keyword.value, node.loc), keyword: keyword.name };
      if (!keyword.sensitive || !keyword.env) return value;
      return { ...value, sensitiveEnv: keyword.env, ...(keyword.json ? { sensitiveJson: true as const } : {}) };
    }
    const misplaced = SPLICE.exec(text);
    if (misplaced) {
      // Misplaced, not unused: no second warning that the keyword is never used.
      if (table.keywords.has(misplaced[1]!)) used.add(misplaced[1]!);
      diagnostics.push(
        error('splice_outside_list', `'...@@${misplaced[1]}@@' adds a list's items, and only a list item can`, {
          loc: node.loc,
          hint: `Write it as an item of a list (\`- "...@@${misplaced[1]}@@"\`), or '@@${misplaced[1]}@@' for the whole value.`,
        }),
      );
      return { ...node, broken: true };
    }
    const stray = STRAY_WHOLE.exec(text);
    if (stray) {
      diagnostics.push(
        error(
          'keyword_in_text',
          `'@@${stray[1]}@@' only replaces a whole value; inside text write '##${stray[1]}##'`,
          {
            loc: node.loc,
            hint: `Use ##${stray[1]}## to insert the keyword's value as text.`,
          },
        ),
      );
      return { ...node, broken: true };
    }
    if (!hasInline(text)) return node;
    let ok = true;
    const replaced = text.replace(INLINE, (match, name: string) => {
      const keyword = lookup(name, node.loc);
      if (!keyword) {
        ok = false;
        return match;
      }
      if (keyword.sensitive && keyword.env) {
        // A secret is recorded as "the value of VAR at this path"; apply re-reads it, so it must stand alone.
        ok = false;
        diagnostics.push(
          error(
            'sensitive_in_text',
            `keyword '${name}' holds a secret (from ${keyword.env}) and cannot be part of a string`,
            {
              loc: node.loc,
              hint: `Use '@@${name}@@' as the entire value, or add \`sensitive: false\` to its binding if it is not a secret.`,
            },
          ),
        );
        return match;
      }
      return typeof keyword.value === 'string' ? keyword.value : JSON.stringify(keyword.value);
    });
    return ok ? { ...node, value: replaced } : { ...node, broken: true };
  };

  /** A secret keyword (`@@NAME@@`, the whole value) whose variable is not set: its variable, else undefined. */
  const unsetSecretOf = (node: YNode): { env: string; keyword: string; json?: true } | undefined => {
    if (node.type !== 'scalar' || typeof node.value !== 'string') return undefined;
    const whole = WHOLE.exec(node.value);
    const keyword = whole ? table.keywords.get(whole[1]!) : undefined;
    if (table.none || keyword?.unusable !== 'unset' || !keyword.sensitive || !keyword.env) return undefined;
    used.add(keyword.name);
    return { env: keyword.env, keyword: keyword.name, ...(keyword.json ? { json: true as const } : {}) };
  };

  // A subtree without keywords comes back as the same object: most items use none, and copying every
  // node of tens of thousands of items only fed the garbage collector.
  const replaceNode = (node: YNode, path: (string | number)[]): YNode => {
    switch (node.type) {
      case 'scalar':
        return typeof node.value === 'string' ? replaceString(node, node.value) : node;
      case 'seq': {
        // Built only once an item changes; a splice shifts the items after it, so paths follow the output.
        let items: YNode[] | undefined;
        node.items.forEach((item, i) => {
          const spliced = item.type === 'scalar' && typeof item.value === 'string' ? SPLICE.exec(item.value) : null;
          if (spliced) {
            items ??= node.items.slice(0, i);
            items.push(...splice(item, spliced[1]!));
            return;
          }
          const replaced = replaceNode(item, [...path, items?.length ?? i]);
          if (items !== undefined) items.push(replaced);
          else if (replaced !== item) (items = node.items.slice(0, i)).push(replaced);
        });
        return items === undefined ? node : { ...node, items };
      }
      case 'map': {
        let entries: YEntry[] | undefined;
        const dropped = new Set<number>();
        node.entries.forEach((entry, i) => {
          const secret = unsetSecretOf(entry.value);
          if (secret !== undefined && deferrable([...path, entry.key])) {
            dropped.add(i);
            unset.push({ path: [...path, entry.key], ...secret, loc: entry.value.loc });
            return;
          }
          const value = replaceNode(entry.value, [...path, entry.key]);
          if (value !== entry.value) (entries ??= node.entries.slice())[i] = { ...entry, value };
        });
        if (dropped.size > 0) entries = (entries ?? node.entries).filter((_, i) => !dropped.has(i));
        return entries === undefined ? node : { ...node, entries };
      }
    }
  };

  const replace = (node: YNode, secretField?: (path: (string | number)[]) => boolean) => {
    diagnostics = [];
    unset = [];
    deferrable = secretField ?? (() => false);
    // Every keyword use is written with @@ or ##: plain data without either needs no walk of its tree.
    if (isKeywordFree(node)) return { node, diagnostics, unset };
    const data = plainJsonOf(node);
    if (data !== undefined && !mentionsKeyword(data)) return { node, diagnostics, unset };
    return { node: replaceNode(node, []), diagnostics, unset };
  };
  return { replace, used };
}

/** Warnings for keywords no manifest uses: usually a typo on one side or a leftover. */
