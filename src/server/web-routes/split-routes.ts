import type { FastifyInstance } from 'fastify';
import { findLeakage, splitFromFolders, splitProject } from '../../data/index.js';
import type { WebContext } from './context.js';

interface SplitBody {
  val?: number;
  test?: number;
  seed?: number;
  /** Use the split each image's source folder or manifest named instead. */
  fromFolders?: boolean;
}

interface GroupMember {
  id: number;
  originalName: string;
  label: string | null;
  status: string;
  split: string | null;
  patientId: string | null;
}

/** Split controls and the near-duplicate and leakage view. */
export async function splitRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  app.post<{ Params: { project: string }; Body: SplitBody }>('/api/projects/:project/split', {
    schema: {
      body: {
        type: 'object',
        properties: { val: { type: 'number' }, test: { type: 'number' }, seed: { type: 'integer' }, fromFolders: { type: 'boolean' } },
      },
    },
  }, async (request) => {
    const project = ctx.project(request.params.project);
    const body = request.body ?? {};
    return body.fromFolders
      ? splitFromFolders(ctx.store, project.id)
      : splitProject(ctx.store, project.id, { val: body.val ?? 0.15, test: body.test ?? 0.15, seed: body.seed ?? 1 });
  });

  app.get<{ Params: { project: string } }>('/api/projects/:project/duplicates', async (request) => {
    const project = ctx.project(request.params.project);
    const rows = ctx.store.db
      .prepare(`SELECT id, original_name AS originalName, label, status, split, patient_id AS patientId, duplicate_group AS duplicateGroup
        FROM images WHERE project_id = ? AND duplicate_group IS NOT NULL ORDER BY duplicate_group, id`)
      .all(project.id) as Array<GroupMember & { duplicateGroup: number }>;
    const groups = new Map<number, GroupMember[]>();
    for (const { duplicateGroup, ...member } of rows) {
      const list = groups.get(duplicateGroup);
      if (list) list.push(member);
      else groups.set(duplicateGroup, [member]);
    }
    const crossing = findLeakage(ctx.store, project.id);
    const crossingGroups = new Set(crossing.filter((c) => c.kind === 'duplicate').map((c) => c.group));
    return {
      groups: [...groups].map(([group, images]) => ({ group, crossesSplits: crossingGroups.has(group), images })),
      crossing,
    };
  });
}
