// `osteon keys` and `osteon serve`, in-process.
import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register as registerKeys } from '../../src/cli/commands/keys.js';
import { register as registerServe } from '../../src/cli/commands/serve.js';
import { ApiKeyStore } from '../../src/server/api-keys.js';
import { startServer } from '../../src/server/start.js';
import { runCommandInProcess } from '../helpers/run-command.js';
import { servingWorkspace } from './fixture.js';

const ws = await servingWorkspace();
afterAll(() => ws.cleanup());
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const keys = async (...args: string[]) => JSON.parse(await runCommandInProcess(registerKeys, 'keys', [...args, '--workspace', ws.workspace, '--json']));

describe('osteon keys', () => {
  it('creates a key shown once, lists keys without secrets, and revokes', async () => {
    const created = await keys('create', '--scope', 'admin', '--name', 'ci');
    expect(created).toMatchObject({ scope: 'admin', name: 'ci', id: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(created.key).toMatch(/^ost_/);
    expect(new ApiKeyStore(ws.store.db).verify(created.key)?.scope).toBe('admin');
    const listed = await keys('list');
    expect(listed.keys.map((k: { id: string }) => k.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(-20));
    const revoked = await keys('revoke', created.id);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect(new ApiKeyStore(ws.store.db).verify(created.key)).toBeNull();
  });

  it('refuses an unknown scope and an unknown id', async () => {
    expect((await keys('create', '--scope', 'root')).error.code).toBe('BAD_OPTION');
    expect((await keys('revoke', 'ffffffffffff')).error.code).toBe('KEY_NOT_FOUND');
  });
});

describe('osteon serve', () => {
  it('refuses --no-auth on a host other machines can reach', async () => {
    const out = JSON.parse(await runCommandInProcess(registerServe, 'serve', ['--no-auth', '--host', '0.0.0.0', '--port', '0', '--workspace', ws.workspace, '--json']));
    expect(out.error.code).toBe('AUTH_REQUIRED');
    expect(process.exitCode).toBe(2);
    await expect(startServer({ workspace: ws.workspace, host: '192.168.1.5', port: 0, auth: false })).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('serves without keys on loopback with --no-auth, and with keys otherwise', async () => {
    const open = await startServer({ workspace: ws.workspace, host: '127.0.0.1', port: 0, auth: false, engine: { threads: 1 } });
    const guarded = await startServer({ workspace: ws.workspace, host: '127.0.0.1', port: 0, auth: true, engine: { threads: 1 } });
    try {
      const body = fs.readFileSync(ws.images[0]!);
      const post = (url: string, headers: Record<string, string> = {}) =>
        fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'image/png', ...headers }, body });
      expect((await post(open.url)).status).toBe(200);
      expect((await post(guarded.url)).status).toBe(401);
      const answer = await post(guarded.url, { authorization: `Bearer ${ws.predictKey}` });
      expect(answer.status).toBe(200);
      expect((await answer.json()).modelVersion).toBe(ws.versions[0].version);
    } finally {
      await open.close();
      await guarded.close();
    }
  });
});
