// The job queue over HTTP: the admin routes of the API, and the training page's launches, which are jobs of the
// same queue (so they show in `osteon jobs list` and cancel as jobs).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register as registerJobs } from '../../src/cli/commands/jobs.js';
import { openStore } from '../../src/data/index.js';
import type { JobInfo } from '../../src/jobs/index.js';
import { ApiKeyStore } from '../../src/server/api-keys.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { webPlugins } from '../../src/server/web-routes/index.js';
import { getRun } from '../../src/train/runs.js';
import { runCommandInProcess } from '../helpers/run-command.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

const tiny = { size: 32, set: { batchSize: 8, threads: 1 } };

/** Server-sent events as [type, data] pairs. */
function parseEvents(text: string): Array<[string, any]> {
  return text.split('\n\n').filter((b) => b.startsWith('event:')).map((b) => {
    const [type, data] = b.split('\n');
    return [type!.slice(7), JSON.parse(data!.slice(6))];
  });
}

describe('the job queue over HTTP', () => {
  let workspace: string;
  /** Works its jobs, keys on. */
  let working: RunningServer;
  /** Enqueues only (`--no-worker`), on a workspace of its own: its jobs wait in the queue. */
  let enqueueing: RunningServer;
  let admin: string;
  let predict: string;

  beforeAll(async () => {
    ({ workspace } = await syntheticProject({ n: 40, size: 48, seed: 3, name: 'elbow' }));
    working = await startServer({ workspace, host: '127.0.0.1', port: 0, auth: true, extraPlugins: webPlugins({ workspace }) });
    const idle = await syntheticProject({ n: 12, size: 32, seed: 4, name: 'elbow' });
    enqueueing = await startServer({ workspace: idle.workspace, host: '127.0.0.1', port: 0, auth: false, worker: false });
    const keys = new ApiKeyStore(working.store.db);
    admin = keys.create({ scope: 'admin', name: 'test' }).key;
    predict = keys.create({ scope: 'predict', name: 'test' }).key;
  });
  afterAll(async () => {
    await working?.close();
    await enqueueing?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  const call = async (server: RunningServer, method: 'GET' | 'POST', path: string, body?: unknown, key: string | null = admin) => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(server.url + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', text, body: text.startsWith('{') ? JSON.parse(text) : null };
  };

  it('documents the routes in the OpenAPI document and keeps them to admin keys', async () => {
    const paths = Object.keys(JSON.parse((await call(working, 'GET', '/openapi.json', undefined, null)).text).paths);
    for (const path of ['/v1/admin/train', '/v1/admin/sweep', '/v1/admin/jobs', '/v1/admin/jobs/{id}', '/v1/admin/jobs/{id}/events', '/v1/admin/jobs/{id}/cancel']) {
      expect(paths).toContain(path);
    }
    expect((await call(working, 'GET', '/v1/admin/jobs', undefined, null)).status).toBe(401);
    expect((await call(working, 'GET', '/v1/admin/jobs', undefined, predict)).body.error.code).toBe('FORBIDDEN');
  });

  it('refuses what it cannot train before enqueueing anything', async () => {
    const train = (body: unknown) => call(enqueueing, 'POST', '/v1/admin/train', body, null);
    expect((await train({ project: 'nope', arch: 'resnet18' }))).toMatchObject({ status: 404, body: { error: { code: 'PROJECT_NOT_FOUND' } } });
    expect((await train({ project: 'elbow', arch: 'vgg99' }))).toMatchObject({ status: 400, body: { error: { code: 'UNKNOWN_ARCHITECTURE' } } });
    expect((await train({ project: 'elbow', arch: 'resnet18', set: { colour: 1 } })).body.error.code).toBe('BAD_OPTION');
    expect((await train({ project: 'elbow' })).status).toBe(400);
    expect((await call(enqueueing, 'GET', '/v1/admin/jobs/job-none', undefined, null))).toMatchObject({ status: 404, body: { error: { code: 'JOB_NOT_FOUND' } } });
    expect((await call(enqueueing, 'GET', '/v1/admin/jobs', undefined, null)).body.jobs).toEqual([]);
  });

  it('enqueues a sweep as one job per trial; without a worker they wait, and cancel at once', async () => {
    const swept = await call(enqueueing, 'POST', '/v1/admin/sweep', { project: 'elbow', arch: 'squeezenet1_1', grid: 'lr=1e-3,3e-4', epochs: 1, ...tiny }, null);
    expect(swept.status).toBe(202);
    expect(swept.body.sweep).toMatch(/^sweep-/);
    const jobs = swept.body.jobs as JobInfo[];
    expect(jobs.map((j) => [j.kind, j.status, j.group, (j.payload as { params: unknown }).params])).toEqual([
      ['sweep-trial', 'queued', swept.body.sweep, { lr: '1e-3' }],
      ['sweep-trial', 'queued', swept.body.sweep, { lr: '3e-4' }],
    ]);
    const listed = await call(enqueueing, 'GET', `/v1/admin/jobs?group=${swept.body.sweep}&status=queued`, undefined, null);
    expect(listed.body.jobs.map((j: JobInfo) => j.id)).toEqual(jobs.map((j) => j.id));
    for (const job of jobs) {
      const cancelled = await call(enqueueing, 'POST', `/v1/admin/jobs/${job.id}/cancel`, undefined, null);
      expect(cancelled.body.job).toMatchObject({ id: job.id, status: 'cancelled' });
    }
    // A finished job's stream says what it is and ends.
    const stream = await call(enqueueing, 'GET', `/v1/admin/jobs/${jobs[0]!.id}/events`, undefined, null);
    expect(stream.type).toContain('text/event-stream');
    expect(parseEvents(stream.text).at(-1)).toEqual(['job', expect.objectContaining({ id: jobs[0]!.id, status: 'cancelled' })]);
  });

  it('trains through the server\'s own worker and streams the job\'s progress to the end', async () => {
    const enqueued = await call(working, 'POST', '/v1/admin/train', { project: 'elbow', archs: ['squeezenet1_1'], epochs: 2, ...tiny });
    expect(enqueued.status).toBe(202);
    const [job] = enqueued.body.jobs as JobInfo[];
    expect(job).toMatchObject({ kind: 'train', status: 'queued', group: enqueued.body.group });
    const stream = await call(working, 'GET', `/v1/admin/jobs/${job!.id}/events`);
    const events = parseEvents(stream.text);
    const epochs = events.filter(([type, e]) => type === 'progress' && e.progress.metrics).map(([, e]) => e.progress.metrics.epoch);
    expect(epochs).toEqual([0, 1]);
    // every step's loss is in the progress, for the page's curve
    const steps = events.flatMap(([type, e]) => (type === 'progress' && e.progress.detail?.type === 'steps' ? e.progress.detail.steps : []));
    expect(steps.length).toBe(2 * events.find(([, e]) => e.progress?.detail?.type === 'start')![1].progress.detail.stepsPerEpoch);
    expect(steps.every((s: { loss: number }) => Number.isFinite(s.loss))).toBe(true);
    const last = events.at(-1)!;
    expect(last[0]).toBe('job');
    expect(last[1]).toMatchObject({ status: 'completed', result: { epochsDone: 2, attempt: 1, startEpoch: 0 } });

    const listed = JSON.parse(await runCommandInProcess(registerJobs, 'jobs', ['list', '--workspace', workspace, '--json']));
    expect(listed.jobs).toContainEqual(expect.objectContaining({ id: job!.id, status: 'completed' }));
  }, 120_000);

  it('launches the training page\'s runs as jobs, follows them, and cancels them as jobs', async () => {
    // No early stopping: the run must still be training when the cancel arrives.
    const launched = await call(working, 'POST', '/api/projects/elbow/trainings', { archs: ['squeezenet1_1'], recipe: { size: 32, epochs: 30, batchSize: 8, threads: 1, patience: 0 } });
    expect(launched.status).toBe(202);
    const session = launched.body.session;
    expect(session).toMatchObject({ status: 'running', jobs: [{ status: 'queued' }], recipes: [{ arch: 'squeezenet1_1', epochs: 30, lr: 3e-4 }] });
    const jobId = session.jobs[0].id as string;
    expect((await call(working, 'GET', `/v1/admin/jobs/${jobId}`)).body.job).toMatchObject({ kind: 'train', group: session.id });

    // Following the session from the page: cancel once a step has been drawn, and the stream ends cancelled.
    const response = await fetch(`${working.url}/api/trainings/${session.id}/events`, { headers: { authorization: `Bearer ${admin}` } });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let cancelled = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      if (!cancelled && /event: step\n/.test(text)) {
        cancelled = true;
        expect((await call(working, 'POST', `/api/trainings/${session.id}/cancel`)).body).toEqual({ cancelling: true });
      }
    }
    const events = parseEvents(text);
    const types = events.map(([type]) => type);
    expect(types[0]).toBe('session');
    expect(types).toContain('start');
    expect(types).toContain('step');
    expect(types).toContain('run-finished');
    expect(events.at(-1)).toEqual(['session', expect.objectContaining({ id: session.id, status: 'cancelled' })]);

    const job = (await call(working, 'GET', `/v1/admin/jobs/${jobId}`)).body.job as JobInfo;
    expect(job.status).toBe('cancelled');
    const runId = events.find(([type]) => type === 'start')![1].runId as string;
    const store = openStore(workspace);
    try {
      expect(getRun(store, runId).status).toBe('stopped');
    } finally {
      store.close();
    }
    const sessions = (await call(working, 'GET', '/api/projects/elbow/trainings')).body.sessions;
    expect(sessions.map((s: { id: string; status: string }) => [s.id, s.status])).toContainEqual([session.id, 'cancelled']);
    // what the page can no longer cancel
    expect((await call(working, 'POST', `/api/trainings/${session.id}/cancel`)).body).toEqual({ cancelling: false });
    expect((await call(working, 'GET', '/api/trainings/training-none')).body.error.code).toBe('TRAINING_NOT_FOUND');
  }, 120_000);
});
