import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { OsteonError } from '../../errors.js';
import { decodeImage, preprocess, writeDicom, type DecodedImage, type PreprocessSpec } from '../../imaging/index.js';
import { exportOnnx } from '../../nn/export.js';
import { InlineModel } from '../../nn/engine/inline.js';
import { writeOnnx } from '../../nn/onnx/index.js';
import { DataType, encodeModel } from '../../nn/onnx/onnx-proto.js';
import { float32LittleEndian } from '../../nn/onnx/protobuf.js';
import { prng, tinyNet } from '../../../test/helpers/tiny-graphs.js';
import { InferenceEngine } from './engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-engine-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const spec: PreprocessSpec = { size: 24, channels: 1, mean: [0.45], std: [0.22], resize: 'letterbox' };
const graph = tinyNet();
const torch = new InlineModel(graph, { seed: 1, threads: 2 });
const state = await torch.stateDict();
const modelBytes = exportOnnx(graph, state, { spec, classes: ['fractured', 'normal'], threshold: 0.5, runId: 'engine-test' });
const modelFile = path.join(dir, 'model.onnx');
fs.writeFileSync(modelFile, modelBytes);

/** A grey test image whose brightness varies with the seed, so images get different scores. */
function greyImage(width: number, height: number, seed: number): DecodedImage {
  const random = prng(seed);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = (x * seed * 7 + y * 3 + random() * 60) % 256;
  return { width, height, bitsStored: 8, pixels, format: 'raw', metadata: {}, warnings: [] };
}

async function writePng(file: string, image: DecodedImage): Promise<void> {
  await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 1 } }).png().toFile(file);
}

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OsteonError);
  expect((error as OsteonError).code).toBe(code);
  if (message) expect((error as OsteonError).message).toMatch(message);
}

/** A classifier from "another framework": global pooling and a linear layer, no Osteon metadata. */
function plainClassifier(options: { batch: number | string; channels: number; size: number }): Uint8Array {
  const weight = Float32Array.from({ length: 2 * options.channels }, (_, i) => (i % 2 === 0 ? 3 : -2) + i * 0.1);
  return encodeModel({
    producerName: 'elsewhere',
    producerVersion: '1',
    graph: {
      name: 'plain',
      nodes: [
        { name: 'pool', opType: 'GlobalAveragePool', inputs: ['pixels'], outputs: ['pooled'] },
        { name: 'flat', opType: 'Flatten', inputs: ['pooled'], outputs: ['flat'] },
        { name: 'fc', opType: 'Gemm', inputs: ['flat', 'w'], outputs: ['scores'], attributes: [{ name: 'transB', type: 'int', value: 1 }] },
      ],
      initializers: [{ name: 'w', dims: [2, options.channels], dataType: DataType.FLOAT, raw: float32LittleEndian(weight) }],
      inputs: [{ name: 'pixels', dims: [options.batch, options.channels, options.size, options.size] }],
      outputs: [{ name: 'scores', dims: [options.batch, 2] }],
    },
    metadata: [],
  });
}

describe('InferenceEngine on an Osteon model', () => {
  it('gives the probabilities libtorch gives on the same preprocessed file', async () => {
    const file = path.join(dir, 'wide.png');
    await writePng(file, greyImage(40, 28, 3));
    const engine = await InferenceEngine.load(modelFile, { threads: 1 });
    const [result] = await engine.predictFiles([file]);
    await engine.release();
    if (!result || !('prediction' in result)) throw new Error(`no prediction: ${JSON.stringify(result)}`);

    const image = await decodeImage(fs.readFileSync(file));
    const input = await preprocess(image, spec);
    const { logits } = await torch.predict({ data: input, shape: [1, spec.size, spec.size, 1] });
    const [a, b] = logits.data as Float32Array;
    const fractured = 1 / (1 + Math.exp(b! - a!));
    expect(result.prediction.probabilities.fractured).toBeCloseTo(fractured, 5);
    expect(result.prediction.probabilities.normal).toBeCloseTo(1 - fractured, 5);
    expect(result.prediction.logits![0]).toBeCloseTo(a!, 4);
    expect(result.prediction.label).toBe(fractured >= 0.5 ? 'fractured' : 'normal');
    expect(result.prediction.threshold).toBe(0.5);
  });

  it('batches without changing results, and reuses its session', async () => {
    const images = Array.from({ length: 7 }, (_, i) => greyImage(20 + i * 3, 30, i + 1));
    const byOne = await InferenceEngine.load(modelBytes, { batchSize: 1, threads: 1 });
    const byThree = await InferenceEngine.load(modelBytes, { batchSize: 3, threads: 2 });
    const one = await byOne.predictImages(images);
    const three = await byThree.predictImages(images);
    const again = await byThree.predictImages(images.slice(0, 2));
    expect(three).toHaveLength(7);
    for (let i = 0; i < 7; i++) expect(three[i]!.probabilities.fractured).toBeCloseTo(one[i]!.probabilities.fractured!, 6);
    expect(again[1]!.probabilities).toEqual(three[1]!.probabilities);
    expect(new Set(one.map((p) => p.probabilities.fractured!.toFixed(6))).size).toBeGreaterThan(1);
    await byOne.release();
    await byThree.release();
  });

  it('labels by the threshold on the positive class', async () => {
    const images = Array.from({ length: 6 }, (_, i) => greyImage(24, 24, i + 2));
    const strict = await InferenceEngine.load(
      exportOnnx(graph, state, { spec, classes: ['fractured', 'normal'], threshold: 1, runId: 'r' }),
    );
    const lax = await InferenceEngine.load(exportOnnx(graph, state, { spec, classes: ['fractured', 'normal'], threshold: 0, runId: 'r' }));
    expect((await strict.predictImages(images)).map((p) => p.label)).toEqual(Array(6).fill('normal'));
    expect((await lax.predictImages(images)).map((p) => p.label)).toEqual(Array(6).fill('fractured'));
    await strict.release();
    await lax.release();
  });

  it('reports each bad file and classifies the rest, DICOM included', async () => {
    const text = path.join(dir, 'notes.png');
    fs.writeFileSync(text, 'These are my notes about the patient, not an image.\n');
    const dicom = path.join(dir, 'study.dcm');
    const grey = greyImage(32, 26, 9);
    fs.writeFileSync(dicom, writeDicom({ width: 32, height: 26, bitsAllocated: 8, pixels: grey.pixels }));
    const png = path.join(dir, 'good.png');
    await writePng(png, grey);
    const engine = await InferenceEngine.load(modelFile, { batchSize: 2 });
    const results = await engine.predictFiles([text, dicom, path.join(dir, 'missing.png'), png]);
    await engine.release();
    expect(results.map((r) => r.file)).toEqual([text, dicom, path.join(dir, 'missing.png'), png]);
    expect(results[0]).toMatchObject({ error: { code: 'UNSUPPORTED_FORMAT' } });
    expect((results[0] as { error: { message: string } }).error.message).toMatch(/Not a supported image.*expected JPEG, PNG/);
    expect(results[2]).toMatchObject({ error: { code: 'FILE_NOT_FOUND' } });
    const fromDicom = (results[1] as { prediction: { probabilities: Record<string, number> } }).prediction;
    const fromPng = (results[3] as { prediction: { probabilities: Record<string, number> } }).prediction;
    expect(fromDicom.probabilities.fractured).toBeCloseTo(fromPng.probabilities.fractured!, 3);
  });

  it('draws a class activation map over the original image, for the requested class', async () => {
    const engine = await InferenceEngine.load(modelBytes);
    const image = greyImage(60, 30, 4);
    const [p] = await engine.predictImages([image], { cam: { className: 'normal', overlay: true } });
    await engine.release();
    expect(p!.cam!.className).toBe('normal');
    expect(p!.cam!.map).toHaveLength(12); // 60x30 shrunk to the input size 24: 24x12
    expect(p!.cam!.map[0]).toHaveLength(24);
    expect(Math.max(...p!.cam!.map.flat())).toBeLessThanOrEqual(1);
    const meta = await sharp(p!.cam!.overlayPng!).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([60, 30, 3]);
  });
});

describe('InferenceEngine with test-time flip', () => {
  const flipping = exportOnnx(graph, state, { spec, classes: ['fractured', 'normal'], threshold: 0.5, runId: 'r', testTimeFlip: true });
  // Square at the input size, so mirroring the radiograph mirrors the network's input exactly.
  const image = greyImage(24, 24, 5);
  const mirror: DecodedImage = { ...image, pixels: new Uint8Array(image.pixels.length) };
  for (let y = 0; y < 24; y++) for (let x = 0; x < 24; x++) mirror.pixels[y * 24 + x] = image.pixels[y * 24 + 23 - x]!;

  it('averages each image\'s probabilities with its mirror\'s, as the model\'s metadata asks; the caller may turn it off', async () => {
    const tta = await InferenceEngine.load(flipping);
    const single = await InferenceEngine.load(flipping, { testTimeFlip: false });
    expect([tta.model.testTimeFlip, single.model.testTimeFlip, (await InferenceEngine.load(modelBytes)).model.testTimeFlip]).toEqual([true, false, false]);
    const [both] = await tta.predictImages([image]);
    const [a, b] = await single.predictImages([image, mirror]);
    await tta.release();
    await single.release();
    // The model itself tells left from right, so the average differs from either view.
    expect(Math.abs(a!.probabilities.fractured! - b!.probabilities.fractured!)).toBeGreaterThan(1e-3);
    expect(both!.probabilities.fractured).toBeCloseTo((a!.probabilities.fractured! + b!.probabilities.fractured!) / 2, 6);
    expect(both!.logits![0]).toBeCloseTo((a!.logits![0]! + b!.logits![0]!) / 2, 5);
  });

  it('makes the model blind to left and right: a mirrored radiograph gets the same score and the mirrored heatmap', async () => {
    const tta = await InferenceEngine.load(flipping);
    const [p, q] = await tta.predictImages([image, mirror], { cam: { className: 'fractured' } });
    await tta.release();
    expect(q!.probabilities.fractured).toBeCloseTo(p!.probabilities.fractured!, 6);
    const mapP = p!.cam!.map;
    const mapQ = q!.cam!.map;
    expect(mapP).toHaveLength(24);
    for (let y = 0; y < 24; y++) for (let x = 0; x < 24; x++) expect(mapQ[y]![x]!).toBeCloseTo(mapP[y]![23 - x]!, 4);
  });
});

describe('InferenceEngine refuses what it cannot serve', () => {
  it('bytes that are not ONNX', async () => {
    await expectCode(InferenceEngine.load(new TextEncoder().encode('{"not": "a model"}')), 'ONNX_INVALID', /not a readable ONNX model/);
    await expectCode(InferenceEngine.load(new Uint8Array(0)), 'ONNX_INVALID', /empty/);
    await expectCode(InferenceEngine.load(modelBytes.subarray(0, modelBytes.length / 2)), 'ONNX_INVALID');
  });

  it('a missing file', async () => {
    await expectCode(InferenceEngine.load(path.join(dir, 'nowhere.onnx')), 'MODEL_NOT_FOUND', /check the path/);
  });

  it('an ONNX model from elsewhere, unless told how to run it', async () => {
    await expectCode(InferenceEngine.load(plainClassifier({ batch: 'N', channels: 3, size: 16 })), 'ONNX_NOT_OSTEON', /osteon export/);
  });

  it('an Osteon model whose serving metadata is missing', async () => {
    const bare = writeOnnx(graph, new Map(Object.entries(state).map(([k, v]) => [k, v.data])), { metadata: {}, inputSize: 24 });
    await expectCode(InferenceEngine.load(bare), 'ONNX_METADATA_MISSING', /"preprocess", "classes"/);
    const broken = writeOnnx(graph, new Map(Object.entries(state).map(([k, v]) => [k, v.data])), {
      metadata: { preprocess: '{"size": 24}', classes: '["fractured","normal"]', positive_class: 'fractured', threshold: '0.5', run_id: 'r', osteon_version: '0' },
      inputSize: 24,
    });
    await expectCode(InferenceEngine.load(broken), 'ONNX_METADATA_INVALID', /"preprocess" is malformed/);
  });
});

describe('InferenceEngine on a plain ONNX classifier', () => {
  it('runs it with the caller\'s preprocessing, and the channel order reorders mean and std', async () => {
    const bytes = plainClassifier({ batch: 'N', channels: 3, size: 16 });
    const image = greyImage(16, 16, 5);
    const mean = [0.1, 0.5, 0.9];
    const std = [0.2, 0.3, 0.4];
    const rgb = await InferenceEngine.load(bytes, { plain: { size: 16, mean, std, resize: 'stretch' } });
    const bgr = await InferenceEngine.load(bytes, { plain: { size: 16, mean, std, resize: 'stretch', channelOrder: 'bgr' } });
    const [a] = await rgb.predictImages([image]);
    const [b] = await bgr.predictImages([image]);
    // Expected scores by hand: the model averages each channel, then weighs them.
    const level = Array.from(image.pixels).reduce((s, v) => s + v / 255, 0) / 256;
    const channel = (m: number, s: number) => (level - m) / s;
    const w = (i: number) => (i % 2 === 0 ? 3 : -2) + i * 0.1;
    const score = (ms: number[], ss: number[], row: number) => [0, 1, 2].reduce((t, c) => t + w(row * 3 + c) * channel(ms[c]!, ss[c]!), 0);
    expect(a!.logits![0]).toBeCloseTo(score(mean, std, 0), 3);
    expect(a!.logits![1]).toBeCloseTo(score(mean, std, 1), 3);
    expect(b!.logits![0]).toBeCloseTo(score([...mean].reverse(), [...std].reverse(), 0), 3);
    expect(a!.probabilities.fractured! + a!.probabilities.normal!).toBeCloseTo(1, 6);
    expect(a!.cam).toBeUndefined();
    await rgb.release();
    await bgr.release();
  });

  it('follows a fixed batch dimension and checks the input shape', async () => {
    const fixed = await InferenceEngine.load(plainClassifier({ batch: 1, channels: 1, size: 8 }), {
      batchSize: 8,
      plain: { size: 8, channels: 1 },
    });
    expect(fixed.batchSize).toBe(1);
    expect(await fixed.predictImages([greyImage(8, 8, 1), greyImage(8, 8, 2), greyImage(8, 8, 3)])).toHaveLength(3);
    await fixed.release();
    await expectCode(InferenceEngine.load(plainClassifier({ batch: 1, channels: 1, size: 8 }), { plain: { size: 16, channels: 1 } }), 'BAD_OPTION', /shape \[1, 1, 8, 8\]/);
    await expectCode(InferenceEngine.load(plainClassifier({ batch: 1, channels: 1, size: 8 }), { plain: { size: 8, channels: 1, inputName: 'x' } }), 'BAD_OPTION', /no input "x"/);
  });
});
