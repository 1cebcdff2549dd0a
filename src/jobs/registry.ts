import { OsteonError } from '../errors.js';
import type { JobProgress } from './types.js';

/** What a job's code receives in its own process. */
export interface JobContext {
  jobId: string;
  /** The workspace of the worker that runs the job (the same data, maybe under another path). */
  workspace: string;
  attempt: number;
  /** What an earlier attempt remembered (e.g. the run it started), to resume instead of starting over. */
  state: Record<string, unknown> | undefined;
  progress(progress: JobProgress): void;
  /** Stored with the job before the next progress report, so a retry after a crash can pick it up. */
  remember(state: Record<string, unknown>): void;
  /** Aborted when the job is cancelled: stop soon, leaving resumable state. */
  signal: AbortSignal;
}

/** A job kind's module (run in the job's child process) exports `run` as its default. */
export type JobRunner = (payload: any, context: JobContext) => Promise<unknown>;

export interface JobKind {
  name: string;
  /** The module whose default export is the kind's `JobRunner`. */
  module: URL;
  /**
   * Runs in the worker when an attempt ends without the job's own say (its process died, or it was cancelled),
   * so that what it left behind (a run marked `running`) tells the truth.
   */
  settle?: (workspace: string, state: Record<string, unknown> | undefined, outcome: { status: 'failed' | 'cancelled' | 'retrying'; reason: string }) => void;
}

const kinds = new Map<string, JobKind>();

/** Makes a kind of job known to workers in this process (built-in kinds register in src/jobs/kinds/). */
export function registerJobKind(kind: JobKind): void {
  kinds.set(kind.name, kind);
}

export function jobKind(name: string): JobKind {
  const kind = kinds.get(name);
  if (!kind) {
    throw new OsteonError('UNKNOWN_JOB_KIND', `No job kind "${name}" (known: ${[...kinds.keys()].sort().join(', ')}); ` +
      'update this worker to the version that enqueued the job.');
  }
  return kind;
}

export const jobKindNames = (): string[] => [...kinds.keys()].sort();
