import { OsteonError } from '../errors.js';
import type { PreprocessSpec } from '../imaging/types.js';
import { VERSION } from '../version.js';
import type { Graph } from './ir.js';
import type { StateDict } from './native.js';
import { writeOnnx, type Weights } from './onnx/index.js';
import { loadSafetensors } from './safetensors.js';
import { defaultPositiveClass, servingMetadataProperties, type ServingMetadata } from './export-metadata.js';

export { OPTIONAL_SERVING_KEYS, parseServingMetadata, SERVING_KEYS, type ServingMetadata } from './export-metadata.js';

export interface ExportOptions {
  /** The preprocessing the model was trained with; its size is the model's input size. */
  spec: PreprocessSpec;
  /** Class names in the order of the model's outputs (Osteon's default: fractured, normal). */
  classes: string[];
  /** Decision threshold on the positive class's probability. */
  threshold: number;
  runId: string;
  /** Defaults to `spec.size`; when given it must equal it. */
  inputSize?: number;
  /** Defaults to `fractured` when it is a class, else the first class. */
  positiveClass?: string;
  /** Fold batch norms into convolutions (default true). */
  foldBatchNorm?: boolean;
  /** Serve with test-time flip averaging (ServingMetadata.testTimeFlip; default false). */
  testTimeFlip?: boolean;
}

/**
 * A graph and its trained weights as a self-describing ONNX model: `writeOnnx` plus the metadata serving
 * needs (ServingMetadata: preprocessing, classes, threshold, run id, Osteon version).
 *
 * @param state the weights as the engine's `stateDict()` or a safetensors checkpoint holds them.
 */
export function exportOnnx(graph: Graph, state: StateDict, options: ExportOptions): Uint8Array {
  const { spec, classes } = options;
  const inputSize = options.inputSize ?? spec.size;
  if (inputSize !== spec.size) {
    throw new OsteonError('BAD_OPTION', `The input size ${inputSize} differs from the preprocessing size ${spec.size}; give one size.`);
  }
  if (spec.channels !== graph.inputChannels) {
    throw new OsteonError(
      'BAD_OPTION',
      `The preprocessing makes ${spec.channels}-channel images but ${graph.arch} takes ${graph.inputChannels}; use the run's preprocessing.`,
    );
  }
  if (classes.length !== graph.numClasses) {
    throw new OsteonError(
      'BAD_OPTION',
      `${classes.length} class names (${classes.join(', ')}) for a model with ${graph.numClasses} outputs; give one name per output.`,
    );
  }
  const serving: ServingMetadata = {
    preprocess: spec,
    classes,
    positiveClass: options.positiveClass ?? defaultPositiveClass(classes),
    threshold: options.threshold,
    runId: options.runId,
    osteonVersion: VERSION,
    testTimeFlip: options.testTimeFlip ?? false,
  };
  return writeOnnx(graph, stateToWeights(state), {
    metadata: servingMetadataProperties(serving),
    inputSize,
    foldBatchNorm: options.foldBatchNorm,
  });
}

/** exportOnnx from a safetensors checkpoint on disk (a run's saved weights). */
export function exportOnnxFromCheckpoint(graph: Graph, checkpointFile: string, options: ExportOptions): Uint8Array {
  return exportOnnx(graph, loadSafetensors(checkpointFile).state, options);
}

function stateToWeights(state: StateDict): Weights {
  return new Map(Object.entries(state).map(([name, tensor]) => [name, tensor.data]));
}
