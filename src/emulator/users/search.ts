import type { Json, JsonObject } from '../../json.js';
import { fail } from '../errors.js';

/**
 * A usable subset of the user search query syntax (v3, Lucene-like; mgmt-api.md §8.1): `field:value`,
 * `field:"quoted value"`, a trailing `*` for prefix matches, `_exists_:field`, dotted paths
 * (`identities.connection`, `app_metadata.plan`), AND / OR / NOT and parentheses. Adjacent terms without an
 * operator are OR-ed, as in Lucene. Values match case-insensitively; a term without a field searches email,
 * name, nickname, username and user_id.
 */
type Node =
  | { op: 'and' | 'or'; left: Node; right: Node }
  | { op: 'not'; node: Node }
  | { op: 'term'; field: string | undefined; value: string; prefix: boolean };

type Token = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { t: 'term'; field?: string; value: string; quoted: boolean };

const badQuery = (detail: string) => fail(400, `Query validation error: ${detail}`, 'invalid_query_string');

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] as string;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ t: c });
      i += 1;
      continue;
    }
    const rest = q.slice(i);
    const named = /^([A-Za-z_][\w.]*):/.exec(rest);
    const field = named?.[1];
    i += named ? named[0].length : 0;
    if (q[i] === '"') {
      const end = q.indexOf('"', i + 1);
      if (end === -1) throw badQuery('unterminated quoted value');
      out.push({ t: 'term', ...(field ? { field } : {}), value: q.slice(i + 1, end), quoted: true });
      i = end + 1;
      continue;
    }
    const word = /^[^\s()]+/.exec(q.slice(i))?.[0];
    if (word === undefined) throw badQuery(`missing value after '${field}:'`);
    i += word.length;
    if (!field && (word === 'AND' || word === 'OR' || word === 'NOT')) out.push({ t: word });
    else out.push({ t: 'term', ...(field ? { field } : {}), value: word, quoted: false });
  }
  return out;
}

function parse(tokens: Token[]): Node {
  let at = 0;
  const peek = () => tokens[at];
  const unary = (): Node => {
    const tok = tokens[at++];
    if (!tok) throw badQuery('the query ends too early');
    if (tok.t === 'NOT') return { op: 'not', node: unary() };
    if (tok.t === '(') {
      const inner = or();
      if (tokens[at++]?.t !== ')') throw badQuery("missing ')'");
      return inner;
    }
    if (tok.t !== 'term') throw badQuery(`unexpected '${tok.t}'`);
    const prefix = !tok.quoted && tok.value.endsWith('*') && tok.value !== '*';
    return { op: 'term', field: tok.field, value: prefix ? tok.value.slice(0, -1) : tok.value, prefix };
  };
  const and = (): Node => {
    let left = unary();
    while (peek()?.t === 'AND') {
      at += 1;
      left = { op: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    for (let next = peek(); next && next.t !== ')'; next = peek()) {
      if (next.t === 'OR') at += 1;
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  const node = or();
  if (at < tokens.length) throw badQuery(`unexpected '${tokens[at]?.t}'`);
  return node;
}

/** Every value at a dotted path; arrays (identities) fan out. */
function valuesAt(value: Json | undefined, path: string[]): Json[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
  if (path.length === 0) return [value];
  if (typeof value !== 'object') return [];
  return valuesAt((value as JsonObject)[path[0] as string], path.slice(1));
}

const UNFIELDED = ['email', 'name', 'nickname', 'username', 'user_id'];

function termMatches(user: JsonObject, node: Extract<Node, { op: 'term' }>): boolean {
  if (node.field === '_exists_') return valuesAt(user, node.value.split('.')).length > 0;
  const found = node.field
    ? valuesAt(user, node.field.split('.'))
    : UNFIELDED.flatMap((f) => valuesAt(user, [f]));
  if (node.value === '*') return found.length > 0;
  const want = node.value.toLowerCase();
  return found.some((v) => {
    if (typeof v === 'object') return false;
    const have = String(v).toLowerCase();
    return node.prefix ? have.startsWith(want) : have === want;
  });
}

function evaluate(node: Node, user: JsonObject): boolean {
  switch (node.op) {
    case 'and':
      return evaluate(node.left, user) && evaluate(node.right, user);
    case 'or':
      return evaluate(node.left, user) || evaluate(node.right, user);
    case 'not':
      return !evaluate(node.node, user);
    case 'term':
      return termMatches(user, node);
  }
}

/** A predicate for `q`; 400 on a query it cannot read. */
export function userFilter(q: string): (user: JsonObject) => boolean {
  const tokens = tokenize(q);
  if (tokens.length === 0) return () => true;
  const node = parse(tokens);
  return (user) => evaluate(node, user);
}
