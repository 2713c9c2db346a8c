import type { Diagnostic, Loc, Place } from './types.js';

export type Diag = Diagnostic;

interface Extra {
  loc?: Loc | undefined;
  hint?: string | undefined;
  address?: string | undefined;
  /** The place `{at}` stands for in the message or hint. */
  at?: Place | undefined;
}

function make(severity: Diagnostic['severity'], code: string, message: string, extra: Extra): Diagnostic {
  const d: Diagnostic = { severity, code, message };
  if (extra.hint !== undefined) d.hint = extra.hint;
  if (extra.loc !== undefined) d.loc = extra.loc;
  if (extra.address !== undefined) d.address = extra.address;
  if (extra.at !== undefined) d.at = extra.at;
  return d;
}

export function error(code: string, message: string, extra: Extra = {}): Diagnostic {
  return make('error', code, message, extra);
}

export function warning(code: string, message: string, extra: Extra = {}): Diagnostic {
  return make('warning', code, message, extra);
}

/** By file, line, column; problems without a place (a missing directory) come first. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => {
    if (!a.loc || !b.loc) return (a.loc ? 1 : 0) - (b.loc ? 1 : 0);
    if (a.loc.file !== b.loc.file) return a.loc.file < b.loc.file ? -1 : 1;
    return a.loc.line - b.loc.line || a.loc.col - b.loc.col;
  });
}

/**
 * A line a message points at besides its own ("first declared at ..."): the message says `{at}` where the
 * formatter writes it as `file:line`, relative to where tenantctl runs.
 */
export function where(loc: Loc): Place {
  return { file: loc.file, line: loc.line };
}
