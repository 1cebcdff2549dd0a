// The `evaluate` kind: a run's ONNX export scored on a split, stored in the evaluations table.
import type { Split } from '../../data/index.js';
import { evaluateRun } from '../../train/evaluate-run.js';
import type { JobContext } from '../registry.js';

export default async function runEvaluateJob(payload: { runId: string; split?: Split }, context: JobContext) {
  const evaluation = await evaluateRun({
    workspace: context.workspace,
    runId: payload.runId,
    split: payload.split,
    onProgress: (stage, done, total) => context.progress({ percent: total ? (100 * done) / total : 0, message: `${stage}: ${done}/${total}` }),
  });
  const { curves: _curves, ...report } = evaluation.report as typeof evaluation.report & { curves?: unknown };
  return { runId: evaluation.runId, split: evaluation.split, threshold: evaluation.threshold.threshold, metrics: report };
}
