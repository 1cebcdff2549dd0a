import { OsteonError } from '../../errors.js';
import { enqueueTraining, FINISHED, type JobEvent, type JobInfo, type JobQueue, type JobStatus, type TrainJobPayload, type TrainJobResult } from '../../jobs/index.js';
import type { TrainRecipe } from '../../train/recipe.js';
import { newRunId, type Run } from '../../train/runs.js';
import { enqueuePlannedTraining, type PlannedTraining } from '../training-requests.js';

export type SessionStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * One launch from the training page: the jobs of one group (several architectures, or a sweep's trials), run by
 * the queue's workers. Built from the queue each time it is asked for, so it outlives a server restart.
 */
export interface TrainingSession {
  /** The job group (a sweep's id for a sweep). */
  id: string;
  projectId: number;
  status: SessionStatus;
  recipes: Array<Pick<TrainRecipe, 'arch' | 'epochs'> & Partial<TrainRecipe>>;
  sweepId: string | null;
  runs: Array<{ runId: string; arch: string; status: string; jobId: string }>;
  jobs: Array<{ id: string; status: JobStatus; attempts: number; error: string | null }>;
  error: string | null;
  startedAt: string;
}

/**
 * What the training page hears, in the shapes of training's own events (`start`, `step`, `epoch`, `prepare`, with
 * their runId), plus `job` (a job's status changed), `run-finished` and `session` (first and last).
 */
export type SessionEvent = { type: string } & Record<string, unknown>;

const TRAINING_KINDS = ['train', 'sweep-trial'];

const payloadOf = (job: JobInfo) => job.payload as TrainJobPayload;

/** The run a job trains: from its result, else from its last progress report. */
function runIdOf(job: JobInfo): string | null {
  const result = job.result as TrainJobResult | null;
  if (result?.runId) return result.runId;
  const runId = job.progress?.detail?.runId;
  return typeof runId === 'string' ? runId : null;
}

/** The run's status as the runs table says it, from the job's. */
function runStatusOf(job: JobInfo): string {
  if (job.status === 'completed') return (job.result as TrainJobResult | null)?.status ?? 'completed';
  return job.status === 'cancelled' ? 'stopped' : job.status;
}

function sessionOf(id: string, jobs: JobInfo[]): TrainingSession {
  const first = jobs[0]!;
  const unfinished = jobs.some((j) => !FINISHED.includes(j.status));
  const failed = jobs.find((j) => j.status === 'failed');
  const status: SessionStatus = unfinished ? 'running' : failed ? 'failed' : jobs.some((j) => j.status === 'cancelled') ? 'cancelled' : 'completed';
  return {
    id,
    projectId: Number(payloadOf(first).project),
    status,
    recipes: jobs.map((j) => (payloadOf(j).recipe as TrainingSession['recipes'][number] | undefined) ?? { arch: 'resumed run', epochs: 0 }),
    sweepId: payloadOf(first).sweepId ?? null,
    runs: jobs.flatMap((j) => {
      const runId = runIdOf(j);
      return runId ? [{ runId, arch: payloadOf(j).recipe?.arch ?? '', status: runStatusOf(j), jobId: j.id }] : [];
    }),
    jobs: jobs.map((j) => ({ id: j.id, status: j.status, attempts: j.attempts, error: j.error })),
    error: status === 'failed' ? failed!.error : null,
    startedAt: first.createdAt,
  };
}

/** The training page's launches, as groups of training jobs on the job queue. */
export class TrainingSessions {
  constructor(private readonly queue: JobQueue) {}

  async launch(project: { id: number }, planned: PlannedTraining[]): Promise<TrainingSession> {
    const { group, jobs } = await enqueuePlannedTraining(this.queue, project.id, planned);
    return sessionOf(group, jobs);
  }

  /** Continues a stopped or interrupted run from its last complete epoch, as a session of one job. */
  async resume(run: Run): Promise<TrainingSession> {
    if (run.status !== 'stopped' && run.status !== 'interrupted') {
      throw new OsteonError('RUN_NOT_RESUMABLE', `Run ${run.id} is ${run.status}; only a stopped or interrupted run resumes.`);
    }
    const group = newRunId('training');
    // The recipe rides along for the page (architecture, epochs); the job trains the run's own.
    return sessionOf(group, [await enqueueTraining(this.queue, { project: run.projectId, recipe: run.recipe, resume: run.id }, { group })]);
  }

  async get(id: string): Promise<TrainingSession | undefined> {
    const jobs = (await this.queue.list({ group: id })).filter((j) => TRAINING_KINDS.includes(j.kind));
    return jobs.length ? sessionOf(id, jobs) : undefined;
  }

  /** The project's sessions, oldest first: every group of training jobs for it (the CLI's sweeps too). */
  async list(project: { id: number; name: string }): Promise<TrainingSession[]> {
    const groups = new Map<string, JobInfo[]>();
    for (const job of await this.queue.list()) {
      const target = payloadOf(job)?.project;
      if (!job.group || !TRAINING_KINDS.includes(job.kind) || (target !== project.id && target !== project.name && target !== String(project.id))) continue;
      groups.set(job.group, [...(groups.get(job.group) ?? []), job]);
    }
    return [...groups].map(([id, jobs]) => sessionOf(id, jobs));
  }

  /** Cancels the session's unfinished jobs; false when none was left to cancel. */
  async cancel(id: string): Promise<boolean> {
    const session = await this.get(id);
    const open = session?.jobs.filter((j) => !FINISHED.includes(j.status)) ?? [];
    for (const job of open) await this.queue.cancel(job.id);
    return open.length > 0;
  }

  /**
   * Sends the session's events: what its jobs reported so far (as far as the queue keeps it), then live ones,
   * ending with `session` once every job has finished. Returns the unsubscribe.
   */
  follow(session: TrainingSession, send: (event: SessionEvent) => void, end: () => void): () => void {
    let ended = false;
    let chain = Promise.resolve();
    const later = (work: () => Promise<void>) => {
      chain = chain.then(work).catch(() => {
        ended = true;
        end();
      });
    };
    const finishIfDone = async () => {
      const now = await this.get(session.id);
      if (ended || !now || now.status === 'running') return;
      ended = true;
      send({ ...now, type: 'session' });
      end();
    };
    const onEvent = (event: JobEvent) => {
      if (ended) return;
      if (event.type === 'progress') {
        for (const e of pageEvents(event.progress.detail)) send(e);
        return;
      }
      send({ type: 'job', jobId: event.jobId, status: event.status, error: event.error ?? null });
      if (!FINISHED.includes(event.status)) return;
      later(async () => {
        const job = await this.queue.get(event.jobId);
        const runId = runIdOf(job);
        if (runId && !ended) send({ type: 'run-finished', runId, jobId: job.id, status: runStatusOf(job), ...(job.error ? { error: job.error } : {}) });
        await finishIfDone();
      });
    };
    const unsubscribe = session.jobs.map((j) => this.queue.events(j.id, onEvent));
    // A session that finished before (or without) its events being replayed ends too.
    later(finishIfDone);
    return () => {
      ended = true;
      for (const stop of unsubscribe) stop();
    };
  }
}

/** A training job's progress detail as the page's events: a batch of steps becomes one `step` each. */
function pageEvents(detail: Record<string, unknown> | undefined): SessionEvent[] {
  if (!detail || typeof detail.type !== 'string') return [];
  if (detail.type !== 'steps') return [detail as SessionEvent];
  const steps = Array.isArray(detail.steps) ? (detail.steps as Array<Record<string, unknown>>) : [];
  return steps.map((step) => ({ type: 'step', runId: detail.runId, stepsPerEpoch: detail.stepsPerEpoch, ...step }));
}
