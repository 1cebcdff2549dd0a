import { OsteonError } from '../../errors.js';
import { IMAGENET_NORMALISATION, validatePreprocessSpec } from '../../imaging/preprocess.js';
import type { PreprocessSpec } from '../../imaging/types.js';
import { defaultPositiveClass } from '../../nn/export-metadata.js';
import type { ModelDescription } from './model-description.js';

/**
 * How to run a classifier that Osteon did not export (a model from another framework), given by the caller
 * because the file does not say. Pixels go through the same `preprocess` as Osteon's own models.
 */
export interface PlainModelOptions {
  /** Square input side in pixels. */
  size: number;
  /** Input tensor name (default: the model's first input). */
  inputName?: string;
  /** Output with the class scores (default: the model's first output). */
  outputName?: string;
  /** Whether that output holds logits (softmax applied here; default) or probabilities. */
  outputKind?: 'logits' | 'probabilities';
  /** 1 or 3 (default 3; grey is repeated). */
  channels?: 1 | 3;
  /**
   * Per-channel mean and std in RGB order, on pixels scaled to [0, 1] (default: ImageNet's for 3 channels,
   * 0 and 1 for one). For a model that expects 0..255, give mean 0 and std 1/255.
   */
  mean?: number[];
  std?: number[];
  /** The channel order the model expects (default rgb); mean and std are reordered to it. */
  channelOrder?: 'rgb' | 'bgr';
  /** Default nchw (PyTorch); nhwc for Keras/TensorFlow exports. */
  layout?: 'nchw' | 'nhwc';
  /** Default letterbox. */
  resize?: PreprocessSpec['resize'];
  /** Class names in output order (default: fractured, normal). */
  classes?: string[];
  positiveClass?: string;
  /** Default 0.5. */
  threshold?: number;
  /** Average each image's probabilities with its left-right mirror's (default false). */
  testTimeFlip?: boolean;
}

interface SessionShape {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputDims(name: string): ReadonlyArray<number | string> | null;
}

export function describePlainModel(options: PlainModelOptions, session: SessionShape): ModelDescription {
  const channels = options.channels ?? 3;
  const threeChannels = channels === 3;
  let mean = options.mean ?? (threeChannels ? [...IMAGENET_NORMALISATION.mean] : [0]);
  let std = options.std ?? (threeChannels ? [...IMAGENET_NORMALISATION.std] : [1]);
  if (options.channelOrder === 'bgr') {
    mean = [...mean].reverse();
    std = [...std].reverse();
  }
  const spec: PreprocessSpec = { size: options.size, channels, mean, std, resize: options.resize ?? 'letterbox' };
  validatePreprocessSpec(spec);
  const classes = options.classes ?? ['fractured', 'normal'];
  const positiveClass = options.positiveClass ?? defaultPositiveClass(classes);
  const threshold = options.threshold ?? 0.5;
  const bad = (message: string) => new OsteonError('BAD_OPTION', message);
  if (!classes.includes(positiveClass)) throw bad(`The positive class "${positiveClass}" is not one of ${classes.join(', ')}.`);
  if (!(threshold >= 0 && threshold <= 1)) throw bad(`The threshold must be a probability in [0, 1], got ${threshold}.`);

  const inputName = options.inputName ?? session.inputNames[0];
  const scoresOutput = options.outputName ?? session.outputNames[0];
  if (inputName === undefined || !session.inputNames.includes(inputName)) {
    throw bad(`The model has no input "${inputName}"; its inputs are ${session.inputNames.join(', ')}.`);
  }
  if (scoresOutput === undefined || !session.outputNames.includes(scoresOutput)) {
    throw bad(`The model has no output "${scoresOutput}"; its outputs are ${session.outputNames.join(', ')}.`);
  }
  const layout = options.layout ?? 'nchw';
  const dims = session.inputDims(inputName);
  if (dims && dims.length === 4) {
    const expected = layout === 'nchw' ? [channels, spec.size, spec.size] : [spec.size, spec.size, channels];
    const actual = dims.slice(1);
    if (actual.some((d, i) => typeof d === 'number' && d !== expected[i])) {
      throw bad(
        `The model's input "${inputName}" has shape [${dims.join(', ')}], but the settings give ${layout.toUpperCase()} ` +
          `[N, ${expected.join(', ')}]; adjust the size, channels or layout.`,
      );
    }
  }
  const batch = dims?.[0];
  return {
    kind: 'plain',
    arch: null,
    runId: null,
    osteonVersion: null,
    spec,
    classes,
    positiveClass,
    threshold,
    inputName,
    layout,
    scoresOutput,
    scoresAre: options.outputKind ?? 'logits',
    logitsOutput: (options.outputKind ?? 'logits') === 'logits' ? scoresOutput : null,
    featuresOutput: null,
    camHead: null,
    fixedBatch: typeof batch === 'number' && batch > 0 ? batch : null,
    testTimeFlip: options.testTimeFlip ?? false,
  };
}
