/**
 * Whether the validation AUROC of a run's model (on which its threshold, and with `selection=best-val` its epoch,
 * was chosen) lies outside the test AUROC's 95% interval. It then says little about the model on data like the
 * test split: the validation split may hold too few independent patients, or a different population, and what was
 * chosen on it may not carry over.
 *
 * `valAuroc`: the validation AUROC of the model's epoch; `testAuroc` and `testCi`: the evaluation's, on the test split.
 * Returns a sentence for a person, or null when the validation figure is inside the interval or anything is missing.
 */
export function selectionGapWarning(valAuroc: number | null, testAuroc: number | null, testCi: readonly [number, number] | null): string | null {
  if (valAuroc === null || testAuroc === null || testCi === null) return null;
  if (!(testCi[0] <= testCi[1])) throw new RangeError(`a 95% interval runs from low to high, got [${testCi[0]}, ${testCi[1]}]`);
  if (valAuroc >= testCi[0] && valAuroc <= testCi[1]) return null;
  const where = valAuroc > testCi[1] ? 'above' : 'below';
  return `This model's validation AUROC (${valAuroc.toFixed(3)}) lies ${where} the test AUROC's 95% interval ` +
    `[${testCi[0].toFixed(2)}, ${testCi[1].toFixed(2)}] (test ${testAuroc.toFixed(3)}): the validation split, on which its ` +
    'threshold was chosen, may hold too few independent patients or differ from the test split, so what was chosen on it ' +
    'may not carry over.';
}
