import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher.js';

describe('MicroBatcher', () => {
  it('gathers concurrent items up to the batch size, runs one batch at a time, and answers each in order', async () => {
    const runs: number[][] = [];
    let running = 0;
    let overlapped = false;
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        overlapped ||= running > 0;
        running++;
        runs.push(items);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return items.map((x) => x * 10);
      },
      { maxBatch: 4, maxWaitMs: 5 },
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(i)));
    expect(results.map((r) => r.output)).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
    expect(runs.map((r) => r.length)).toEqual([4, 4, 2]);
    expect(runs.flat()).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(overlapped).toBe(false);
    expect(results[9]!.batchSize).toBe(2);
    expect(results[9]!.queueMs).toBeGreaterThanOrEqual(30);
  });

  it('runs a lone item after the wait, and fails only the batch whose run fails', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        if (fail) {
          fail = false;
          throw new Error('engine broke');
        }
        return items;
      },
      { maxBatch: 8, maxWaitMs: 30 },
    );
    const start = performance.now();
    await expect(batcher.submit(1)).rejects.toThrow('engine broke');
    expect(performance.now() - start).toBeGreaterThanOrEqual(25);
    expect((await batcher.submit(2)).output).toBe(2);
  });

  it('waits for announced items still on their way, up to the hold time, and not for cancelled ones', async () => {
    const runs: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        runs.push(items);
        return items;
      },
      { maxBatch: 8, maxWaitMs: 1, maxHoldMs: 150 },
    );
    const late = batcher.arrive();
    const first = batcher.submit(1);
    await new Promise((r) => setTimeout(r, 40)); // far past maxWaitMs: only the announcement keeps the batch open
    const second = late.submit(2);
    expect((await first).batchSize).toBe(2);
    expect((await second).output).toBe(2);
    expect(runs).toEqual([[1, 2]]);

    const never = batcher.arrive();
    const start = performance.now();
    await batcher.submit(3); // held for `never` until the hold time runs out
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
    never.cancel();

    const dropped = batcher.arrive();
    const alone = batcher.submit(4);
    await new Promise((r) => setTimeout(r, 10));
    const cancelledAt = performance.now();
    dropped.cancel();
    await alone;
    expect(performance.now() - cancelledAt).toBeLessThan(100);
    expect(runs.map((r) => r.length)).toEqual([2, 1, 1]);
  });
});
