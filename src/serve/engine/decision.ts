/** Softmax of one row of scores, stable for large logits. */
export function softmax(scores: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]!);
  const exps = Array.from({ length: scores.length }, (_, i) => Math.exp(scores[i]! - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * The predicted class: the positive class when its probability reaches the threshold, otherwise the likeliest
 * other class (for two classes: the other one).
 */
export function decideLabel(probabilities: number[], classes: string[], positiveClass: string, threshold: number): number {
  const positive = classes.indexOf(positiveClass);
  if (positive >= 0 && probabilities[positive]! >= threshold) return positive;
  let best = -1;
  for (let i = 0; i < probabilities.length; i++) {
    if (i !== positive && (best < 0 || probabilities[i]! > probabilities[best]!)) best = i;
  }
  return best;
}
