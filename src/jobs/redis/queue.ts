import { Job, Queue, QueueEvents, type JobType } from 'bullmq';
import type { Redis } from 'ioredis';
import { OsteonError } from '../../errors.js';
import { newJobId, workspaceId } from '../ids.js';
import { jobKind } from '../registry.js';
import type { EnqueueOptions, JobEvent, JobInfo, JobProgress, JobQueue, JobStatus, JobWorker, WorkOptions } from '../types.js';
import { waitForJob } from '../wait.js';
import { cancelKey, connectRedis, queueNameFor } from './connection.js';
import { startRedisWorker } from './worker.js';

/** What a job carries in Redis: enough for a worker elsewhere to find the data. */
export interface RedisJobData {
  kind: string;
  payload: unknown;
  group: string | null;
  workspaceId: string;
  /** The path on the machine that enqueued it; workers use their own path to the same workspace. */
  workspacePath: string;
  /** What an attempt remembered for the next one. */
  state?: Record<string, unknown>;
}

const CANCELLED = 'JOB_CANCELLED';
const ALL_STATES: JobType[] = ['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children'];

/** The distributed queue: BullMQ on Redis, one queue per workspace. Workers on any machine that has the workspace. */
export class RedisJobQueue implements JobQueue {
  readonly name = 'redis';
  private events_?: QueueEvents;
  private eventsConnection?: Redis;
  private readonly listeners = new Set<(event: JobEvent) => void>();

  private constructor(
    readonly url: string,
    readonly workspace: string,
    readonly workspaceId: string,
    private readonly connection: Redis,
    private readonly queue: Queue,
  ) {}

  static async open(url: string, workspace: string): Promise<RedisJobQueue> {
    const id = workspaceId(workspace);
    const connection = connectRedis(url);
    const queue = new Queue(queueNameFor(id), { connection });
    await queue.waitUntilReady().catch((error: Error) => {
      connection.disconnect();
      throw new OsteonError('QUEUE_UNREACHABLE', `Cannot reach Redis at ${url} (${error.message}); start redis-server or fix --queue.`);
    });
    return new RedisJobQueue(url, workspace, id, connection, queue);
  }

  get queueName(): string {
    return this.queue.name;
  }

  async enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<JobInfo> {
    jobKind(kind);
    const id = newJobId();
    const data: RedisJobData = { kind, payload: payload ?? null, group: options.group ?? null, workspaceId: this.workspaceId, workspacePath: this.workspace };
    await this.queue.add(kind, data, { jobId: id, attempts: options.maxAttempts ?? 3, removeOnComplete: false, removeOnFail: false });
    return this.get(id);
  }

  private async info(job: Job<RedisJobData>, knownState?: string): Promise<JobInfo> {
    const state = knownState ?? (await job.getState());
    const cancelRequested = (await this.connection.exists(cancelKey(this.queue.name, job.id!))) === 1;
    let status: JobStatus;
    // A cancel is final once asked: workers honour the mark before a job starts and stop it while it runs.
    if (state === 'completed') status = 'completed';
    else if (state === 'failed') status = job.failedReason?.startsWith(CANCELLED) || (!job.failedReason && cancelRequested) ? 'cancelled' : 'failed';
    else if (cancelRequested) status = 'cancelled';
    else status = state === 'active' ? 'running' : 'queued';
    const progress = typeof job.progress === 'object' && job.progress !== null ? (job.progress as unknown as JobProgress) : null;
    return {
      id: job.id!,
      kind: job.data.kind,
      status,
      payload: job.data.payload,
      group: job.data.group,
      progress,
      result: status === 'completed' ? (job.returnvalue ?? null) : null,
      error: status === 'failed' || status === 'cancelled' ? (job.failedReason ?? (cancelRequested ? 'cancelled before it ran' : null)) : null,
      attempts: job.attemptsStarted ?? job.attemptsMade,
      createdAt: new Date(job.timestamp).toISOString(),
      startedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
      finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }

  async get(id: string): Promise<JobInfo> {
    // The state first: a job read after it is stays at least as far along.
    const state = await this.queue.getJobState(id);
    const job = (await Job.fromId(this.queue, id)) as Job<RedisJobData> | undefined;
    if (!job || state === 'unknown') throw new OsteonError('JOB_NOT_FOUND', `No job "${id}" in ${this.queue.name} at ${this.url}. List jobs with \`osteon jobs list --queue URL\`.`);
    return this.info(job, state);
  }

  async list(filter: { group?: string; status?: JobStatus } = {}): Promise<JobInfo[]> {
    const jobs = (await this.queue.getJobs(ALL_STATES)) as Array<Job<RedisJobData>>;
    const infos = await Promise.all(jobs.filter((j) => j && (!filter.group || j.data.group === filter.group)).map((j) => this.info(j)));
    return infos.filter((j) => !filter.status || j.status === filter.status).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async cancel(id: string): Promise<JobInfo> {
    const job = await this.get(id);
    if (job.status === 'queued' || job.status === 'running') {
      // Workers look for this mark before they start a job and while it runs.
      await this.connection.set(cancelKey(this.queue.name, id), '1', 'EX', 30 * 24 * 3600);
    }
    return this.get(id);
  }

  result(id: string): Promise<unknown> {
    return waitForJob(() => this.get(id));
  }

  events(id: string, listener: (event: JobEvent) => void): () => void {
    const filtered = (event: JobEvent) => event.jobId === id && listener(event);
    this.listeners.add(filtered);
    this.queueEvents();
    return () => this.listeners.delete(filtered);
  }

  private queueEvents(): QueueEvents {
    if (this.events_) return this.events_;
    this.eventsConnection = this.connection.duplicate();
    const events = new QueueEvents(this.queue.name, { connection: this.eventsConnection });
    const emit = (event: JobEvent) => {
      for (const listener of this.listeners) listener(event);
    };
    events.on('progress', ({ jobId, data }) => typeof data === 'object' && emit({ type: 'progress', jobId, progress: data as unknown as JobProgress }));
    events.on('active', ({ jobId }) => emit({ type: 'status', jobId, status: 'running' }));
    events.on('completed', ({ jobId }) => emit({ type: 'status', jobId, status: 'completed' }));
    events.on('failed', ({ jobId, failedReason }) =>
      emit({ type: 'status', jobId, status: failedReason.startsWith(CANCELLED) ? 'cancelled' : 'failed', error: failedReason }));
    events.on('waiting', ({ jobId }) => emit({ type: 'status', jobId, status: 'queued' }));
    this.events_ = events;
    return events;
  }

  work(options: WorkOptions): Promise<JobWorker> {
    return startRedisWorker(this.url, options);
  }

  async close(): Promise<void> {
    await this.events_?.close();
    this.eventsConnection?.disconnect();
    await this.queue.close();
    this.connection.disconnect();
  }
}
