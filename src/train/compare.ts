import type { DatasetStore } from '../data/index.js';
import { selectionGapWarning, type EvaluationReport } from '../eval/index.js';
import { listRuns } from './runs.js';

export interface ComparisonRow {
  run: string;
  model: string;
  status: string;
  epochs: number;
  split: string | null;
  n: number | null;
  accuracy: number | null;
  recall: number | null;
  precision: number | null;
  auroc: number | null;
  aurocCi: [number, number] | null;
  sensitivity: number | null;
  specificity: number | null;
  threshold: number | null;
  valAuroc: number | null;
  parameters: number;
  trainSeconds: number;
  imagesPerSecond: number | null;
}

/** One row per run of a project, with its latest test evaluation (val when no test evaluation exists). */
export function compareRuns(store: DatasetStore, projectId: number): ComparisonRow[] {
  const latest = store.db.prepare(
    `SELECT split, metrics FROM evaluations WHERE run_id = ? ORDER BY CASE split WHEN 'test' THEN 0 ELSE 1 END, id DESC LIMIT 1`,
  );
  return listRuns(store, projectId).map((run) => {
    const row = latest.get(run.id) as { split: string; metrics: string } | undefined;
    const m = row ? (JSON.parse(row.metrics) as EvaluationReport) : undefined;
    return {
      run: run.id, model: run.arch, status: run.status, epochs: run.epochsDone, split: row?.split ?? null, n: m?.n ?? null,
      accuracy: m?.accuracy ?? null, recall: m?.recall ?? null, precision: m?.precision ?? null, auroc: m?.auroc ?? null,
      aurocCi: m?.ci.auroc ?? null, sensitivity: m?.recall ?? null, specificity: m?.specificity ?? null,
      threshold: m?.threshold ?? run.threshold, valAuroc: run.bestValAuroc, parameters: run.parameters,
      trainSeconds: run.trainSeconds, imagesPerSecond: run.imagesPerSecond,
    };
  });
}

/** A test evaluation whose choosing validation AUROC lies outside its test interval (see selectionGapWarning). */
export const selectionGap = (r: ComparisonRow): boolean => r.split === 'test' && selectionGapWarning(r.valAuroc, r.auroc, r.aurocCi) !== null;

export function formatComparison(rows: ComparisonRow[], format: 'table' | 'markdown'): string {
  const f = (v: number | null, d = 3) => (v === null ? '-' : v.toFixed(d));
  const header = ['model', 'run', 'accuracy', 'recall', 'precision', 'AUROC (95% CI)', 'val AUROC', 'sens', 'spec', 'threshold', 'params', 'train time', 'img/s'];
  const body = rows.map((r) => [
    r.model, r.run, f(r.accuracy), f(r.recall), f(r.precision),
    r.auroc === null ? '-' : `${f(r.auroc)}${r.aurocCi ? ` (${f(r.aurocCi[0])}-${f(r.aurocCi[1])})` : ''}`,
    `${f(r.valAuroc)}${selectionGap(r) ? ' !' : ''}`,
    f(r.sensitivity), f(r.specificity), f(r.threshold), `${(r.parameters / 1e6).toFixed(2)}M`,
    `${Math.round(r.trainSeconds / 60)} min`, f(r.imagesPerSecond, 1),
  ]);
  const note = rows.some(selectionGap)
    ? ['', "! the model's validation AUROC, on which its threshold was chosen, lies outside the test interval: what was chosen on validation may not carry over"]
    : [];
  if (format === 'markdown') {
    return [...[header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`), ...note].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [...[header, ...body].map((cells) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')), ...note].join('\n');
}
