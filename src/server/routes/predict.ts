import type { FastifyPluginAsync } from 'fastify';
import { isOsteonError } from '../../errors.js';
import { readBatchUploads, readSingleUpload } from '../image-input.js';
import { noModelDeployed, predictUpload } from '../predict-service.js';
import type { ModelHolder } from '../served-model.js';
import { errorResponses, errorSchema, predictionSchema } from './schemas.js';

export interface PredictRoutesOptions {
  holder: ModelHolder;
  maxPixels: number;
  maxBodyBytes: number;
}

const uploadTypes = ['multipart/form-data', 'image/jpeg', 'image/png', 'application/dicom', 'application/octet-stream'];
const heatmapQuery = {
  type: 'object',
  properties: { heatmap: { type: 'string', enum: ['0', '1', 'false', 'true'], description: 'add the class activation overlay and its peak' } },
} as const;
type HeatmapQuery = { Querystring: { heatmap?: '0' | '1' | 'false' | 'true' } };
const wantsHeatmap = (query: HeatmapQuery['Querystring']) => query.heatmap === '1' || query.heatmap === 'true';

/** POST /v1/predict and /v1/predict/batch. */
export const predictRoutes: FastifyPluginAsync<PredictRoutesOptions> = async (app, { holder, maxPixels, maxBodyBytes }) => {
  app.post<HeatmapQuery>(
    '/v1/predict',
    {
      config: { access: 'predict' },
      schema: {
        summary: 'Classify one radiograph (JPEG, PNG, WebP, TIFF, BMP or DICOM)',
        description: 'Send the image as multipart field `file` or as the raw body.',
        consumes: uploadTypes,
        querystring: heatmapQuery,
        security: [{ bearer: [] }],
        response: { 200: predictionSchema, ...errorResponses },
      },
    },
    async (request) => {
      if (!holder.current) throw noModelDeployed();
      const upload = await readSingleUpload(request);
      return predictUpload(holder, upload.bytes, { maxPixels, heatmap: wantsHeatmap(request.query) });
    },
  );

  app.post<HeatmapQuery>(
    '/v1/predict/batch',
    {
      config: { access: 'predict' },
      schema: {
        summary: 'Classify several radiographs (multipart, one part per file)',
        description: 'A file that cannot be read gets an error entry; the others are classified.',
        consumes: ['multipart/form-data'],
        querystring: heatmapQuery,
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { file: { type: ['string', 'null'] }, ...predictionSchema.properties, error: errorSchema.properties.error },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      if (!holder.current) throw noModelDeployed();
      const uploads = await readBatchUploads(request, maxBodyBytes);
      const results = await Promise.all(
        uploads.map(async (upload) => {
          if ('error' in upload) return { file: upload.name, error: { code: upload.error.code, message: upload.error.message } };
          try {
            return { file: upload.name, ...(await predictUpload(holder, upload.bytes, { maxPixels, heatmap: wantsHeatmap(request.query) })) };
          } catch (error) {
            if (!isOsteonError(error)) throw error;
            return { file: upload.name, error: { code: error.code, message: error.message } };
          }
        }),
      );
      return { results };
    },
  );
};
