import type { Graph } from '../ir.js';
import { validateGraph } from '../ir.js';
import { OsteonError } from '../../errors.js';
import { VERSION } from '../../version.js';
import { lowerGraph, ONNX_INPUT, ONNX_OUTPUTS, type Weights } from './lower.js';
import { OSTEON_FORMAT_VERSION, OSTEON_KEYS, RESERVED_PREFIX } from './metadata-keys.js';
import { encodeModel } from './onnx-proto.js';
import { inferShapes } from '../shapes.js';

/** Metadata values are stored as strings; anything else is stored as its JSON text. */
export type MetadataValue = string | number | boolean | object;

export interface WriteOnnxOptions {
  /**
   * What serving needs (preprocessing, class names in index order, decision threshold, run id, version...).
   * Keys must not start with `osteon.`: the writer records its own keys there (see OSTEON_KEYS).
   */
  metadata: Record<string, MetadataValue>;
  /** Side in pixels of the square input the model takes (default: the architecture's default input size). */
  inputSize?: number;
  /** Fold each batch norm into the convolution before it where possible (default true). */
  foldBatchNorm?: boolean;
  /** Recorded as the model's producer_version (default: Osteon's version). */
  producerVersion?: string;
}

/**
 * Writes a graph and its trained weights as an ONNX model (opset 17, IR version 8).
 *
 * Input `input`: float32 [N, C, S, S], N symbolic ("batch"), S = `inputSize`.
 * Outputs: `logits` [N, classes]; `probabilities` [N, classes] (softmax over classes);
 * `features` [N, K, h, w], the feature map that the head weighs, for class activation maps.
 * The head's weight ([classes, K], or [classes, K, 1, 1] for a 1x1-conv head) stays an initializer named
 * `<head>.weight`, never folded or renamed (also recorded under the metadata key `osteon.head_weight`, the
 * head's op under `osteon.head_op`); read it with `readOnnxInitializer`.
 *
 * @param weights parameters and buffers by their torchvision names (`num_batches_tracked` may be present; it is not needed).
 */
export function writeOnnx(graph: Graph, weights: Weights, options: WriteOnnxOptions): Uint8Array {
  validateGraph(graph);
  const inputSize = options.inputSize ?? graph.defaultInputSize;
  if (!Number.isInteger(inputSize) || inputSize < 1) {
    throw new OsteonError('BAD_OPTION', `The input size must be a positive whole number of pixels, got ${inputSize}.`);
  }
  if (inputSize < graph.minInputSize) {
    throw new OsteonError(
      'INPUT_TOO_SMALL',
      `${graph.arch} needs inputs of at least ${graph.minInputSize}px; choose an input size of ${graph.minInputSize} or more.`,
    );
  }
  const foldBatchNorm = options.foldBatchNorm ?? true;
  const shapes = inferShapes(graph, inputSize);
  const { nodes, initializers } = lowerGraph(graph, weights, { foldBatchNorm });

  const batch = 'batch';
  // Shapes for one image: [1, K, h, w] and [1, classes].
  const featureShape = (shapes.get(graph.featureMap) as number[]).slice(1);
  const logitsShape = (shapes.get(graph.output) as number[]).slice(1);
  if (featureShape.length !== 3 || logitsShape.length !== 1 || logitsShape[0] !== graph.numClasses) {
    throw new Error(
      `graph ${graph.arch}: feature map [N, ${featureShape.join(', ')}] should be [N, K, h, w] and ` +
        `logits [N, ${logitsShape.join(', ')}] should be [N, ${graph.numClasses}]`,
    );
  }
  const logitsDims = [batch, graph.numClasses];
  return encodeModel({
    producerName: 'osteon',
    producerVersion: options.producerVersion ?? VERSION,
    docString: `Osteon ${graph.arch} classifier`,
    graph: {
      name: graph.arch,
      nodes,
      initializers,
      inputs: [{ name: ONNX_INPUT, dims: [batch, graph.inputChannels, inputSize, inputSize], docString: 'preprocessed image batch, NCHW' }],
      outputs: [
        { name: ONNX_OUTPUTS.logits, dims: logitsDims },
        { name: ONNX_OUTPUTS.probabilities, dims: logitsDims, docString: 'softmax of the logits over classes' },
        { name: ONNX_OUTPUTS.features, dims: [batch, ...featureShape], docString: `feature map weighed by ${graph.head}.weight` },
      ],
    },
    metadata: metadataEntries(graph, inputSize, foldBatchNorm, options.metadata),
  });
}

function metadataEntries(
  graph: Graph,
  inputSize: number,
  foldBatchNorm: boolean,
  caller: Record<string, MetadataValue>,
): [string, string][] {
  const own: [string, string][] = [
    [OSTEON_KEYS.format, String(OSTEON_FORMAT_VERSION)],
    [OSTEON_KEYS.arch, graph.arch],
    [OSTEON_KEYS.inputSize, String(inputSize)],
    [OSTEON_KEYS.inputChannels, String(graph.inputChannels)],
    [OSTEON_KEYS.numClasses, String(graph.numClasses)],
    [OSTEON_KEYS.headWeight, `${graph.head}.weight`],
    [OSTEON_KEYS.headOp, graph.nodes.find((n) => n.name === graph.head)?.op ?? ''],
    [OSTEON_KEYS.batchNormFolded, String(foldBatchNorm)],
  ];
  const theirs = Object.entries(caller).map(([key, value]): [string, string] => {
    if (key.startsWith(RESERVED_PREFIX)) {
      throw new Error(`metadata key "${key}" is reserved: keys starting with "${RESERVED_PREFIX}" are written by the ONNX writer`);
    }
    return [key, typeof value === 'string' ? value : JSON.stringify(value)];
  });
  return [...own, ...theirs];
}
