import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getProject, listImages } from '../../data/index.js';
import type { DatasetStore } from '../../data/index.js';
import type { EvaluationReport } from '../../eval/index.js';
import { usableImages } from '../../pipeline/index.js';
import { evaluateRun, type EvaluatedFile } from '../../train/evaluate-run.js';
import { getRun } from '../../train/runs.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { workspacePaths } from '../../util/workspace.js';

/** A run's test-set evaluation as the compare page uses it: the report with its curves, and each file's probabilities. */
export interface HeldEvaluation {
  runId: string;
  arch: string;
  classes: string[];
  positiveIndex: number;
  report: EvaluationReport;
  files: EvaluatedFile[];
}

/** Bootstrap resamples for the page's intervals: enough for a stable 95% interval, quick on small test sets. */
const RESAMPLES = 500;
const FILE = 'test-evaluation.json';

interface SavedEvaluation {
  key: string;
  held: HeldEvaluation;
}

/**
 * What an evaluation depends on: the run's best checkpoint and the labelled val (the threshold) and test images.
 * A run resumed to a better epoch, or a relabelled or re-split image, makes a saved evaluation stale.
 */
function evaluationKey(store: DatasetStore, runId: string): string {
  const run = getRun(store, runId);
  const project = getProject(store, run.projectId);
  const images = (split: 'val' | 'test') => usableImages(listImages(store, project.id, { split }), project.classes).map((i) => [i.id, i.label]);
  return crypto.createHash('sha256').update(JSON.stringify({ best: run.bestEpoch, val: images('val'), test: images('test') })).digest('hex');
}

/**
 * Test-set evaluations of runs for the ROC overlay and the confusion-matrix galleries (the store keeps the metrics,
 * not the curves or per-file probabilities): kept in memory and in the run's folder, so a restarted server still has
 * them, and dropped once stale. Evaluations of one run are not repeated while one is going.
 */
export class RunEvaluations {
  private readonly held = new Map<string, SavedEvaluation>();
  private readonly pending = new Map<string, Promise<HeldEvaluation>>();

  constructor(private readonly workspace: string) {}

  private file(runId: string): string {
    return path.join(workspacePaths(this.workspace).runs, runId, FILE);
  }

  /** The run's evaluation if one is held and still true of the run and its data. */
  get(store: DatasetStore, runId: string): HeldEvaluation | undefined {
    let saved = this.held.get(runId);
    if (!saved) {
      try {
        saved = JSON.parse(fs.readFileSync(this.file(runId), 'utf8')) as SavedEvaluation;
      } catch {
        return undefined; // none saved, or unreadable: evaluating again is the remedy
      }
    }
    let key: string;
    try {
      key = evaluationKey(store, runId);
    } catch {
      return undefined; // the run is gone
    }
    if (saved.key !== key) {
      this.held.delete(runId);
      return undefined;
    }
    this.held.set(runId, saved);
    return saved.held;
  }

  async evaluate(store: DatasetStore, runId: string): Promise<HeldEvaluation> {
    const going = this.pending.get(runId);
    if (going) return going;
    const run = getRun(store, runId);
    const project = getProject(store, run.projectId);
    const key = evaluationKey(store, runId);
    const work = evaluateRun({ workspace: this.workspace, runId, split: 'test', bootstrap: { resamples: RESAMPLES, seed: 0 } })
      .then((evaluation) => {
        const held: HeldEvaluation = {
          runId, arch: run.arch, classes: project.classes, positiveIndex: evaluation.report.positiveIndex,
          report: evaluation.report, files: evaluation.files,
        };
        this.held.set(runId, { key, held });
        writeFileAtomic(this.file(runId), JSON.stringify({ key, held } satisfies SavedEvaluation));
        return held;
      })
      .finally(() => this.pending.delete(runId));
    this.pending.set(runId, work);
    return work;
  }
}

/** The class a file is predicted at `threshold`: the positive class when its probability reaches it, else the likeliest other. */
export function predictedIndex(probabilities: Record<string, number>, classes: readonly string[], positiveIndex: number, threshold: number): number {
  if ((probabilities[classes[positiveIndex]!] ?? 0) >= threshold) return positiveIndex;
  let best = -1;
  classes.forEach((name, i) => {
    if (i !== positiveIndex && (best < 0 || (probabilities[name] ?? 0) > (probabilities[classes[best]!] ?? 0))) best = i;
  });
  return best;
}

/** The confusion matrix at `threshold` with the image ids behind each cell (rows: true class, columns: predicted). */
export function confusionAt(held: HeldEvaluation, threshold: number) {
  const k = held.classes.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const cells: Record<string, number[]> = {};
  for (const file of held.files) {
    const t = held.classes.indexOf(file.label);
    if (t < 0) continue;
    const p = predictedIndex(file.probabilities, held.classes, held.positiveIndex, threshold);
    matrix[t]![p]!++;
    (cells[`${t},${p}`] ??= []).push(file.imageId);
  }
  const pos = held.positiveIndex;
  const positives = matrix[pos]!.reduce((a, b) => a + b, 0);
  const negatives = held.files.length - positives;
  const truePositives = matrix[pos]![pos]!;
  const falsePositives = matrix.reduce((sum, row, i) => sum + (i === pos ? 0 : row[pos]!), 0);
  return {
    matrix, cells, threshold,
    sensitivity: positives > 0 ? truePositives / positives : null,
    specificity: negatives > 0 ? (negatives - falsePositives) / negatives : null,
  };
}
