// Entry of the child process that hosts libtorch for a ProcessModel: one model, driven by IPC requests.
import { OsteonError } from '../../errors.js';
import { InlineModel } from './inline.js';
import type { EngineRequest, EngineResponse } from './protocol.js';

let model: InlineModel | undefined;

function reply(message: EngineResponse): void {
  process.send?.(message);
}

process.on('message', async (request: EngineRequest) => {
  try {
    let result: unknown;
    if (request.method === 'create') {
      const [graph, options] = request.args as ConstructorParameters<typeof InlineModel>;
      model = new InlineModel(graph, { ...options, isolation: 'inline' });
    } else if (!model) {
      throw new OsteonError('ENGINE_ERROR', 'the engine process received a call before its model was created');
    } else {
      const method = model[request.method] as (...args: unknown[]) => unknown;
      result = await method.apply(model, request.args);
    }
    reply({ id: request.id, result });
  } catch (error) {
    const e = error as Error & { code?: string };
    reply({ id: request.id, error: { code: e.code ?? 'ENGINE_ERROR', message: e.message } });
  }
});

process.on('disconnect', () => process.exit(0));
