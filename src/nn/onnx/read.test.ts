import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../builder.js';
import { OsteonError } from '../../errors.js';
import { readOnnxInitializer, readOnnxMetadata } from './read.js';
import { writeOnnx } from './write.js';
import { DataType, encodeModel, encodeTensor, Field } from './onnx-proto.js';
import { float32LittleEndian, ProtoWriter } from './protobuf.js';
import { randomWeights, seededRandom } from '../../../test/helpers/reference-ops.js';

function smallModel() {
  const b = new GraphBuilder('tiny', 1, 2);
  const features = b.relu('relu', b.batchNorm('bn', b.conv('conv', 'input', 4, 3)));
  const head = b.linear('classifier.1', b.flatten('flatten', b.globalAvgPool('pool', features)), 2);
  const graph = b.build({ output: head, featureMap: features, head, defaultInputSize: 8, minInputSize: 3 });
  return { graph, weights: randomWeights(graph, 1) };
}

function expectOsteonError(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OsteonError);
    expect((e as OsteonError).code).toBe(code);
    expect((e as OsteonError).message).toMatch(message);
    return;
  }
  throw new Error(`expected an OsteonError ${code}`);
}

describe('readOnnxMetadata', () => {
  it('round-trips caller metadata, JSON-encoding non-strings, next to the writer\'s own keys', () => {
    const { graph, weights } = smallModel();
    const preprocessing = { size: 8, channels: 1, mean: [0.5], std: [0.25], resize: 'letterbox' };
    const metadata = {
      preprocessing: JSON.stringify(preprocessing),
      classes: ['fractured', 'normal'],
      threshold: 0.4375,
      runId: 'run-ünï',
      version: '0.1.0',
    };
    const bytes = writeOnnx(graph, weights, { metadata, inputSize: 12 });
    const read = readOnnxMetadata(bytes);
    expect(JSON.parse(read.preprocessing as string)).toEqual(preprocessing);
    expect(JSON.parse(read.classes as string)).toEqual(['fractured', 'normal']);
    expect(Number(read.threshold)).toBe(0.4375);
    expect(read.runId).toBe('run-ünï');
    expect(read.version).toBe('0.1.0');
    expect(read['osteon.format']).toBe('1');
    expect(read['osteon.arch']).toBe('tiny');
    expect(read['osteon.input_size']).toBe('12');
    expect(read['osteon.input_channels']).toBe('1');
    expect(read['osteon.num_classes']).toBe('2');
    expect(read['osteon.head_weight']).toBe('classifier.1.weight');
  });

  it('refuses bytes that are not ONNX with a clear error', () => {
    const random = seededRandom(42);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    expectOsteonError(() => readOnnxMetadata(noise), 'ONNX_INVALID', /not a readable ONNX model.*osteon export/);
    expectOsteonError(() => readOnnxMetadata(new Uint8Array()), 'ONNX_INVALID', /empty/);
    expectOsteonError(() => readOnnxMetadata(new TextEncoder().encode('{"not": "onnx"}')), 'ONNX_INVALID', /not a readable ONNX/);
    const { graph, weights } = smallModel();
    const bytes = writeOnnx(graph, weights, { metadata: {} });
    expectOsteonError(() => readOnnxMetadata(bytes.subarray(0, bytes.length - 10)), 'ONNX_INVALID', /not a readable ONNX/);
  });

  it('refuses an ONNX model that carries no Osteon metadata', async () => {
    const bytes = encodeModel({
      producerName: 'elsewhere',
      producerVersion: '1',
      metadata: [['author', 'someone']],
      graph: {
        name: 'g',
        nodes: [{ name: 'id', opType: 'Identity', inputs: ['input'], outputs: ['output'] }],
        initializers: [],
        inputs: [{ name: 'input', dims: ['batch', 2] }],
        outputs: [{ name: 'output', dims: ['batch', 2] }],
      },
    });
    // A valid model as far as onnxruntime is concerned...
    await (await ort.InferenceSession.create(bytes)).release();
    // ...that Osteon cannot serve.
    expectOsteonError(() => readOnnxMetadata(bytes), 'ONNX_NOT_OSTEON', /no Osteon metadata.*osteon export --run/);
  });

  it('refuses a model written by a newer Osteon format', () => {
    const { graph, weights } = smallModel();
    const bytes = writeOnnx(graph, weights, { metadata: {} });
    // A later entry for the same key wins when entries are read into a record.
    const entry = new ProtoWriter().message(
      Field.model.metadataProps,
      new ProtoWriter().string(Field.stringEntry.key, 'osteon.format').string(Field.stringEntry.value, '99'),
    );
    const newer = new Uint8Array([...bytes, ...entry.finish()]);
    expectOsteonError(() => readOnnxMetadata(newer), 'ONNX_FORMAT_TOO_NEW', /format 99.*Upgrade Osteon/);
  });
});

describe('readOnnxInitializer', () => {
  it('returns the head weight unchanged under its torchvision name, with batch norms folded or not', () => {
    const { graph, weights } = smallModel();
    for (const foldBatchNorm of [true, false]) {
      const bytes = writeOnnx(graph, weights, { metadata: {}, foldBatchNorm });
      const head = readOnnxInitializer(bytes, readOnnxMetadata(bytes)['osteon.head_weight'] as string);
      expect(head.dims).toEqual([2, 4]);
      expect(head.data).toEqual(weights.get('classifier.1.weight'));
    }
  });

  it('reads tensors stored as float_data as well as raw_data', () => {
    const data = Float32Array.from([1.5, -2, 3e-8, 4, 5, 6]);
    const raw = encodeTensor({ name: 'a', dims: [2, 3], dataType: DataType.FLOAT, raw: float32LittleEndian(data) });
    const packed = new ProtoWriter()
      .packedVarints(Field.tensor.dims, [3, 2])
      .varint(Field.tensor.dataType, DataType.FLOAT)
      .string(Field.tensor.name, 'b')
      .packedFloats(Field.tensor.floatData, data);
    const graph = new ProtoWriter().message(Field.graph.initializer, raw).message(Field.graph.initializer, packed);
    const model = new ProtoWriter()
      .varint(Field.model.irVersion, 8)
      .message(Field.model.graph, graph)
      .message(Field.model.opsetImport, new ProtoWriter().varint(2, 17))
      .finish();
    expect(readOnnxInitializer(model, 'a')).toEqual({ dims: [2, 3], data });
    expect(readOnnxInitializer(model, 'b')).toEqual({ dims: [3, 2], data });
  });

  it('says clearly when the tensor is absent or the file is not ONNX', () => {
    const { graph, weights } = smallModel();
    const bytes = writeOnnx(graph, weights, { metadata: {} });
    expectOsteonError(() => readOnnxInitializer(bytes, 'fc.weight'), 'ONNX_INITIALIZER_MISSING', /no tensor "fc.weight"/);
    expectOsteonError(() => readOnnxInitializer(Uint8Array.of(1, 2, 3), 'fc.weight'), 'ONNX_INVALID', /not a readable ONNX/);
  });
});
