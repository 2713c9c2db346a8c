import { UncertainWriteError } from '../api/client.js';
import type { Api } from '../api/types.js';
import { TenantctlError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { isRef } from '../kinds/common.js';
import { handlers } from '../kinds/index.js';
import type { KindContext } from '../kinds/types.js';
import { liveCanonical } from '../plan/context.js';
import { diffItem } from '../plan/item.js';
import { phases } from '../plan/order.js';
import { refsIn } from '../plan/refs.js';
import type { Change, Plan } from '../plan/types.js';

export interface ApplyHooks {
  onStart?(change: Change): void;
  onDone?(change: Change): void;
  onFail?(change: Change, error: Error): void;
  /** A write of the change went out: a signal from here on leaves it in flight, made or not. */
  onWrite?(change: Change): void;
}

export interface ApplyResult {
  applied: Change[];
  failed: { change: Change; error: Error }[];
  /** Changes never started because an earlier phase failed (or, with `stoppedBy`, because of the signal). */
  skipped: Change[];
  /** Set when SIGINT or SIGTERM stopped the apply (commands/apply-stop.ts). */
  stoppedBy?: NodeJS.Signals;
  /** With `stoppedBy`: changes whose writes had gone out without all answers back; made or not. */
  inFlight?: Change[];
}

/** The api as one change (or bulk phase) uses it: its writes tell `onWrite`, once, that it has started writing. */
function writesTold(api: Api, onWrite: (() => void) | undefined): Api {
  if (!onWrite) return api;
  let told = false;
  const onSent = () => {
    if (!told) onWrite();
    told = true;
  };
  return {
    domain: api.domain,
    get clientId() {
      return api.clientId;
    },
    get keyFile() {
      return api.keyFile;
    },
    request: (options) => api.request(options.method === 'GET' ? options : { ...options, onSent }),
    list: (path, key, options) => api.list(path, key, options),
    download: (url) => api.download(url),
  };
}

/** Replace `{ $ref: 'clients/Orders' }` with the id now known for it. */
function resolve(value: Json, ids: Record<string, string>): Json {
  if (isRef(value)) {
    const id = ids[value.$ref];
    if (!id) throw new TenantctlError('apply_ref', `no id known for ${value.$ref}`);
    return id;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, ids));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, ids)]));
  return value;
}

/** The body to send; one without `{ $ref }`s is sent as it is, not copied (a bulk phase holds thousands). */
function bodyToSend(body: JsonObject | undefined, ids: Record<string, string>): JsonObject | undefined {
  if (body === undefined) return undefined;
  return refsIn(body).length === 0 ? body : (resolve(body, ids) as JsonObject);
}

/** The context a handler needs to key live objects, from the ids this apply knows. */
function contextFrom(ids: Record<string, string>, api: Api): KindContext {
  const clientNames = new Map<string, string>();
  for (const [ref, id] of Object.entries(ids))
    if (ref.startsWith('clients/')) clientNames.set(id, ref.slice('clients/'.length));
  return { managementAudience: '', deployerClientId: api.clientId, clientNames };
}

/**
 * An object found by its key after a create whose answer was lost. A create may take several calls (a
 * connection, then its enabled clients; a role, then its permissions; a client, then its declared secret)
 * and may have stopped after any of them, so the object is taken only as far as it can be checked.
 * Write-only fields cannot be read back: they are sent again. Any other declared field that differs fails
 * the change (apply exits 1, and a re-run plans what is left) instead of being reported as done.
 */
async function adopt(api: Api, change: Change, found: JsonObject, body: JsonObject, ctx: KindContext): Promise<JsonObject> {
  const handler = handlers[change.kind];
  const roots = new Set((handler.secretFields ?? []).map((path) => path.split('.')[0] ?? path));
  const secrets = Object.fromEntries(Object.entries(body).filter(([field]) => roots.has(field)));
  if (Object.keys(secrets).length > 0) await handler.update(api, handler.idOf(found), secrets);
  const planned = change.body ?? {};
  const { fields } = diffItem({
    handler,
    desired: handler.canonicalize(planned),
    live: liveCanonical(handler, found, ctx),
    desiredApi: planned,
  });
  if (fields.length === 0) return found;
  const missing = [...new Set(fields.map((f) => f.path.split(/[.[]/)[0]))].join(', ');
  throw new TenantctlError(
    'apply_incomplete',
    `${change.address}: created, but its answer was lost before ${missing} could be set; run apply again to finish it`,
  );
}

/**
 * Create, but never blindly twice: after a write whose outcome is unknown (5xx, dropped connection) look
 * the object up by its natural key; adopt it if it is there, otherwise send the create again.
 */
async function createOnce(
  api: Api,
  change: Change,
  body: JsonObject,
  ids: Record<string, string>,
): Promise<JsonObject> {
  const handler = handlers[change.kind];
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await handler.create(api, body);
    } catch (error) {
      if (!(error instanceof UncertainWriteError) || attempt >= 3) throw error;
      const ctx = contextFrom(ids, api);
      const existing = (await handler.list(api)).find((o) => handler.liveKeyOf(o, ctx) === change.key);
      if (existing) return adopt(api, change, existing, body, ctx);
    }
  }
}

async function run(api: Api, change: Change, ids: Record<string, string>): Promise<void> {
  const handler = handlers[change.kind];
  const body = bodyToSend(change.body, ids);
  if (change.operation) {
    if (!handler.execute)
      throw new TenantctlError('apply_operation', `${change.kind} cannot run '${change.operation}'`);
    const result = await handler.execute(api, change, body);
    if (result && change.action === 'create') ids[change.address] = handler.idOf(result);
    return;
  }
  switch (change.action) {
    case 'create': {
      const created = await createOnce(api, change, body ?? {}, ids);
      ids[change.address] = handler.idOf(created);
      return;
    }
    case 'update':
      await handler.update(api, change.id ?? '', body ?? {});
      return;
    case 'delete':
      await handler.remove(api, change.id ?? '');
      return;
    case 'replace': {
      await handler.remove(api, change.id ?? '');
      const created = await createOnce(api, change, body ?? {}, ids);
      ids[change.address] = handler.idOf(created);
      return;
    }
  }
}

/**
 * Execute exactly the plan, phase by phase (dependencies first, deletes last); changes inside a phase run
 * concurrently through the api's queue. After a failure the current phase finishes and no later phase
 * starts, so nothing is created that depends on what failed. Re-planning afterwards converges.
 */
export async function apply(plan: Plan, api: Api, hooks: ApplyHooks = {}): Promise<ApplyResult> {
  const ids: Record<string, string> = { ...plan.refs };
  const result: ApplyResult = { applied: [], failed: [], skipped: [] };
  const done = (change: Change) => {
    result.applied.push(change);
    hooks.onDone?.(change);
  };
  const fail = (change: Change, error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    result.failed.push({ change, error: err });
    hooks.onFail?.(change, err);
  };
  const one = async (change: Change) => {
    hooks.onStart?.(change);
    try {
      await run(writesTold(api, hooks.onWrite && (() => hooks.onWrite?.(change))), change, ids);
      done(change);
    } catch (error) {
      fail(change, error);
    }
  };
  for (const phase of phases(plan.changes)) {
    if (result.failed.length > 0) {
      result.skipped.push(...phase);
      continue;
    }
    const handler = handlers[phase[0]?.kind ?? 'clients'];
    if (handler.applyPhase) {
      const bodies = phase.map((change) => ({
        change,
        body: bodyToSend(change.body, ids),
      }));
      try {
        // A bulk phase's writes are not one change's: the first one leaves them all in flight.
        const phaseApi = writesTold(api, hooks.onWrite && (() => phase.forEach((change) => hooks.onWrite?.(change))));
        const out = await handler.applyPhase(phaseApi, bodies, ids);
        for (const change of out.applied) done(change);
        for (const { change, error } of out.failed) fail(change, error);
      } catch (error) {
        for (const change of phase) fail(change, error);
      }
    } else if (handler.sequential) {
      for (const [index, change] of phase.entries()) {
        await one(change);
        // Order matters inside a sequential kind (unique priorities): stop at the first failure.
        if (result.failed.length > 0) {
          result.skipped.push(...phase.slice(index + 1));
          break;
        }
      }
    } else await Promise.all(phase.map(one));
  }
  return result;
}
