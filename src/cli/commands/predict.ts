import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { onOff } from '../flags.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { ProgressBar } from '../progress.js';
import { OsteonError } from '../../errors.js';
import { InferenceEngine, type PlainModelOptions } from '../../serve/engine/index.js';
import { predictReport } from '../../serve/predict-report.js';

interface PredictOptions extends GlobalOptions {
  model: string;
  heatmap?: string;
  class?: string;
  threads?: string;
  batchSize: string;
  plain?: boolean;
  size?: string;
  channels?: string;
  mean?: string;
  std?: string;
  channelOrder?: string;
  layout?: string;
  resize?: string;
  inputName?: string;
  outputName?: string;
  outputKind?: string;
  classes?: string;
  threshold?: string;
  testTimeFlip?: string;
}

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('predict <files...>')
      .description('classify radiographs with an exported ONNX model, optionally drawing heatmaps of where it looked')
      .requiredOption('--model <file.onnx>', 'model exported by `osteon export`')
      .option('--heatmap <dir>', 'write a class activation overlay per file into this folder')
      .option('--class <name>', 'draw the heatmap of this class (default: the predicted one)')
      .option('--threads <n>', 'onnxruntime threads (default: all cores)')
      .option('--batch-size <n>', 'images per inference run', '16')
      .option('--test-time-flip <on|off>', 'average each image with its left-right mirror (default: as the model was validated; off with --plain)')
      .option('--plain', 'run an ONNX classifier not exported by Osteon, with the preprocessing flags below')
      .option('--size <pixels>', '--plain: square input side')
      .option('--channels <1|3>', '--plain: input channels', '3')
      .option('--mean <r,g,b>', '--plain: per-channel mean on [0,1] pixels, RGB order (default ImageNet)')
      .option('--std <r,g,b>', '--plain: per-channel std, RGB order (default ImageNet)')
      .option('--channel-order <rgb|bgr>', '--plain: channel order the model expects', 'rgb')
      .option('--layout <nchw|nhwc>', '--plain: input memory layout', 'nchw')
      .option('--resize <letterbox|stretch|center-crop>', '--plain: how images are fitted to the input', 'letterbox')
      .option('--input-name <name>', '--plain: input tensor (default: the first)')
      .option('--output-name <name>', '--plain: output with the class scores (default: the first)')
      .option('--output-kind <logits|probabilities>', '--plain: what that output holds', 'logits')
      .option('--classes <a,b>', '--plain: class names in output order', 'fractured,normal')
      .option('--threshold <p>', '--plain: decision threshold on the positive class', '0.5'),
  ).action(
    action<PredictOptions>(async (files, options) => {
      const engine = await InferenceEngine.load(options.model, {
        threads: options.threads === undefined ? undefined : wholeNumber('--threads', options.threads),
        batchSize: wholeNumber('--batch-size', options.batchSize),
        plain: options.plain ? plainOptions(options) : undefined,
        testTimeFlip: options.testTimeFlip === undefined ? undefined : onOff('--test-time-flip', options.testTimeFlip),
      });
      try {
        if (options.heatmap !== undefined && engine.model.camHead === null) {
          log('osteon: this model has no feature-map output, so no heatmaps are drawn.');
        }
        const bar = new ProgressBar('predict', files.length);
        const entries = await predictReport(engine, files, {
          heatmapDir: options.heatmap,
          heatmapClass: options.class,
          onProgress: (done) => bar.update(done),
        });
        bar.finish();
        printResult(options, entries, () =>
          entries
            .map((e) =>
              'error' in e
                ? `${e.file}: error: ${e.error}`
                : `${e.file}: ${e.label} (${Object.entries(e.probabilities)
                    .map(([c, p]) => `${c} ${p.toFixed(3)}`)
                    .join(', ')}; threshold ${e.threshold})${e.heatmap ? ` heatmap ${e.heatmap}` : ''}`,
            )
            .join('\n'),
        );
      } finally {
        await engine.release();
      }
    }),
  );
}

function plainOptions(options: PredictOptions): PlainModelOptions {
  if (options.size === undefined) throw new OsteonError('BAD_OPTION', '--plain needs --size, the model\'s input side in pixels.');
  const channels = wholeNumber('--channels', options.channels ?? '3');
  if (channels !== 1 && channels !== 3) throw new OsteonError('BAD_OPTION', `--channels must be 1 or 3, got ${channels}.`);
  return {
    size: wholeNumber('--size', options.size),
    channels,
    mean: options.mean === undefined ? undefined : numbers('--mean', options.mean),
    std: options.std === undefined ? undefined : numbers('--std', options.std),
    channelOrder: oneOf('--channel-order', options.channelOrder ?? 'rgb', ['rgb', 'bgr'] as const),
    layout: oneOf('--layout', options.layout ?? 'nchw', ['nchw', 'nhwc'] as const),
    resize: oneOf('--resize', options.resize ?? 'letterbox', ['letterbox', 'stretch', 'center-crop'] as const),
    inputName: options.inputName,
    outputName: options.outputName,
    outputKind: oneOf('--output-kind', options.outputKind ?? 'logits', ['logits', 'probabilities'] as const),
    classes: (options.classes ?? 'fractured,normal').split(',').map((c) => c.trim()),
    threshold: numbers('--threshold', options.threshold ?? '0.5')[0],
  };
}

function wholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new OsteonError('BAD_OPTION', `${flag} expects a positive whole number, got "${text}".`);
  }
  return value;
}

function numbers(flag: string, text: string): number[] {
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isFinite(v))) throw new OsteonError('BAD_OPTION', `${flag} expects numbers separated by commas, got "${text}".`);
  return values;
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new OsteonError('BAD_OPTION', `${flag} must be one of ${allowed.join(', ')}, got "${text}".`);
  }
  return text as T;
}
