import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticZip } from '../../../test/web/synthetic-zip.js';
import { startEmbeddedWorker, type JobWorker } from '../../jobs/index.js';
import { webApi } from './index.js';

/**
 * The web routes on a bare Fastify instance over a fresh workspace, driven as the pages drive them; trainings run
 * as jobs of the workspace's embedded queue, worked here as `osteon serve` works them.
 */
describe('web routes', () => {
  let app: FastifyInstance;
  let worker: JobWorker;
  let data: { zip: string; image: string; dir: string };
  let workspace: string;

  beforeAll(async () => {
    data = await syntheticZip({ n: 40, size: 64, seed: 5 });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-web-ws-'));
    app = Fastify();
    await app.register(webApi({ workspace }));
    await app.ready();
    worker = startEmbeddedWorker({ workspace, log: () => {} });
  });

  afterAll(async () => {
    await worker?.stop();
    await app?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(data.dir, { recursive: true, force: true });
  });

  const json = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}) });
    return { status: response.statusCode, body: response.json() };
  };

  it('creates and lists projects, refusing a bad or repeated name with a code', async () => {
    expect((await json('POST', '/api/projects', { name: 'wrist' })).status).toBe(201);
    const again = await json('POST', '/api/projects', { name: 'wrist' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'PROJECT_EXISTS' } } });
    expect((await json('POST', '/api/projects', { name: '../x' })).body.error.code).toBe('INVALID_PROJECT_NAME');
    const { body } = await json('GET', '/api/projects');
    expect(body.projects.map((p: { name: string }) => p.name)).toEqual(['wrist']);
    expect((await json('GET', '/api/projects/nope')).status).toBe(404);
  });

  it('imports an uploaded zip and pages, filters and reviews its images', async () => {
    const upload = await app.inject({
      method: 'POST', url: '/api/projects/wrist/uploads?name=radiographs.zip',
      headers: { 'content-type': 'application/octet-stream' }, payload: fs.readFileSync(data.zip),
    });
    expect(upload.statusCode).toBe(200);
    expect(upload.json()).toMatchObject({ kind: 'zip', imported: 40, unreadable: [] });

    const all = (await json('GET', '/api/projects/wrist/images?limit=10')).body;
    expect(all.total).toBe(40);
    expect(all.images).toHaveLength(10);
    const fractured = (await json('GET', '/api/projects/wrist/images?label=fractured&limit=500')).body;
    const normal = (await json('GET', '/api/projects/wrist/images?label=normal&limit=500')).body;
    expect(fractured.total + normal.total).toBe(40);
    expect(fractured.images.every((i: { label: string }) => i.label === 'fractured')).toBe(true);
    expect((await json('GET', '/api/projects/wrist/images?status=maybe')).status).toBe(400);

    const someIds = fractured.images.slice(0, 3).map((i: { id: number }) => i.id);
    const review = await json('POST', '/api/projects/wrist/review', { ids: someIds, status: 'excluded' });
    expect(review.body).toEqual({ changed: 3 });
    expect((await json('GET', '/api/projects/wrist/images?status=excluded')).body.total).toBe(3);
    const everyId = [...fractured.images, ...normal.images].map((i: { id: number }) => i.id);
    expect((await json('POST', '/api/projects/wrist/review', { ids: everyId, status: 'ready' })).body).toEqual({ changed: 40 });
    expect((await json('POST', '/api/projects/wrist/review', { ids: someIds, label: 'cat' })).body.error.code).toBe('UNKNOWN_CLASS');
    expect((await json('POST', '/api/projects/wrist/review', { ids: someIds })).status).toBe(400);
  });

  it('serves downsized thumbnails of originals', async () => {
    const [first] = (await json('GET', '/api/projects/wrist/images?limit=1')).body.images;
    const response = await app.inject({ method: 'GET', url: `/api/images/${first.id}/thumbnail?size=32` });
    expect(response.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(response.rawPayload).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(96);
    expect(Math.max(meta.width!, meta.height!)).toBeLessThan(Math.max(first.width, first.height) + 1);
    expect((await app.inject({ method: 'GET', url: '/api/images/999999/thumbnail' })).statusCode).toBe(404);
  });

  it('splits the project and reports duplicate groups and leakage', async () => {
    const split = await json('POST', '/api/projects/wrist/split', { val: 0.25, test: 0.25, seed: 2 });
    expect(split.body.train + split.body.val + split.body.test).toBe(40);
    expect(split.body.val).toBeGreaterThan(0);
    expect(split.body.crossingGroups).toBe(0);
    const stats = (await json('GET', '/api/projects/wrist')).body.stats;
    expect(stats.byStatus.ready).toBe(40);
    const duplicates = (await json('GET', '/api/projects/wrist/duplicates')).body;
    expect(duplicates.crossing).toEqual([]);
    expect(Array.isArray(duplicates.groups)).toBe(true);
    expect((await json('POST', '/api/projects/wrist/split', { val: 0.6, test: 0.6 })).body.error.code).toBe('INVALID_SPLIT');
  });

  it('renders an augmentation preview and refuses bad settings', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/projects/wrist/augment-preview', payload: { n: 4, size: 48, augment: { horizontalFlip: 1 } } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    const meta = await sharp(response.rawPayload).metadata();
    expect(meta.width).toBeGreaterThanOrEqual(2 * 48);
    const bad = await json('POST', '/api/projects/wrist/augment-preview', { n: 4, augment: { horizontalFlip: 3 } });
    expect(bad.body.error.code).toBe('INVALID_AUGMENT');
  });

  it('refuses a launch with an unknown architecture or field', async () => {
    expect((await json('POST', '/api/projects/wrist/trainings', { archs: ['vgg99'] })).body.error.code).toBe('UNKNOWN_ARCHITECTURE');
    expect((await json('POST', '/api/projects/wrist/trainings', { archs: ['resnet18'], recipe: { colour: 1 } })).body.error.code).toBe('BAD_OPTION');
    expect((await json('POST', '/api/projects/wrist/trainings', { archs: [] })).status).toBe(400);
  });

  it('trains over SSE, compares on the test set, deploys and predicts with a heatmap', async () => {
    const launch = await json('POST', '/api/projects/wrist/trainings', {
      archs: ['resnet18'], recipe: { size: 32, epochs: 1, batchSize: 8, threads: 1 },
    });
    expect(launch.status).toBe(202);
    const id = launch.body.session.id;
    // the stream ends when the session does; inject hands back everything it carried
    const stream = await app.inject({ method: 'GET', url: `/api/trainings/${id}/events` });
    expect(stream.headers['content-type']).toContain('text/event-stream');
    const events = stream.payload.split('\n\n').filter((b) => b.startsWith('event:')).map((b) => b.split('\n')[0]!.slice(7));
    expect(events).toContain('start');
    expect(events).toContain('step');
    expect(events).toContain('epoch');
    expect(events.at(-1)).toBe('session');
    const session = (await json('GET', `/api/trainings/${id}`)).body.session;
    expect(session).toMatchObject({ status: 'completed', runs: [{ arch: 'resnet18', status: 'completed' }] });
    const runId = session.runs[0].runId;
    expect((await json('GET', `/api/runs/${runId}/epochs`)).body.epochs).toHaveLength(1);

    const evaluated = await json('POST', `/api/runs/${runId}/evaluate`);
    expect(evaluated.body.n).toBe(10);
    const rows = (await json('GET', '/api/projects/wrist/compare')).body.rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ run: runId, model: 'resnet18', split: 'test', n: 10, curvesHeld: true });
    const roc = await app.inject({ method: 'GET', url: `/api/projects/wrist/roc.svg?runs=${runId}` });
    expect(roc.payload).toContain('<svg');
    const confusion = (await json('GET', `/api/runs/${runId}/confusion?threshold=0`)).body;
    // at threshold 0 every image is predicted fractured: the column of the positive class holds them all
    const cellIds = Object.values(confusion.cells as Record<string, number[]>).flat();
    expect(cellIds).toHaveLength(10);
    expect(Object.keys(confusion.cells).every((k) => k.endsWith(',0'))).toBe(true);
    expect(confusion.sensitivity).toBe(1);
    expect(confusion.specificity).toBe(0);

    // A restarted server still holds the evaluation; once a test image is excluded it is stale, and back again once not.
    const restarted = Fastify();
    await restarted.register(webApi({ workspace }));
    await restarted.ready();
    try {
      const held = async () => (await restarted.inject({ method: 'GET', url: '/api/projects/wrist/compare' })).json().rows[0].curvesHeld;
      expect(await held()).toBe(true);
      expect((await json('POST', '/api/projects/wrist/review', { ids: [cellIds[0]], status: 'excluded' })).body).toEqual({ changed: 1 });
      expect(await held()).toBe(false);
      expect((await json('POST', '/api/projects/wrist/review', { ids: [cellIds[0]], status: 'ready' })).body).toEqual({ changed: 1 });
      expect(await held()).toBe(true);
    } finally {
      await restarted.close();
    }

    const deployed = await json('POST', `/api/runs/${runId}/deploy`, {});
    expect(deployed.status).toBe(201);
    const models = (await json('GET', '/api/models')).body;
    expect(models.current).toBe(deployed.body.version.version);
    const prediction = await app.inject({
      method: 'POST', url: '/api/predict', headers: { 'content-type': 'application/octet-stream' }, payload: fs.readFileSync(data.image),
    });
    expect(prediction.statusCode).toBe(200);
    const body = prediction.json();
    expect(['fractured', 'normal']).toContain(body.label);
    expect(body.probabilities.fractured + body.probabilities.normal).toBeCloseTo(1, 5);
    expect(body.modelVersion).toBe(models.current);
    // The default recipe validates, and so serves, with the test-time flip.
    expect(body.testTimeFlip).toBe(true);
    const heatmap = await sharp(Buffer.from(body.heatmap.png, 'base64')).metadata();
    expect(heatmap.format).toBe('png');
    expect(body.heatmap.peak.x).toBeGreaterThanOrEqual(0);
    const garbage = await app.inject({ method: 'POST', url: '/api/predict', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from('not an image') });
    expect(garbage.statusCode).toBe(415);
  });

  it('resumes a stopped run from the page from its last complete epoch, and refuses a finished one', async () => {
    const launch = await json('POST', '/api/projects/wrist/trainings', {
      archs: ['resnet18'], recipe: { size: 32, epochs: 20, batchSize: 8, threads: 1, patience: 0 },
    });
    const sessionId = launch.body.session.id;
    const runOf = async () => ((await json('GET', `/api/trainings/${sessionId}`)).body.session.runs[0] ?? null) as { runId: string } | null;
    const runStatus = async (id: string) => (await json('GET', `/api/runs/${id}/epochs`)).body.run as { status: string; epochsDone: number };
    let runId: string | undefined;
    for (let i = 0; i < 600 && !(runId && (await runStatus(runId)).epochsDone >= 1); i++) {
      runId = (await runOf())?.runId;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await json('POST', `/api/trainings/${sessionId}/cancel`)).body.cancelling).toBe(true);
    for (let i = 0; i < 600 && (await runStatus(runId!)).status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 100));
    const stopped = await runStatus(runId!);
    expect(stopped.status).toBe('stopped');
    expect(stopped.epochsDone).toBeLessThan(20);

    const resumed = await json('POST', `/api/runs/${runId}/resume`);
    expect(resumed.status).toBe(202);
    expect(resumed.body.session.recipes[0]).toMatchObject({ arch: 'resnet18', epochs: 20 });
    const stream = await app.inject({ method: 'GET', url: `/api/trainings/${resumed.body.session.id}/events` });
    const start = stream.payload.split('\n\n').find((b) => b.startsWith('event: start'))!;
    expect(JSON.parse(start.split('\n').find((l) => l.startsWith('data: '))!.slice(6))).toMatchObject({ runId, startEpoch: stopped.epochsDone });
    expect(await runStatus(runId!)).toMatchObject({ status: 'completed', epochsDone: 20 });

    const again = await json('POST', `/api/runs/${runId}/resume`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('RUN_NOT_RESUMABLE');
  });
});
