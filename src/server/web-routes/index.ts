import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { openJobQueue } from '../../jobs/index.js';
import type { ExtraPluginOptions } from '../app.js';
import { augmentRoutes } from './augment-routes.js';
import { compareRoutes } from './compare-routes.js';
import { replyWithError } from '../http-errors.js';
import { WebContext, type WebRoutesOptions } from './context.js';
import { deployRoutes } from './deploy-routes.js';
import { imagesRoutes } from './images-routes.js';
import { projectsRoutes } from './projects-routes.js';
import { RunEvaluations } from './run-evaluations.js';
import { splitRoutes } from './split-routes.js';
import { trainingRoutes } from './training-routes.js';
import { TrainingSessions } from './training-sessions.js';
import { uploadRoutes } from './upload-routes.js';
import { VersionEngines } from './version-engines.js';

export type { WebRoutesOptions } from './context.js';
export { webAssetsDir } from './assets.js';
export { TrainingSessions, type TrainingSession } from './training-sessions.js';

/**
 * The JSON and server-sent-event routes of the web UI, under `/api/`, as Fastify plugins for `buildServer`'s
 * `extraPlugins`. They share one open store, the job queue trainings go to and the evaluations held for the
 * compare page; closing the server frees the loaded models (trainings are jobs: they outlive it).
 */
export function webPlugins(options: WebRoutesOptions): FastifyPluginAsync<ExtraPluginOptions>[] {
  return [webApi(options)];
}

/**
 * All web routes as one plugin (each route group in its own encapsulated context). Trainings go to the server's job
 * queue (`jobs`), else to the workspace's embedded queue, opened here: some worker must work it.
 */
export function webApi(options: WebRoutesOptions): FastifyPluginAsync<ExtraPluginOptions> {
  return async (app: FastifyInstance, { jobs }: ExtraPluginOptions) => {
    const ctx = new WebContext(options.workspace);
    const queue = jobs ?? (await openJobQueue({ workspace: options.workspace }));
    const sessions = new TrainingSessions(queue);
    const evaluations = new RunEvaluations(options.workspace);
    const engines = new VersionEngines();
    app.addHook('onClose', async () => {
      if (!jobs) await queue.close();
      await engines.close();
      ctx.close();
    });
    // The pages manage patient images, runs and deployments: with keys on, they need an admin key.
    app.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object | undefined), access: 'admin' } as typeof route.config;
    });
    const group = (routes: (child: FastifyInstance) => Promise<void>) =>
      app.register(async (child) => {
        child.setErrorHandler(replyWithError);
        await routes(child);
      });
    await group((child) => projectsRoutes(child, ctx));
    await group((child) => imagesRoutes(child, ctx));
    await group((child) => uploadRoutes(child, ctx));
    await group((child) => splitRoutes(child, ctx));
    await group((child) => augmentRoutes(child, ctx));
    await group((child) => trainingRoutes(child, ctx, sessions));
    await group((child) => compareRoutes(child, ctx, evaluations));
    await group((child) => deployRoutes(child, ctx, engines));
  };
}
