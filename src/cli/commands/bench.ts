import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { measureInEngineProcess } from '../../train/throughput.js';
import { OsteonError } from '../../errors.js';
import type { PrecisionChoice } from '../../nn/engine/index.js';

interface BenchTrainOptions extends GlobalOptions {
  arch: string;
  size: string;
  batch: string;
  steps: string;
  warmup: string;
  channels: string;
  threads?: string;
  device: 'cpu' | 'cuda';
  precision: PrecisionChoice;
}

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new OsteonError('BAD_OPTION', `--${name} must be a positive integer, got "${value}".`);
  return n;
}

export function register(program: Command): void {
  const bench = program.command('bench').description('measure Osteon on this machine');
  withGlobalOptions(
    bench
      .command('train')
      .description('training throughput of an architecture on random data (engine only)')
      .requiredOption('--arch <name>', 'architecture, e.g. mobilenet_v2')
      .option('--size <px>', 'input size', '224')
      .option('--batch <n>', 'batch size', '32')
      .option('--steps <n>', 'timed steps', '10')
      .option('--warmup <n>', 'untimed steps first', '2')
      .option('--channels <n>', 'input channels (1 or 3)', '3')
      .option('--threads <n>', 'intra-op threads (default: all cores)')
      .option('--device <cpu|cuda>', 'device', 'cpu')
      .option('--precision <auto|fp32|bf16>', 'arithmetic of the training step: bf16 autocast, fp32, or auto (bf16 where the CPU has it natively)', 'fp32'),
  ).action(
    action<BenchTrainOptions>(async (_args, o) => {
      log(`bench train: ${o.arch} ${o.size}px batch ${o.batch} ${o.precision}, ${o.warmup} warm-up + ${o.steps} timed steps`);
      const result = await measureInEngineProcess({
        arch: o.arch,
        size: positiveInt(o.size, 'size'),
        batch: positiveInt(o.batch, 'batch'),
        steps: positiveInt(o.steps, 'steps'),
        warmup: Number(o.warmup),
        channels: positiveInt(o.channels, 'channels') === 1 ? 1 : 3,
        threads: o.threads ? positiveInt(o.threads, 'threads') : undefined,
        device: o.device,
        precision: o.precision,
      });
      if (result.precisionWarning) log(`warning: ${result.precisionWarning}`);
      printResult(o, result, () =>
        `${result.arch} ${result.size}px batch ${result.batch} ${result.precision}: ${result.imagesPerSecond.toFixed(1)} img/s ` +
        `(${(result.secondsPerStep * 1000).toFixed(0)} ms/step, ${result.threads} threads), peak RSS ${result.peakRssMB} MB`,
      );
    }),
  );
}
