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

/** A BullMQ stream event as a job event; null for those a job's followers do not see. */
function jobEventFrom(name: string, args: Record<string, unknown>): JobEvent | null {
  const jobId = String(args.jobId ?? '');
  switch (name) {
    case 'progress':
      return typeof args.data === 'object' && args.data !== null ? { type: 'progress', jobId, progress: args.data as JobProgress } : null;
    case 'active':
      return { type: 'status', jobId, status: 'running' };
    case 'completed':
      return { type: 'status', jobId, status: 'completed' };
    case 'failed': {
      const reason = String(args.failedReason ?? '');
      return { type: 'status', jobId, status: reason.startsWith(CANCELLED) ? 'cancelled' : 'failed', error: reason };
    }
    case 'waiting':
      return { type: 'status', jobId, status: 'queued' };
    default:
      return null;
  }
}

/** Whether stream entry id `a` (`ms-seq`) comes after `b`. */
function entryAfter(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am > bm || (am === bm && as > bs);
}

/** The distributed queue: BullMQ on Redis, one queue per workspace. Workers on any machine that has the workspace. */
export class RedisJobQueue implements JobQueue {
  readonly name = 'redis';
  private events_?: QueueEvents;
  private eventsStarted?: Promise<void>;
  private eventsConnection?: Redis;
  private readonly listeners = new Set<(event: JobEvent, streamEntry: string) => void>();

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

  /**
   * What the job reported so far, as far as the queue's event stream keeps it (BullMQ caps it, 10,000 events by
   * default), then live events. Both come from the same stream, so its entry ids put them in one order without
   * repeats: live events that arrive while the past is read wait, and those already replayed are dropped.
   */
  events(id: string, listener: (event: JobEvent) => void): () => void {
    let replaying = true;
    let following = true;
    let last = '0-0';
    const waiting: Array<[JobEvent, string]> = [];
    const deliver = (event: JobEvent, entry: string) => {
      if (!following || !entryAfter(entry, last)) return;
      last = entry;
      listener(event);
    };
    const filtered = (event: JobEvent, entry: string) => {
      if (event.jobId !== id) return;
      if (replaying) waiting.push([event, entry]);
      else deliver(event, entry);
    };
    this.listeners.add(filtered);
    void this.queueEvents().then(() => this.pastEvents(id)).then(
      (past) => {
        for (const [event, entry] of past) deliver(event, entry);
      },
      () => undefined, // the past is a convenience; live events still flow
    ).finally(() => {
      replaying = false;
      for (const [event, entry] of waiting.splice(0)) deliver(event, entry);
    });
    return () => {
      following = false;
      this.listeners.delete(filtered);
    };
  }

  private async pastEvents(id: string): Promise<Array<[JobEvent, string]>> {
    const past: Array<[JobEvent, string]> = [];
    let from = '-';
    for (;;) {
      const entries = await this.connection.xrange(this.queue.keys.events!, from, '+', 'COUNT', 1000);
      for (const [entry, fields] of entries) {
        const args: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) args[fields[i]!] = fields[i + 1]!;
        if (args.jobId !== id) continue;
        const event = jobEventFrom(args.event ?? '', { ...args, data: args.data === undefined ? undefined : JSON.parse(args.data) });
        if (event) past.push([event, entry]);
      }
      if (entries.length < 1000) return past;
      from = `(${entries.at(-1)![0]}`;
    }
  }

  /**
   * Starts the one live reader of the stream, from its newest entry as of now rather than from whenever its first
   * blocking read happens to reach Redis, so that no event falls between a replay and the live ones.
   */
  private queueEvents(): Promise<void> {
    this.eventsStarted ??= (async () => {
      const newest = await this.connection.xrevrange(this.queue.keys.events!, '+', '-', 'COUNT', 1);
      this.eventsConnection = this.connection.duplicate();
      const events = new QueueEvents(this.queue.name, { connection: this.eventsConnection, lastEventId: newest[0]?.[0] ?? '0-0' });
      for (const name of ['progress', 'active', 'completed', 'failed', 'waiting'] as const) {
        events.on(name, (args: Record<string, unknown>, entry: string) => {
          const event = jobEventFrom(name, args);
          if (event) for (const listener of this.listeners) listener(event, entry);
        });
      }
      this.events_ = events;
    })().catch((error: unknown) => {
      this.eventsStarted = undefined; // the next follower tries again
      throw error;
    });
    return this.eventsStarted;
  }

  work(options: WorkOptions): Promise<JobWorker> {
    return startRedisWorker(this.url, options);
  }

  async close(): Promise<void> {
    await this.eventsStarted?.catch(() => undefined);
    await this.events_?.close();
    this.eventsConnection?.disconnect();
    await this.queue.close();
    this.connection.disconnect();
  }
}
