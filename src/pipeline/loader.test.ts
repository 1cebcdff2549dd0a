import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, importPath, listImages, openStore, readOriginal, splitProject } from '../data/index.js';
import { decodeImage, preprocess, writeDicom, type PreprocessSpec } from '../imaging/index.js';
import { NO_AUGMENT } from './augment/config.js';
import { createBatchLoader } from './loader.js';
import { InlineRenderer, WorkerRenderer } from './render-pool.js';
import { syntheticWorkspace, type TestWorkspace } from './test-support.js';
import type { BatchLoader, LabelledBatch, LoaderOptions } from './types.js';

const SPEC: PreprocessSpec = { size: 48, channels: 3, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'letterbox' };

let ws: TestWorkspace;
const open: BatchLoader[] = [];

beforeAll(async () => {
  ws = await syntheticWorkspace(60);
});
afterAll(async () => {
  for (const loader of open) await loader.close();
  ws.remove();
});

async function loader(overrides: Partial<LoaderOptions> = {}): Promise<BatchLoader> {
  const made = await createBatchLoader({ workspace: ws.workspace, projectId: ws.projectId, split: 'train', spec: SPEC, batchSize: 8, training: true, seed: 3, ...overrides });
  open.push(made);
  return made;
}

async function collect(iterable: AsyncIterable<LabelledBatch>): Promise<LabelledBatch[]> {
  const batches: LabelledBatch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

function concat(batches: LabelledBatch[]): Float32Array {
  const out = new Float32Array(batches.reduce((n, b) => n + b.images.data.length, 0));
  let offset = 0;
  for (const b of batches) {
    out.set(b.images.data, offset);
    offset += b.images.data.length;
  }
  return out;
}

/** Bit-for-bit equality (vitest's deep equality walks typed arrays element by element: slow). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('createBatchLoader', () => {
  it('serves every evaluation image exactly once, in id order, equal to preprocess() of its original', async () => {
    const val = await loader({ split: 'val', training: false, batchSize: 4 });
    const store = openStore(ws.workspace);
    try {
      const expected = listImages(store, ws.projectId, { split: 'val' });
      expect(val.size).toBe(expected.length);
      const batches = await collect(val.epoch(0));
      const ids = batches.flatMap((b) => b.imageIds);
      expect(ids).toEqual(expected.map((i) => i.id));
      expect(batches.at(-1)!.images.shape[0]).toBe(expected.length % 4 || 4);
      const pixels = SPEC.size * SPEC.size * SPEC.channels;
      let worst = 0;
      for (const batch of batches) {
        expect(batch.images.shape).toEqual([batch.imageIds.length, SPEC.size, SPEC.size, 3]);
        for (const [n, id] of batch.imageIds.entries()) {
          const image = expected.find((i) => i.id === id)!;
          expect(batch.labels[n]).toBe(image.label === 'fractured' ? 0 : 1);
          const direct = await preprocess(await decodeImage(readOriginal(store, image)), SPEC);
          const served = batch.images.data.subarray(n * pixels, (n + 1) * pixels);
          for (let i = 0; i < pixels; i++) worst = Math.max(worst, Math.abs(served[i]! - direct[i]!));
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-6);
    } finally {
      store.close();
    }
  });

  it('reproduces training batches exactly for the same seed and epoch, whatever the batch size or thread', async () => {
    const a = await loader({ batchSize: 8 });
    const b = await loader({ batchSize: 4, workers: 0 });
    const first = await collect(a.epoch(2));
    const again = await collect(a.epoch(2));
    const smaller = await collect(b.epoch(2));
    expect(sameBits(concat(again), concat(first))).toBe(true);
    expect(again.flatMap((x) => x.imageIds)).toEqual(first.flatMap((x) => x.imageIds));
    const served = first.reduce((n, x) => n + x.imageIds.length, 0);
    expect(sameBits(concat(smaller).subarray(0, served * SPEC.size * SPEC.size * 3), concat(first))).toBe(true);
    const other = await collect(a.epoch(3));
    expect(other.flatMap((x) => x.imageIds)).not.toEqual(first.flatMap((x) => x.imageIds));
    expect(concat(first).every(Number.isFinite)).toBe(true);
  });

  it('drops a last training batch that would break batch norm, and honours dropLast', async () => {
    const train = await loader({ batchSize: 8 });
    const sizes = (await collect(train.epoch(0))).map((b) => b.images.shape[0]);
    expect(sizes.reduce((s, n) => s + n, 0)).toBe(train.size - (train.size % 8 === 1 ? 1 : 0));
    const dropping = await loader({ batchSize: 8, dropLast: true });
    const kept = (await collect(dropping.epoch(0))).map((b) => b.images.shape[0]);
    expect(kept).toEqual(Array(Math.floor(train.size / 8)).fill(8));
  });
});

describe('16-bit radiographs', () => {
  it('keep 16 bits in the cache, so evaluation still equals preprocess()', async () => {
    const folder = path.join(ws.root, 'dicom');
    fs.mkdirSync(folder);
    for (let k = 0; k < 3; k++) {
      const [width, height] = [70 + 9 * k, 50];
      const pixels = Uint16Array.from({ length: width * height }, (_, i) => (i * 2654435761 + k * 977) % 4096);
      fs.writeFileSync(path.join(folder, `${k}.dcm`), writeDicom({ width, height, bitsAllocated: 16, bitsStored: 12, pixels }));
    }
    const store = openStore(ws.workspace);
    try {
      const project = createProject(store, 'sixteen');
      await importPath(store, project, folder, { label: 'fractured' });
      splitProject(store, project.id, { val: 0, test: 0, seed: 1 });
      const images = listImages(store, project.id);
      expect(images.map((i) => i.bits)).toEqual([16, 16, 16]);
      const served = await createBatchLoader({ workspace: ws.workspace, projectId: project.id, split: 'train', spec: SPEC, batchSize: 3, training: false, seed: 1 });
      open.push(served);
      const [batch] = await collect(served.epoch(0));
      const pixels = SPEC.size * SPEC.size * 3;
      let worst = 0;
      for (const [n, id] of batch!.imageIds.entries()) {
        const decoded = await decodeImage(readOriginal(store, images.find((i) => i.id === id)!));
        expect(decoded.bitsStored).toBe(16);
        const direct = await preprocess(decoded, SPEC);
        for (let i = 0; i < pixels; i++) worst = Math.max(worst, Math.abs(batch!.images.data[n * pixels + i]! - direct[i]!));
      }
      expect(worst).toBeLessThanOrEqual(1e-6);
    } finally {
      store.close();
    }
  });
});

describe('renderers', () => {
  it('reject a job they cannot render, on a worker thread and inline, and stay usable', async () => {
    const val = await loader({ split: 'val', training: false });
    const data = { cacheFile: val.report.cacheFile, spec: SPEC, augment: NO_AUGMENT };
    for (const renderer of [new WorkerRenderer(1, data), new InlineRenderer(data)]) {
      try {
        await expect(renderer.render([{ imageId: 987654, key: null }])).rejects.toThrow(/987654 is not in the tensor cache/);
        const ok = await renderer.render([{ imageId: val.imageIds[0]!, key: 5 }]);
        expect(ok.length).toBe(SPEC.size * SPEC.size * SPEC.channels);
      } finally {
        await renderer.close();
      }
    }
  });
});
