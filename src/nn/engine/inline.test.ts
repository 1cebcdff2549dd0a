import { expect, it } from 'vitest';
import { tinyNet, randomBatch } from '../../../test/helpers/tiny-graphs.js';
import { runEngineConformance } from '../../../test/helpers/engine-conformance.js';
import { InlineModel } from './inline.js';
import { loadNative } from '../native.js';

runEngineConformance('inline', (graph, options) => new InlineModel(graph, options));

it('does not block the event loop during native work', async () => {
  const model = new InlineModel(tinyNet(), { threads: 1 });
  const big = randomBatch(64, 64, 1);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  for (let i = 0; i < 5; i++) await model.predict(big);
  clearInterval(timer);
  expect(ticks).toBeGreaterThan(0);
});

it.skipIf(loadNative().cudaAvailable())('asks for a CUDA build of libtorch when device "cuda" is requested without one', () => {
  expect(() => new InlineModel(tinyNet(), { device: 'cuda' })).toThrow(
    expect.objectContaining({ code: 'ENGINE_ERROR', message: expect.stringMatching(/no CUDA support.*LIBTORCH_DIR/) }),
  );
});
