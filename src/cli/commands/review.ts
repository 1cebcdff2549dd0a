import fs from 'node:fs';
import type { Command } from 'commander';
import { OsteonError } from '../../errors.js';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { withStore } from '../../data/store.js';
import { getProject } from '../../data/projects.js';
import { parseIdList, parseWhere } from '../../data/filter.js';
import { setLabel, setReviewStatus } from '../../data/review.js';

interface ReviewCliOptions extends GlobalOptions {
  project: string;
  set: string;
  where?: string;
  ids?: string;
  by?: string;
}

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('review')
      .description('set the review status or label of many images at once')
      .requiredOption('--project <name>', 'project')
      .requiredOption('--set <change>', 'ready | excluded | new | label=CLASS | label=none')
      .option('--where <filter>', 'e.g. "label=fractured,status=new,split=train,folder=x,group=N"')
      .option('--ids <file>', 'file of image ids (one per line) to restrict the change to')
      .option('--by <name>', 'who makes the change, for the history (default: user name)'),
  ).action(
    action<ReviewCliOptions>(async (_args, options) => {
      if (!options.where && !options.ids) {
        throw new OsteonError('NO_FILTER', 'Say which images to change with --where "..." and/or --ids FILE (use --where "status=new" to select all new images).');
      }
      const filter = parseWhere(options.where ?? '');
      if (options.ids) filter.ids = parseIdList(fs.readFileSync(options.ids, 'utf8'));
      const result = await withStore(resolveWorkspace(options.workspace), (store) => {
        const project = getProject(store, options.project);
        const change = { by: options.by };
        if (options.set.startsWith('label=')) {
          const label = options.set.slice('label='.length).trim();
          return setLabel(store, project.id, filter, label === 'none' || label === '' ? null : label, change);
        }
        if (options.set === 'ready' || options.set === 'excluded' || options.set === 'new') return setReviewStatus(store, project.id, filter, options.set, change);
        throw new OsteonError('INVALID_CHANGE', `--set "${options.set}" is not a change: use ready, excluded, new or label=CLASS.`);
      });
      printResult(options, result, () => `changed ${result.changed} image(s)`);
    }),
  );
}
