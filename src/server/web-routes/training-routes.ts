import type { FastifyInstance } from 'fastify';
import { OsteonError } from '../../errors.js';
import { architectureInfo, listModels } from '../../nn/registry.js';
import '../../nn/zoo/index.js';
import { DEFAULT_AUGMENT, resolveAugment, type AugmentConfig } from '../../pipeline/index.js';
import { applyOverrides, DEFAULT_RECIPE, type TrainRecipe } from '../../train/recipe.js';
import { listRuns, runEpochs, getRun } from '../../train/runs.js';
import { gridTrials, newSweepId, parseGrid, trialRecipes } from '../../train/sweep.js';
import type { WebContext } from './context.js';
import { openEventStream } from './sse.js';
import type { TrainingSessions } from './training-sessions.js';

interface LaunchBody {
  archs: string[];
  /** Recipe fields to override, as the CLI's --set takes them (`lr`, `augment.horizontalFlip`, ...). */
  recipe?: Record<string, string | number | boolean>;
  augment?: Partial<AugmentConfig>;
  /** A sweep grid, e.g. "lr=1e-3,3e-4 batchSize=16,32": every combination per architecture. */
  grid?: string;
}

/** Most runs one launch may queue (a grid grows fast). */
const MAX_RUNS_PER_LAUNCH = 48;

/** The recipes of a launch: each architecture with the overrides, times the sweep grid when there is one. */
export function recipesFor(body: LaunchBody): TrainRecipe[] {
  if (body.archs.length === 0) throw new OsteonError('BAD_REQUEST', 'Choose at least one architecture to train.');
  const overrides = Object.fromEntries(Object.entries(body.recipe ?? {}).map(([k, v]) => [k, String(v)]));
  const augment = resolveAugment((body.augment ?? {}) as Parameters<typeof resolveAugment>[0]);
  const recipes = body.archs.flatMap((arch) => {
    architectureInfo(arch);
    const base = applyOverrides({ ...DEFAULT_RECIPE, arch, augment } as TrainRecipe, overrides);
    return body.grid?.trim() ? trialRecipes(base, gridTrials(parseGrid(body.grid))) : [base];
  });
  if (recipes.length > MAX_RUNS_PER_LAUNCH) {
    throw new OsteonError('BAD_REQUEST', `This launch would train ${recipes.length} runs; narrow the grid or the architectures to at most ${MAX_RUNS_PER_LAUNCH}.`);
  }
  return recipes;
}

/** The training page: architectures, default recipe, launching, live progress over SSE, cancelling, run history. */
export async function trainingRoutes(app: FastifyInstance, ctx: WebContext, sessions: TrainingSessions): Promise<void> {
  app.get('/api/architectures', async () => ({
    architectures: listModels().map((name) => {
      const info = architectureInfo(name);
      return { name, family: info.family, description: info.description };
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
    const recipes = recipesFor(request.body);
    const session = sessions.launch(project.id, recipes, request.body.grid?.trim() ? newSweepId() : null);
    return reply.status(202).send({ session });
  });

  app.get<{ Params: { project: string } }>('/api/projects/:project/trainings', async (request) => {
    const project = ctx.project(request.params.project);
    return { sessions: sessions.list(project.id) };
  });

  app.get<{ Params: { id: string } }>('/api/trainings/:id', async (request) => ({ session: sessionOr404(sessions, request.params.id) }));

  app.get<{ Params: { id: string } }>('/api/trainings/:id/events', async (request, reply) => {
    const session = sessionOr404(sessions, request.params.id);
    let unsubscribe = () => {};
    const stream = openEventStream(request, reply, () => unsubscribe());
    stream.send('session', session);
    unsubscribe = sessions.subscribe(session.id, (event) => {
      stream.send(event.type, event);
      if (event.type === 'session') stream.end();
    });
    if (session.status !== 'running') stream.end();
  });

  app.post<{ Params: { id: string } }>('/api/trainings/:id/cancel', async (request) => {
    const session = sessionOr404(sessions, request.params.id);
    return { cancelling: sessions.cancel(session.id) };
  });

  app.get<{ Params: { project: string } }>('/api/projects/:project/runs', async (request) => {
    const project = ctx.project(request.params.project);
    return { runs: listRuns(ctx.store, project.id) };
  });

  app.get<{ Params: { run: string } }>('/api/runs/:run/epochs', async (request) => {
    const run = getRun(ctx.store, request.params.run);
    return { run, epochs: runEpochs(ctx.store, run.id) };
  });
}

function sessionOr404(sessions: TrainingSessions, id: string) {
  const session = sessions.get(id);
  if (!session) throw new OsteonError('TRAINING_NOT_FOUND', `No training session ${id} in this server; it may have been started before a restart. The runs page lists every run.`);
  return session;
}
