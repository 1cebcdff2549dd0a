import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { getProject, withStore } from '../../data/index.js';
import { OsteonError } from '../../errors.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { compareRuns, formatComparison } from '../../train/compare.js';

export function register(program: Command): void {
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
