import { expect, it } from 'vitest';
import { randomBatch, tinyNet } from '../../../test/helpers/tiny-graphs.js';
import { runEngineConformance } from '../../../test/helpers/engine-conformance.js';
import { ProcessModel } from './process.js';

runEngineConformance('child process', (graph, options) => new ProcessModel(graph, options));

it('reports a native crash as an error of the call, and the caller survives', async () => {
  const model = new ProcessModel(tinyNet());
  await model.predict(randomBatch(1, 16, 1));
  process.kill(model.pid!, 'SIGSEGV');
  await expect(model.predict(randomBatch(1, 16, 1))).rejects.toMatchObject({ code: 'ENGINE_CRASHED' });
  await expect(model.predict(randomBatch(1, 16, 1))).rejects.toThrow(/killed by SIGSEGV/);
});

it('reports a model the engine cannot build', async () => {
  const graph = tinyNet();
  const broken = { ...graph, nodes: graph.nodes.map((n) => (n.name === 'fc' ? { ...n, op: 'bogus' } : n)) };
  const model = new ProcessModel(broken as typeof graph);
  await expect(model.predict(randomBatch(1, 16, 1))).rejects.toThrow(/unknown graph op "bogus"/);
  await model.dispose();
});
