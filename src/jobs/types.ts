/** Where a job stands. `running` jobs whose worker died are retried (or failed, with the reason) by the next worker. */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export const FINISHED: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** How far a job is: a percentage, a sentence, and for training the last epoch's metrics. */
export interface JobProgress {
  percent: number;
  message: string;
  metrics?: Record<string, unknown>;
  /**
   * The kind's own structured account, for pages that draw it (a training job's start, its steps' losses since
   * the last report, its epochs); readers that do not know it ignore it.
   */
  detail?: Record<string, unknown>;
}

export interface JobInfo {
  id: string;
  kind: string;
  status: JobStatus;
  payload: unknown;
  /** Jobs enqueued together (a sweep's trials) share a group. */
  group: string | null;
  progress: JobProgress | null;
  result: unknown;
  error: string | null;
  /** Attempts started so far (a retry after a dead worker counts as one). */
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type JobEvent =
  | { type: 'progress'; jobId: string; progress: JobProgress }
  | { type: 'status'; jobId: string; status: JobStatus; error?: string | null };

export interface EnqueueOptions {
  group?: string;
  /** How many times the job may start (crashes and dead workers use one each); default 3. */
  maxAttempts?: number;
}

export interface WorkOptions {
  /** The workspace this worker can reach; jobs run against it. */
  workspace: string;
  concurrency?: number;
  /** A running job whose worker gave no sign of life for this long is taken back and retried; default 30 s. */
  stallSeconds?: number;
  log?: (message: string) => void;
}

export interface JobWorker {
  /** Stops taking jobs, cancels the running ones (their runs stay resumable) and waits for them to end. */
  stop(): Promise<void>;
}

/**
 * Long work as jobs, whatever the queue underneath: the workspace's own SQLite store (embedded) or Redis.
 * Both implementations pass one conformance suite (test/helpers/job-queue-conformance.ts).
 */
export interface JobQueue {
  readonly name: 'embedded' | 'redis';
  enqueue(kind: string, payload: unknown, options?: EnqueueOptions): Promise<JobInfo>;
  /** The job as it is now (status, progress, result); JOB_NOT_FOUND if there is none. */
  get(id: string): Promise<JobInfo>;
  list(filter?: { group?: string; status?: JobStatus }): Promise<JobInfo[]>;
  /** Cancels a queued job, or stops a running one (SIGTERM to its process); the job ends `cancelled`. */
  cancel(id: string): Promise<JobInfo>;
  /** Waits for the job to finish: its result, or JOB_FAILED / JOB_CANCELLED. */
  result(id: string): Promise<unknown>;
  /** Calls `listener` with the job's progress and status changes until the returned function is called. */
  events(id: string, listener: (event: JobEvent) => void): () => void;
  /** Starts working this queue's jobs in child processes. */
  work(options: WorkOptions): Promise<JobWorker>;
  close(): Promise<void>;
}
