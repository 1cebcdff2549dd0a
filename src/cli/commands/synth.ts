import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { printResult, type GlobalOptions } from '../output.js';
import { ProgressBar } from '../progress.js';
import { OsteonError } from '../../errors.js';
import { DEFAULT_DIFFICULTY, writeSyntheticDataset } from '../../synth/index.js';

interface SynthOptions extends GlobalOptions {
  out?: string;
  n: string;
  size: string;
  seed: string;
  difficulty: string;
  flat?: boolean;
}

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('synth')
      .description('generate synthetic radiographs with known fractures (ImageFolder layout plus truth.json)')
      .requiredOption('--out <dir>', 'new or empty folder to write')
      .option('--n <count>', 'number of images, half of them fractured', '400')
      .option('--size <pixels>', 'square image side', '256')
      .option('--seed <k>', 'same seed, same images', '1')
      .option('--difficulty <0..1>', '0 obvious breaks, 1 subtle ones', String(DEFAULT_DIFFICULTY))
      .option('--flat', 'write out/{fractured,normal}/ without train/val/test folders'),
  ).action(
    action<SynthOptions>(async (_args, options) => {
      const n = wholeNumber('--n', options.n);
      const bar = new ProgressBar('synth', n);
      const result = await writeSyntheticDataset(
        {
          out: options.out!,
          n,
          size: wholeNumber('--size', options.size),
          seed: wholeNumber('--seed', options.seed),
          difficulty: Number(options.difficulty),
          layout: options.flat ? 'flat' : 'split',
        },
        (done) => bar.update(done),
      );
      bar.finish();
      printResult(options, { dir: result.dir, n: result.n, truthFile: result.truthFile }, () =>
        `Wrote ${result.n} synthetic radiographs to ${result.dir} (truth in ${result.truthFile}).`,
      );
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
