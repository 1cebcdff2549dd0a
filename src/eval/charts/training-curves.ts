import { lineChart, type LineSeries } from './line-chart.js';

/** One epoch of a run's metrics log: `epoch` plus numeric fields such as trainLoss, valLoss, valAuroc. */
export interface EpochRecord {
  epoch: number;
  [field: string]: unknown;
}

/** The series of one numeric field over epochs; epochs without a finite value break the line. */
export function epochSeries(records: readonly EpochRecord[], field: string, label = humanize(field)): LineSeries {
  return {
    label,
    points: records.map((r) => {
      const v = r[field];
      return [r.epoch, typeof v === 'number' && Number.isFinite(v) ? v : null] as const;
    }),
    // Training-set series are dashed: the validation series are the ones that choose the model.
    dashed: /^train/i.test(field),
  };
}

/**
 * The two training charts of a run's report: losses (every field ending in "Loss") and metrics in [0, 1]
 * (fields with Accuracy or Auroc in their name), over epochs, with the best epoch marked when known.
 */
export function trainingCurveCharts(records: readonly EpochRecord[], options: { bestEpoch?: number | null; title?: string } = {}): { loss: string; metrics: string } {
  const fields = [...new Set(records.flatMap((r) => Object.keys(r).filter((k) => typeof r[k] === 'number')))];
  const marker = options.bestEpoch !== undefined && options.bestEpoch !== null ? { x: options.bestEpoch, label: `best epoch ${options.bestEpoch}` } : null;
  const prefix = options.title ? `${options.title}: ` : '';
  return {
    loss: lineChart({
      title: `${prefix}loss per epoch`,
      yLabel: 'Loss',
      series: fields.filter((f) => /loss$/i.test(f)).map((f) => epochSeries(records, f)),
      marker,
    }),
    metrics: lineChart({
      title: `${prefix}accuracy and AUROC per epoch`,
      yLabel: 'Value',
      yDomain: [0, 1],
      series: fields.filter((f) => /accuracy|auroc|auprc/i.test(f)).map((f) => epochSeries(records, f)),
      marker,
    }),
  };
}

/** "valAuroc" -> "val AUROC", "trainLoss" -> "train loss". */
export function humanize(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\bauroc\b/g, 'AUROC')
    .replace(/\bauprc\b/g, 'AUPRC')
    .replace(/\blr\b/g, 'learning rate');
}
