import type { Command } from 'commander';
import { OsteonError } from '../../errors.js';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { ProgressBar } from '../progress.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { withStore } from '../../data/store.js';
import { getProject } from '../../data/projects.js';
import { writeAugmentPreview } from '../../pipeline/index.js';

interface PreviewOptions extends GlobalOptions {
  project: string;
  n: string;
  out: string;
  size: string;
  seed: string;
  epoch: string;
}

export function register(program: Command): void {
  const augment = program.command('augment').description('training-time augmentation');
  withGlobalOptions(
    augment
      .command('preview')
      .description('write a PNG grid of augmented training samples with their labels')
      .requiredOption('--project <name>', 'project')
      .requiredOption('--out <file.png>', 'PNG file to write')
      .option('--n <count>', 'number of samples', '16')
      .option('--size <pixels>', 'input size of each sample', '224')
      .option('--seed <k>', 'same seed, same samples', '1')
      .option('--epoch <k>', 'epoch whose augmentations to show', '0'),
  ).action(
    action<PreviewOptions>(async (_args, options) => {
      const workspace = resolveWorkspace(options.workspace);
      const project = await withStore(workspace, (store) => getProject(store, options.project));
      let bar: ProgressBar | undefined;
      const result = await writeAugmentPreview({
        workspace,
        projectId: project.id,
        n: wholeNumber('--n', options.n),
        size: wholeNumber('--size', options.size),
        seed: wholeNumber('--seed', options.seed),
        epoch: wholeNumber('--epoch', options.epoch),
        out: options.out,
        onProgress: (message, done, total) => {
          if (total === 0) return;
          bar ??= new ProgressBar(message, total);
          bar.update(done);
        },
      });
      bar?.finish();
      printResult(options, { file: result.file, samples: result.samples }, () => `Wrote ${result.samples.length} augmented samples to ${result.file}.`);
    }),
  );
}

function wholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new OsteonError('BAD_OPTION', `${flag} expects a whole number, got "${text}".`);
  }
  return value;
}
