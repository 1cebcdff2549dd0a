import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, FastifyServerOptions } from 'fastify';
import Fastify from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { DEFAULT_DECODE_LIMITS } from '../imaging/types.js';
import type { JobQueue } from '../jobs/index.js';
import type { EngineOptions } from '../serve/engine/index.js';
import { VERSION } from '../version.js';
import type { ApiKeyStore } from './api-keys.js';
import { installAuth } from './auth.js';
import { replyWithError } from './http-errors.js';
import { RAW_IMAGE_TYPE_PATTERN, RAW_IMAGE_TYPES } from './image-input.js';
import type { DeployRun, ModelCatalog } from './model-catalog.js';
import { RateLimiter } from './rate-limit.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes, type JobRoutesOptions } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';
import { predictRoutes } from './routes/predict.js';
import { ModelHolder } from './served-model.js';

export interface ServerOptions {
  /** The model versions and the deployed one (src/serve/registry's ModelRegistry). */
  catalog: ModelCatalog;
  /** API keys; null serves without keys (the CLI allows that on loopback only). */
  keys: ApiKeyStore | null;
  /** Lets admins deploy a run over HTTP (POST /v1/admin/deploy). */
  deployRun?: DeployRun;
  /** Largest request body, and largest file of a batch (default 32 MiB). */
  maxBodyBytes?: number;
  /** Images with more pixels are refused from their header, before decoding (default 50 megapixels). */
  maxPixels?: number;
  /** Most files in one batch request (default 32). */
  maxBatchFiles?: number;
  /** Requests per minute per key (per address without keys); none when absent. */
  rateLimitPerMinute?: number;
  /** Allowed CORS origin (`*` or an origin); CORS is off when absent. */
  corsOrigin?: string;
  engine?: EngineOptions;
  /** How long an idle micro-batcher waits for company (default 2 ms). */
  batchWaitMs?: number;
  /** How often the registry is checked for a deployment made by another process (default 1000 ms). */
  watchIntervalMs?: number;
  /** Fastify's logger option (pino); the authorization header is always redacted. Default off. */
  logger?: boolean | Exclude<FastifyServerOptions['logger'], boolean | undefined>;
  /** The job queue the admin routes enqueue to (POST /v1/admin/train, /v1/admin/jobs, ...); none without it. */
  jobs?: JobRoutesOptions;
  /**
   * Plugins added after the API's routes (the web UI's routes), given the server's job queue; their routes need a
   * key unless `config.access` says otherwise.
   */
  extraPlugins?: FastifyPluginAsync<ExtraPluginOptions>[];
  /** A folder served at `/` without a key (the built web UI). */
  staticDir?: string;
}

/** What `buildServer` hands each of its extra plugins. */
export interface ExtraPluginOptions {
  jobs?: JobQueue;
}

export interface OsteonServer {
  app: FastifyInstance;
  holder: ModelHolder;
}

const MiB = 2 ** 20;

/**
 * The HTTP prediction API (src/server/README.md): predict and batch predict through a micro-batcher, model
 * versions and admin deployment, health and readiness, OpenAPI at /openapi.json and its docs page at /docs.
 * Loads the deployed model before returning; watches the registry for deployments by other processes. Closing
 * the app waits for requests in flight and frees the engines.
 */
export async function buildServer(options: ServerOptions): Promise<OsteonServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 32 * MiB;
  const maxPixels = options.maxPixels ?? DEFAULT_DECODE_LIMITS.maxPixels;
  const app = Fastify({
    bodyLimit: maxBodyBytes,
    logger: loggerOptions(options.logger),
    // Requests still running when the server closes are finished; idle keep-alive sockets are closed.
    forceCloseConnections: 'idle',
  });
  const holder = new ModelHolder(options.catalog, { engine: options.engine, batchWaitMs: options.batchWaitMs, log: app.log as FastifyBaseLogger });
  await holder.refresh(true).catch((error: unknown) => app.log.error({ err: error }, 'the deployed model cannot be loaded; serving none'));
  holder.watch(options.watchIntervalMs ?? 1000);
  app.addHook('onClose', async () => holder.close());
  // While closing, answers in flight also close their connection, so keep-alive clients do not hold it open.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.setErrorHandler((error, request, reply) => replyWithError(error, request, reply));
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}; see /docs for the routes.` } }));
  for (const type of [...RAW_IMAGE_TYPES, RAW_IMAGE_TYPE_PATTERN]) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  }
  await app.register(fastifyMultipart, {
    limits: { fileSize: maxBodyBytes, files: options.maxBatchFiles ?? 32, fields: 16, headerPairs: 100 },
    throwFileSizeLimit: true,
  });
  if (options.corsOrigin) await app.register(fastifyCors, { origin: options.corsOrigin, allowedHeaders: ['authorization', 'content-type'] });
  installAuth(app, {
    keys: options.keys,
    rateLimiter: options.rateLimitPerMinute ? new RateLimiter(options.rateLimitPerMinute) : null,
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Osteon prediction API', version: VERSION, description: 'Classifies bone radiographs (fractured vs normal) with the deployed model.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A key from `osteon keys create`' } } },
    },
  });
  await app.register(healthRoutes, { holder });
  await app.register(predictRoutes, { holder, maxPixels, maxBodyBytes });
  await app.register(modelRoutes, { holder, deployRun: options.deployRun });
  if (options.jobs) await app.register(jobRoutes, options.jobs);
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.register(publicRoutes(async (scope) => {
    // The page and its assets come from the swagger-ui package, served from here: no CDN.
    await scope.register(fastifySwaggerUi, { routePrefix: '/docs' });
  }));
  for (const plugin of options.extraPlugins ?? []) await app.register(plugin, { jobs: options.jobs?.queue });
  if (options.staticDir) {
    const root = options.staticDir;
    await app.register(publicRoutes(async (scope) => {
      await scope.register(fastifyStatic, { root, prefix: '/', decorateReply: false });
    }));
  }
  await app.ready();
  return { app, holder };
}

/** Registers `register`'s routes as public (no key): documentation and static files hold no patient data. */
function publicRoutes(register: FastifyPluginAsync): FastifyPluginAsync {
  return async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), access: 'public' };
    });
    await register(scope, {});
  };
}

function loggerOptions(logger: ServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  // Keys never reach the log; bodies (images) are never logged by Fastify.
  return { ...base, redact: { paths: ['req.headers.authorization', 'headers.authorization', 'request.headers.authorization'], censor: '[redacted]' } };
}
