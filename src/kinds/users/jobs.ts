import type { Api } from '../../api/types.js';
import { TenantctlError } from '../../errors.js';
import type { JsonObject } from '../../json.js';
import { isObject } from '../../json.js';

const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls GET /jobs/{id} with growing pauses until the job leaves `pending`/`processing` (mgmt-api.md §8.2:
 * pending, completed or failed). A failed job is an error carrying its `status_details`.
 */
export async function waitForJob(api: Api, id: string): Promise<JsonObject> {
  for (let wait = FIRST_POLL_MS; ; wait = Math.min(MAX_POLL_MS, Math.round(wait * 1.5))) {
    await sleep(wait);
    const res = await api.request({ method: 'GET', path: `/jobs/${encodeURIComponent(id)}` });
    const job = isObject(res.body) ? res.body : {};
    if (job.status === 'pending' || job.status === 'processing') continue;
    if (job.status === 'completed') return job;
    const details = job.status_details === undefined ? '' : `: ${JSON.stringify(job.status_details)}`;
    throw new TenantctlError('users_job', `job ${id} ended with status '${String(job.status)}'${details}`);
  }
}
