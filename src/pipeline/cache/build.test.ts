import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getProject, importPath, listImages, openStore, setReviewStatus, type DatasetStore } from '../../data/index.js';
import { writeSyntheticDataset } from '../../synth/index.js';
import { createBatchLoader, usableImages } from '../loader.js';
import { syntheticWorkspace, type TestWorkspace } from '../test-support.js';
import { refreshTensorCache, type CacheBuildOptions } from './build.js';
import { TensorCacheReader } from './reader.js';

const OPTIONS: CacheBuildOptions = { size: 32, resize: 'letterbox' };
const cleanup: Array<() => void> = [];
afterEach(() => {
  while (cleanup.length) cleanup.pop()!();
});

async function workspace(n: number): Promise<{ ws: TestWorkspace; store: DatasetStore }> {
  const ws = await syntheticWorkspace(n);
  const store = openStore(ws.workspace);
  cleanup.push(() => ws.remove(), () => store.close());
  return { ws, store };
}

function refresh(store: DatasetStore, projectId: number, decodes: { count: number }) {
  const images = usableImages(listImages(store, projectId), getProject(store, projectId).classes);
  return refreshTensorCache(store, projectId, images, {
    ...OPTIONS,
    onProgress: (_message, done, total) => {
      if (done === total) decodes.count += total;
    },
  });
}

describe('refreshTensorCache', () => {
  it('decodes only images it does not hold yet, keeps the planes it had, and writes nothing when up to date', async () => {
    const { ws, store } = await workspace(16);
    const decodes = { count: 0 };
    const first = await refresh(store, ws.projectId, decodes);
    expect(first).toMatchObject({ decoded: 16, reused: 0, written: true, skipped: [] });
    expect(decodes.count).toBe(16);
    const before = new TensorCacheReader(first.file);
    const someId = before.index.entries[3]!.imageId;
    const planesBefore = before.planes(before.entry(someId)!);
    before.close();
    const stamp = fs.statSync(first.file).mtimeMs;

    const second = await refresh(store, ws.projectId, decodes);
    expect(second).toMatchObject({ decoded: 0, reused: 16, written: false });
    expect(decodes.count).toBe(16);
    expect(fs.statSync(first.file).mtimeMs).toBe(stamp);

    const more = path.join(ws.root, 'more');
    await writeSyntheticDataset({ out: more, n: 4, size: 64, seed: 99 });
    await importPath(store, getProject(store, ws.projectId), more);
    const third = await refresh(store, ws.projectId, decodes);
    expect(third).toMatchObject({ decoded: 4, reused: 16, written: true });
    expect(decodes.count).toBe(20);
    const after = new TensorCacheReader(third.file);
    expect(after.index.entries).toHaveLength(20);
    const planesAfter = after.planes(after.entry(someId)!);
    expect(Buffer.from(planesAfter.training.pixels).equals(Buffer.from(planesBefore.training.pixels))).toBe(true);
    expect(Buffer.from(planesAfter.evaluation.pixels).equals(Buffer.from(planesBefore.evaluation.pixels))).toBe(true);
    after.close();

    setReviewStatus(store, ws.projectId, { ids: [someId] }, 'excluded');
    const fourth = await refresh(store, ws.projectId, decodes);
    expect(fourth).toMatchObject({ decoded: 0, reused: 19, written: true });
    const last = new TensorCacheReader(fourth.file);
    expect(last.entry(someId)).toBeUndefined();
    last.close();
    expect(fs.readdirSync(path.dirname(first.file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('skips a corrupt and a missing original with a reason, serves the rest, and retries the missing one once it is back', async () => {
    const { ws, store } = await workspace(16);
    const train = listImages(store, ws.projectId, { split: 'train' });
    const [corrupt, missing] = [train[0]!, train[1]!];
    fs.writeFileSync(store.blobs.pathOf(corrupt.sha256), 'not an image at all');
    const blobPath = store.blobs.pathOf(missing.sha256);
    const saved = fs.readFileSync(blobPath);
    fs.rmSync(blobPath);

    const spec = { size: 32, channels: 1 as const, mean: [0.5], std: [0.25], resize: 'letterbox' as const };
    const loader = await createBatchLoader({ workspace: ws.workspace, projectId: ws.projectId, split: 'train', spec, batchSize: 4, training: true, seed: 1, workers: 0 });
    try {
      expect(loader.report.skipped.map((s) => s.imageId).sort()).toEqual([corrupt.id, missing.id].sort());
      expect(loader.report.skipped.find((s) => s.imageId === missing.id)!.reason).toMatch(/missing/);
      expect(loader.report.skipped.find((s) => s.imageId === corrupt.id)!.reason).toMatch(/supported image/i);
      expect(loader.size).toBe(train.length - 2);
      let served = 0;
      for await (const batch of loader.epoch(0)) served += batch.imageIds.length;
      expect(served).toBeGreaterThanOrEqual(train.length - 3);
    } finally {
      await loader.close();
    }

    const decodes = { count: 0 };
    const again = await refresh(store, ws.projectId, decodes);
    expect(again).toMatchObject({ decoded: 0, written: false });
    expect(again.skipped).toHaveLength(2);

    fs.writeFileSync(blobPath, saved);
    const restored = await refresh(store, ws.projectId, decodes);
    expect(restored).toMatchObject({ decoded: 1, written: true });
    expect(restored.skipped.map((s) => s.imageId)).toEqual([corrupt.id]);
  });
});
