import type { Command } from 'commander';
import { OsteonError } from '../../errors.js';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { withStore } from '../../data/store.js';
import { getProject } from '../../data/projects.js';
import { splitFromFolders, splitProject } from '../../data/split.js';

interface SplitCliOptions extends GlobalOptions {
  project: string;
  val: string;
  test: string;
  seed: string;
  fromFolders?: boolean;
}

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('split')
      .description('assign train/val/test: stratified by class, no patient or near-duplicate group across splits')
      .requiredOption('--project <name>', 'project')
      .option('--val <fraction>', 'validation fraction', '0.15')
      .option('--test <fraction>', 'test fraction', '0.15')
      .option('--seed <n>', 'random seed', '0')
      .option('--from-folders', 'keep the splits the import folders or manifest named'),
  ).action(
    action<SplitCliOptions>(async (_args, options) => {
      const number = (name: string, v: string) => {
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n)) throw new OsteonError('INVALID_SPLIT', `--${name} must be a number (got "${v}").`);
        return n;
      };
      const result = await withStore(resolveWorkspace(options.workspace), (store) => {
        const project = getProject(store, options.project);
        return options.fromFolders
          ? splitFromFolders(store, project.id)
          : splitProject(store, project.id, { val: number('val', options.val), test: number('test', options.test), seed: number('seed', options.seed) });
      });
      printResult(options, result, () =>
        `train ${result.train}, val ${result.val}, test ${result.test}${result.unassigned ? `, in no split ${result.unassigned}` : ''}; groups crossing splits: ${result.crossingGroups}`,
      );
    }),
  );
}
