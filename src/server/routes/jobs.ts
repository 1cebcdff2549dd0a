import type { FastifyPluginAsync } from 'fastify';
import { FINISHED, type JobQueue, type JobStatus } from '../../jobs/index.js';
import { eventStreamsOf } from '../sse.js';
import { enqueuePlannedTraining, planTraining, type TrainingRequest } from '../training-requests.js';
import { errorResponses as apiErrors, errorSchema } from './schemas.js';

export interface JobRoutesOptions {
  queue: JobQueue;
  /** The project a request names (id or name), or PROJECT_NOT_FOUND: jobs are enqueued only for projects that exist. */
  project: (idOrName: string | number) => { id: number; name: string };
}

const errorResponses = { ...apiErrors, 404: errorSchema } as const;

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', description: 'train, sweep-trial, evaluate, import' },
    status: { type: 'string', enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] },
    payload: { description: 'what the job was asked to do (for training: project and recipe)' },
    group: { type: ['string', 'null'], description: 'jobs enqueued together (a sweep\'s trials, a request\'s runs)' },
    progress: {
      type: ['object', 'null'],
      additionalProperties: true,
      properties: { percent: { type: 'number' }, message: { type: 'string' }, metrics: { type: 'object', additionalProperties: true } },
    },
    result: { description: 'the finished job\'s result (for training: runId, epochsDone, startEpoch, attempt, best)' },
    error: { type: ['string', 'null'] },
    attempts: { type: 'integer', description: 'attempts started; a retry after a dead worker counts as one' },
    createdAt: { type: 'string' },
    startedAt: { type: ['string', 'null'] },
    finishedAt: { type: ['string', 'null'] },
  },
} as const;

const jobsSchema = { type: 'object', properties: { group: { type: 'string' }, sweep: { type: ['string', 'null'] }, jobs: { type: 'array', items: jobSchema } } } as const;
const oneJobSchema = { type: 'object', properties: { job: jobSchema } } as const;
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1 } }, required: ['id'] } as const;
const recipeValues = { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } } as const;

const trainingBody = {
  project: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }], description: 'project name or id' },
  arch: { type: 'string', description: 'one architecture (see GET /api/architectures or `osteon models list`)' },
  archs: { type: 'array', items: { type: 'string' }, maxItems: 16, description: 'several architectures, one job each' },
  size: { type: 'integer', minimum: 16, maximum: 1024 },
  epochs: { type: 'integer', minimum: 1 },
  set: { ...recipeValues, description: 'any recipe field, as `osteon train --set` takes it: {"lr": 3e-4, "augment.horizontalFlip": 0}' },
} as const;

interface TrainBody {
  project: string | number;
  arch?: string;
  archs?: string[];
  size?: number;
  epochs?: number;
  set?: Record<string, string | number | boolean>;
}

interface SweepBody extends TrainBody {
  grid: string;
  trials?: number;
  seed?: number;
}

function trainingRequest(body: TrainBody): TrainingRequest {
  const set = { ...(body.set ?? {}) };
  if (body.size !== undefined) set.size = body.size;
  if (body.epochs !== undefined) set.epochs = body.epochs;
  return { archs: [...(body.arch ? [body.arch] : []), ...(body.archs ?? [])], set };
}

/**
 * The job queue over HTTP (admin keys): enqueue trainings and sweeps, list jobs, one job, its events as
 * server-sent events, and cancelling. Jobs run in the workers of the queue (`osteon serve`'s own, or `osteon worker`).
 */
export const jobRoutes: FastifyPluginAsync<JobRoutesOptions> = async (app, { queue, project }) => {
  const openStream = eventStreamsOf(app);
  const admin = { access: 'admin' } as const;
  const security = [{ bearer: [] }];

  app.post<{ Body: TrainBody }>(
    '/v1/admin/train',
    {
      config: admin,
      schema: {
        summary: 'Enqueue training: one job per architecture (admin)',
        description: 'Answers at once with the jobs; follow them with GET /v1/admin/jobs/{id}/events.',
        body: { type: 'object', properties: trainingBody, required: ['project'], additionalProperties: false },
        security,
        response: { 202: jobsSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const target = project(request.body.project);
      const enqueued = await enqueuePlannedTraining(queue, target.id, planTraining(trainingRequest(request.body)));
      return reply.status(202).send({ group: enqueued.group, sweep: null, jobs: enqueued.jobs });
    },
  );

  app.post<{ Body: SweepBody }>(
    '/v1/admin/sweep',
    {
      config: admin,
      schema: {
        summary: 'Enqueue a hyperparameter sweep: one job per trial (admin)',
        body: {
          type: 'object',
          properties: {
            ...trainingBody,
            grid: { type: 'string', minLength: 3, description: 'values to try, e.g. "lr=1e-3,3e-4 batchSize=16,32"' },
            trials: { type: 'integer', minimum: 1, description: 'random search: this many combinations drawn from the grid' },
            seed: { type: 'integer', description: 'seed of the random search (default 1)' },
          },
          required: ['project', 'grid'],
          additionalProperties: false,
        },
        security,
        response: { 202: jobsSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const target = project(request.body.project);
      const { grid, trials, seed } = request.body;
      const planned = planTraining({ ...trainingRequest(request.body), grid, trials, seed });
      const enqueued = await enqueuePlannedTraining(queue, target.id, planned);
      return reply.status(202).send({ group: enqueued.group, sweep: enqueued.sweepId, jobs: enqueued.jobs });
    },
  );

  app.get<{ Querystring: { status?: JobStatus; group?: string } }>(
    '/v1/admin/jobs',
    {
      config: admin,
      schema: {
        summary: 'The jobs of this workspace\'s queue, oldest first (admin)',
        querystring: {
          type: 'object',
          properties: { status: jobSchema.properties.status, group: { type: 'string' } },
          additionalProperties: false,
        },
        security,
        response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: jobSchema } } }, ...errorResponses },
      },
    },
    async (request) => ({ jobs: await queue.list(request.query) }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/admin/jobs/:id',
    { config: admin, schema: { summary: 'One job: status, progress, result or error (admin)', params: idParams, security, response: { 200: oneJobSchema, ...errorResponses } } },
    async (request) => ({ job: await queue.get(request.params.id) }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/admin/jobs/:id/events',
    {
      config: admin,
      schema: {
        summary: 'A job\'s progress as server-sent events (admin)',
        description: 'Events: `job` (the job now, first and last), `progress` and `status` (as the queue reports them); ' +
          'the stream ends when the job has finished.',
        params: idParams,
        security,
        response: { 200: { description: 'text/event-stream', type: 'string' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const first = await queue.get(id);
      let unsubscribe = () => {};
      const stream = openStream(request, reply, () => unsubscribe());
      stream.send('job', first);
      let ending = false;
      const endIfFinished = async () => {
        const now = await queue.get(id);
        if (ending || !FINISHED.includes(now.status)) return;
        ending = true;
        stream.send('job', now);
        stream.end();
      };
      unsubscribe = queue.events(id, (event) => {
        stream.send(event.type, event);
        if (event.type === 'status' && FINISHED.includes(event.status)) void endIfFinished().catch(() => stream.end());
      });
      // A job that finished before the subscription (a queue that does not replay its events) ends the stream too.
      await endIfFinished();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/admin/jobs/:id/cancel',
    {
      config: admin,
      schema: {
        summary: 'Cancel a job: a queued one at once, a running one after its current step (its run stays resumable) (admin)',
        params: idParams,
        security,
        response: { 200: oneJobSchema, ...errorResponses },
      },
    },
    async (request) => ({ job: await queue.cancel(request.params.id) }),
  );
};
