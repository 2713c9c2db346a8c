import type { z } from 'zod';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import type { Kind, KindHandler, Reference } from '../kinds/types.js';
import { type Diag, error } from './diagnostics.js';
import { checkFormats } from './field-formats.js';
import { fieldName, wordIssue, wordUnknownKey } from './issues.js';
import type { Loc, SensitiveValue } from './types.js';
import { isPlainTree, locate, startLoc, toJson, walk, type YNode } from './ynode.js';
import { fastParse } from './zod-fast.js';
import { isIntegerSchema, objectFields, requiredFields, schemaAt } from './zod-shape.js';

/** A reference of a valid item, with the place it is written for rules checked across items. */
export interface LocatedReference extends Reference {
  loc: Loc;
}

/**
 * One manifest item after keyword replacement and schema validation. It keeps what later rules need,
 * not the located tree: with tens of thousands of items the trees would outweigh everything else.
 */
export interface CheckedItem {
  kind: Kind;
  /** The natural key, when the item has its key fields (even if other fields are invalid). */
  key: string | undefined;
  address: string;
  loc: Loc;
  /** The validated item; undefined when the item has errors. */
  body: JsonObject | undefined;
  sensitive: SensitiveValue[];
  references: LocatedReference[];
  /**
   * The tree, kept only for kinds that read files at load time (problems in a file point into the item) or
   * that rules across items look into (ACL priorities, grant scopes); never for users, the kind that grows.
   */
  /** `id:` of the item: the live object to keep among duplicates of its key. */
  pinnedId?: string;
  /** The tree, kept only for kinds that read files at load time: problems in a file point into the item. */
  node?: YNode;
}

const KEEP_TREE: ReadonlySet<Kind> = new Set(['networkAcls', 'clientGrants']);

type Issue = z.core.$ZodIssue;
const NO_ISSUES: Issue[] = [];
const NOTHING_REPORTED: ReadonlySet<string> = new Set();

/** `index` counts the kind's items across all files, for addressing items without a key. */
export function checkItem(
  handler: KindHandler,
  node: YNode,
  index: number,
): { item: CheckedItem; diagnostics: Diag[] } {
  const raw = toJson(node);
  // No keyword, secret or broken value in a plain tree (ynode.ts): the walks looking for them are skipped.
  const plain = isPlainTree(node);
  const schema = handler.itemSchemaFor?.(raw) ?? handler.itemSchema;
  // Valid items take the fast road (zod-fast.ts); anything it cannot vouch for is parsed by zod as before.
  const quick = fastParse(schema, raw);
  const result = quick === undefined ? schema.safeParse(raw) : { success: true as const, data: quick.data, error: undefined };
  // An issue under a failed keyword replacement is a consequence of that failure, already reported.
  const issues = result.success ? NO_ISSUES : result.error.issues.filter((issue) => !locate(node, issue.path).broken);
  const secretKey = plain ? [] : secretInKey(handler, node, raw);
  // An address is printed everywhere (plans, progress, errors): one built from a secret would print it.
  const key = secretKey.length > 0 ? undefined : keyOf({ handler, schema, plain }, raw, node, issues);
  const address = key === undefined ? `${handler.kind}[${index}]` : `${handler.kind}/${key}`;
  const literal = literalSecrets(handler, node, raw, address);
  const reported = issues.length === 0 ? NOTHING_REPORTED : new Set(issues.map((issue) => issue.path.join('.')));
  const formats = checkFormats(handler.kind, raw, node, address, reported);
  // Most items have no problem at all: no lists are built for them.
  const rules = literal.length + secretKey.length + formats.length === 0 ? [] : [...literal, ...secretKey.map((d) => ({ ...d, address })), ...formats];
  const diagnostics = issues.length === 0 ? rules : [...issues.flatMap((issue) => describe({ handler, schema, issue, node, raw, address })), ...rules];
  const valid = result.success && (plain || !hasBroken(node)) && rules.length === 0;
  const body = valid && isObject(result.data) ? (result.data as JsonObject) : undefined;
  const item: CheckedItem = {
    kind: handler.kind,
    key,
    address,
    loc: startLoc(node),
    body,
    sensitive: plain ? [] : sensitivePaths(node),
    references: located(body ? handler.references(body) : [], node, plain),
  };
  if (handler.loadFiles || KEEP_TREE.has(handler.kind)) item.node = node;
  return { item, diagnostics };
}

/**
 * References with their places, set on the objects `references` made for this call (fresh each time):
 * a copy of each cost ~3 MB of allocations for a large tenant's users.
 */
function located(refs: Reference[], node: YNode, plain: boolean): LocatedReference[] {
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i] as LocatedReference;
    // Every value of a plain tree sits at its item's place.
    ref.loc = plain ? node.loc : locate(node, ref.path).node.loc;
  }
  return refs as LocatedReference[];
}

/**
 * The key, computed from the raw item when its key fields (the schema's required fields) are present and
 * valid, so that errors in other fields can still name the resource.
 */
function keyOf(
  { handler, schema, plain }: { handler: KindHandler; schema: z.ZodType; plain: boolean },
  raw: Json,
  node: YNode,
  issues: Issue[],
): string | undefined {
  if (!isObject(raw)) return undefined;
  const usable = requiredFields(schema).every(
    (field) =>
      raw[field] !== undefined &&
      (plain || !locate(node, [field]).broken) &&
      !issues.some((issue) => issue.path[0] === field),
  );
  return usable ? handler.keyOf(raw) : undefined;
}

interface DescribeArgs {
  handler: KindHandler;
  /** The item's own schema (handler.itemSchemaFor), which the hints speak of. */
  schema: z.ZodType;
  issue: Issue;
  node: YNode;
  raw: Json;
  address: string;
}

function describe({ handler, schema: itemSchema, issue, node, raw, address }: DescribeArgs): Diag[] {
  const schema = schemaAt(itemSchema, issue.path);
  const accepted = objectFields(schema);
  const owner = issue.path.length === 0 ? `a ${handler.label}` : `'${fieldName(issue.path)}'`;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const wording = wordUnknownKey(key, { issue, accepted, owner });
      const at = locate(node, [...issue.path, key]);
      return error(wording.code, wording.message, {
        loc: at.keyLoc ?? at.node.loc,
        hint: fromKeyword(wording.hint, at.keyword),
        address,
      });
    });
  }
  const value = valueAt(raw, issue.path);
  const at = locate(node, issue.path);
  const wording = wordIssue({
    issue,
    value,
    secret: at.secret,
    accepted,
    owner,
    integer: isIntegerSchema(schema),
  });
  // A missing field has no place of its own: point at the mapping that lacks it.
  const loc = at.exact ? at.node.loc : startLoc(at.node);
  return [
    error(wording.code, wording.message, { loc, hint: fromKeyword(wording.hint, at.keyword), address }),
  ];
}

/** A keyword's value is located at its use; say where to fix it. */
function fromKeyword(hint: string, keyword: string | undefined): string {
  return keyword === undefined
    ? hint
    : `${hint} The value comes from keyword '${keyword}' in the environment file.`;
}

function valueAt(value: Json, path: readonly PropertyKey[]): Json | undefined {
  let current: Json | undefined = value;
  for (const step of path) {
    if (Array.isArray(current) && typeof step === 'number') current = current[step];
    else if (isObject(current)) current = current[String(step)];
    else return undefined;
  }
  return current;
}

function hasBroken(node: YNode): boolean {
  let broken = false;
  walk(node, (n) => {
    broken ||= n.broken === true;
    return !broken;
  });
  return broken;
}

/** Whether `steps` from `from` on (`*` for any list item) lead to a value. */
function hasValue(value: Json | undefined, steps: readonly string[], from: number): boolean {
  if (from === steps.length) return value !== undefined;
  const step = steps[from]!;
  if (step === '*') return Array.isArray(value) && value.some((item) => hasValue(item, steps, from + 1));
  return isObject(value) && hasValue(value[step], steps, from + 1);
}

const NO_DIAGNOSTICS: Diag[] = [];
const secretStepsOf = new Map<Kind, string[][]>();
/** A kind's secret fields as steps, split once per kind rather than once per item. */
function secretSteps(handler: KindHandler): string[][] {
  let steps = secretStepsOf.get(handler.kind);
  if (steps === undefined) {
    steps = (handler.secretFields ?? []).map((field) => field.split('.'));
    secretStepsOf.set(handler.kind, steps);
  }
  return steps;
}

/** `credentials.*.private_key` -> one path per item of the list at `*` (one `*` per field). */
function everyPath(node: YNode, steps: string[]): (string | number)[][] {
  const star = steps.indexOf('*');
  if (star < 0) return [steps];
  const at = locate(node, steps.slice(0, star));
  if (!at.exact || at.node.type !== 'seq') return [];
  return at.node.items.map((_, i) => [...steps.slice(0, star), i, ...steps.slice(star + 1)]);
}

/** A secret field written as a literal would put the secret in git: only env-bound keywords may set it. */
function literalSecrets(handler: KindHandler, node: YNode, raw: Json, address: string): Diag[] {
  // The plain data is the tree's (toJson): a field it lacks is not in the tree either, and most items
  // declare no secret field at all.
  const declared = secretSteps(handler).filter((steps) => hasValue(raw, steps, 0));
  if (declared.length === 0) return NO_DIAGNOSTICS;
  return declared.flatMap((steps) => everyPath(node, steps)).flatMap((path) => {
    const field = path.join('.');
    const at = locate(node, path);
    if (!at.exact || at.broken || at.secret) return [];
    return [
      error('literal_secret', `'${field}' of a ${handler.label} must come from an environment variable`, {
        loc: at.node.loc,
        address,
        hint: `Bind a keyword to a variable in the environment file (\`USER_PASSWORD: { env: USER_PASSWORD }\`) and write \`${field}: '@@USER_PASSWORD@@'\`.`,
      }),
    ];
  });
}

/**
 * Key fields (the schema's required fields) and references (a grant's client name) become part of the
 * item's address, or another item's: a secret keyword there would be printed with every plan line.
 */
function secretInKey(handler: KindHandler, node: YNode, raw: Json): Diag[] {
  // Handlers read references defensively, so a raw item that failed its schema is fine here.
  const refs = isObject(raw) ? handler.references(raw) : [];
  const paths = [...requiredFields(handler.itemSchema).map((field) => [field]), ...refs.map((ref) => ref.path)];
  return paths.flatMap((path) => {
    const at = locate(node, path);
    if (!at.exact || !at.secret) return [];
    return [
      error('secret_in_key', `'${fieldName(path)}' names the ${handler.label} and is printed everywhere: it cannot come from a secret keyword`, {
        loc: at.node.loc,
        hint: `Write the value in the manifest, or add \`sensitive: false\` to the keyword's binding${at.keyword === undefined ? '' : ` ('${at.keyword}')`} if it is not a secret.`,
      }),
    ];
  });
}

/** Paths (within the item) of values that came from env-bound sensitive keywords. */
function sensitivePaths(node: YNode): SensitiveValue[] {
  const out: SensitiveValue[] = [];
  walk(node, (n, path) => {
    if (n.sensitiveEnv === undefined) return true;
    out.push({ path: [...path], env: n.sensitiveEnv, ...(n.sensitiveJson ? { json: true as const } : {}) });
    return false;
  });
  return out;
}
