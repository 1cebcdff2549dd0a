import { classMatrix } from '../confusion-matrix.js';
import type { EvaluationReport } from '../report.js';
import { confusionMatrixChart } from './confusion-chart.js';
import { prChart } from './pr-chart.js';
import { reliabilityChart } from './reliability-chart.js';
import { rocChart } from './roc-chart.js';

export interface EvaluationChartOptions {
  /** Model or run name for legends and titles. */
  label?: string;
  /** Link per confusion-matrix cell, e.g. to the gallery of its images. */
  cellLink?: (trueIndex: number, predictedIndex: number) => string | undefined;
}

/** The four charts of an evaluation: ROC (with band and operating point), PR, confusion matrix, reliability. */
export function evaluationCharts(report: EvaluationReport, options: EvaluationChartOptions = {}): { roc: string; pr: string; confusion: string; reliability: string } {
  const confidence = report.bootstrap?.confidence ?? 0.95;
  const suffix = options.label ? ` — ${options.label}` : '';
  const { confusion, threshold } = report;
  const op = report.curves.operatingPoint;
  const predictedPositive = confusion.tp + confusion.fp;
  return {
    roc: rocChart(
      {
        roc: report.curves.roc,
        band: report.curves.rocBand,
        auroc: report.auroc,
        ci: report.ci.auroc,
        operatingPoint: op ? { ...op, threshold } : null,
        ...(options.label ? { label: options.label } : {}),
      },
      { title: `ROC curve${suffix} (n = ${report.n})`, confidence },
    ),
    pr: prChart(
      {
        pr: report.curves.pr,
        band: report.curves.prBand,
        auprc: report.auprc,
        ci: report.ci.auprc,
        operatingPoint: report.recall !== null && predictedPositive > 0 ? { recall: report.recall, precision: confusion.tp / predictedPositive, threshold } : null,
        ...(options.label ? { label: options.label } : {}),
      },
      { title: `Precision-recall curve${suffix}`, confidence, prevalence: report.n > 0 ? report.positives / report.n : null },
    ),
    confusion: confusionMatrixChart({
      matrix: classMatrix(confusion, report.positiveIndex),
      classes: report.classes,
      positiveIndex: report.positiveIndex,
      threshold,
      title: `Confusion matrix${suffix}`,
      ...(options.cellLink ? { cellLink: options.cellLink } : {}),
    }),
    reliability: reliabilityChart({
      bins: report.curves.reliability,
      ece: report.ece,
      eceCi: report.ci.ece,
      positiveClass: report.positiveClass,
      title: `Reliability diagram${suffix}`,
    }),
  };
}
