import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { getProject, withStore } from '../../data/index.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { listRuns } from '../../train/runs.js';

export function register(program: Command): void {
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
}
