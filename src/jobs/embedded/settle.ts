import { jobKind } from '../registry.js';
import type { JobInfo } from '../types.js';

/** Lets a job's kind tidy what an attempt that ended without its say left behind (a run still `running`). */
export function settleAbandoned(
  workspace: string,
  job: Pick<JobInfo, 'kind'> & { state?: Record<string, unknown> | null },
  status: 'failed' | 'cancelled' | 'retrying',
  reason: string,
  log: (message: string) => void = () => undefined,
): void {
  try {
    jobKind(job.kind).settle?.(workspace, job.state ?? undefined, { status, reason });
  } catch (error) {
    log(`could not settle a ${job.kind} job: ${(error as Error).message}`);
  }
}
