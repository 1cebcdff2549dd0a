import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register as registerGather } from '../../src/cli/commands/gather.js';
import { createProject, importPath, listImages, openStore, type DatasetStore, type Project } from '../../src/data/index.js';
import { decodeImage, type PreprocessSpec } from '../../src/imaging/index.js';
import { embedProjectImages, findSimilar, flipHorizontal, ModelEmbedder, PerceptualEmbedder, type ImageEmbedder } from '../../src/gather/index.js';
import { exportOnnx } from '../../src/nn/export.js';
import { InlineModel } from '../../src/nn/engine/inline.js';
import { encodeGreyPng, generateRadiograph } from '../../src/synth/index.js';
import { runCommandInProcess } from '../helpers/run-command.js';
import { tinyNet } from '../helpers/tiny-graphs.js';

const LIBRARY = 200;
/** Images whose mirror image joins the library; each query asks for its nearest neighbour. */
const QUERIES = [3, 50, 101, 150, 199];
const SIZE = 72;
/** An image that also joins the library smaller and re-encoded as JPEG. */
const RESIZED = 7;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-similar-'));
const folder = path.join(root, 'library');
const workspace = path.join(root, 'workspace');
const modelFile = path.join(root, 'model.onnx');
let store: DatasetStore;
let project: Project;
const idOf = new Map<string, number>();

function flipped(pixels: Uint8Array, width: number): Uint8Array {
  return Uint8Array.from(pixels, (_, i) => pixels[i - (i % width) + width - 1 - (i % width)]!);
}

beforeAll(async () => {
  fs.mkdirSync(folder);
  for (let i = 0; i < LIBRARY; i++) {
    const r = generateRadiograph(11, i, { size: SIZE });
    fs.writeFileSync(path.join(folder, `image-${i}.png`), await encodeGreyPng(r.pixels, r.width, r.height));
    if (QUERIES.includes(i)) fs.writeFileSync(path.join(folder, `flipped-${i}.png`), await encodeGreyPng(flipped(r.pixels, r.width), r.width, r.height));
    if (i === RESIZED) {
      const smaller = sharp(r.pixels, { raw: { width: r.width, height: r.height, channels: 1 } }).resize(56, 56).jpeg({ quality: 80 });
      await smaller.toFile(path.join(folder, `resized-${i}.jpg`));
    }
  }
  store = openStore(workspace);
  project = createProject(store, 'library');
  const report = await importPath(store, project, folder);
  expect(report.imported).toBe(LIBRARY + QUERIES.length + 1);
  for (const image of listImages(store, project.id)) idOf.set(image.originalName, image.id);

  // A small network with untrained weights: its features still tell images apart.
  const graph = tinyNet();
  const spec: PreprocessSpec = { size: 32, channels: 1, mean: [0.45], std: [0.22], resize: 'letterbox' };
  const state = await new InlineModel(graph, { seed: 3, threads: 1 }).stateDict();
  fs.writeFileSync(modelFile, exportOnnx(graph, state, { spec, classes: ['fractured', 'normal'], threshold: 0.5, runId: 'similar-test' }));
});

afterAll(() => {
  store?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function expectFlipRanksFirst(embedder: ImageEmbedder): Promise<void> {
  for (const i of QUERIES) {
    const result = await findSimilar(store, project.id, { imageId: idOf.get(`image-${i}.png`)! }, { k: 5, embedder });
    expect(result.embedder).toBe(embedder.id);
    expect(result.neighbours).toHaveLength(5);
    expect(result.neighbours[0]!.image.originalName, `the nearest to image-${i}`).toBe(`flipped-${i}.png`);
    expect(result.neighbours[0]!.distance).toBeLessThan(0.5 * result.neighbours[1]!.distance);
    expect(result.neighbours.map((n) => n.image.id)).not.toContain(idOf.get(`image-${i}.png`));
  }
}

describe('similar-image search', () => {
  it('perceptual embedding: each image\'s flipped copy ranks first among 200 others; vectors are stored once', async () => {
    const embedder = new PerceptualEmbedder();
    await expectFlipRanksFirst(embedder);
    const stored = store.db.prepare('SELECT COUNT(*) AS n FROM image_embeddings WHERE embedder = ?').get(embedder.id) as { n: number };
    expect(stored.n).toBe(LIBRARY + QUERIES.length + 1);
    expect((await embedProjectImages(store, project.id, embedder)).embedded).toBe(0);
  });

  it('model embedding (the penultimate layer, averaged with the mirror image): the flipped copy ranks first too', async () => {
    const embedder = await ModelEmbedder.load(modelFile, { threads: 1 });
    try {
      const image = await decodeImage(fs.readFileSync(path.join(folder, 'image-3.png')));
      const [a, b] = await embedder.embed([image, flipHorizontal(image)]);
      expect(a!.length).toBe(16);
      for (let k = 0; k < a!.length; k++) expect(a![k]).toBeCloseTo(b![k]!, 5);
      await expectFlipRanksFirst(embedder);
    } finally {
      await embedder.release();
    }
  });

  it('perceptual embedding: a smaller JPEG copy ranks first too', async () => {
    const result = await findSimilar(store, project.id, { imageId: idOf.get(`image-${RESIZED}.png`)! }, { k: 2 });
    expect(result.neighbours[0]!.image.originalName).toBe(`resized-${RESIZED}.jpg`);
  });

  it('a file finds the image it equals and that image\'s mirror image first', async () => {
    const result = await findSimilar(store, project.id, { file: path.join(folder, 'flipped-50.png') }, { k: 3 });
    expect(result.neighbours[0]!.distance).toBeCloseTo(0, 6);
    expect(new Set(result.neighbours.slice(0, 2).map((n) => n.image.originalName))).toEqual(new Set(['flipped-50.png', 'image-50.png']));
  });

  it('osteon gather similar --like ID and --like FILE --model', async () => {
    const run = async (...args: string[]) =>
      JSON.parse(await runCommandInProcess(registerGather, 'gather', ['similar', '--project', 'library', '--workspace', workspace, '--json', ...args]));
    const byId = await run('--like', String(idOf.get('image-101.png')), '--k', '3');
    expect(byId.embedder).toBe('perceptual-v1');
    expect(byId.similar).toHaveLength(3);
    expect(byId.similar[0]).toMatchObject({ id: idOf.get('flipped-101.png'), originalName: 'flipped-101.png' });
    const byFile = await run('--like', path.join(folder, 'image-150.png'), '--model', modelFile);
    expect(byFile.embedder).toMatch(/^model:[0-9a-f]{16}$/);
    expect(byFile.similar).toHaveLength(20);
    expect(new Set(byFile.similar.slice(0, 2).map((s: { originalName: string }) => s.originalName))).toEqual(new Set(['image-150.png', 'flipped-150.png']));
    const missing = await run('--like', '999999');
    expect(missing.error.code).toBe('IMAGE_NOT_FOUND');
  });
});
