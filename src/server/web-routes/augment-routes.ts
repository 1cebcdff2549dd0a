import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_AUGMENT, resolveAugment, writeAugmentPreview, type AugmentConfig } from '../../pipeline/index.js';
import type { WebContext } from './context.js';

interface PreviewBody {
  augment?: Partial<AugmentConfig>;
  n?: number;
  size?: number;
  seed?: number;
  epoch?: number;
}

/** The augmentation page: the defaults, and a grid of training samples as the loader would augment them. */
export async function augmentRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  // Previews decode and render on the server's cores: one at a time, so a slider dragged fast cannot pile them up.
  let queue: Promise<unknown> = Promise.resolve();

  app.get('/api/augment/defaults', async () => ({ augment: DEFAULT_AUGMENT }));

  app.post<{ Params: { project: string }; Body: PreviewBody }>('/api/projects/:project/augment-preview', {
    schema: {
      body: {
        type: 'object',
        properties: {
          augment: { type: 'object' },
          n: { type: 'integer', minimum: 1, maximum: 64 },
          size: { type: 'integer', minimum: 32, maximum: 384 },
          seed: { type: 'integer' },
          epoch: { type: 'integer', minimum: 0 },
        },
      },
    },
  }, async (request, reply) => {
    const project = ctx.project(request.params.project);
    const body = request.body ?? {};
    const augment = resolveAugment(body.augment ?? {});
    const render = async () => {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-preview-'));
      try {
        const out = path.join(folder, 'preview.png');
        const result = await writeAugmentPreview({
          workspace: ctx.workspace, projectId: project.id, n: body.n ?? 12, size: body.size ?? 128,
          seed: body.seed ?? 1, epoch: body.epoch ?? 0, augment, out,
        });
        return { png: fs.readFileSync(out), samples: result.samples };
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    };
    const next = queue.then(render, render);
    queue = next.catch(() => undefined);
    const { png, samples } = await next;
    return reply.type('image/png').header('x-osteon-samples', JSON.stringify(samples)).header('cache-control', 'no-store').send(png);
  });
}
