// The `train` and `sweep-trial` kinds, run in the job's own process: one training run, resumed on a retry.
import { isDeepStrictEqual } from 'node:util';
import { getProject, openStore } from '../../data/index.js';
import { OsteonError } from '../../errors.js';
import { defaultRecipe, validateRecipe, type TrainRecipe } from '../../train/recipe.js';
import { trainRun, type TrainEvent } from '../../train/train-run.js';
import type { JobContext } from '../registry.js';

export interface TrainJobPayload {
  project: string | number;
  /** What to train; or `resume` to continue an existing run. */
  recipe?: Partial<TrainRecipe> & { arch: string };
  resume?: string;
  sweepId?: string;
  /** The trial's hyperparameters (sweep trials), echoed in the result. */
  params?: Record<string, string>;
  /** When the job was enqueued (ISO): a run found without a recorded id must be younger. */
  enqueuedAt?: string;
}

export interface TrainJobResult {
  runId: string;
  arch: string;
  status: 'completed' | 'stopped';
  epochsDone: number;
  /** The epoch this attempt started from: above 0 when it resumed an earlier attempt's run. */
  startEpoch: number;
  attempt: number;
  best: { epoch: number | null; valAuroc: number | null };
  params?: Record<string, string>;
  imagesPerSecond: number | null;
  trainSeconds: number;
}

/**
 * A run an earlier attempt created but died before naming (between creating the run row and its first event):
 * still `running`, same project, sweep and recipe, and younger than the job.
 */
function orphanedRun(workspace: string, payload: TrainJobPayload): string | undefined {
  if (!payload.recipe || !payload.enqueuedAt) return undefined;
  const wanted = validateRecipe({ ...defaultRecipe(payload.recipe.arch), ...payload.recipe } as TrainRecipe);
  const store = openStore(workspace);
  try {
    const project = getProject(store, payload.project);
    const rows = store.db
      .prepare(`SELECT id, recipe FROM runs WHERE project_id = ? AND status IN ('running', 'queued') AND sweep_id IS ? AND created_at >= ?
                ORDER BY created_at`)
      .all(project.id, payload.sweepId ?? null, payload.enqueuedAt) as Array<{ id: string; recipe: string }>;
    return rows.find((r) => isDeepStrictEqual(JSON.parse(r.recipe), JSON.parse(JSON.stringify(wanted))))?.id;
  } finally {
    store.close();
  }
}

export default async function runTrainJob(payload: TrainJobPayload, context: JobContext): Promise<TrainJobResult> {
  const remembered = context.state?.runId as string | undefined;
  const resume = payload.resume ?? remembered ?? (context.attempt > 1 ? orphanedRun(context.workspace, payload) : undefined);
  let runId = resume;
  let startEpoch = 0;
  let epochs = payload.recipe?.epochs ?? 1;
  let lastReport = 0;
  // Every step's loss reaches the progress (the web UI draws the curve from them), a report at most twice a second.
  let pendingSteps: Array<Omit<Extract<TrainEvent, { type: 'step' }>, 'type' | 'runId' | 'stepsPerEpoch'>> = [];
  const known = (id: string) => {
    if (runId === id && remembered === id) return;
    runId = id;
    context.remember({ runId: id });
  };
  const flushSteps = (last: Extract<TrainEvent, { type: 'step' }>) => {
    lastReport = Date.now();
    const done = last.epoch + last.step / last.stepsPerEpoch;
    context.progress({
      percent: (100 * done) / epochs,
      message: `epoch ${last.epoch + 1}/${epochs} step ${last.step}/${last.stepsPerEpoch}: loss ${last.loss.toFixed(3)}`,
      detail: { type: 'steps', runId: last.runId, stepsPerEpoch: last.stepsPerEpoch, steps: pendingSteps },
    });
    pendingSteps = [];
  };
  let lastStep: Extract<TrainEvent, { type: 'step' }> | undefined;
  const result = await trainRun({
    workspace: context.workspace,
    project: payload.project,
    ...(resume ? { resume } : { recipe: payload.recipe }),
    sweepId: payload.sweepId,
    shouldStop: () => context.signal.aborted,
    onEvent: (event) => {
      if (runId !== event.runId) known(event.runId);
      if (event.type === 'start') {
        startEpoch = event.startEpoch;
        epochs = event.epochs;
        context.progress({ percent: (100 * startEpoch) / epochs, message: `run ${event.runId}: ${event.arch}, epoch ${startEpoch + 1}/${epochs}`, detail: { ...event } });
      } else if (event.type === 'step') {
        const { type: _type, runId: _run, stepsPerEpoch: _steps, ...step } = event;
        pendingSteps.push(step);
        lastStep = event;
        if (Date.now() - lastReport > 500) flushSteps(event);
      } else if (event.type === 'epoch') {
        if (pendingSteps.length && lastStep) flushSteps(lastStep);
        const m = event.metrics;
        context.progress({
          percent: (100 * (event.epoch + 1)) / epochs,
          message: `epoch ${event.epoch + 1}/${epochs}: val AUROC ${m.valAuroc?.toFixed(3) ?? 'n/a'}${event.improved ? ' (best)' : ''}`,
          metrics: { epoch: event.epoch, ...m, improved: event.improved },
          detail: { ...event },
        });
      } else if (event.type === 'prepare' && (Date.now() - lastReport > 500 || event.done === event.total)) {
        lastReport = Date.now();
        context.progress({ percent: 0, message: `preparing data: ${event.stage} ${event.done}/${event.total}`, detail: { ...event } });
      }
    },
  });
  if (context.signal.aborted) throw new OsteonError('JOB_CANCELLED', `Cancelled; run ${result.id} stopped after ${result.epochsDone} epoch(s).`);
  return {
    runId: result.id, arch: result.arch, status: result.status, epochsDone: result.epochsDone, startEpoch,
    attempt: context.attempt, best: result.best, ...(payload.params ? { params: payload.params } : {}),
    imagesPerSecond: result.imagesPerSecond, trainSeconds: result.trainSeconds,
  };
}
