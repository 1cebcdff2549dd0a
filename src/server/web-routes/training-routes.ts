import type { FastifyInstance } from 'fastify';
import { OsteonError } from '../../errors.js';
import { architectureInfo, listModels } from '../../nn/registry.js';
import '../../nn/zoo/index.js';
import { DEFAULT_AUGMENT, type AugmentConfig } from '../../pipeline/index.js';
import { DEFAULT_RECIPE } from '../../train/recipe.js';
import { listRuns, runEpochs, getRun } from '../../train/runs.js';
import { eventStreamsOf } from '../sse.js';
import { planTraining } from '../training-requests.js';
import type { WebContext } from './context.js';
import type { TrainingSessions } from './training-sessions.js';

interface LaunchBody {
  archs: string[];
  /** Recipe fields to override, as the CLI's --set takes them (`lr`, `augment.horizontalFlip`, ...). */
  recipe?: Record<string, string | number | boolean>;
  augment?: Partial<AugmentConfig>;
  /** A sweep grid, e.g. "lr=1e-3,3e-4 batchSize=16,32": every combination per architecture. */
  grid?: string;
}


/**
 * The training page: architectures, default recipe, launching (as jobs on the queue), live progress over SSE,
 * cancelling, run history.
 */
export async function trainingRoutes(app: FastifyInstance, ctx: WebContext, sessions: TrainingSessions): Promise<void> {
  const openStream = eventStreamsOf(app);
  app.get('/api/architectures', async () => ({
    architectures: listModels().map((name) => {
      const info = architectureInfo(name);
      return { name, family: info.family, description: info.description, recipe: info.recipe ?? {} };
    }),
    recipe: DEFAULT_RECIPE,
    augment: DEFAULT_AUGMENT,
  }));

  app.post<{ Params: { project: string }; Body: LaunchBody }>('/api/projects/:project/trainings', {
    schema: {
      body: {
        type: 'object',
        required: ['archs'],
        properties: {
          archs: { type: 'array', items: { type: 'string' }, maxItems: 16 },
          recipe: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
          augment: { type: 'object' },
          grid: { type: 'string' },
        },
      },
    },
  }, async (request, reply) => {
    const project = ctx.project(request.params.project);
    const { archs, recipe, augment, grid } = request.body;
    const session = await sessions.launch(project, planTraining({ archs, set: recipe, augment, grid }));
    return reply.status(202).send({ session });
  });

  app.get<{ Params: { project: string } }>('/api/projects/:project/trainings', async (request) => {
    const project = ctx.project(request.params.project);
    return { sessions: await sessions.list(project) };
  });

  app.get<{ Params: { id: string } }>('/api/trainings/:id', async (request) => ({ session: await sessionOr404(sessions, request.params.id) }));

  app.get<{ Params: { id: string } }>('/api/trainings/:id/events', async (request, reply) => {
    const session = await sessionOr404(sessions, request.params.id);
    let unsubscribe = () => {};
    const stream = openStream(request, reply, () => unsubscribe());
    stream.send('session', session);
    unsubscribe = sessions.follow(session, (event) => stream.send(event.type, event), () => stream.end());
  });

  app.post<{ Params: { id: string } }>('/api/trainings/:id/cancel', async (request) => {
    const session = await sessionOr404(sessions, request.params.id);
    return { cancelling: await sessions.cancel(session.id) };
  });

  app.get<{ Params: { project: string } }>('/api/projects/:project/runs', async (request) => {
    const project = ctx.project(request.params.project);
    return { runs: listRuns(ctx.store, project.id) };
  });

  app.post<{ Params: { run: string } }>('/api/runs/:run/resume', async (request, reply) => {
    const session = await sessions.resume(getRun(ctx.store, request.params.run));
    return reply.status(202).send({ session });
  });

  app.get<{ Params: { run: string } }>('/api/runs/:run/epochs', async (request) => {
    const run = getRun(ctx.store, request.params.run);
    return { run, epochs: runEpochs(ctx.store, run.id) };
  });
}

async function sessionOr404(sessions: TrainingSessions, id: string) {
  const session = await sessions.get(id);
  if (!session) throw new OsteonError('TRAINING_NOT_FOUND', `No training ${id} on this workspace's job queue; \`osteon jobs list\` shows every job.`);
  return session;
}
