import type { FastifyInstance } from 'fastify';
import { countImages, getImage, listImages, readOriginal, REVIEW_STATUSES, setLabel, setReviewStatus, type ReviewStatus } from '../../data/index.js';
import { OsteonError } from '../../errors.js';
import { wholeNumber, type WebContext } from './context.js';
import { imageFilterOf, type ImageQuery } from './image-filter.js';
import { thumbnailSide, ThumbnailCache } from './thumbnails.js';

interface ReviewBody {
  ids: number[];
  /** A class name, or null to clear the label. */
  label?: string | null;
  status?: ReviewStatus;
}

/** The dataset grid: filtered pages of images, bulk review (label, ready, excluded) and thumbnails. */
export async function imagesRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  const thumbnails = new ThumbnailCache();

  app.get<{ Params: { project: string }; Querystring: ImageQuery & { limit?: string; offset?: string } }>(
    '/api/projects/:project/images',
    async (request) => {
      const project = ctx.project(request.params.project);
      const filter = imageFilterOf(request.query);
      const limit = Math.min(500, request.query.limit ? wholeNumber(request.query.limit, 'limit') : 120);
      const offset = request.query.offset ? wholeNumber(request.query.offset, 'offset') : 0;
      const images = listImages(ctx.store, project.id, filter, { limit, offset }).map((image) => ({
        id: image.id, originalName: image.originalName, folder: image.folder, label: image.label, status: image.status,
        split: image.split, duplicateGroup: image.duplicateGroup, patientId: image.patientId, width: image.width,
        height: image.height, format: image.format, warnings: image.warnings,
      }));
      return { total: countImages(ctx.store, project.id, filter), limit, offset, images };
    },
  );

  app.post<{ Params: { project: string }; Body: ReviewBody }>('/api/projects/:project/review', {
    schema: {
      body: {
        type: 'object',
        required: ['ids'],
        properties: {
          ids: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 100000 },
          label: { type: ['string', 'null'] },
          status: { type: 'string', enum: [...REVIEW_STATUSES] },
        },
      },
    },
  }, async (request) => {
    const project = ctx.project(request.params.project);
    const { ids, label, status } = request.body;
    if (label === undefined && status === undefined) {
      throw new OsteonError('BAD_REQUEST', 'Say what to change: a label (or null to clear it), a status, or both.');
    }
    const by = 'web';
    let changed = 0;
    ctx.store.db.transaction(() => {
      if (label !== undefined) changed += setLabel(ctx.store, project.id, { ids }, label, { by }).changed;
      if (status !== undefined) changed += setReviewStatus(ctx.store, project.id, { ids }, status, { by }).changed;
    })();
    return { changed };
  });

  app.get<{ Params: { id: string }; Querystring: { size?: string } }>('/api/images/:id/thumbnail', async (request, reply) => {
    const image = getImage(ctx.store, wholeNumber(request.params.id, 'id'));
    if (!image) throw new OsteonError('IMAGE_NOT_FOUND', `No image ${request.params.id} in this workspace.`);
    const side = thumbnailSide(request.query.size ? wholeNumber(request.query.size, 'size') : 160);
    const jpeg = await thumbnails.get(image.sha256, side, () => new Uint8Array(readOriginal(ctx.store, image)));
    // content-addressed: the same id and size always show the same pixels
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=86400').send(jpeg);
  });
}
