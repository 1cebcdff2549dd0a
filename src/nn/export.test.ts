import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { OsteonError } from '../errors.js';
import { VERSION } from '../version.js';
import { exportOnnx, exportOnnxFromCheckpoint, OPTIONAL_SERVING_KEYS, parseServingMetadata, SERVING_KEYS } from './export.js';
import { readOnnxMetadata } from './onnx/index.js';
import { saveSafetensors } from './safetensors.js';
import type { StateDict } from './native.js';
import { tinyNet } from '../../test/helpers/tiny-graphs.js';
import { randomWeights } from '../../test/helpers/reference-ops.js';
import type { PreprocessSpec } from '../imaging/types.js';

const graph = tinyNet();
const state: StateDict = Object.fromEntries(
  [...randomWeights(graph, 3)].map(([name, data]) => [
    name,
    { shape: [data.length], dtype: data instanceof BigInt64Array ? 'int64' : 'float32', data },
  ]),
);
const spec: PreprocessSpec = { size: 16, channels: 1, mean: [0.4], std: [0.2], resize: 'letterbox' };
const options = { spec, classes: ['fractured', 'normal'], threshold: 0.35, runId: 'run-42' };

function expectCode(fn: () => unknown, code: string): OsteonError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OsteonError);
    expect((error as OsteonError).code).toBe(code);
    return error as OsteonError;
  }
  throw new Error(`expected ${code}`);
}

describe('exportOnnx', () => {
  it('writes the metadata serving needs, which reads back unchanged', async () => {
    const bytes = exportOnnx(graph, state, options);
    const metadata = parseServingMetadata(readOnnxMetadata(bytes));
    expect(metadata).toEqual({
      preprocess: spec,
      classes: ['fractured', 'normal'],
      positiveClass: 'fractured',
      threshold: 0.35,
      runId: 'run-42',
      osteonVersion: VERSION,
      testTimeFlip: false,
    });
    expect(parseServingMetadata(readOnnxMetadata(exportOnnx(graph, state, { ...options, testTimeFlip: true }))).testTimeFlip).toBe(true);
    const session = await ort.InferenceSession.create(bytes);
    expect([...session.outputNames].sort()).toEqual(['features', 'logits', 'probabilities']);
    await session.release();
  });

  it('exports a safetensors checkpoint from disk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-export-'));
    const file = path.join(dir, 'best.safetensors');
    saveSafetensors(file, state);
    const fromDisk = exportOnnxFromCheckpoint(graph, file, options);
    expect(Buffer.from(fromDisk).equals(Buffer.from(exportOnnx(graph, state, options)))).toBe(true);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses settings that disagree with the graph', () => {
    expect(expectCode(() => exportOnnx(graph, state, { ...options, classes: ['a', 'b', 'c'] }), 'BAD_OPTION').message).toMatch(
      /3 class names .* 2 outputs/,
    );
    expectCode(() => exportOnnx(graph, state, { ...options, spec: { ...spec, channels: 3, mean: [0, 0, 0], std: [1, 1, 1] } }), 'BAD_OPTION');
    expectCode(() => exportOnnx(graph, state, { ...options, inputSize: 32 }), 'BAD_OPTION');
    expectCode(() => exportOnnx(graph, state, { ...options, threshold: 1.5 }), 'ONNX_METADATA_INVALID');
    expectCode(() => exportOnnx(graph, state, { ...options, classes: ['x', 'x'] }), 'ONNX_METADATA_INVALID');
  });
});

describe('parseServingMetadata', () => {
  const good = () => {
    const all = readOnnxMetadata(exportOnnx(graph, state, options));
    return Object.fromEntries(Object.values(SERVING_KEYS).map((k) => [k, all[k] as string]));
  };

  it('names every missing key', () => {
    const properties = good();
    delete properties[SERVING_KEYS.classes];
    delete properties[SERVING_KEYS.threshold];
    const error = expectCode(() => parseServingMetadata(properties), 'ONNX_METADATA_MISSING');
    expect(error.message).toMatch(/"classes", "threshold"/);
  });

  it('names the malformed key', () => {
    expect(expectCode(() => parseServingMetadata({ ...good(), preprocess: '{size:' }), 'ONNX_METADATA_INVALID').message).toMatch(
      /"preprocess" is malformed: .* not JSON/,
    );
    expect(
      expectCode(() => parseServingMetadata({ ...good(), preprocess: JSON.stringify({ ...spec, std: [0] }) }), 'ONNX_METADATA_INVALID').message,
    ).toMatch(/std must be positive/);
    expectCode(() => parseServingMetadata({ ...good(), threshold: 'high' }), 'ONNX_METADATA_INVALID');
    expectCode(() => parseServingMetadata({ ...good(), positive_class: 'broken' }), 'ONNX_METADATA_INVALID');
    expect(expectCode(() => parseServingMetadata({ ...good(), [OPTIONAL_SERVING_KEYS.testTimeFlip]: 'yes' }), 'ONNX_METADATA_INVALID').message)
      .toMatch(/"test_time_flip" is malformed: "yes" is neither "true" nor "false"/);
  });

  it('reads a model exported before test-time flip existed as one without it', () => {
    expect(good()[OPTIONAL_SERVING_KEYS.testTimeFlip]).toBeUndefined();
    expect(parseServingMetadata(good()).testTimeFlip).toBe(false);
  });
});
