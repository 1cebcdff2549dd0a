import type { FastifyPluginAsync } from 'fastify';
import type { ModelHolder } from '../served-model.js';

/** GET /healthz (the process answers) and /readyz (a model is loaded): public, for load balancers. */
export const healthRoutes: FastifyPluginAsync<{ holder: ModelHolder }> = async (app, { holder }) => {
  app.get('/healthz', { config: { access: 'public' }, schema: { summary: 'The server is alive' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' }, schema: { summary: 'A model is loaded and predictions can be served' } }, async (_request, reply) => {
    const served = holder.current;
    if (!served) {
      return reply.status(503).send({ ready: false, error: { code: 'NO_MODEL_DEPLOYED', message: 'No model is deployed; deploy one with `osteon deploy --run RUN`.' } });
    }
    return { ready: true, modelVersion: served.version.version };
  });
};
