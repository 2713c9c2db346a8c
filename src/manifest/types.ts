import type { Json, JsonObject } from '../json.js';
import type { Kind } from '../kinds/types.js';

/** A place in a manifest file; line and col are 1-based. */
export interface Loc {
  file: string;
  line: number;
  col: number;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Stable machine code, e.g. `unknown_field`, `unknown_keyword`, `undeclared_reference`. */
  code: string;
  message: string;
  /** What the user should do about it. */
  hint?: string;
  loc?: Loc;
  /** Resource address like `clients/Orders Service`, when the problem belongs to one resource. */
  address?: string;
  /**
   * Another place the message or hint names ("already declared at {at}"): the last `{at}` in each stands
   * for it. Kept apart from the text so it is shown relative to where tenantctl runs, as `loc` is.
   */
  at?: Place;
}

/** A file or directory, or a line in a file, named inside a diagnostic's text. */
export interface Place {
  file: string;
  line?: number;
}

/**
 * A value inside an item that came from an env-bound keyword: sent to the API, never printed, never
 * written to a plan file (the plan keeps `env` and apply reads it again).
 */
export interface SensitiveValue {
  path: (string | number)[];
  env: string;
  /** The variable holds JSON (a `json: true` binding): parsed again when a saved plan is applied. */
  json?: true;
}

export interface DesiredItem {
  kind: Kind;
  /** Natural key (see DESIGN.md), unique within the kind. */
  key: string;
  /** `kind/key`, how plans and errors name the resource. */
  address: string;
  /** The manifest item after keyword replacement and schema validation, manifest field names. */
  body: JsonObject;
  loc?: Loc;
  sensitive: SensitiveValue[];
  /** `id:` in the item: the live object to keep when several share its key (the others are duplicates). */
  pinnedId?: string;
}

/** One `exclude:` pattern: live objects of `kind` whose key matches are managed by hand. */
export interface Exclusion {
  kind: Kind;
  pattern: string;
  loc: Loc;
}

/** What the manifests ask for. A kind present in `kinds` (even with `[]`) is managed. */
export interface Desired {
  kinds: Partial<Record<Kind, DesiredItem[]>>;
  /** `exclude:` patterns; matching live objects are never planned, deleted or reported as drift. */
  exclude?: Exclusion[];
  /** Every sensitive value, for redaction of any text we print. */
  secrets: string[];
  files: string[];
  /** The tenant the environment file binds these manifests to (`tenant:`), and where it says so. */
  tenant?: { domain: string; loc: Loc };
}

export interface LoadResult {
  desired: Desired;
  diagnostics: Diagnostic[];
}

export type { Json };
