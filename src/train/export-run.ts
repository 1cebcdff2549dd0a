import path from 'node:path';
import { getProject, type DatasetStore } from '../data/index.js';
import { OsteonError } from '../errors.js';
import { exportOnnx } from '../nn/export.js';
import { createModelGraph } from '../nn/registry.js';
import { loadSafetensors } from '../nn/safetensors.js';
import '../nn/zoo/index.js';
import { workspacePaths } from '../util/workspace.js';
import { runFiles } from './checkpoint.js';
import { preprocessSpecFor } from './preprocess-spec.js';
import { storedRunRecipe } from './recipe.js';
import { getRun } from './runs.js';
import fs from 'node:fs';

/**
 * A run's best checkpoint as a self-describing ONNX model: its preprocessing, classes, and the threshold chosen on
 * validation (0.5 until the run has been evaluated).
 */
export function exportRun(
  store: DatasetStore,
  runId: string,
  options: { threshold?: number; weights?: string; testTimeFlip?: boolean } = {},
): Uint8Array {
  const run = getRun(store, runId);
  const project = getProject(store, run.projectId);
  // `weights`: another checkpoint of the run (an epoch kept for analysis) instead of its best.
  const best = options.weights ?? runFiles(path.join(workspacePaths(store.root).runs, run.id)).best;
  if (!fs.existsSync(best)) {
    throw new OsteonError('RUN_HAS_NO_CHECKPOINT', `Run ${run.id} has no best checkpoint yet (status ${run.status}, ${run.epochsDone} epochs done).`);
  }
  const graph = createModelGraph(run.arch, { inputChannels: run.recipe.channels, numClasses: project.classes.length });
  return exportOnnx(graph, loadSafetensors(best).state, {
    spec: preprocessSpecFor(run.recipe),
    classes: project.classes,
    threshold: options.threshold ?? run.threshold ?? 0.5,
    runId: run.id,
    testTimeFlip: options.testTimeFlip ?? storedRunRecipe(run.recipe).testTimeFlip,
  });
}
