import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { withStore } from '../../data/store.js';
import { getProject } from '../../data/projects.js';
import { datasetStats } from '../../data/stats.js';

interface DatasetCliOptions extends GlobalOptions {
  project: string;
}

export function register(program: Command): void {
  const dataset = program.command('dataset').description("a project's data set: counts and leakage");
  for (const [name, description] of [
    ['stats', 'counts by label, status and split, duplicate groups, patients'],
    ['leakage', 'every near-duplicate group or patient whose images cross splits'],
  ] as const) {
    withGlobalOptions(dataset.command(name).description(description).requiredOption('--project <name>', 'project')).action(
      action<DatasetCliOptions>(async (_args, options) => {
        const stats = await withStore(resolveWorkspace(options.workspace), (store) => datasetStats(store, getProject(store, options.project).id));
        const crossing = stats.groupsCrossingSplits;
        printResult(options, stats, () =>
          name === 'stats'
            ? [
                `${stats.images} images: ${Object.entries(stats.byLabel).map(([k, v]) => `${k} ${v}`).join(', ')}`,
                `status: ${Object.entries(stats.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}`,
                `split: ${Object.entries(stats.bySplit).map(([k, v]) => `${k} ${v}`).join(', ')}`,
                `near-duplicate groups ${stats.duplicateGroups} (${stats.imagesInDuplicateGroups} images), patients ${stats.patients}, groups crossing splits ${crossing.length}`,
              ].join('\n')
            : crossing.length === 0
              ? 'no duplicate group or patient crosses splits'
              : crossing.map((g) => `${g.kind} ${g.group}: ${Object.entries(g.splits).map(([s, n]) => `${s} ${n}`).join(', ')} (images ${g.imageIds.join(' ')})`).join('\n'),
        );
      }),
    );
  }
}
