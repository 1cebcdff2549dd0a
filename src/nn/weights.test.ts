import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullWeights, weightsPath } from './weights.js';

describe('pulling published weights', () => {
  const content = Buffer.from('pretend these are ImageNet weights');
  const good = `tiny-${crypto.createHash('sha256').update(content).digest('hex').slice(0, 8)}.pth`;
  const catalog = { tiny: good, corrupt: 'corrupt-00000000.pth' };
  let server: http.Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === `/${good}` || req.url === '/corrupt-00000000.pth') res.end(content);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => server.close());

  it('downloads, verifies the hash prefix in the name, and caches', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-weights-'));
    const first = await pullWeights('tiny', { dir, baseUrl, catalog });
    expect(first).toEqual({ file: path.join(dir, good), cached: false });
    expect(fs.readFileSync(first.file)).toEqual(content);
    expect((await pullWeights('tiny', { dir, baseUrl: 'http://127.0.0.1:9/', catalog })).cached).toBe(true);
  });

  it('rejects a file whose hash does not match its name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-weights-'));
    await expect(pullWeights('corrupt', { dir, baseUrl, catalog })).rejects.toMatchObject({ code: 'WEIGHTS_HASH_MISMATCH' });
    expect(fs.existsSync(path.join(dir, 'corrupt-00000000.pth'))).toBe(false);
  });

  it('fails at once offline, saying where to put the file by hand', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-weights-'));
    const started = Date.now();
    const error = await pullWeights('resnet18', { dir, baseUrl: 'http://127.0.0.1:9/' }).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.code).toBe('WEIGHTS_UNREACHABLE');
    expect(error.message).toContain(weightsPath('resnet18', dir));
  });

  it('names the architectures it knows when asked for another', () => {
    expect(() => weightsPath('vgg16', '/tmp')).toThrow(/Known: mobilenet_v2, resnet18/);
  });
});
