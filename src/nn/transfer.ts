import fs from 'node:fs';
import { OsteonError } from '../errors.js';
import type { Graph } from './ir.js';
import { graphParameters } from './ir.js';
import type { HostTensor, StateDict } from './native.js';
import { readTorchCheckpoint } from './torch-file/index.js';
import { decodeSafetensors } from './safetensors.js';
import type { TrainableModel } from './engine/index.js';

/** Keys of auxiliary ImageNet classifiers (Inception, GoogLeNet) that Osteon's graphs leave out on purpose. */
const AUXILIARY_PREFIXES = ['AuxLogits.', 'aux1.', 'aux2.'];

/**
 * Reads a state dict from a safetensors file or a torch.save file (zip or legacy format), recognised by content.
 * torch.save files are read by Osteon's own restricted unpickler: libtorch's C++ loader cannot read the OrderedDict
 * that `model.state_dict()` is, and Python's would execute whatever the file asks.
 */
export async function readStateDictFile(file: string): Promise<StateDict> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new OsteonError('CHECKPOINT_NOT_FOUND', `Cannot read ${file}: ${(error as Error).message}.`);
  }
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length > 8 && view[8] === 0x7b /* '{' */) return decodeSafetensors(view, file).state;
  return readTorchCheckpoint(view, file);
}

/**
 * torchvision's older DenseNet files name batch-norm and conv layers `norm.1` where the model says `norm1`;
 * torchvision renames them on load, and so does Osteon.
 */
function modernKey(name: string): string {
  return name.replace(/^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var|num_batches_tracked))$/, '$1$2');
}

/** Sums RGB filters into one grey filter, so ImageNet weights start a 1-channel model with the same response. */
function rgbToGrey(tensor: HostTensor): HostTensor {
  const [out, , kh, kw] = tensor.shape as [number, number, number, number];
  const data = tensor.data as Float32Array;
  const grey = new Float32Array(out * kh * kw);
  const plane = kh * kw;
  for (let o = 0; o < out; o++) {
    for (let c = 0; c < 3; c++) {
      for (let k = 0; k < plane; k++) grey[o * plane + k]! += data[(o * 3 + c) * plane + k]!;
    }
  }
  return { shape: [out, 1, kh, kw], dtype: 'float32', data: grey };
}

export interface InitReport {
  loaded: number;
  /** The classifier head, re-created because the checkpoint's class count differs. */
  reinitialised: string[];
  /** Checkpoint keys the graph does not use (auxiliary classifiers). */
  ignored: string[];
  /** The first convolution's RGB filters were summed for a grey model. */
  convertedToGrey: string[];
}

/**
 * Starts a model from a torchvision-keyed checkpoint (transfer learning). The classifier head is re-created when
 * its class count differs; any other missing, unexpected or mis-shaped key is an error that lists them all.
 */
export async function initialiseFromCheckpoint(model: TrainableModel, graph: Graph, file: string): Promise<InitReport> {
  const source = await readStateDictFile(file);
  const expected = new Map(graphParameters(graph).map((p) => [p.name, p.shape]));
  const headPrefix = `${graph.head}.`;
  const report: InitReport = { loaded: 0, reinitialised: [], ignored: [], convertedToGrey: [] };
  const state: StateDict = {};
  for (const [original, tensor] of Object.entries(source)) {
    const name = modernKey(original);
    const shape = expected.get(name);
    if (!shape && AUXILIARY_PREFIXES.some((p) => name.startsWith(p))) {
      report.ignored.push(name);
      continue;
    }
    if (shape && name.startsWith(headPrefix) && shape[0] !== tensor.shape[0]) {
      report.reinitialised.push(name);
      continue;
    }
    if (shape?.length === 4 && shape[1] === 1 && tensor.shape[1] === 3 && graph.inputChannels === 1) {
      state[name] = rgbToGrey(tensor);
      report.convertedToGrey.push(name);
      continue;
    }
    state[name] = tensor;
  }
  const current = await model.stateDict();
  for (const name of report.reinitialised) state[name] = current[name]!;
  const result = await model.loadStateDict(state);
  if (result.missing.length || result.unexpected.length || result.mismatched.length) {
    const lines = [
      ...result.missing.slice(0, 10).map((k) => `missing in checkpoint: ${k}`),
      ...result.unexpected.slice(0, 10).map((k) => `not in ${graph.arch}: ${k}`),
      ...result.mismatched.slice(0, 10).map((m) => `shape of ${m.name}: checkpoint ${JSON.stringify(m.got)}, model ${JSON.stringify(m.expected)}`),
    ];
    const total = result.missing.length + result.unexpected.length + result.mismatched.length;
    throw new OsteonError(
      'CHECKPOINT_MISMATCH',
      `${file} does not fit ${graph.arch} (${total} problem(s)):\n  ${lines.join('\n  ')}` +
        (total > lines.length ? `\n  ... and ${total - lines.length} more` : '') +
        '\nIs it a checkpoint of this architecture with torchvision key names?',
      { ...result },
    );
  }
  report.loaded = Object.keys(state).length - report.reinitialised.length;
  return report;
}
