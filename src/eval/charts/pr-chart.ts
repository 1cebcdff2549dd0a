import type { PrPoint } from '../auprc.js';
import type { CurveBand } from '../bootstrap.js';
import { unitPlot } from './curve-plot.js';
import type { ChartSize } from './roc-chart.js';
import { formatInterval, formatMetric } from './svg.js';

/** One model's precision-recall curve and what to draw around it. */
export interface PrSeries {
  label?: string;
  pr: ReadonlyArray<Pick<PrPoint, 'recall' | 'precision'>>;
  /** Bootstrap band of precision over recalls (from evaluate's curves.prBand). */
  band?: Pick<CurveBand, 'x' | 'lower' | 'upper'> | null;
  /** Average precision and its interval. */
  auprc?: number | null;
  ci?: readonly [number, number] | null;
  operatingPoint?: { recall: number; precision: number; threshold?: number } | null;
  color?: string;
}

/**
 * Precision-recall chart drawn as the step curve that average precision integrates, with bands, operating
 * points and, when `prevalence` is given, the no-skill baseline (precision = prevalence of positives).
 */
export function prChart(series: PrSeries | PrSeries[], options: ChartSize & { prevalence?: number | null } = {}): string {
  const list = Array.isArray(series) ? series : [series];
  const confidence = options.confidence ?? 0.95;
  const prevalence = options.prevalence;
  return unitPlot({
    kind: 'pr-chart',
    title: options.title ?? 'Precision-recall curve',
    xLabel: 'Recall (sensitivity)',
    yLabel: 'Precision (positive predictive value)',
    width: options.width ?? 460,
    height: options.height ?? 470,
    emptyMessage: 'undefined: needs positive examples',
    legendCorner: 'bottom-left',
    reference: prevalence === undefined || prevalence === null ? null : { points: [[0, prevalence], [1, prevalence]], label: `no skill (prevalence ${formatMetric(prevalence, 2)})` },
    curves: list.map((s) => ({
      label: `${s.label ? `${s.label}: ` : ''}AP ${formatMetric(s.auprc)}${formatInterval(s.ci, confidence)}`,
      points: stepPoints(s.pr),
      band: s.band ?? null,
      bandLabel: `${Math.round(confidence * 100)}% bootstrap band`,
      operatingPoint: s.operatingPoint
        ? {
            x: s.operatingPoint.recall,
            y: s.operatingPoint.precision,
            label: `${s.operatingPoint.threshold !== undefined ? `threshold ${formatMetric(s.operatingPoint.threshold, 2)}: ` : ''}recall ${formatMetric(s.operatingPoint.recall, 2)}, precision ${formatMetric(s.operatingPoint.precision, 2)}`,
          }
        : null,
      ...(s.color ? { color: s.color } : {}),
    })),
  });
}

/** precision_k held from recall_{k-1} to recall_k, as average precision counts it. */
function stepPoints(pr: ReadonlyArray<Pick<PrPoint, 'recall' | 'precision'>>): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (let k = 1; k < pr.length; k++) {
    out.push([pr[k - 1]!.recall, pr[k]!.precision], [pr[k]!.recall, pr[k]!.precision]);
  }
  return out;
}
