import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { getProject, withStore } from '../../data/index.js';
import { OsteonError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { exportRun } from '../../train/export-run.js';
import { listRuns } from '../../train/runs.js';
import { compareRuns, formatComparison } from '../../train/compare.js';
import { renderRunReport } from '../../train/report-html.js';

export function register(program: Command): void {
  withGlobalOptions(
    program.command('export').description('write a run\'s best model as a self-describing ONNX file')
      .requiredOption('--run <id>', 'training run').requiredOption('--out <file.onnx>', 'output file'),
  ).action(
    action<GlobalOptions & { run: string; out: string }>(async (_args, o) => {
      const bytes = await withStore(resolveWorkspace(o.workspace), (store) => exportRun(store, o.run));
      writeFileAtomic(o.out, bytes);
      printResult(o, { file: o.out, bytes: bytes.length }, () => `wrote ${o.out} (${(bytes.length / 1e6).toFixed(1)} MB)`);
    }),
  );

  withGlobalOptions(
    program.command('report').description('a self-contained HTML report of a run: curves, ROC/PR, confusion matrix, galleries with heatmaps')
      .requiredOption('--run <id>', 'training run').requiredOption('--out <file.html>', 'output file')
      .option('--split <split>', 'split to report on', 'test'),
  ).action(
    action<GlobalOptions & { run: string; out: string; split: 'test' | 'val' }>(async (_args, o) => {
      const html = await renderRunReport({ workspace: resolveWorkspace(o.workspace), runId: o.run, split: o.split });
      writeFileAtomic(o.out, html);
      printResult(o, { file: o.out }, () => `wrote ${o.out}`);
    }),
  );

  const runs = program.command('runs').description('training runs of a project');
  withGlobalOptions(runs.command('list').requiredOption('--project <name>', 'project')).action(
    action<GlobalOptions & { project: string }>(async (_args, o) => {
      const rows = await withStore(resolveWorkspace(o.workspace), (store) => listRuns(store, getProject(store, o.project).id));
      const resumable = rows.filter((r) => r.status === 'interrupted' || r.status === 'stopped');
      printResult(o, { runs: rows }, () => [
        ...rows.map((r) =>
          `${r.id.padEnd(40)} ${r.status.padEnd(11)} ${String(r.epochsDone).padStart(3)} ep  val AUROC ${r.bestValAuroc?.toFixed(3) ?? 'n/a'}`),
        ...(resumable.length ? ['', `resume a stopped or interrupted run: osteon train --resume ${resumable.at(-1)!.id}`] : []),
      ].join('\n') || 'no runs yet');
    }),
  );

  withGlobalOptions(
    program.command('compare').description('the table of a project\'s runs: accuracy, recall, precision, AUROC with its interval, ...')
      .requiredOption('--project <name>', 'project')
      .option('--format <table|markdown|json>', 'output format', 'table'),
  ).action(
    action<GlobalOptions & { project: string; format: string }>(async (_args, o) => {
      if (!['table', 'markdown', 'json'].includes(o.format)) throw new OsteonError('BAD_OPTION', '--format is table, markdown or json.');
      const rows = await withStore(resolveWorkspace(o.workspace), (store) => compareRuns(store, getProject(store, o.project).id));
      if (rows.length === 0) log('no evaluated runs yet: run `osteon eval --run RUN` first');
      printResult(o.format === 'json' ? { ...o, json: true } : o, { rows }, () => formatComparison(rows, o.format as 'table' | 'markdown'));
    }),
  );
}
