import { OsteonError } from '../errors.js';
import { validatePreprocessSpec } from '../imaging/preprocess.js';
import type { PreprocessSpec } from '../imaging/types.js';

/**
 * What an exported model carries so that serving reproduces training: the preprocessing, the classes in
 * the order of the model's outputs, the decision threshold, and where the model came from. Stored as ONNX
 * metadata properties beside the writer's own `osteon.*` keys; written by `exportOnnx`, read by serving.
 */
export interface ServingMetadata {
  /** Applied with `preprocess` from src/imaging, the function training used. */
  preprocess: PreprocessSpec;
  /** Class names; index i names output i. */
  classes: string[];
  /** The class the threshold applies to (`fractured` when present). */
  positiveClass: string;
  /** Predict `positiveClass` when its probability is at least this; otherwise the likeliest other class. */
  threshold: number;
  /** The training run the weights come from. */
  runId: string;
  /** Osteon version that exported the model. */
  osteonVersion: string;
  /**
   * Classify each image and its left-right mirror, and average the two probabilities (test-time augmentation).
   * Models exported before this key existed do not carry it: false.
   */
  testTimeFlip: boolean;
}

export const SERVING_KEYS = {
  preprocess: 'preprocess',
  classes: 'classes',
  positiveClass: 'positive_class',
  threshold: 'threshold',
  runId: 'run_id',
  osteonVersion: 'osteon_version',
} as const;

/** Keys that models exported by earlier versions may lack; each has a default. */
export const OPTIONAL_SERVING_KEYS = {
  testTimeFlip: 'test_time_flip',
} as const;

/** The metadata properties, as strings, of a validated ServingMetadata. */
export function servingMetadataProperties(metadata: ServingMetadata): Record<string, string> {
  validateServingMetadata(metadata);
  return {
    [SERVING_KEYS.preprocess]: JSON.stringify(metadata.preprocess),
    [SERVING_KEYS.classes]: JSON.stringify(metadata.classes),
    [SERVING_KEYS.positiveClass]: metadata.positiveClass,
    [SERVING_KEYS.threshold]: String(metadata.threshold),
    [SERVING_KEYS.runId]: metadata.runId,
    [SERVING_KEYS.osteonVersion]: metadata.osteonVersion,
    [OPTIONAL_SERVING_KEYS.testTimeFlip]: String(metadata.testTimeFlip),
  };
}

const reexport = 'Export the model again from its training run with `osteon export --run RUN --out FILE.onnx`.';

/**
 * Reads ServingMetadata back from a model's metadata properties. Throws ONNX_METADATA_MISSING when a key is
 * absent and ONNX_METADATA_INVALID when a value is malformed, naming the key.
 */
export function parseServingMetadata(properties: Record<string, string>): ServingMetadata {
  const missing = Object.values(SERVING_KEYS).filter((key) => properties[key] === undefined);
  if (missing.length > 0) {
    throw new OsteonError(
      'ONNX_METADATA_MISSING',
      `The model's metadata lacks ${missing.map((k) => `"${k}"`).join(', ')}, which serving needs. ${reexport}`,
      { missing },
    );
  }
  const get = (key: string) => properties[key] as string;
  const metadata: ServingMetadata = {
    preprocess: parseJson(SERVING_KEYS.preprocess, get(SERVING_KEYS.preprocess)) as PreprocessSpec,
    classes: parseJson(SERVING_KEYS.classes, get(SERVING_KEYS.classes)) as string[],
    positiveClass: get(SERVING_KEYS.positiveClass),
    threshold: Number(get(SERVING_KEYS.threshold)),
    runId: get(SERVING_KEYS.runId),
    osteonVersion: get(SERVING_KEYS.osteonVersion),
    testTimeFlip: parseFlag(OPTIONAL_SERVING_KEYS.testTimeFlip, properties[OPTIONAL_SERVING_KEYS.testTimeFlip] ?? 'false'),
  };
  validateServingMetadata(metadata);
  return metadata;
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(key, `${JSON.stringify(text.slice(0, 80))} is not JSON`);
  }
}

function parseFlag(key: string, text: string): boolean {
  if (text !== 'true' && text !== 'false') throw invalid(key, `${JSON.stringify(text.slice(0, 80))} is neither "true" nor "false"`);
  return text === 'true';
}

function invalid(key: string, why: string): OsteonError {
  return new OsteonError('ONNX_METADATA_INVALID', `The model's metadata "${key}" is malformed: ${why}. ${reexport}`, { key });
}

export function validateServingMetadata(metadata: ServingMetadata): void {
  const { preprocess, classes, positiveClass, threshold } = metadata;
  if (typeof preprocess !== 'object' || preprocess === null || !Array.isArray(preprocess.mean) || !Array.isArray(preprocess.std)) {
    throw invalid(SERVING_KEYS.preprocess, 'expected {size, channels, mean: [...], std: [...], resize}');
  }
  try {
    validatePreprocessSpec(preprocess);
  } catch (error) {
    throw invalid(SERVING_KEYS.preprocess, (error as Error).message.replace(/\.$/, ''));
  }
  if (!Array.isArray(classes) || classes.length < 2 || classes.some((c) => typeof c !== 'string' || c === '')) {
    throw invalid(SERVING_KEYS.classes, 'expected a list of at least two non-empty class names');
  }
  if (new Set(classes).size !== classes.length) throw invalid(SERVING_KEYS.classes, `class names repeat: ${classes.join(', ')}`);
  if (!classes.includes(positiveClass)) {
    throw invalid(SERVING_KEYS.positiveClass, `"${positiveClass}" is not one of the classes ${classes.join(', ')}`);
  }
  if (!(threshold >= 0 && threshold <= 1)) throw invalid(SERVING_KEYS.threshold, `${threshold} is not a probability in [0, 1]`);
  if (typeof metadata.runId !== 'string' || typeof metadata.osteonVersion !== 'string') {
    throw invalid(SERVING_KEYS.runId, 'run id and Osteon version must be text');
  }
  if (typeof metadata.testTimeFlip !== 'boolean') throw invalid(OPTIONAL_SERVING_KEYS.testTimeFlip, 'expected true or false');
}

/** `fractured` when it is a class (Osteon's positive class), else the first class. */
export function defaultPositiveClass(classes: string[]): string {
  return classes.includes('fractured') ? 'fractured' : (classes[0] ?? '');
}
