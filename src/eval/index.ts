/**
 * Honest evaluation of a fractured-vs-normal classifier. The positive class is explicit everywhere (index 0,
 * `fractured`, by default).
 *
 *   const sample = scoreSample(valProbabilities, valLabels);             // validation
 *   const { threshold } = chooseThreshold(sample, { kind: 'youden' });   // chosen once, on validation
 *   const report = evaluate(testPredictions, { threshold });             // applied unchanged to test
 *
 * Charts of a report are in ./charts (evaluationCharts, trainingCurveCharts).
 */
export * from './metric.js';
export * from './sample.js';
export * from './predictions.js';
export * from './confusion-matrix.js';
export * from './accuracy.js';
export * from './precision-recall.js';
export * from './kappa.js';
export * from './auroc.js';
export * from './auprc.js';
export * from './calibration.js';
export * from './bootstrap.js';
export * from './threshold.js';
export * from './breakdown.js';
export * from './report.js';
export * from './selection-gap.js';
