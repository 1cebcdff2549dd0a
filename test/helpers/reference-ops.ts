/**
 * Straightforward reference implementations of every graph IR op, in double precision, following PyTorch's
 * definitions (output sizes, ceil_mode, count_include_pad). Slow on purpose: loops a reader can check by eye.
 * Used to test the ONNX writer against onnxruntime; also handy for any other engine's parity tests.
 */
import type { AvgPoolAttrs, Conv2dAttrs, Graph, PoolAttrs } from '../../src/nn/ir.js';
import { nodeParameters } from '../../src/nn/ir.js';

/** A dense row-major tensor. */
export interface Tensor {
  shape: number[];
  data: Float64Array;
}

export function tensor(shape: number[], data?: ArrayLike<number>): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  if (data) {
    if (data.length !== size) throw new Error(`tensor of shape [${shape}] needs ${size} values, got ${data.length}`);
    out.set(Array.from(data));
  }
  return { shape, data: out };
}

function dims4(x: Tensor): [number, number, number, number] {
  if (x.shape.length !== 4) throw new Error(`expected [N, C, H, W], got [${x.shape}]`);
  return x.shape as [number, number, number, number];
}

/** PyTorch's output length of a sliding window along one axis. */
function outputLength(size: number, kernel: number, stride: number, pad: number, dilation: number, ceil: boolean): number {
  const numerator = size + 2 * pad - dilation * (kernel - 1) - 1;
  let out = (ceil ? Math.ceil(numerator / stride) : Math.floor(numerator / stride)) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

export function conv2d(x: Tensor, weight: ArrayLike<number>, bias: ArrayLike<number> | undefined, a: Conv2dAttrs): Tensor {
  const [n, c, h, w] = dims4(x);
  if (c !== a.inChannels) throw new Error(`conv expects ${a.inChannels} channels, got ${c}`);
  const [kh, kw] = a.kernel;
  const oh = outputLength(h, kh, a.stride[0], a.padding[0], a.dilation[0], false);
  const ow = outputLength(w, kw, a.stride[1], a.padding[1], a.dilation[1], false);
  const inPerGroup = a.inChannels / a.groups;
  const outPerGroup = a.outChannels / a.groups;
  const y = tensor([n, a.outChannels, oh, ow]);
  // Loops ordered for speed (each weight scans the output plane), still one multiply-add per tap.
  for (let b = 0; b < n; b++)
    for (let o = 0; o < a.outChannels; o++) {
      const g = Math.floor(o / outPerGroup);
      const out = y.data.subarray((b * a.outChannels + o) * oh * ow, (b * a.outChannels + o + 1) * oh * ow);
      out.fill(bias ? (bias[o] as number) : 0);
      for (let ci = 0; ci < inPerGroup; ci++) {
        const plane = x.data.subarray((b * c + g * inPerGroup + ci) * h * w, (b * c + g * inPerGroup + ci + 1) * h * w);
        for (let u = 0; u < kh; u++)
          for (let v = 0; v < kw; v++) {
            const wv = weight[((o * inPerGroup + ci) * kh + u) * kw + v] as number;
            for (let i = 0; i < oh; i++) {
              const row = i * a.stride[0] - a.padding[0] + u * a.dilation[0];
              if (row < 0 || row >= h) continue;
              for (let j = 0; j < ow; j++) {
                const col = j * a.stride[1] - a.padding[1] + v * a.dilation[1];
                if (col < 0 || col >= w) continue;
                out[i * ow + j] = (out[i * ow + j] as number) + wv * (plane[row * w + col] as number);
              }
            }
          }
      }
    }
  return y;
}

export function batchNorm2d(
  x: Tensor,
  p: { weight: ArrayLike<number>; bias: ArrayLike<number>; runningMean: ArrayLike<number>; runningVar: ArrayLike<number>; eps: number },
): Tensor {
  const [n, c, h, w] = dims4(x);
  const y = tensor(x.shape);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const scale = (p.weight[ch] as number) / Math.sqrt((p.runningVar[ch] as number) + p.eps);
      for (let k = 0; k < h * w; k++) {
        const idx = (b * c + ch) * h * w + k;
        y.data[idx] = ((x.data[idx] as number) - (p.runningMean[ch] as number)) * scale + (p.bias[ch] as number);
      }
    }
  return y;
}

/** y = x W^T + b for x [N, in], W [out, in]. */
export function linear(x: Tensor, weight: ArrayLike<number>, bias: ArrayLike<number> | undefined, outFeatures: number): Tensor {
  const [n, inFeatures] = x.shape as [number, number];
  const y = tensor([n, outFeatures]);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < outFeatures; o++) {
      let sum = bias ? (bias[o] as number) : 0;
      for (let i = 0; i < inFeatures; i++) sum += (x.data[b * inFeatures + i] as number) * (weight[o * inFeatures + i] as number);
      y.data[b * outFeatures + o] = sum;
    }
  return y;
}

export function map(x: Tensor, f: (v: number) => number): Tensor {
  return { shape: [...x.shape], data: x.data.map(f) };
}

export const relu = (x: Tensor) => map(x, (v) => Math.max(0, v));
export const relu6 = (x: Tensor) => map(x, (v) => Math.min(6, Math.max(0, v)));
export const sigmoid = (x: Tensor) => map(x, (v) => 1 / (1 + Math.exp(-v)));
export const silu = (x: Tensor) => map(x, (v) => v / (1 + Math.exp(-v)));

export function maxPool2d(x: Tensor, a: PoolAttrs): Tensor {
  return pool(x, a, (values) => Math.max(...values), () => 1);
}

/** PyTorch's divisor: the window clipped to the padded input when counting padding, else to the input itself. */
export function avgPool2d(x: Tensor, a: AvgPoolAttrs): Tensor {
  return pool(
    x,
    a,
    (values) => values.reduce((s, v) => s + v, 0),
    (paddedArea, innerArea) => 1 / (a.countIncludePad ? paddedArea : innerArea),
  );
}

function pool(
  x: Tensor,
  a: PoolAttrs,
  reduce: (values: number[]) => number,
  scale: (paddedArea: number, innerArea: number) => number,
): Tensor {
  const [n, c, h, w] = dims4(x);
  const [kh, kw] = a.kernel;
  const oh = outputLength(h, kh, a.stride[0], a.padding[0], 1, a.ceilMode);
  const ow = outputLength(w, kw, a.stride[1], a.padding[1], 1, a.ceilMode);
  const y = tensor([n, c, oh, ow]);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          const r0 = i * a.stride[0] - a.padding[0];
          const c0 = j * a.stride[1] - a.padding[1];
          const r1 = Math.min(r0 + kh, h + a.padding[0]);
          const c1 = Math.min(c0 + kw, w + a.padding[1]);
          const paddedArea = (r1 - r0) * (c1 - c0);
          const values: number[] = [];
          for (let r = Math.max(r0, 0); r < Math.min(r1, h); r++)
            for (let col = Math.max(c0, 0); col < Math.min(c1, w); col++) values.push(x.data[((b * c + ch) * h + r) * w + col] as number);
          y.data[((b * c + ch) * oh + i) * ow + j] = reduce(values) * scale(paddedArea, values.length);
        }
  return y;
}

export function globalAvgPool(x: Tensor): Tensor {
  const [n, c, h, w] = dims4(x);
  const y = tensor([n, c, 1, 1]);
  for (let k = 0; k < n * c; k++) {
    let sum = 0;
    for (let p = 0; p < h * w; p++) sum += x.data[k * h * w + p] as number;
    y.data[k] = sum / (h * w);
  }
  return y;
}

export function flatten(x: Tensor): Tensor {
  const n = x.shape[0] as number;
  return { shape: [n, x.data.length / n], data: x.data.slice() };
}

export function add(a: Tensor, b: Tensor): Tensor {
  if (a.shape.join() !== b.shape.join()) throw new Error(`add: [${a.shape}] vs [${b.shape}]`);
  return { shape: [...a.shape], data: a.data.map((v, i) => v + (b.data[i] as number)) };
}

/** Elementwise product of two rank-4 tensors with broadcasting over size-1 dimensions. */
export function mul(a: Tensor, b: Tensor): Tensor {
  const shape = a.shape.map((d, i) => Math.max(d, b.shape[i] as number));
  const y = tensor(shape);
  const index = (t: Tensor, idx: number[]) =>
    idx.reduce((flat, v, k) => flat * (t.shape[k] as number) + (t.shape[k] === 1 ? 0 : v), 0);
  const [n, c, h, w] = shape as [number, number, number, number];
  for (let i0 = 0; i0 < n; i0++)
    for (let i1 = 0; i1 < c; i1++)
      for (let i2 = 0; i2 < h; i2++)
        for (let i3 = 0; i3 < w; i3++) {
          const idx = [i0, i1, i2, i3];
          y.data[((i0 * c + i1) * h + i2) * w + i3] = (a.data[index(a, idx)] as number) * (b.data[index(b, idx)] as number);
        }
  return y;
}

export function concat(xs: Tensor[]): Tensor {
  const [n, , h, w] = dims4(xs[0] as Tensor);
  const channels = xs.map((x) => dims4(x)[1]);
  const total = channels.reduce((s, c) => s + c, 0);
  const y = tensor([n, total, h, w]);
  for (let b = 0; b < n; b++) {
    let offset = 0;
    xs.forEach((x, k) => {
      const c = channels[k] as number;
      y.data.set(x.data.subarray(b * c * h * w, (b + 1) * c * h * w), (b * total + offset) * h * w);
      offset += c;
    });
  }
  return y;
}

/** Softmax over axis 1 of [N, C]. */
export function softmax(x: Tensor): Tensor {
  const [n, c] = x.shape as [number, number];
  const y = tensor(x.shape);
  for (let b = 0; b < n; b++) {
    const row = Array.from(x.data.subarray(b * c, (b + 1) * c));
    const max = Math.max(...row);
    const exps = row.map((v) => Math.exp(v - max));
    const sum = exps.reduce((s, v) => s + v, 0);
    exps.forEach((e, k) => (y.data[b * c + k] = e / sum));
  }
  return y;
}

type WeightMap = Map<string, Float32Array | BigInt64Array>;

/** Evaluates a whole graph in evaluation mode; returns every value by node name. */
export function runGraph(graph: Graph, weights: WeightMap, input: Tensor): Map<string, Tensor> {
  const values = new Map<string, Tensor>();
  const w = (name: string): Float32Array => {
    const v = weights.get(name);
    if (!(v instanceof Float32Array)) throw new Error(`reference: missing float weight ${name}`);
    return v;
  };
  for (const node of graph.nodes) {
    const x = node.inputs.map((name) => values.get(name) as Tensor);
    const x0 = x[0] as Tensor;
    let y: Tensor;
    switch (node.op) {
      case 'input':
        y = input;
        break;
      case 'conv2d':
        y = conv2d(x0, w(`${node.name}.weight`), node.attrs.bias ? w(`${node.name}.bias`) : undefined, node.attrs);
        break;
      case 'batchnorm2d':
        y = batchNorm2d(x0, {
          weight: w(`${node.name}.weight`),
          bias: w(`${node.name}.bias`),
          runningMean: w(`${node.name}.running_mean`),
          runningVar: w(`${node.name}.running_var`),
          eps: node.attrs.eps,
        });
        break;
      case 'linear':
        y = linear(x0, w(`${node.name}.weight`), node.attrs.bias ? w(`${node.name}.bias`) : undefined, node.attrs.outFeatures);
        break;
      case 'relu':
        y = relu(x0);
        break;
      case 'relu6':
        y = relu6(x0);
        break;
      case 'silu':
        y = silu(x0);
        break;
      case 'sigmoid':
        y = sigmoid(x0);
        break;
      case 'maxpool2d':
        y = maxPool2d(x0, node.attrs);
        break;
      case 'avgpool2d':
        y = avgPool2d(x0, node.attrs);
        break;
      case 'global_avgpool':
        y = globalAvgPool(x0);
        break;
      case 'flatten':
        y = flatten(x0);
        break;
      case 'add':
        y = add(x0, x[1] as Tensor);
        break;
      case 'mul':
        y = mul(x0, x[1] as Tensor);
        break;
      case 'concat':
        y = concat(x);
        break;
      case 'dropout':
      case 'stochastic_depth':
        y = x0;
        break;
    }
    values.set(node.name, y);
  }
  return values;
}

/** A small seeded PRNG (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random weights for every parameter of a graph that keep activations of a deep network finite:
 * He-scaled convolution and linear weights, batch norms near identity with running_var = 1.
 */
export function randomWeights(graph: Graph, seed: number): WeightMap {
  const random = seededRandom(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
  const batchNormInit: Record<string, () => number> = {
    weight: () => uniform(0.5, 1.5),
    bias: () => uniform(-0.2, 0.2),
    running_mean: () => uniform(-0.2, 0.2),
    running_var: () => 1,
  };
  const weights: WeightMap = new Map();
  for (const node of graph.nodes) {
    for (const p of nodeParameters(node)) {
      const suffix = p.name.slice(node.name.length + 1);
      if (suffix === 'num_batches_tracked') {
        weights.set(p.name, BigInt64Array.of(0n));
        continue;
      }
      const count = p.shape.reduce((a, b) => a * b, 1);
      const fanIn = p.shape.slice(1).reduce((a, b) => a * b, 1);
      const init =
        node.op === 'batchnorm2d'
          ? (batchNormInit[suffix] as () => number)
          : suffix === 'bias'
            ? () => uniform(-0.1, 0.1)
            : () => uniform(-1, 1) * Math.sqrt(6 / fanIn);
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = init();
      weights.set(p.name, values);
    }
  }
  return weights;
}
