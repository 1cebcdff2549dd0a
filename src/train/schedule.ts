/**
 * Learning rate at a step: linear warm-up from lr/warmupSteps to lr, then cosine decay to lr * minFactor at the
 * last step. Warm-up keeps the first AdamW steps of a randomly initialised network from blowing up batch norm.
 */
export function learningRateAt(step: number, options: { lr: number; totalSteps: number; warmupSteps: number; minFactor: number }): number {
  const { lr, totalSteps, warmupSteps, minFactor } = options;
  if (warmupSteps > 0 && step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps - 1);
  const progress = Math.min(1, Math.max(0, (step - warmupSteps) / span));
  return lr * (minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
