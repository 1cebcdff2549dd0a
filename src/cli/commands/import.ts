import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { ProgressBar } from '../progress.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { withStore } from '../../data/store.js';
import { getProject } from '../../data/projects.js';
import { importPath } from '../../data/import/index.js';

interface ImportCliOptions extends GlobalOptions {
  project: string;
  label?: string;
}

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('import <path>')
      .description('import images: a folder (ImageFolder, DICOM), a CSV manifest, a zip archive or one file')
      .requiredOption('--project <name>', 'project to import into')
      .option('--label <class>', 'label every imported image with this class'),
  ).action(
    action<ImportCliOptions>(async ([target], options) => {
      const report = await withStore(resolveWorkspace(options.workspace), async (store) => {
        const project = getProject(store, options.project);
        let bar: ProgressBar | undefined;
        const started = Date.now();
        const result = await importPath(store, project, target!, options.label ? { label: options.label } : {}, (p) => {
          bar ??= new ProgressBar('import', p.total);
          bar.update(p.done, `${(p.done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(0)} img/s`);
        });
        bar?.finish();
        return result;
      });
      for (const u of report.unreadable) log(`unreadable: ${u.file}: ${u.reason}`);
      const { importedIds: _ids, ...shown } = report;
      printResult(options, shown, () =>
        [
          `imported ${report.imported} (${report.kind}), already present ${report.alreadyPresent}, near-duplicates ${report.duplicates}, unreadable ${report.unreadable.length}`,
          ...Object.entries(report.unknownLabels).map(([l, n]) => `  ${n} image(s) with unknown label "${l}" imported unlabelled`),
        ].join('\n'),
      );
    }),
  );
}
