import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { renderRunReport } from '../../train/report-html.js';

export function register(program: Command): void {
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
}
