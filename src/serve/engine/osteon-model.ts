import { OsteonError } from '../../errors.js';
import { parseServingMetadata } from '../../nn/export-metadata.js';
import { ONNX_INPUT, ONNX_OUTPUTS, OSTEON_KEYS, readOnnxInitializer, readOnnxMetadata } from '../../nn/onnx/index.js';
import type { CamHead, ModelDescription } from './model-description.js';

/**
 * Describes a model exported by Osteon from its own metadata. Throws ONNX_INVALID (not ONNX), ONNX_NOT_OSTEON
 * (no Osteon metadata), ONNX_METADATA_MISSING or ONNX_METADATA_INVALID (serving keys absent or malformed).
 */
export function describeOsteonModel(bytes: Uint8Array): ModelDescription {
  const properties = readOnnxMetadata(bytes);
  const serving = parseServingMetadata(properties);
  const channels = Number(properties[OSTEON_KEYS.inputChannels]);
  const inputSize = Number(properties[OSTEON_KEYS.inputSize]);
  const numClasses = Number(properties[OSTEON_KEYS.numClasses]);
  const mismatch = (what: string) =>
    new OsteonError(
      'ONNX_METADATA_INVALID',
      `The model's metadata disagrees with its graph (${what}). Export the model again with \`osteon export\`.`,
    );
  if (serving.preprocess.size !== inputSize) throw mismatch(`preprocessing size ${serving.preprocess.size}, input size ${inputSize}`);
  if (serving.preprocess.channels !== channels) throw mismatch(`preprocessing makes ${serving.preprocess.channels} channels, the input takes ${channels}`);
  if (serving.classes.length !== numClasses) throw mismatch(`${serving.classes.length} class names for ${numClasses} outputs`);
  return {
    kind: 'osteon',
    arch: properties[OSTEON_KEYS.arch] ?? null,
    runId: serving.runId,
    osteonVersion: serving.osteonVersion,
    spec: serving.preprocess,
    classes: serving.classes,
    positiveClass: serving.positiveClass,
    threshold: serving.threshold,
    inputName: ONNX_INPUT,
    layout: 'nchw',
    scoresOutput: ONNX_OUTPUTS.probabilities,
    scoresAre: 'probabilities',
    logitsOutput: ONNX_OUTPUTS.logits,
    featuresOutput: ONNX_OUTPUTS.features,
    camHead: readCamHead(bytes, properties, numClasses),
    fixedBatch: null,
    testTimeFlip: serving.testTimeFlip,
  };
}

function readCamHead(bytes: Uint8Array, properties: Record<string, string>, numClasses: number): CamHead {
  const weightName = properties[OSTEON_KEYS.headWeight];
  const op = properties[OSTEON_KEYS.headOp];
  if (!weightName || (op !== 'linear' && op !== 'conv2d')) {
    throw new OsteonError(
      'ONNX_METADATA_INVALID',
      `The model's metadata does not name its head (${OSTEON_KEYS.headWeight}, ${OSTEON_KEYS.headOp}). Export the model again with \`osteon export\`.`,
    );
  }
  const weight = readOnnxInitializer(bytes, weightName);
  const [classes, channels] = weight.dims;
  if (classes !== numClasses || channels === undefined || weight.dims.slice(2).some((d) => d !== 1)) {
    throw new OsteonError(
      'ONNX_METADATA_INVALID',
      `The head weight "${weightName}" has shape [${weight.dims.join(', ')}], not [${numClasses}, K] or [${numClasses}, K, 1, 1]. Export the model again.`,
    );
  }
  let bias: Float32Array | undefined;
  if (op === 'conv2d') {
    const biasName = weightName.replace(/\.weight$/, '.bias');
    try {
      bias = readOnnxInitializer(bytes, biasName).data;
    } catch (error) {
      if (!(error instanceof OsteonError && error.code === 'ONNX_INITIALIZER_MISSING')) throw error;
    }
  }
  return { op, weight: weight.data, bias, classes, channels };
}
