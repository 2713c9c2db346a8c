import type { JsonObject } from '../json.js';
import type { Kind, KindContext, KindHandler } from '../kinds/types.js';
import { shownPath } from '../manifest/format.js';
import type { DesiredItem } from '../manifest/types.js';
import { digest, keyLive, liveCanonical } from './context.js';
import type { Change, Skip } from './types.js';

export interface DuplicatesInput {
  handler: KindHandler;
  items: DesiredItem[];
  live: JsonObject[];
  ctx: KindContext;
  allowDelete: boolean;
  /** Ids of duplicates this plan removes, per kind planned so far (a grant of a removed client goes too). */
  removed: Map<Kind, Set<string>>;
  /** How the user runs tenantctl here, for the command that resolves duplicates. */
  command: { dir: string; env: string };
  /** The manifest place named in messages is shown relative to this directory, as diagnostics are. */
  cwd?: string | undefined;
}

export interface DuplicatesOutput {
  /** The live objects the kind's plan should see: one per declared key. */
  live: JsonObject[];
  changes: Change[];
  skipped: Skip[];
  warnings: string[];
  errors: string[];
}

/** Creation time as the API gives it: users and network ACLs have `created_at`; clients and APIs do not. */
function createdAt(live: JsonObject): number | undefined {
  const at = typeof live.created_at === 'string' ? Date.parse(live.created_at) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

function shortQuote(text: string): string {
  return /^[\w./:@-]+$/.test(text) ? text : `"${text.replace(/(["\\$`])/g, '\\$1')}"`;
}

/**
 * Several live objects with one declared key (left by concurrent runs, or made by hand): keep one and
 * plan deletes of the others, or say how. The one kept is the one the item pins with `id:`, else the
 * only one whose dependency stays (a grant of a kept client), else the oldest when the API gives every
 * creation time; otherwise nothing is guessed and the plan asks for a pin.
 */
export function resolveDuplicates(input: DuplicatesInput): DuplicatesOutput {
  const { handler, ctx } = input;
  const out: DuplicatesOutput = { live: input.live, changes: [], skipped: [], warnings: [], errors: [] };
  const keyed = keyLive(handler, input.live, ctx);
  const removedDeps = new Set(handler.dependsOn.flatMap((kind) => [...(input.removed.get(kind) ?? [])]));
  const removedHere = input.removed.get(handler.kind) ?? new Set<string>();
  input.removed.set(handler.kind, removedHere);
  const losers = new Set<JsonObject>();
  // The plan fails with our error; the kind's own plan need not report the same objects again.
  const unresolved = (candidates: JsonObject[]) => candidates.slice(1).forEach((c) => losers.add(c));
  for (const item of input.items) {
    // One live object per key is the rule: only a key with several is looked at further.
    const sharing = keyed.byKey.get(item.key);
    if (sharing === undefined || sharing.length < 2) continue;
    const candidates = sharing.filter((c) => !handler.protectedReason(c, ctx));
    if (candidates.length < 2) continue;
    const id = (c: JsonObject) => handler.idOf(c);
    const when = (c: JsonObject) => {
      const at = createdAt(c);
      return at === undefined ? 'created unknown' : `created ${new Date(at).toISOString()}`;
    };
    const listed = candidates.map((c) => `id ${id(c)} (${when(c)})`).join(', ');
    const orphaned = (c: JsonObject) => Object.values(c).some((v) => typeof v === 'string' && removedDeps.has(v));
    const staying = candidates.filter((c) => !orphaned(c));
    const place = item.loc ? ` at ${shownPath(item.loc.file, input.cwd)}:${item.loc.line}` : '';
    const fix = `tenantctl apply ${shortQuote(input.command.dir)} --env ${shortQuote(input.command.env)} --allow-delete --target ${shortQuote(item.address)}`;
    let keep: JsonObject | undefined;
    let why: string;
    if (item.pinnedId !== undefined) {
      keep = candidates.find((c) => id(c) === item.pinnedId);
      why = `pinned by id${place}`;
      if (keep === undefined) {
        out.errors.push(`${item.address}: the id '${item.pinnedId}' pinned${place} is none of the live ${handler.label}s with this key: ${listed}`);
        unresolved(candidates);
        continue;
      }
    } else if (staying.length === 1) {
      keep = staying[0];
      why = 'the others depend on duplicates this plan removes';
    } else if (staying.every((c) => createdAt(c) !== undefined)) {
      keep = [...staying].sort((a, b) => (createdAt(a) ?? 0) - (createdAt(b) ?? 0))[0];
      why = 'the oldest';
    } else {
      out.errors.push(
        `${item.address}: ${candidates.length} live ${handler.label}s share this key, and the API gives no creation time to tell the oldest: ${listed}. ` +
          `Add \`id: <the one to keep>\` to the item${place}; then \`${fix}\` deletes the others`,
      );
      unresolved(candidates);
      continue;
    }
    if (keep === undefined) continue;
    for (const loser of candidates.filter((c) => c !== keep)) {
      losers.add(loser);
      removedHere.add(id(loser));
      const message = `duplicate ${handler.label} id ${id(loser)} (${when(loser)}); keeping id ${id(keep)} (${when(keep)}, ${why})`;
      if (input.allowDelete) {
        out.changes.push({
          address: item.address,
          kind: handler.kind,
          key: item.key,
          action: 'delete',
          id: id(loser),
          fields: [],
          liveDigest: digest(liveCanonical(handler, loser, ctx)),
          note: message,
        });
      } else {
        out.skipped.push({ address: item.address, kind: handler.kind, reason: 'would-delete', message: `${message}; \`${fix}\` deletes it` });
      }
    }
    if (!input.allowDelete)
      out.warnings.push(`${item.address}: ${candidates.length} live ${handler.label}s share this key (${listed}); \`${fix}\` keeps id ${id(keep)} and deletes the others`);
  }
  if (losers.size > 0) out.live = input.live.filter((o) => !losers.has(o));
  return out;
}
