import type { FastifyInstance } from 'fastify';
import { createProject, datasetStats, listProjects } from '../../data/index.js';
import type { WebContext } from './context.js';

/** Projects: list (with their image counts), create, and one project's dataset statistics. */
export async function projectsRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  app.get('/api/projects', async () => {
    const counts = new Map(
      (ctx.store.db.prepare('SELECT project_id AS id, COUNT(*) AS n FROM images GROUP BY project_id').all() as Array<{ id: number; n: number }>)
        .map((r) => [r.id, r.n]),
    );
    return { projects: listProjects(ctx.store).map((p) => ({ ...p, images: counts.get(p.id) ?? 0 })) };
  });

  app.post<{ Body: { name: string; classes?: string[] } }>('/api/projects', {
    schema: {
      body: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' }, classes: { type: 'array', items: { type: 'string' } } },
      },
    },
  }, async (request, reply) => {
    const project = createProject(ctx.store, request.body.name.trim(), request.body.classes ? { classes: request.body.classes } : {});
    return reply.status(201).send({ project });
  });

  app.get<{ Params: { project: string } }>('/api/projects/:project', async (request) => {
    const project = ctx.project(request.params.project);
    return { project, stats: datasetStats(ctx.store, project.id) };
  });
}
