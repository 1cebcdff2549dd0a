import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { OsteonError } from '../../errors.js';
import { decodeImage, toPngBytes } from '../../imaging/index.js';
import { ModelRegistry } from '../../serve/registry/index.js';
import { deployRun } from '../../train/deploy-run.js';
import { replaceOctetStreamParser, wholeNumber, type WebContext } from './context.js';
import type { VersionEngines } from './version-engines.js';

/** Largest radiograph accepted for a try-out prediction. */
const MAX_IMAGE_BYTES = 256 * 1024 ** 2;
/** Longer side of the radiograph and heatmap images sent back to the page. */
const VIEW_SIDE = 768;

async function readBody(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The deploy page: the registry's versions, deploying a run as a new version, choosing the deployed version, and
 * trying any version on a dropped radiograph (the answer has the shape of `POST /v1/predict?heatmap=1`, plus the
 * radiograph itself as PNG so the page can show DICOM files under the heatmap).
 */
export async function deployRoutes(app: FastifyInstance, ctx: WebContext, engines: VersionEngines): Promise<void> {
  const registry = () => ModelRegistry.open(ctx.workspace);

  app.get('/api/models', async () => {
    const r = registry();
    return { versions: r.list().reverse(), current: r.current()?.version ?? null };
  });

  app.post<{ Params: { run: string }; Body: { promote?: boolean } }>('/api/runs/:run/deploy', async (request, reply) => {
    const version = deployRun(ctx.store, request.params.run, { promote: request.body?.promote ?? true });
    return reply.status(201).send({ version });
  });

  app.post<{ Params: { version: string } }>('/api/models/:version/promote', async (request) => {
    const version = registry().promote(wholeNumber(request.params.version, 'version'));
    return { version, current: version.version };
  });

  replaceOctetStreamParser(app);

  app.post<{ Querystring: { version?: string } }>('/api/predict', { bodyLimit: MAX_IMAGE_BYTES }, async (request) => {
    const started = performance.now();
    const r = registry();
    const version = request.query.version ? r.get(wholeNumber(request.query.version, 'version')) : r.current();
    if (!version) throw new OsteonError('NO_MODEL_DEPLOYED', 'No model version is deployed yet: deploy a trained run first.');
    if (!(request.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
      throw new OsteonError('BAD_REQUEST', 'Send the radiograph itself as the request body with Content-Type: application/octet-stream.');
    }
    const bytes = await readBody(request.body as Readable);
    if (bytes.length === 0) throw new OsteonError('EMPTY_UPLOAD', 'The dropped file is empty: drop the radiograph again.');
    const image = await decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const decoded = performance.now();
    const engine = await engines.get(version);
    const [prediction] = await engine.predictImages([image], { cam: { overlay: true, overlayMaxSide: VIEW_SIDE } });
    const predicted = performance.now();
    const view = await toPngBytes(image, { maxSide: VIEW_SIDE });
    const cam = prediction!.cam;
    return {
      label: prediction!.label,
      probabilities: prediction!.probabilities,
      threshold: prediction!.threshold,
      modelVersion: version.version,
      testTimeFlip: engine.model.testTimeFlip,
      positiveClass: version.classes.includes('fractured') ? 'fractured' : version.classes[0],
      heatmap: cam?.overlayPng
        ? { png: Buffer.from(cam.overlayPng).toString('base64'), peak: { x: cam.peak.x, y: cam.peak.y }, className: cam.className }
        : null,
      image: { png: Buffer.from(view).toString('base64'), width: image.width, height: image.height, format: image.format },
      warnings: image.warnings,
      timingsMs: { decode: round(decoded - started), inference: round(predicted - decoded), total: round(performance.now() - started) },
    };
  });
}

const round = (ms: number) => Math.round(ms * 10) / 10;
