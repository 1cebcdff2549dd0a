import type { FastifyInstance } from 'fastify';
import { OsteonError } from '../../errors.js';
import { confusionMatrixChart, rocChart, type RocSeries } from '../../eval/charts/index.js';
import { compareRuns, selectionGap } from '../../train/compare.js';
import { getRun } from '../../train/runs.js';
import type { WebContext } from './context.js';
import { confusionAt, type RunEvaluations } from './run-evaluations.js';

/** Distinct, calm colours for overlaid curves. */
const PALETTE = ['#1f6fb2', '#c2572b', '#2e8b57', '#7b4fb3', '#b08900', '#3a8ea5', '#a63d6b', '#5f6b7a'];

/** The compare page: the table of runs, test evaluations on demand, the ROC overlay and confusion matrices. */
export async function compareRoutes(app: FastifyInstance, ctx: WebContext, evaluations: RunEvaluations): Promise<void> {
  app.get<{ Params: { project: string } }>('/api/projects/:project/compare', async (request) => {
    const project = ctx.project(request.params.project);
    const rows = compareRuns(ctx.store, project.id);
    return { rows: rows.map((row) => ({ ...row, curvesHeld: evaluations.get(ctx.store, row.run) !== undefined, selectionGap: selectionGap(row) })) };
  });

  app.post<{ Params: { run: string } }>('/api/runs/:run/evaluate', async (request) => {
    const held = await evaluations.evaluate(ctx.store, request.params.run);
    const { report } = held;
    return { runId: held.runId, threshold: report.threshold, n: report.n, auroc: report.auroc, ci: report.ci };
  });

  app.get<{ Params: { project: string }; Querystring: { runs?: string } }>('/api/projects/:project/roc.svg', async (request, reply) => {
    ctx.project(request.params.project);
    const ids = (request.query.runs ?? '').split(',').filter(Boolean);
    const series: RocSeries[] = ids.flatMap((id, i) => {
      const held = evaluations.get(ctx.store, id);
      if (!held) return [];
      const op = held.report.curves.operatingPoint;
      return [{
        label: `${held.arch} ${id.slice(-4)}`, roc: held.report.curves.roc, auroc: held.report.auroc, ci: held.report.ci.auroc,
        band: ids.length === 1 ? held.report.curves.rocBand : null,
        operatingPoint: op ? { ...op, threshold: held.report.threshold } : null, color: PALETTE[i % PALETTE.length]!,
      }];
    });
    const svg = rocChart(series, { title: series.length > 1 ? 'ROC curves, test set' : 'ROC curve, test set' });
    return reply.type('image/svg+xml').header('cache-control', 'no-store').send(svg);
  });

  app.get<{ Params: { run: string }; Querystring: { threshold?: string } }>('/api/runs/:run/confusion', async (request) => {
    const run = getRun(ctx.store, request.params.run);
    const held = evaluations.get(ctx.store, run.id) ?? (await evaluations.evaluate(ctx.store, run.id));
    const threshold = request.query.threshold !== undefined ? Number(request.query.threshold) : held.report.threshold;
    if (!(threshold >= 0 && threshold <= 1)) throw new OsteonError('BAD_REQUEST', `The threshold must be a number from 0 to 1, got "${request.query.threshold}".`);
    const confusion = confusionAt(held, threshold);
    const svg = confusionMatrixChart({
      matrix: confusion.matrix, classes: held.classes, positiveIndex: held.positiveIndex, threshold,
      title: `Confusion matrix — ${held.arch}`,
    });
    return { runId: run.id, classes: held.classes, chosenThreshold: held.report.threshold, ...confusion, svg };
  });
}
