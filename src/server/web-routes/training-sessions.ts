import crypto from 'node:crypto';
import type { TrainRecipe } from '../../train/recipe.js';
import type { TrainEvent } from '../../train/train-run.js';
import { startTraining as defaultStart, type TrainingJob } from './start-training.js';
import type { TrainRunOptions } from '../../train/train-run.js';

export type SessionStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/** What the training page hears: the runs' own events, plus the session's beginning and end. */
export type SessionEvent =
  | TrainEvent
  | { type: 'run-finished'; runId: string; status: string; error?: string }
  | { type: 'session'; status: SessionStatus; error?: string };

/** One launch from the training page: one or more recipes (several architectures or a sweep) trained in turn. */
export interface TrainingSession {
  id: string;
  projectId: number;
  status: SessionStatus;
  recipes: TrainRecipe[];
  sweepId: string | null;
  runs: Array<{ runId: string; arch: string; status: string }>;
  error: string | null;
  startedAt: string;
}

/** Most events a session replays to a page that connects late (steps beyond it are thinned out first). */
const MAX_EVENTS = 4000;
/** How long a stop may go unheard (e.g. while a run still builds its tensor cache) before the process is ended. */
const STOP_GRACE_MS = 15_000;

interface Live {
  session: TrainingSession;
  events: SessionEvent[];
  listeners: Set<(event: SessionEvent) => void>;
  job: TrainingJob | null;
  cancelled: boolean;
}

/** The training sessions of this server process and their event streams. */
export class TrainingSessions {
  private readonly live = new Map<string, Live>();

  constructor(
    private readonly workspace: string,
    private readonly start: (options: TrainRunOptions) => TrainingJob = defaultStart,
  ) {}

  launch(projectId: number, recipes: TrainRecipe[], sweepId: string | null = null): TrainingSession {
    const session: TrainingSession = {
      id: crypto.randomUUID(), projectId, status: 'running', recipes, sweepId, runs: [], error: null,
      startedAt: new Date().toISOString(),
    };
    const live: Live = { session, events: [], listeners: new Set(), job: null, cancelled: false };
    this.live.set(session.id, live);
    void this.run(live);
    return session;
  }

  get(id: string): TrainingSession | undefined {
    return this.live.get(id)?.session;
  }

  list(projectId?: number): TrainingSession[] {
    return [...this.live.values()].map((l) => l.session).filter((s) => projectId === undefined || s.projectId === projectId);
  }

  /** Replays the session's events so far, then calls `listener` with each new one; returns the unsubscribe. */
  subscribe(id: string, listener: (event: SessionEvent) => void): () => void {
    const live = this.live.get(id);
    if (!live) return () => {};
    for (const event of live.events) listener(event);
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
  }

  cancel(id: string): boolean {
    const live = this.live.get(id);
    if (!live || live.session.status !== 'running') return false;
    live.cancelled = true;
    const job = live.job;
    if (job) {
      job.stop();
      setTimeout(() => {
        if (live.job === job) job.kill();
      }, STOP_GRACE_MS).unref();
    }
    return true;
  }

  /** Stops every running session (server shutdown) and waits for their processes. */
  async close(): Promise<void> {
    const running = [...this.live.values()].filter((l) => l.session.status === 'running');
    for (const l of running) {
      l.cancelled = true;
      l.job?.kill();
    }
    await Promise.all(running.map((l) => l.job?.result.catch(() => undefined)));
  }

  private emit(live: Live, event: SessionEvent): void {
    live.events.push(event);
    if (live.events.length > MAX_EVENTS) {
      // keep every epoch and log event; drop every other step of the older half
      const half = live.events.length >> 1;
      live.events = [...live.events.slice(0, half).filter((e, i) => e.type !== 'step' || i % 2 === 0), ...live.events.slice(half)];
    }
    for (const listener of live.listeners) listener(event);
  }

  private async run(live: Live): Promise<void> {
    const { session } = live;
    try {
      for (const recipe of session.recipes) {
        if (live.cancelled) break;
        let runId: string | null = null;
        const job = this.start({
          workspace: this.workspace, project: session.projectId, recipe, ...(session.sweepId ? { sweepId: session.sweepId } : {}),
          onEvent: (event) => {
            if (event.type === 'start' && runId === null) {
              runId = event.runId;
              session.runs.push({ runId, arch: event.arch, status: 'running' });
            }
            this.emit(live, event);
          },
        });
        live.job = job;
        try {
          const result = await job.result;
          this.finishRun(live, result.id, result.status);
        } catch (error) {
          const message = (error as Error).message;
          if (runId) this.finishRun(live, runId, live.cancelled ? 'stopped' : 'failed', message);
          if (!live.cancelled) throw error;
        } finally {
          live.job = null;
        }
      }
      session.status = live.cancelled ? 'cancelled' : 'completed';
    } catch (error) {
      session.status = 'failed';
      session.error = (error as Error).message;
    }
    this.emit(live, { type: 'session', status: session.status, ...(session.error ? { error: session.error } : {}) });
  }

  private finishRun(live: Live, runId: string, status: string, error?: string): void {
    const run = live.session.runs.find((r) => r.runId === runId);
    if (run) run.status = status;
    this.emit(live, { type: 'run-finished', runId, status, ...(error ? { error } : {}) });
  }
}
