import { OsteonError } from '../errors.js';
import { accuracy, balancedAccuracy } from './accuracy.js';
import { averagePrecision, precisionAtRecall, prCurve, type PrPoint } from './auprc.js';
import { auroc, rocCurve, tprAtFpr, type RocPoint } from './auroc.js';
import { bootstrapAll, unitGrid, type BootstrapOptions, type CurveBand, type CurveStatistic, type Statistic } from './bootstrap.js';
import { breakdown } from './breakdown.js';
import { DEFAULT_CALIBRATION_BINS, expectedCalibrationError, reliabilityCurve, type ReliabilityBin } from './calibration.js';
import { confusionAt, type Confusion } from './confusion-matrix.js';
import { cohensKappa } from './kappa.js';
import type { Metric } from './metric.js';
import { f1, perClassMetrics, precision, recall, specificity, type ClassMetrics } from './precision-recall.js';
import { checkPredictions, type Prediction } from './predictions.js';
import { checkPositiveIndex, checkThreshold, DEFAULT_CLASSES, DEFAULT_POSITIVE_INDEX, scoreSample, type ScoredSample } from './sample.js';

/** The scalar metrics of a report, each with a bootstrap interval. */
export const REPORTED_METRICS = ['accuracy', 'balancedAccuracy', 'precision', 'recall', 'specificity', 'f1', 'auroc', 'auprc', 'kappa', 'ece'] as const;
export type ReportedMetric = (typeof REPORTED_METRICS)[number];

export interface EvaluateOptions {
  /** The decision threshold chosen on validation (see chooseThreshold): positive when probability >= it. */
  threshold: number;
  /** Index of the positive class (default 0, `fractured`). */
  positiveIndex?: number;
  /** Class names in index order (default ['fractured', 'normal']). */
  classes?: readonly string[];
  /** Bootstrap settings (default 1000 resamples, seed 0, 95%); groups come from the predictions. false: no intervals. */
  bootstrap?: Omit<BootstrapOptions, 'groups'> | false;
  /** Equal-width bins for ECE and the reliability curve (default 10). */
  calibrationBins?: number;
}

export interface EvaluationReport {
  classes: string[];
  positiveIndex: number;
  positiveClass: string;
  threshold: number;
  n: number;
  positives: number;
  negatives: number;
  accuracy: number | null;
  balancedAccuracy: number | null;
  /** Precision, recall (sensitivity), specificity and F1 of the positive class. */
  precision: number | null;
  recall: number | null;
  specificity: number | null;
  f1: number | null;
  auroc: number | null;
  /** Average precision. */
  auprc: number | null;
  /** Cohen's kappa. */
  kappa: number | null;
  /** Expected calibration error of the positive class's probability. */
  ece: number | null;
  confusion: Confusion;
  /** Shape [classes], in class order. */
  perClass: ClassMetrics[];
  /** Percentile bootstrap interval per metric; null when undefined or bootstrap is off. */
  ci: Record<ReportedMetric, [number, number] | null>;
  /** Why a metric (key `auroc`) or its interval (key `ci.auroc`) is null. */
  reasons: Record<string, string>;
  bootstrap: { resamples: number; seed: number; confidence: number; grouped: boolean; units: number } | null;
  curves: {
    roc: RocPoint[];
    pr: PrPoint[];
    reliability: ReliabilityBin[];
    /** Pointwise band of the true positive rate over a false positive rate grid. */
    rocBand: CurveBand | null;
    /** Pointwise band of precision over a recall grid. */
    prBand: CurveBand | null;
    /** Where the threshold sits on the ROC curve (null when a class is missing). */
    operatingPoint: { fpr: number; tpr: number } | null;
  };
  /** The same report per `subset` value (e.g. body part), present when any prediction has a subset. */
  bySubset?: Record<string, EvaluationReport>;
}

/**
 * Evaluates probabilities of the positive class against true labels at a fixed threshold: every reported
 * metric, its bootstrap interval (grouped by `group` when predictions carry one), the ROC, PR and reliability
 * curves, and a breakdown by `subset`.
 *
 * Undefined metrics (one class only, empty input) are null with a reason in `reasons`, never NaN.
 *
 * @param predictions shape [n]: {probability of the positive class, label index, group?, subset?}
 * @throws OsteonError INVALID_PREDICTIONS naming the first bad prediction; INVALID_THRESHOLD; BAD_OPTION
 */
export function evaluate(predictions: readonly Prediction[], options: EvaluateOptions): EvaluationReport {
  if (typeof options !== 'object' || options === null) {
    throw new OsteonError('BAD_OPTION', 'evaluate needs options with the decision threshold chosen on validation, e.g. {threshold: 0.5}.');
  }
  const classes = [...(options.classes ?? DEFAULT_CLASSES)];
  const positiveIndex = checkPositiveIndex(options.positiveIndex ?? DEFAULT_POSITIVE_INDEX, classes.length);
  checkThreshold(options.threshold);
  checkPredictions(predictions, classes.length);
  const report = evaluateChecked(predictions, options, classes, positiveIndex);
  if (predictions.some((p) => p.subset !== undefined && p.subset !== '')) {
    report.bySubset = breakdown(predictions, (p) => p.subset, (part) => evaluateChecked(part, options, classes, positiveIndex));
  }
  return report;
}

function evaluateChecked(predictions: readonly Prediction[], options: EvaluateOptions, classes: string[], positiveIndex: number): EvaluationReport {
  const { threshold } = options;
  const bins = options.calibrationBins ?? DEFAULT_CALIBRATION_BINS;
  const sample = scoreSample(
    predictions.map((p) => p.probability),
    predictions.map((p) => p.label),
    { positiveIndex, numClasses: classes.length },
  );
  const statistics = metricStatistics(threshold, bins);
  const confusion = confusionAt(sample, threshold);
  const reasons: Record<string, string> = {};
  const values = {} as Record<ReportedMetric, number | null>;
  for (const name of REPORTED_METRICS) {
    const m = statistics[name].metric(sample);
    values[name] = m.value;
    if (m.reason !== undefined) reasons[name] = m.reason;
  }

  const ci = Object.fromEntries(REPORTED_METRICS.map((name) => [name, null])) as Record<ReportedMetric, [number, number] | null>;
  let bootstrap: EvaluationReport['bootstrap'] = null;
  let rocBand: CurveBand | null = null;
  let prBand: CurveBand | null = null;
  if (options.bootstrap !== false) {
    const settings: BootstrapOptions = { ...options.bootstrap, groups: predictions.map((p) => p.group) };
    const perResample = Object.fromEntries(REPORTED_METRICS.map((name) => [name, statistics[name].statistic])) as Record<ReportedMetric, Statistic>;
    const grid = unitGrid(101);
    const curves: Record<string, { curve: CurveStatistic; grid: Float64Array }> = {};
    if (values.auroc !== null) curves.roc = { curve: tprAtFpr, grid };
    if (values.auprc !== null) curves.pr = { curve: precisionAtRecall, grid };
    const result = bootstrapAll(sample, perResample, curves, settings);
    for (const name of REPORTED_METRICS) {
      if (values[name] === null) reasons[`ci.${name}`] = `${name} is undefined`;
      else if (result.intervals[name] === null) reasons[`ci.${name}`] = result.reasons[name]!;
      else ci[name] = result.intervals[name];
    }
    bootstrap = { resamples: result.resamples, seed: result.seed, confidence: result.confidence, grouped: result.grouped, units: result.units };
    rocBand = result.bands.roc ?? null;
    prBand = result.bands.pr ?? null;
  } else {
    for (const name of REPORTED_METRICS) reasons[`ci.${name}`] = 'bootstrap disabled';
  }

  const positives = confusion.tp + confusion.fn;
  const negatives = confusion.tn + confusion.fp;
  return {
    classes,
    positiveIndex,
    positiveClass: classes[positiveIndex]!,
    threshold,
    n: sample.n,
    positives,
    negatives,
    ...values,
    confusion,
    perClass: perClassMetrics(confusion, positiveIndex, classes),
    ci,
    reasons,
    bootstrap,
    curves: {
      roc: rocCurve(sample),
      pr: prCurve(sample),
      reliability: reliabilityCurve(sample, bins),
      rocBand,
      prBand,
      operatingPoint: positives > 0 && negatives > 0 ? { fpr: confusion.fp / negatives, tpr: confusion.tp / positives } : null,
    },
  };
}

interface MetricDefinition {
  metric: (sample: ScoredSample) => Metric;
  statistic: Statistic;
}

/** Each reported metric as a point estimate and as a per-resample statistic over weights. */
function metricStatistics(threshold: number, bins: number): Record<ReportedMetric, MetricDefinition> {
  // The threshold metrics of one resample share its confusion matrix.
  let cachedResample = -1;
  let cached: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const confusionOf = (s: ScoredSample, w: Float64Array, resample: number) => {
    if (resample !== cachedResample) {
      cached = confusionAt(s, threshold, w);
      cachedResample = resample;
    }
    return cached;
  };
  const atThreshold = (f: (c: Confusion) => Metric): MetricDefinition => ({
    metric: (s) => f(confusionAt(s, threshold)),
    statistic: (s, w, resample) => f(confusionOf(s, w, resample)).value,
  });
  const ranked = (f: (s: ScoredSample, w?: Float64Array) => Metric): MetricDefinition => ({
    metric: (s) => f(s),
    statistic: (s, w) => f(s, w).value,
  });
  return {
    accuracy: atThreshold(accuracy),
    balancedAccuracy: atThreshold(balancedAccuracy),
    precision: atThreshold(precision),
    recall: atThreshold(recall),
    specificity: atThreshold(specificity),
    f1: atThreshold(f1),
    kappa: atThreshold(cohensKappa),
    auroc: ranked(auroc),
    auprc: ranked(averagePrecision),
    ece: ranked((s, w) => expectedCalibrationError(s, bins, w)),
  };
}

/**
 * The metrics block of `osteon eval --json` (the command-line contract): the scalar metrics, threshold, counts
 * and intervals, without curves.
 */
export function metricsSummary(report: EvaluationReport) {
  const { threshold, n, positives, negatives, ci, reasons, confusion } = report;
  const metrics = Object.fromEntries(REPORTED_METRICS.map((name) => [name, report[name]])) as Record<ReportedMetric, number | null>;
  return { ...metrics, threshold, n, positives, negatives, confusion, ci, reasons };
}
