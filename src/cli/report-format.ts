import type { EvaluationReport } from '../eval/index.js';

/** The evaluation figures a person reads first, each with its 95% interval. */
export function humanReport(report: EvaluationReport, n: number): string {
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  const ci = (k: keyof EvaluationReport['ci']) => (report.ci[k] ? ` [${report.ci[k]![0].toFixed(3)}, ${report.ci[k]![1].toFixed(3)}]` : '');
  const c = report.confusion;
  return [
    `${n} images (${report.positives} ${report.positiveClass}, ${report.negatives} other), threshold ${report.threshold.toFixed(3)}`,
    `AUROC        ${f(report.auroc)}${ci('auroc')}`,
    `accuracy     ${f(report.accuracy)}${ci('accuracy')}   balanced ${f(report.balancedAccuracy)}`,
    `sensitivity  ${f(report.recall)}${ci('recall')}`,
    `specificity  ${f(report.specificity)}${ci('specificity')}`,
    `precision    ${f(report.precision)}${ci('precision')}   F1 ${f(report.f1)}   kappa ${f(report.kappa)}   ECE ${f(report.ece)}`,
    `confusion    TP ${c.tp}  FN ${c.fn}  FP ${c.fp}  TN ${c.tn}`,
  ].join('\n');
}

