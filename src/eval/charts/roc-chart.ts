import type { RocPoint } from '../auroc.js';
import type { CurveBand } from '../bootstrap.js';
import { unitPlot } from './curve-plot.js';
import { formatInterval, formatMetric } from './svg.js';

/** One model's ROC curve and what to draw around it. */
export interface RocSeries {
  /** Model or run name; shown in the legend. */
  label?: string;
  roc: ReadonlyArray<Pick<RocPoint, 'fpr' | 'tpr'>>;
  /** Bootstrap band of the true positive rate over false positive rates (from evaluate's curves.rocBand). */
  band?: Pick<CurveBand, 'x' | 'lower' | 'upper'> | null;
  auroc?: number | null;
  ci?: readonly [number, number] | null;
  /** The chosen decision threshold's point on the curve. */
  operatingPoint?: { fpr: number; tpr: number; threshold?: number } | null;
  color?: string;
}

export interface ChartSize {
  title?: string;
  width?: number;
  height?: number;
  /** Coverage of the intervals shown (default 0.95). */
  confidence?: number;
}

/**
 * ROC chart: true positive rate (sensitivity) against false positive rate (1 - specificity), with the chance
 * diagonal, each series' bootstrap band and its operating point. Returns a standalone SVG document string.
 */
export function rocChart(series: RocSeries | RocSeries[], options: ChartSize = {}): string {
  const list = Array.isArray(series) ? series : [series];
  const confidence = options.confidence ?? 0.95;
  return unitPlot({
    kind: 'roc-chart',
    title: options.title ?? 'ROC curve',
    xLabel: 'False positive rate (1 − specificity)',
    yLabel: 'True positive rate (sensitivity)',
    width: options.width ?? 460,
    height: options.height ?? 470,
    emptyMessage: 'undefined: needs both classes',
    legendCorner: 'bottom-right',
    reference: { points: [[0, 0], [1, 1]], label: 'chance' },
    curves: list.map((s) => ({
      label: `${s.label ? `${s.label}: ` : ''}AUROC ${formatMetric(s.auroc)}${formatInterval(s.ci, confidence)}`,
      points: s.roc.map((p) => [p.fpr, p.tpr] as const),
      band: s.band ?? null,
      bandLabel: `${Math.round(confidence * 100)}% bootstrap band`,
      operatingPoint: s.operatingPoint
        ? {
            x: s.operatingPoint.fpr,
            y: s.operatingPoint.tpr,
            label: `${s.operatingPoint.threshold !== undefined ? `threshold ${formatMetric(s.operatingPoint.threshold, 2)}: ` : ''}sens ${formatMetric(s.operatingPoint.tpr, 2)}, spec ${formatMetric(1 - s.operatingPoint.fpr, 2)}`,
          }
        : null,
      ...(s.color ? { color: s.color } : {}),
    })),
  });
}
