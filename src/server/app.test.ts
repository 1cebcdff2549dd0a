import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceEngine } from '../serve/engine/index.js';
import { ModelRegistry } from '../serve/registry/index.js';
import { predictReport } from '../serve/predict-report.js';
import { greyPng, multipartBody, servingWorkspace, type ServingWorkspace } from '../../test/server/fixture.js';
import { buildServer, type ServerOptions } from './app.js';

let ws: ServingWorkspace;
let app: FastifyInstance;
const servers: FastifyInstance[] = [];

async function server(options: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  const built = await buildServer({ catalog: ModelRegistry.open(ws.workspace), keys: ws.keys, engine: { threads: 1 }, ...options });
  servers.push(built.app);
  return built.app;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  ws = await servingWorkspace();
  app = await server();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  ws.cleanup();
});

/** A PNG whose header claims `width` x `height` pixels, with almost no data behind it. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('POST /v1/predict', () => {
  it('gives the probabilities `osteon predict` gives, by multipart, raw body and batch', async () => {
    const engine = await InferenceEngine.load(ws.versions[0].file, { threads: 1 });
    const expected = await predictReport(engine, ws.images);
    const flips = engine.model.testTimeFlip;
    await engine.release();
    const batch = multipartBody(ws.images.map((file) => ({ name: path.basename(file), bytes: fs.readFileSync(file), type: 'image/png' })));
    const batchResponse = await app.inject({ method: 'POST', url: '/v1/predict/batch', headers: { ...bearer(ws.predictKey), ...batch.headers }, payload: batch.payload });
    expect(batchResponse.statusCode).toBe(200);
    const batchResults = batchResponse.json().results;
    const distinct = new Set<string>();
    for (const [i, file] of ws.images.entries()) {
      const want = expected[i]!;
      if ('error' in want) throw new Error(want.error);
      const form = multipartBody([{ name: path.basename(file), bytes: fs.readFileSync(file), type: 'image/png' }]);
      const byForm = await app.inject({ method: 'POST', url: '/v1/predict', headers: { ...bearer(ws.predictKey), ...form.headers }, payload: form.payload });
      const byBody = await app.inject({
        method: 'POST',
        url: '/v1/predict',
        headers: { ...bearer(ws.predictKey), 'content-type': 'image/png' },
        payload: fs.readFileSync(file),
      });
      for (const got of [byForm.json(), byBody.json(), batchResults[i]]) {
        expect(got.label).toBe(want.label);
        expect(got.threshold).toBe(want.threshold);
        expect(got.modelVersion).toBe(ws.versions[0].version);
        expect(got.testTimeFlip).toBe(flips);
        expect(Math.abs(got.probabilities.fractured - want.probabilities.fractured!)).toBeLessThan(1e-5);
        expect(Math.abs(got.probabilities.normal - want.probabilities.normal!)).toBeLessThan(1e-5);
        expect(got.timingsMs.total).toBeGreaterThan(0);
        for (const step of ['decode', 'preprocess', 'queue', 'inference']) expect(got.timingsMs[step]).toBeGreaterThanOrEqual(0);
      }
      expect(batchResults[i].file).toBe(path.basename(file));
      distinct.add(want.probabilities.fractured!.toFixed(6));
    }
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('batches concurrent requests into one engine run and keeps each answer its own', async () => {
    const batched = await server({ batchWaitMs: 50 });
    const bodies = ws.images.map((file) => fs.readFileSync(file));
    const alone = await Promise.all(
      bodies.map(async (payload) => (await app.inject({ method: 'POST', url: '/v1/predict', headers: { ...bearer(ws.predictKey), 'content-type': 'image/png' }, payload })).json()),
    );
    const together = await Promise.all(
      bodies.map(async (payload) => (await batched.inject({ method: 'POST', url: '/v1/predict', headers: { ...bearer(ws.predictKey), 'content-type': 'image/png' }, payload })).json()),
    );
    expect(Math.max(...together.map((r) => r.batchSize))).toBeGreaterThan(1);
    together.forEach((r, i) => expect(r.probabilities.fractured).toBeCloseTo(alone[i].probabilities.fractured, 6));
  });

  it('adds the class activation overlay and its peak with ?heatmap=1', async () => {
    const bytes = fs.readFileSync(ws.images[3]!);
    const response = await app.inject({ method: 'POST', url: '/v1/predict?heatmap=1', headers: { ...bearer(ws.predictKey), 'content-type': 'image/png' }, payload: bytes });
    expect(response.statusCode).toBe(200);
    const { heatmap, label } = response.json();
    expect(heatmap.className).toBe(label);
    const png = await sharp(Buffer.from(heatmap.png, 'base64')).metadata();
    expect(png.format).toBe('png');
    expect(png.width! / png.height!).toBeCloseTo(64 / 48, 1);
    expect(heatmap.peak.x).toBeGreaterThanOrEqual(0);
    expect(heatmap.peak.x).toBeLessThan(64);
    expect(heatmap.peak.y).toBeLessThan(48);
    const plain = await app.inject({ method: 'POST', url: '/v1/predict', headers: { ...bearer(ws.predictKey), 'content-type': 'image/png' }, payload: bytes });
    expect(plain.json().heatmap).toBeUndefined();
  });

  it('reports each bad file of a batch and classifies the rest', async () => {
    const form = multipartBody([
      { name: 'good.png', bytes: fs.readFileSync(ws.images[0]!) },
      { name: 'notes.txt', bytes: Buffer.from('not an image at all, just some words') },
      { name: 'bomb.png', bytes: pngClaiming(100_000, 100_000) },
    ]);
    const response = await app.inject({ method: 'POST', url: '/v1/predict/batch', headers: { ...bearer(ws.predictKey), ...form.headers }, payload: form.payload });
    expect(response.statusCode).toBe(200);
    const [good, text, bomb] = response.json().results;
    expect(good.label).toMatch(/fractured|normal/);
    expect(text).toMatchObject({ file: 'notes.txt', error: { code: 'UNSUPPORTED_FORMAT' } });
    expect(bomb).toMatchObject({ file: 'bomb.png', error: { code: 'TOO_MANY_PIXELS' } });
  });
});

describe('security and limits', () => {
  const image = () => fs.readFileSync(ws.images[0]!);
  const predict = (headers: Record<string, string>, payload: Buffer | string = image(), target = app) =>
    target.inject({ method: 'POST', url: '/v1/predict', headers: { 'content-type': 'image/png', ...headers }, payload });

  it('needs a live key of the right scope on every route but health and readiness', async () => {
    expect((await predict({})).statusCode).toBe(401);
    expect((await predict({})).json().error.code).toBe('UNAUTHORIZED');
    expect((await predict(bearer('ost_000000000000_' + 'A'.repeat(43)))).statusCode).toBe(401);
    expect((await predict({ authorization: `Basic ${ws.predictKey}` })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/models' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ ready: true, modelVersion: ws.versions[0].version });

    const promote = { method: 'POST' as const, url: `/v1/admin/models/${ws.versions[0].version}/promote` };
    const forbidden = await app.inject({ ...promote, headers: bearer(ws.predictKey) });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('FORBIDDEN');
    expect((await app.inject({ ...promote, headers: bearer(ws.adminKey) })).statusCode).toBe(200);

    const doomed = ws.keys.create({ scope: 'predict' });
    expect((await predict(bearer(doomed.key))).statusCode).toBe(200);
    ws.keys.revoke(doomed.id);
    const revoked = await predict(bearer(doomed.key));
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.message).toMatch(/revoked/);
  });

  it('refuses an oversized body with 413', async () => {
    const small = await server({ maxBodyBytes: 16 * 1024 });
    const big = await greyPng(400, 300, 9); // noise compresses badly: well over 16 KiB
    expect(big.length).toBeGreaterThan(16 * 1024);
    const raw = await predict(bearer(ws.predictKey), big, small);
    expect(raw.statusCode).toBe(413);
    expect(raw.json().error.code).toBe('BODY_TOO_LARGE');
    const form = multipartBody([{ name: 'big.png', bytes: big }]);
    const multipart = await small.inject({ method: 'POST', url: '/v1/predict', headers: { ...bearer(ws.predictKey), ...form.headers }, payload: form.payload });
    expect(multipart.statusCode).toBe(413);
  });

  it('refuses unsupported media types and undecodable files with 415', async () => {
    const json = await app.inject({ method: 'POST', url: '/v1/predict', headers: bearer(ws.predictKey), payload: { image: 'x' } });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const xml = await predict({ ...bearer(ws.predictKey), 'content-type': 'application/xml' }, '<x/>');
    expect(xml.statusCode).toBe(415);
    const text = await predict({ ...bearer(ws.predictKey), 'content-type': 'application/octet-stream' }, Buffer.from('hello, these are notes'));
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('UNSUPPORTED_FORMAT');
  });

  it('refuses decompression bombs from their header, fast, with 422', async () => {
    const claimed = pngClaiming(100_000, 100_000);
    const start = performance.now();
    const response = await predict(bearer(ws.predictKey), claimed);
    expect(performance.now() - start).toBeLessThan(500);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('TOO_MANY_PIXELS');

    // A real, valid PNG: 9 megapixels of one grey, a few KiB compressed.
    const strict = await server({ maxPixels: 4_000_000 });
    const bomb = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#808080' } }).greyscale().png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(200_000);
    const t0 = performance.now();
    const real = await predict(bearer(ws.predictKey), bomb, strict);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(real.statusCode).toBe(422);
  });

  it('answers 400 to malformed multipart', async () => {
    const garbage = await app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: { ...bearer(ws.predictKey), 'content-type': 'multipart/form-data; boundary=xyz' },
      payload: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc',
    });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().error.code).toBe('MALFORMED_MULTIPART');
    const noBoundary = await app.inject({ method: 'POST', url: '/v1/predict', headers: { ...bearer(ws.predictKey), 'content-type': 'multipart/form-data' }, payload: 'x' });
    expect(noBoundary.statusCode).toBe(400);
    const wrongField = multipartBody([{ field: 'image', name: 'a.png', bytes: image() }]);
    const missing = await app.inject({ method: 'POST', url: '/v1/predict', headers: { ...bearer(ws.predictKey), ...wrongField.headers }, payload: wrongField.payload });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('MISSING_FILE');
  });

  it('limits each key to its rate with 429 and Retry-After', async () => {
    const limited = await server({ rateLimitPerMinute: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await predict(bearer(ws.predictKey), image(), limited)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await predict(bearer(ws.predictKey), image(), limited);
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await predict(bearer(ws.adminKey), image(), limited)).statusCode).toBe(200);
    expect((await limited.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('keeps CORS off unless an origin is given', async () => {
    const preflight = { method: 'OPTIONS' as const, url: '/v1/predict', headers: { origin: 'https://ui.example', 'access-control-request-method': 'POST' } };
    expect((await app.inject(preflight)).headers['access-control-allow-origin']).toBeUndefined();
    const open = await server({ corsOrigin: 'https://ui.example' });
    const answer = await open.inject(preflight);
    expect(answer.statusCode).toBeLessThan(300);
    expect(answer.headers['access-control-allow-origin']).toBe('https://ui.example');
  });

  it('logs requests as JSON without keys or image bytes', async () => {
    let logged = '';
    const stream = new Writable({ write: (chunk, _encoding, done) => ((logged += String(chunk)), done()) });
    const logging = await server({ logger: { level: 'info', stream } });
    const bytes = image();
    await predict(bearer(ws.predictKey), bytes, logging);
    await predict({ authorization: 'Bearer not-a-real-key' }, bytes, logging);
    const lines = logged.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.some((l) => l.req?.url === '/v1/predict')).toBe(true);
    expect(lines.some((l) => l.res?.statusCode === 401)).toBe(true);
    expect(logged).not.toContain(ws.predictKey.slice(10));
    expect(logged).not.toContain('not-a-real-key');
    expect(logged).not.toContain(bytes.subarray(16, 40).toString('base64'));
  });
});

describe('models and deployment', () => {
  it('answers 503 with a clear message while no model is deployed', async () => {
    const empty = await servingWorkspace({ deploy: false });
    try {
      const bare = await buildServer({ catalog: empty.registry, keys: empty.keys, engine: { threads: 1 } });
      const response = await bare.app.inject({ method: 'POST', url: '/v1/predict', headers: { ...bearer(empty.predictKey), 'content-type': 'image/png' }, payload: fs.readFileSync(empty.images[0]!) });
      expect(response.statusCode).toBe(503);
      expect(response.json().error).toMatchObject({ code: 'NO_MODEL_DEPLOYED', message: expect.stringMatching(/osteon deploy/) });
      expect((await bare.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      expect((await bare.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      await bare.app.close();
    } finally {
      empty.cleanup();
    }
  });

  it('lists versions and the deployed one; admins promote and roll back', async () => {
    const [v1, v2] = ws.versions;
    const models = (await app.inject({ method: 'GET', url: '/v1/models', headers: bearer(ws.predictKey) })).json();
    expect(models.versions.map((v: { version: number }) => v.version)).toEqual([v1.version, v2.version]);
    expect(models.versions[0]).not.toHaveProperty('file');
    expect(models.deployed).toBe(v1.version);
    const promoted = await app.inject({ method: 'POST', url: `/v1/admin/models/${v2.version}/promote`, headers: bearer(ws.adminKey) });
    expect(promoted.json()).toMatchObject({ version: { version: v2.version }, serving: v2.version });
    const rolled = await app.inject({ method: 'POST', url: '/v1/admin/models/rollback', headers: bearer(ws.adminKey) });
    expect(rolled.json()).toMatchObject({ version: { version: v1.version }, serving: v1.version });
    const missing = await app.inject({ method: 'POST', url: '/v1/admin/models/99/promote', headers: bearer(ws.adminKey) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('MODEL_VERSION_NOT_FOUND');
  });

  it('swaps to a version promoted by another process under steady traffic, failing no request', async () => {
    const [v1, v2] = ws.versions;
    const watched = await server({ watchIntervalMs: 20 });
    const other = ModelRegistry.open(ws.workspace); // another process's view: only the files are shared
    const payload = fs.readFileSync(ws.images[2]!);
    const engines = await Promise.all([v1, v2].map((v) => InferenceEngine.load(v.file, { threads: 1 })));
    const [p1, p2] = await Promise.all(engines.map(async (e) => (await predictReport(e, [ws.images[2]!]))[0] as unknown as { probabilities: { fractured: number } }));
    await Promise.all(engines.map((e) => e.release()));
    expect(Math.abs(p1!.probabilities.fractured - p2!.probabilities.fractured)).toBeGreaterThan(1e-4);

    const seen: { status: number; version: number; fractured: number }[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const r = await watched.inject({ method: 'POST', url: '/v1/predict', headers: { ...bearer(ws.predictKey), 'content-type': 'image/png' }, payload });
        const body = r.json();
        seen.push({ status: r.statusCode, version: body.modelVersion, fractured: body.probabilities?.fractured });
      }
    };
    const clients = Array.from({ length: 4 }, client);
    const waitFor = async (version: number) => {
      const from = seen.length;
      while (!seen.slice(from).some((s) => s.version === version)) await new Promise((r) => setTimeout(r, 10));
    };
    await new Promise((r) => setTimeout(r, 100));
    other.promote(v2.version);
    await waitFor(v2.version);
    other.rollback();
    await waitFor(v1.version);
    await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await Promise.all(clients);

    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    for (const s of seen) expect(s.fractured).toBeCloseTo(s.version === v1.version ? p1!.probabilities.fractured : p2!.probabilities.fractured, 5);
    expect(new Set(seen.map((s) => s.version))).toEqual(new Set([v1.version, v2.version]));
  });
});

describe('documentation, web UI and shutdown', () => {
  it('serves the OpenAPI document and a docs page from local assets', async () => {
    const spec = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toEqual(expect.arrayContaining(['/v1/predict', '/v1/predict/batch', '/v1/models', '/healthz', '/readyz']));
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/(src|href)="https?:/);
    const asset = page.body.match(/src="\.?\/?([^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    expect((await app.inject({ method: 'GET', url: `/docs/${asset!.replace(/^docs\//, '')}` })).statusCode).toBe(200);
  });

  it('serves a static folder at / and extra plugins, whose routes need a key by default', async () => {
    const site = path.join(ws.dir, 'site');
    fs.mkdirSync(site, { recursive: true });
    fs.writeFileSync(path.join(site, 'index.html'), '<h1>Osteon</h1>');
    const ui = await server({
      staticDir: site,
      extraPlugins: [async (scope) => {
        scope.get('/v1/ui/whoami', async (request) => ({ key: request.apiKey?.id }));
      }],
    });
    const index = await ui.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('Osteon');
    expect((await ui.inject({ method: 'GET', url: '/v1/ui/whoami' })).statusCode).toBe(401);
    const me = await ui.inject({ method: 'GET', url: '/v1/ui/whoami', headers: bearer(ws.predictKey) });
    expect(me.json().key).toMatch(/^[0-9a-f]{12}$/);
  });

  it('finishes requests in flight when it closes', async () => {
    const { app: closing, holder } = await buildServer({ catalog: ModelRegistry.open(ws.workspace), keys: ws.keys, engine: { threads: 1 }, batchWaitMs: 300 });
    const url = await closing.listen({ host: '127.0.0.1', port: 0 });
    const inFlight = fetch(`${url}/v1/predict`, { method: 'POST', headers: { ...bearer(ws.predictKey), 'content-type': 'image/png' }, body: fs.readFileSync(ws.images[0]!) });
    // Close only once the request holds the model (on a loaded machine it may take a while to get there); it then
    // waits 300 ms in the micro-batcher.
    await expect.poll(() => holder.current?.busy ?? 0, { timeout: 30_000, interval: 5 }).toBeGreaterThan(0);
    const closed = closing.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((await response.json()).label).toMatch(/fractured|normal/);
    const answered = performance.now();
    await closed;
    expect(performance.now() - answered).toBeLessThan(5000); // keep-alive sockets do not hold the close
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
