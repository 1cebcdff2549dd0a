import crypto from 'node:crypto';
import type { DatasetStore } from '../data/index.js';
import { OsteonError } from '../errors.js';
import type { TrainRecipe } from './recipe.js';
import { currentOwner, ownerState } from './run-owner.js';

/**
 * `interrupted` is never stored: it is how a `running` run reads once its training process on this machine is gone
 * (killed outright, so nothing recorded the end). Like `stopped`, it resumes from its last complete epoch.
 */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped' | 'interrupted';
export type StoredRunStatus = Exclude<RunStatus, 'interrupted'>;

/** A training run as the store records it. */
export interface Run {
  id: string;
  projectId: number;
  arch: string;
  status: RunStatus;
  recipe: TrainRecipe;
  /** SHA-256 over the exact images, labels and splits the run trained and validated on. */
  dataHash: string;
  trainImages: number;
  valImages: number;
  parameters: number;
  epochsDone: number;
  bestEpoch: number | null;
  bestValAuroc: number | null;
  threshold: number | null;
  imagesPerSecond: number | null;
  trainSeconds: number;
  error: string | null;
  sweepId: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The process that trains it, `host:pid` (null for runs from before this was recorded). */
  owner: string | null;
}

interface RunRow {
  id: string;
  project_id: number;
  arch: string;
  status: StoredRunStatus;
  recipe: string;
  data_hash: string;
  train_images: number;
  val_images: number;
  parameters: number;
  epochs_done: number;
  best_epoch: number | null;
  best_val_auroc: number | null;
  threshold: number | null;
  images_per_second: number | null;
  train_seconds: number;
  error: string | null;
  sweep_id: string | null;
  created_at: string;
  finished_at: string | null;
  owner: string | null;
}

const fromRow = (r: RunRow): Run => ({
  id: r.id,
  projectId: r.project_id,
  arch: r.arch,
  status: r.status === 'running' && ownerState(r.owner) === 'gone' ? 'interrupted' : r.status,
  recipe: JSON.parse(r.recipe),
  dataHash: r.data_hash,
  trainImages: r.train_images,
  valImages: r.val_images,
  parameters: r.parameters,
  epochsDone: r.epochs_done,
  bestEpoch: r.best_epoch,
  bestValAuroc: r.best_val_auroc,
  threshold: r.threshold,
  imagesPerSecond: r.images_per_second,
  trainSeconds: r.train_seconds,
  error: r.error,
  sweepId: r.sweep_id,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  owner: r.owner,
});

/** A readable, sortable, unique id: `mobilenet_v2-20261126-201530-a3f9` (prefix: the architecture, or `sweep`). */
export function newRunId(prefix: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${prefix}-${stamp}-${crypto.randomBytes(2).toString('hex')}`;
}

export function createRun(
  store: DatasetStore,
  run: Pick<Run, 'id' | 'projectId' | 'arch' | 'recipe' | 'dataHash' | 'trainImages' | 'valImages' | 'parameters' | 'sweepId'>,
): Run {
  store.db
    .prepare(
      `INSERT INTO runs (id, project_id, arch, status, recipe, data_hash, train_images, val_images, parameters, sweep_id, created_at, owner)
       VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(run.id, run.projectId, run.arch, JSON.stringify(run.recipe), run.dataHash, run.trainImages, run.valImages,
      run.parameters, run.sweepId, new Date().toISOString(), currentOwner());
  return getRun(store, run.id);
}

export function getRun(store: DatasetStore, id: string): Run {
  const row = store.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  if (!row) throw new OsteonError('RUN_NOT_FOUND', `No training run "${id}". List runs with \`osteon runs list --project P\`.`);
  return fromRow(row);
}

export function listRuns(store: DatasetStore, projectId: number): Run[] {
  return (store.db.prepare('SELECT * FROM runs WHERE project_id = ? ORDER BY created_at').all(projectId) as RunRow[]).map(fromRow);
}

const COLUMNS: Partial<Record<keyof Run, string>> = {
  status: 'status',
  epochsDone: 'epochs_done',
  bestEpoch: 'best_epoch',
  bestValAuroc: 'best_val_auroc',
  threshold: 'threshold',
  imagesPerSecond: 'images_per_second',
  trainSeconds: 'train_seconds',
  error: 'error',
  finishedAt: 'finished_at',
  owner: 'owner',
};

export function updateRun(store: DatasetStore, id: string, changes: Partial<Omit<Run, 'status'>> & { status?: StoredRunStatus }): void {
  const entries = Object.entries(changes).filter(([key]) => COLUMNS[key as keyof Run]);
  if (entries.length === 0) return;
  const sets = entries.map(([key]) => `${COLUMNS[key as keyof Run]} = ?`).join(', ');
  store.db.prepare(`UPDATE runs SET ${sets} WHERE id = ?`).run(...entries.map(([, v]) => v as unknown), id);
}

export function recordEpoch(store: DatasetStore, runId: string, epoch: number, metrics: Record<string, unknown>): void {
  store.db
    .prepare('INSERT OR REPLACE INTO run_epochs (run_id, epoch, metrics) VALUES (?, ?, ?)')
    .run(runId, epoch, JSON.stringify(metrics));
}

export function runEpochs(store: DatasetStore, runId: string): Array<Record<string, unknown> & { epoch: number }> {
  return (store.db.prepare('SELECT epoch, metrics FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(runId) as Array<{
    epoch: number;
    metrics: string;
  }>).map((r) => ({ ...JSON.parse(r.metrics), epoch: r.epoch }));
}
