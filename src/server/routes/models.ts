import type { FastifyPluginAsync } from 'fastify';
import { OsteonError } from '../../errors.js';
import type { CatalogVersion, DeployRun } from '../model-catalog.js';
import type { ModelHolder } from '../served-model.js';
import { errorResponses, versionSchema } from './schemas.js';

export interface ModelRoutesOptions {
  holder: ModelHolder;
  deployRun?: DeployRun;
}

/** A version as the API shows it: without the server's file path. */
function publicVersion({ file: _file, ...version }: CatalogVersion): Omit<CatalogVersion, 'file'> {
  return version;
}

const deployedSchema = {
  type: 'object',
  properties: { version: versionSchema, serving: { type: ['integer', 'null'], description: 'the version answering predictions now' } },
} as const;

/** GET /v1/models (any key) and the admin routes that change the deployed version. */
export const modelRoutes: FastifyPluginAsync<ModelRoutesOptions> = async (app, { holder, deployRun }) => {
  const { catalog } = holder;
  const afterChange = async (deployed: CatalogVersion) => {
    // Answer once this server serves the change, so a client can rely on it.
    await holder.refresh();
    return { version: publicVersion(deployed), serving: holder.current?.version.version ?? null };
  };

  app.get(
    '/v1/models',
    {
      config: { access: 'predict' },
      schema: {
        summary: 'The registered model versions and the deployed one',
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            properties: {
              versions: { type: 'array', items: versionSchema },
              deployed: { type: ['integer', 'null'] },
              serving: { type: ['integer', 'null'] },
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => ({
      versions: catalog.list().map(publicVersion),
      deployed: catalog.current()?.version ?? null,
      serving: holder.current?.version.version ?? null,
    }),
  );

  app.post<{ Params: { version: number } }>(
    '/v1/admin/models/:version/promote',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Deploy a registered version (admin)',
        params: { type: 'object', properties: { version: { type: 'integer', minimum: 1 } }, required: ['version'] },
        security: [{ bearer: [] }],
        response: { 200: deployedSchema, ...errorResponses },
      },
    },
    async (request) => afterChange(catalog.promote(request.params.version)),
  );

  app.post(
    '/v1/admin/models/rollback',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Deploy again the version deployed before the current one (admin)',
        security: [{ bearer: [] }],
        response: { 200: deployedSchema, ...errorResponses },
      },
    },
    async () => afterChange(catalog.rollback()),
  );

  app.post<{ Body: { runId: string; promote?: boolean; note?: string } }>(
    '/v1/admin/deploy',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Register a training run\'s model as a new version, deployed unless promote is false (admin)',
        body: {
          type: 'object',
          properties: { runId: { type: 'string', minLength: 1 }, promote: { type: 'boolean', default: true }, note: { type: 'string' } },
          required: ['runId'],
          additionalProperties: false,
        },
        security: [{ bearer: [] }],
        response: { 200: deployedSchema, ...errorResponses },
      },
    },
    async (request) => {
      if (!deployRun) throw new OsteonError('NOT_AVAILABLE', 'This server was started without a workspace store, so it cannot deploy runs; use `osteon deploy --run RUN`.');
      const { runId, promote, note } = request.body;
      return afterChange(deployRun(runId, { promote, note }));
    },
  );
};
