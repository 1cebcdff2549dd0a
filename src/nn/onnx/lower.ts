import type { Graph, GraphNode, Pair } from '../ir.js';
import { nodeParameters } from '../ir.js';
import { OsteonError } from '../../errors.js';
import { foldIntoConv, planBatchNormFolding } from './fold-batchnorm.js';
import { DataType, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './onnx-proto.js';
import { float32LittleEndian } from './protobuf.js';

export type Weights = Map<string, Float32Array | BigInt64Array>;

/** Names of the exported model's input and outputs; serving relies on them. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUTS = { logits: 'logits', probabilities: 'probabilities', features: 'features' } as const;

const CLIP_MIN = 'osteon.relu6.min';
const CLIP_MAX = 'osteon.relu6.max';

export interface LoweredGraph {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
}

/**
 * Translates the IR into ONNX nodes and initializers (opset 17). Every IR value keeps its name except the
 * input (renamed `input`) and any that would clash with the model's input or output names. Initializers keep
 * their torchvision names; a convolution with a folded batch norm keeps `<conv>.weight`/`<conv>.bias`, holding
 * the folded values. The head's `<head>.weight` is never altered, so serving can read it for class activation maps.
 */
export function lowerGraph(graph: Graph, weights: Weights, options: { foldBatchNorm: boolean }): LoweredGraph {
  const reserved = new Set<string>([ONNX_INPUT, ...Object.values(ONNX_OUTPUTS)]);
  const valueName = (irName: string): string => {
    if (irName === graph.input) return ONNX_INPUT;
    return reserved.has(irName) ? `${irName}.value` : irName;
  };
  const foldInto = options.foldBatchNorm ? planBatchNormFolding(graph) : new Map<string, string>();
  const folded = new Set(foldInto.values());
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const param = parameterReader(graph, weights);

  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const addFloat = (name: string, dims: number[], data: Float32Array): string => {
    initializers.push({ name, dims, dataType: DataType.FLOAT, raw: float32LittleEndian(data) });
    return name;
  };
  const emit = (node: GraphNode, opType: string, inputs: string[], attributes?: OnnxAttribute[], output = valueName(node.name)) =>
    nodes.push({ name: node.name, opType, inputs, outputs: [output], attributes });
  let clipBoundsAdded = false;

  for (const node of graph.nodes) {
    const x = node.inputs.map(valueName);
    switch (node.op) {
      case 'input':
        break;
      case 'conv2d': {
        const a = node.attrs;
        const weightShape = [a.outChannels, a.inChannels / a.groups, a.kernel[0], a.kernel[1]];
        let weight = param(`${node.name}.weight`);
        let bias = a.bias ? param(`${node.name}.bias`) : undefined;
        const bnName = foldInto.get(node.name);
        if (bnName !== undefined) {
          const bn = byName.get(bnName);
          if (bn?.op !== 'batchnorm2d') throw new Error(`folding plan names "${bnName}", which is not a batch norm`);
          ({ weight, bias } = foldIntoConv(weight, bias, {
            weight: param(`${bnName}.weight`),
            bias: param(`${bnName}.bias`),
            runningMean: param(`${bnName}.running_mean`),
            runningVar: param(`${bnName}.running_var`),
            eps: bn.attrs.eps,
          }));
        }
        const inputs = [x[0] as string, addFloat(`${node.name}.weight`, weightShape, weight)];
        if (bias) inputs.push(addFloat(`${node.name}.bias`, [a.outChannels], bias));
        emit(
          node,
          'Conv',
          inputs,
          [
            ints('kernel_shape', a.kernel),
            ints('strides', a.stride),
            ints('pads', pads(a.padding)),
            ints('dilations', a.dilation),
            { name: 'group', type: 'int', value: a.groups },
          ],
          valueName(bnName ?? node.name),
        );
        break;
      }
      case 'batchnorm2d': {
        if (folded.has(node.name)) break;
        const c = [node.attrs.channels];
        const inputs = ['weight', 'bias', 'running_mean', 'running_var'].map((s) => addFloat(`${node.name}.${s}`, c, param(`${node.name}.${s}`)));
        emit(node, 'BatchNormalization', [x[0] as string, ...inputs], [{ name: 'epsilon', type: 'float', value: node.attrs.eps }]);
        break;
      }
      case 'linear': {
        const a = node.attrs;
        const inputs = [x[0] as string, addFloat(`${node.name}.weight`, [a.outFeatures, a.inFeatures], param(`${node.name}.weight`))];
        if (a.bias) inputs.push(addFloat(`${node.name}.bias`, [a.outFeatures], param(`${node.name}.bias`)));
        emit(node, 'Gemm', inputs, [{ name: 'transB', type: 'int', value: 1 }]);
        break;
      }
      case 'relu':
        emit(node, 'Relu', x);
        break;
      case 'relu6':
        // Since opset 11 Clip takes its bounds as inputs rather than attributes.
        if (!clipBoundsAdded) {
          addFloat(CLIP_MIN, [], Float32Array.of(0));
          addFloat(CLIP_MAX, [], Float32Array.of(6));
          clipBoundsAdded = true;
        }
        emit(node, 'Clip', [x[0] as string, CLIP_MIN, CLIP_MAX]);
        break;
      case 'silu': {
        const gate = `${valueName(node.name)}.sigmoid`;
        nodes.push({ name: `${node.name}.sigmoid`, opType: 'Sigmoid', inputs: x, outputs: [gate] });
        emit(node, 'Mul', [x[0] as string, gate]);
        break;
      }
      case 'sigmoid':
        emit(node, 'Sigmoid', x);
        break;
      case 'maxpool2d': {
        const a = node.attrs;
        emit(node, 'MaxPool', x, [
          ints('kernel_shape', a.kernel),
          ints('strides', a.stride),
          ints('pads', pads(a.padding)),
          { name: 'ceil_mode', type: 'int', value: a.ceilMode ? 1 : 0 },
        ]);
        break;
      }
      case 'avgpool2d': {
        const a = node.attrs;
        emit(node, 'AveragePool', x, [
          ints('kernel_shape', a.kernel),
          ints('strides', a.stride),
          ints('pads', pads(a.padding)),
          { name: 'ceil_mode', type: 'int', value: a.ceilMode ? 1 : 0 },
          { name: 'count_include_pad', type: 'int', value: a.countIncludePad ? 1 : 0 },
        ]);
        break;
      }
      case 'global_avgpool':
        emit(node, 'GlobalAveragePool', x);
        break;
      case 'flatten':
        emit(node, 'Flatten', x, [{ name: 'axis', type: 'int', value: 1 }]);
        break;
      case 'add':
        emit(node, 'Add', x);
        break;
      case 'mul':
        emit(node, 'Mul', x);
        break;
      case 'concat':
        emit(node, 'Concat', x, [{ name: 'axis', type: 'int', value: 1 }]);
        break;
      case 'dropout':
      case 'stochastic_depth':
        // Both are the identity in evaluation.
        emit(node, 'Identity', x);
        break;
      default: {
        const unknown: never = node;
        throw new Error(`the ONNX writer does not know op "${(unknown as GraphNode).op}"`);
      }
    }
  }

  nodes.push(
    { name: 'osteon.logits', opType: 'Identity', inputs: [valueName(graph.output)], outputs: [ONNX_OUTPUTS.logits] },
    {
      name: 'osteon.probabilities',
      opType: 'Softmax',
      inputs: [ONNX_OUTPUTS.logits],
      outputs: [ONNX_OUTPUTS.probabilities],
      attributes: [{ name: 'axis', type: 'int', value: 1 }],
    },
    { name: 'osteon.features', opType: 'Identity', inputs: [valueName(graph.featureMap)], outputs: [ONNX_OUTPUTS.features] },
  );
  assertUniqueNames(graph, nodes, initializers);
  return { nodes, initializers };
}

const ints = (name: string, value: number[]): OnnxAttribute => ({ name, type: 'ints', value });

/** IR padding is symmetric [ph, pw]; ONNX wants [top, left, bottom, right]. */
const pads = ([ph, pw]: Pair): number[] => [ph, pw, ph, pw];

/** Looks up float parameters by name, checking presence, type and element count against the IR's shapes. */
function parameterReader(graph: Graph, weights: Weights): (name: string) => Float32Array {
  const expected = new Map(graph.nodes.flatMap(nodeParameters).map((p) => [p.name, p.shape]));
  return (name) => {
    const shape = expected.get(name);
    if (!shape) throw new Error(`the graph of ${graph.arch} declares no parameter "${name}"`);
    const data = weights.get(name);
    if (data === undefined) {
      throw new OsteonError(
        'WEIGHTS_MISSING',
        `The weights lack "${name}" needed by ${graph.arch}. Export from a checkpoint of this architecture.`,
      );
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(data instanceof Float32Array) || data.length !== count) {
      throw new OsteonError(
        'WEIGHTS_MISMATCH',
        `Weight "${name}" should be ${count} float32 values of shape [${shape.join(', ')}], ` +
          `got ${data.length} ${data instanceof Float32Array ? 'float32' : 'int64'} values. ` +
          `Export from a checkpoint of ${graph.arch} with the same classes and input channels.`,
      );
    }
    return data;
  };
}

function assertUniqueNames(graph: Graph, nodes: OnnxNode[], initializers: OnnxTensor[]): void {
  const values = new Set<string>([ONNX_INPUT]);
  for (const tensor of initializers) {
    if (values.has(tensor.name)) throw new Error(`${graph.arch}: ONNX value "${tensor.name}" is defined twice`);
    values.add(tensor.name);
  }
  const nodeNames = new Set<string>();
  for (const node of nodes) {
    if (nodeNames.has(node.name)) throw new Error(`${graph.arch}: ONNX node name "${node.name}" is used twice`);
    nodeNames.add(node.name);
    for (const output of node.outputs) {
      if (values.has(output)) throw new Error(`${graph.arch}: ONNX value "${output}" is defined twice`);
      values.add(output);
    }
  }
}
