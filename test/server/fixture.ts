// A workspace ready to serve: two registered versions of a tiny Osteon model (different weights, so their
// probabilities differ), the first deployed, one key per scope, and a few radiograph-like PNGs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openStore, type DatasetStore } from '../../src/data/store.js';
import type { PreprocessSpec } from '../../src/imaging/types.js';
import { exportOnnx } from '../../src/nn/export.js';
import { InlineModel } from '../../src/nn/engine/inline.js';
import { ModelRegistry, type ModelVersion } from '../../src/serve/registry/index.js';
import { ApiKeyStore } from '../../src/server/api-keys.js';
import { prng, tinyNet } from '../helpers/tiny-graphs.js';

export const TINY_SPEC: PreprocessSpec = { size: 24, channels: 1, mean: [0.45], std: [0.22], resize: 'letterbox' };

export interface ServingWorkspace {
  dir: string;
  workspace: string;
  store: DatasetStore;
  registry: ModelRegistry;
  keys: ApiKeyStore;
  versions: [ModelVersion, ModelVersion];
  predictKey: string;
  adminKey: string;
  /** PNG files of varied sizes and content. */
  images: string[];
  cleanup(): void;
}

export async function tinyModelBytes(seed: number): Promise<Uint8Array> {
  const graph = tinyNet();
  const torch = new InlineModel(graph, { seed, threads: 1 });
  const state = await torch.stateDict();
  await torch.dispose();
  return exportOnnx(graph, state, { spec: TINY_SPEC, classes: ['fractured', 'normal'], threshold: 0.5, runId: `seed-${seed}` });
}

/** A grey PNG whose content varies with the seed, so images get different scores. */
export async function greyPng(width: number, height: number, seed: number): Promise<Buffer> {
  const random = prng(seed);
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = (x * seed * 7 + y * 3 + random() * 60) % 256;
  return sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

export async function servingWorkspace(options: { deploy?: boolean } = {}): Promise<ServingWorkspace> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-server-'));
  const workspace = path.join(dir, 'workspace');
  const store = openStore(workspace);
  const registry = ModelRegistry.open(workspace);
  const v1 = registry.register(await tinyModelBytes(1), { note: 'first' });
  const v2 = registry.register(await tinyModelBytes(2), { note: 'second' });
  if (options.deploy ?? true) registry.promote(v1.version);
  const keys = new ApiKeyStore(store.db);
  const images = await Promise.all(
    [
      [40, 28],
      [24, 24],
      [31, 57],
      [64, 48],
      [20, 33],
    ].map(async ([w, h], i) => {
      const file = path.join(dir, `image-${i}.png`);
      fs.writeFileSync(file, await greyPng(w!, h!, i + 2));
      return file;
    }),
  );
  return {
    dir,
    workspace,
    store,
    registry,
    keys,
    versions: [v1, v2],
    predictKey: keys.create({ scope: 'predict', name: 'tests' }).key,
    adminKey: keys.create({ scope: 'admin', name: 'tests' }).key,
    images,
    cleanup: () => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data body with one part per file, as a browser or curl -F sends it. */
export function multipartBody(files: { field?: string; name: string; bytes: Uint8Array; type?: string }[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----osteon${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.name}"\r\n` +
          `Content-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      Buffer.from(f.bytes),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
