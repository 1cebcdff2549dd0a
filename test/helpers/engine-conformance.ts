// The behaviour every TrainableModel implementation must show; run by each implementation's own test file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { leftRightTask, randomBatch, tinyNet } from './tiny-graphs.js';
import type { Graph } from '../../src/nn/ir.js';
import { loadSafetensors } from '../../src/nn/safetensors.js';
import { GraphBuilder } from '../../src/nn/builder.js';
import type { EngineOptions, TrainableModel } from '../../src/nn/engine/types.js';

type Factory = (graph: Graph, options?: EngineOptions) => TrainableModel;

async function withModel<T>(factory: Factory, graph: Graph, options: EngineOptions, run: (m: TrainableModel) => Promise<T>) {
  const model = factory(graph, { threads: 2, ...options });
  try {
    return await run(model);
  } finally {
    await model.dispose();
  }
}

export function runEngineConformance(name: string, factory: Factory): void {
  describe(`TrainableModel conformance: ${name}`, () => {
    const graph = tinyNet();
    const batch = randomBatch(4, 16, 1);

    it('predicts [N, classes] logits; the same seed gives the same initial weights', async () => {
      const a = await withModel(factory, graph, { seed: 7 }, (m) => m.predict(batch));
      const b = await withModel(factory, graph, { seed: 7 }, (m) => m.predict(batch));
      const c = await withModel(factory, graph, { seed: 8 }, (m) => m.predict(batch));
      expect(a.logits.shape).toEqual([4, 2]);
      expect([...a.logits.data].every((v) => Number.isFinite(Number(v)))).toBe(true);
      expect(a.logits.data).toEqual(b.logits.data);
      expect(a.logits.data).not.toEqual(c.logits.data);
    });

    it('returns the feature map for class activation maps', async () => {
      const out = await withModel(factory, graph, {}, (m) => m.predict(batch, { features: true }));
      expect(out.features?.shape).toEqual([4, 16, 4, 4]);
    });

    it('reports running out of memory as ENGINE_OUT_OF_MEMORY with a hint, never a crash or a backtrace', async () => {
      // A 2^47-byte weight exceeds any machine's address space, so the allocation fails under every overcommit policy.
      const b = new GraphBuilder('huge', 1, 2);
      const pooled = b.flatten('flatten', b.globalAvgPool('gap', b.conv('stem', 'input', 16, 3)));
      const huge = b.build({ output: b.linear('fc', pooled, 2 ** 41), featureMap: 'stem', head: 'fc', defaultInputSize: 16, minInputSize: 8 });
      const error = await (async () => withModel(factory, huge, {}, (m) => m.predict(batch)))().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ENGINE_OUT_OF_MEMORY', message: expect.stringMatching(/^out of memory: .*lower the batch size/s) });
      expect((error as Error).message).not.toMatch(/frame #|Exception raised from/);
      // The engine stays usable for a model that fits.
      const ok = await withModel(factory, graph, {}, (m) => m.predict(batch));
      expect(ok.logits.shape).toEqual([4, 2]);
    });

    it('learns a separable toy task to 100% training accuracy', async () => {
      const { batch: train, labels } = leftRightTask(16, 16);
      const accuracy = await withModel(factory, graph, { seed: 1 }, async (m) => {
        await m.configureOptimizer({ type: 'adamw', lr: 1e-2, weightDecay: 0 });
        for (let step = 0; step < 60; step++) await m.trainStep(train, labels, 1e-2);
        const { logits } = await m.predict(train);
        let correct = 0;
        for (let i = 0; i < labels.length; i++) {
          const predicted = Number(logits.data[2 * i + 1]) > Number(logits.data[2 * i]) ? 1 : 0;
          if (predicted === labels[i]) correct++;
        }
        return correct / labels.length;
      });
      expect(accuracy).toBe(1);
    });

    it('trains with SGD + Nesterov, label smoothing, class weights and soft targets', async () => {
      const { batch: train, labels } = leftRightTask(8, 16);
      const soft = new Float32Array(16);
      labels.forEach((label, i) => {
        soft[2 * i + label] = 0.8;
        soft[2 * i + 1 - label] = 0.2;
      });
      await withModel(factory, graph, { seed: 1 }, async (m) => {
        await m.configureOptimizer({ type: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
        await m.configureLoss({ labelSmoothing: 0.1, classWeights: [1, 2] });
        const first = await m.trainStep(train, labels, 0.05);
        for (let i = 0; i < 20; i++) await m.trainStep(train, labels, 0.05);
        const last = await m.trainStep(train, labels, 0.05);
        expect(last.loss).toBeLessThan(first.loss);
        const mixed = await m.trainStep(train, soft, 0.05);
        expect(mixed.count).toBe(8);
        expect(Number.isFinite(mixed.loss)).toBe(true);
      });
    });

    it('round-trips weights through safetensors with identical logits', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-engine-'));
      const file = path.join(dir, 'w.safetensors');
      const before = await withModel(factory, graph, { seed: 3 }, async (m) => {
        const { batch: train, labels } = leftRightTask(8, 16);
        await m.trainStep(train, labels, 1e-2); // moves batch-norm statistics away from their initial values
        await m.saveWeights(file, { arch: 'tiny' });
        return m.predict(batch);
      });
      const { state, metadata } = loadSafetensors(file);
      expect(metadata.arch).toBe('tiny');
      expect(state['stem.bn.num_batches_tracked']?.dtype).toBe('int64');
      const after = await withModel(factory, graph, { seed: 99 }, async (m) => {
        const report = await m.loadStateDict(state);
        expect(report).toEqual({ missing: [], unexpected: [], mismatched: [] });
        return m.predict(batch);
      });
      expect(after.logits.data).toEqual(before.logits.data);
    });

    it('reports missing, unexpected and mismatched keys instead of loading them', async () => {
      const other = tinyNet({ classes: 3 });
      await withModel(factory, graph, {}, async (m) => {
        const state = await m.stateDict();
        const foreign = await withModel(factory, other, {}, (o) => o.stateDict());
        delete state['stem.conv.weight'];
        state['extra.weight'] = foreign['fc.bias']!;
        state['fc.weight'] = foreign['fc.weight']!;
        const report = await m.loadStateDict(state);
        expect(report.missing).toEqual(['stem.conv.weight']);
        expect(report.unexpected).toEqual(['extra.weight']);
        expect(report.mismatched).toEqual([{ name: 'fc.weight', expected: [2, 16], got: [3, 16] }]);
      });
    });

    it('restores optimizer state so a resumed step equals the uninterrupted one', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-opt-'));
      const { batch: train, labels } = leftRightTask(8, 16);
      const [expected, resumed] = await withModel(factory, graph, { seed: 5 }, async (a) => {
        await a.configureOptimizer({ type: 'adamw', lr: 1e-2 });
        for (let i = 0; i < 3; i++) await a.trainStep(train, labels, 1e-2);
        await a.saveWeights(path.join(dir, 'w.safetensors'));
        await a.saveOptimizer(path.join(dir, 'opt.pt'));
        const next = await a.trainStep(train, labels, 1e-2);
        const again = await withModel(factory, graph, { seed: 6 }, async (b) => {
          await b.loadStateDict(loadSafetensors(path.join(dir, 'w.safetensors')).state);
          await b.configureOptimizer({ type: 'adamw', lr: 1e-2 });
          await b.loadOptimizer(path.join(dir, 'opt.pt'));
          return b.trainStep(train, labels, 1e-2);
        });
        return [next, again];
      });
      expect(resumed.loss).toBeCloseTo(expected.loss, 6);
    });

    it('keeps frozen parameters unchanged while the rest train', async () => {
      const { batch: train, labels } = leftRightTask(8, 16);
      await withModel(factory, graph, {}, async (m) => {
        expect(await m.setFrozen(['stem.', 'block.'], true)).toBe(6);
        const before = await m.stateDict();
        for (let i = 0; i < 3; i++) await m.trainStep(train, labels, 1e-2);
        const after = await m.stateDict();
        expect(after['stem.conv.weight']!.data).toEqual(before['stem.conv.weight']!.data);
        expect(after['fc.weight']!.data).not.toEqual(before['fc.weight']!.data);
        await m.setFrozen(['stem.'], false);
        await m.trainStep(train, labels, 1e-2);
        expect((await m.stateDict())['stem.conv.weight']!.data).not.toEqual(before['stem.conv.weight']!.data);
      });
    });

    it('averages weights step by step: the plain mean early, then exponential; swapping twice restores', async () => {
      const { batch: train, labels } = leftRightTask(8, 16);
      const name = 'fc.weight';
      const floats = (state: Awaited<ReturnType<TrainableModel['stateDict']>>, key: string) => Array.from(state[key]!.data as Float32Array);
      await withModel(factory, graph, { seed: 3 }, async (m) => {
        await expect(m.swapAveraged()).rejects.toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/not being averaged/) });
        await m.configureOptimizer({ type: 'adamw', lr: 1e-2 });
        await m.configureAveraging({ decay: 0.5 });
        const seen = [floats(await m.stateDict(), name)];
        for (let i = 0; i < 3; i++) {
          await m.trainStep(train, labels, 1e-2);
          seen.push(floats(await m.stateDict(), name));
        }
        // decay_t = min(0.5, t / (t + 1)): step 1 averages w0 and w1 equally, steps 2 and 3 weigh the old average 0.5.
        const expected = seen[0]!.map((w0, i) => {
          const first = (w0 + seen[1]![i]!) / 2;
          const second = 0.5 * first + 0.5 * seen[2]![i]!;
          return 0.5 * second + 0.5 * seen[3]![i]!;
        });
        const live = await m.stateDict();
        expect(await m.swapAveraged()).toBe(3);
        const averaged = await m.stateDict();
        floats(averaged, name).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
        // Batch-norm statistics are averaged too; the averaged weights predict differently from the live ones.
        expect(averaged['stem.bn.running_mean']!.data).not.toEqual(live['stem.bn.running_mean']!.data);
        await m.swapAveraged();
        expect(floats(await m.stateDict(), name)).toEqual(floats(live, name));
        // Training goes on from the live weights, not the average.
        await m.trainStep(train, labels, 1e-2);
        expect(floats(await m.stateDict(), name)).not.toEqual(floats(live, name));
        await expect(m.configureAveraging({ decay: 1 })).rejects.toMatchObject({ message: expect.stringMatching(/decay must be in \[0, 1\)/) });
      });
    });

    it('applies dropout in training mode only', async () => {
      const dropped = tinyNet({ dropout: 0.5 });
      await withModel(factory, dropped, {}, async (m) => {
        const a = await m.predict(batch);
        const b = await m.predict(batch);
        expect(a.logits.data).toEqual(b.logits.data);
        const t1 = await m.predict(batch, { training: true });
        const t2 = await m.predict(batch, { training: true });
        expect(t1.logits.data).not.toEqual(t2.logits.data);
      });
    });

    it('draws dropout and stochastic depth from its own seeded generator, whatever other models draw', async () => {
      const dropped = tinyNet({ dropout: 0.5, stochasticDepth: 0.5 });
      const training = { training: true };
      const first = await withModel(factory, dropped, { seed: 4 }, async (m) => {
        const fromSeed = await m.predict(batch, training);
        await m.seedRandomDraws(11);
        return { fromSeed, reseeded: [await m.predict(batch, training), await m.predict(batch, training)] };
      });
      const second = await withModel(factory, dropped, { seed: 4 }, async (m) => {
        // Another model drawing in between, in the same process for the in-process engine, changes nothing.
        await withModel(factory, dropped, { seed: 9 }, async (other) => {
          for (let i = 0; i < 3; i++) await other.predict(batch, training);
        });
        const fromSeed = await m.predict(batch, training);
        await m.seedRandomDraws(11);
        return { fromSeed, reseeded: [await m.predict(batch, training), await m.predict(batch, training)] };
      });
      expect(second.fromSeed.logits.data).toEqual(first.fromSeed.logits.data);
      expect(second.reseeded[0]!.logits.data).toEqual(first.reseeded[0]!.logits.data);
      expect(second.reseeded[1]!.logits.data).toEqual(first.reseeded[1]!.logits.data);
      // The draws go on within a seed and differ between seeds.
      expect(first.reseeded[1]!.logits.data).not.toEqual(first.reseeded[0]!.logits.data);
      expect(first.reseeded[0]!.logits.data).not.toEqual(first.fromSeed.logits.data);
      await withModel(factory, dropped, {}, async (m) => {
        await expect(m.seedRandomDraws(-1)).rejects.toThrow(/seed must be a whole number/);
        await expect(m.seedRandomDraws(1.5)).rejects.toThrow(/seed must be a whole number/);
      });
    });

    it('rejects bad input with clear errors', async () => {
      await withModel(factory, graph, {}, async (m) => {
        await expect(m.predict({ data: new Float32Array(10), shape: [1, 16, 16, 1] })).rejects.toThrow(/holds 10 values/);
        await expect(m.predict(randomBatch(1, 16, 3))).rejects.toThrow(/1 input channel/);
        await expect(m.predict(randomBatch(1, 4, 1))).rejects.toThrow(/at least 8x8/);
        const nan = randomBatch(1, 16, 1);
        nan.data[5] = Number.NaN;
        await expect(m.predict(nan)).rejects.toThrow(/NaN/);
        await expect(m.trainStep(batch, new Int32Array([0, 1, 2, 0]), 1e-3)).rejects.toThrow(/labels must lie in \[0, 2\)/);
        await expect(m.trainStep(batch, new Int32Array([0, 1]), 1e-3)).rejects.toThrow(/one class index per image/);
        await expect(m.configureOptimizer({ type: 'adam' as 'adamw' })).rejects.toThrow(/unknown optimizer/);
        // A diverging step is caught at the next loss, before it can poison the weights further.
        const diverge = async () => {
          for (let i = 0; i < 5; i++) await m.trainStep(batch, new Int32Array([0, 1, 0, 1]), 1e12);
        };
        await expect(diverge()).rejects.toThrow(/loss became/);
      });
    });
  });
}
