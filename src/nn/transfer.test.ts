import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomBatch, tinyNet } from '../../test/helpers/tiny-graphs.js';
import { GraphBuilder } from './builder.js';
import { InlineModel } from './engine/inline.js';
import { loadNative } from './native.js';
import { initialiseFromCheckpoint, readStateDictFile } from './transfer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-transfer-'));

async function writePth(model: InlineModel, name: string): Promise<string> {
  const file = path.join(dir, name);
  await loadNative().writeTorchFile(file, await model.stateDict());
  return file;
}

describe('transfer learning from torch.save checkpoints', () => {
  it('writes torch.save zip files that load back with identical logits', async () => {
    const source = new InlineModel(tinyNet(), { seed: 1 });
    const file = await writePth(source, 'same.pth');
    expect(fs.readFileSync(file).subarray(0, 2).toString()).toBe('PK');
    const target = new InlineModel(tinyNet(), { seed: 2 });
    const report = await initialiseFromCheckpoint(target, tinyNet(), file);
    expect(report.reinitialised).toEqual([]);
    const batch = randomBatch(3, 16, 1);
    expect((await target.predict(batch)).logits.data).toEqual((await source.predict(batch)).logits.data);
  });

  it('re-creates the classifier head when the class count differs and loads the rest', async () => {
    const imagenetLike = new InlineModel(tinyNet({ classes: 5 }), { seed: 1 });
    const file = await writePth(imagenetLike, 'five.pth');
    const target = new InlineModel(tinyNet(), { seed: 2 });
    const headBefore = (await target.stateDict())['fc.weight']!.data;
    const report = await initialiseFromCheckpoint(target, tinyNet(), file);
    expect(report.reinitialised.sort()).toEqual(['fc.bias', 'fc.weight']);
    const after = await target.stateDict();
    expect(after['fc.weight']!.data).toEqual(headBefore);
    expect(after['stem.conv.weight']!.data).toEqual((await imagenetLike.stateDict())['stem.conv.weight']!.data);
  });

  it('sums RGB filters for a grey model, giving the same logits on grey input', async () => {
    const rgb = new InlineModel(tinyNet({ channels: 3 }), { seed: 1 });
    const file = await writePth(rgb, 'rgb.pth');
    const grey = new InlineModel(tinyNet({ channels: 1 }), { seed: 9 });
    const report = await initialiseFromCheckpoint(grey, tinyNet({ channels: 1 }), file);
    expect(report.convertedToGrey).toEqual(['stem.conv.weight']);
    const one = randomBatch(2, 16, 1);
    const three = { data: new Float32Array(one.data.length * 3), shape: [2, 16, 16, 3] as [number, number, number, number] };
    one.data.forEach((v, i) => three.data.fill(v, 3 * i, 3 * i + 3));
    const a = (await grey.predict(one)).logits.data as Float32Array;
    const b = (await rgb.predict(three)).logits.data as Float32Array;
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
  });

  it('lists the mismatched keys of a checkpoint of another architecture', async () => {
    const other = new InlineModel(tinyNet({ classes: 2 }), { seed: 1 });
    const state = await other.stateDict();
    state['layer9.weight'] = state['stem.conv.weight']!;
    delete state['block.conv.weight'];
    const file = path.join(dir, 'wrong.pth');
    await loadNative().writeTorchFile(file, state);
    const target = new InlineModel(tinyNet(), { seed: 2 });
    const error = await initialiseFromCheckpoint(target, tinyNet(), file).catch((e) => e);
    expect(error.code).toBe('CHECKPOINT_MISMATCH');
    expect(error.message).toMatch(/missing in checkpoint: block\.conv\.weight/);
    expect(error.message).toMatch(/not in tiny: layer9\.weight/);
  });

  it('loads a state dict saved by PyTorch (an OrderedDict) and gives PyTorch\'s logits', async () => {
    // The same layers as the torch.nn.Sequential in scripts/make-torch-fixtures.py, named by their indices.
    const b = new GraphBuilder('sequential', 1, 2);
    const features = b.relu('2', b.batchNorm('1', b.conv('0', 'input', 4, 3, { padding: 0, bias: true })));
    const logits = b.linear('5', b.flatten('4', b.globalAvgPool('3', features)), 2);
    const graph = b.build({ output: logits, featureMap: features, head: '5', defaultInputSize: 8, minInputSize: 3 });
    const model = new InlineModel(graph, { seed: 4 });
    for (const file of ['tiny-zip.pt', 'tiny-legacy.pt']) {
      const report = await initialiseFromCheckpoint(model, graph, path.join('test/fixtures/torch-files', file));
      expect(report.loaded).toBe(9);
      const reference = JSON.parse(fs.readFileSync('test/fixtures/torch-files/tiny-logits.json', 'utf8'));
      const [n, , h, w] = reference.inputShapeNCHW as number[];
      const out = await model.predict({ data: Float32Array.from(reference.input as number[]), shape: [n!, h!, w!, 1] });
      (reference.logits as number[]).forEach((v, i) => expect(out.logits.data[i]).toBeCloseTo(v, 5));
    }
  });

  it('rejects files that are not checkpoints', async () => {
    const text = path.join(dir, 'notes.pth');
    fs.writeFileSync(text, 'these are not weights');
    await expect(readStateDictFile(text)).rejects.toMatchObject({ code: 'BAD_CHECKPOINT' });
    const zip = path.join(dir, 'other.pth');
    fs.writeFileSync(zip, Buffer.from('PK\x03\x04 truncated zip'));
    await expect(readStateDictFile(zip)).rejects.toMatchObject({ code: 'BAD_CHECKPOINT' });
    await expect(readStateDictFile(path.join(dir, 'absent.pth'))).rejects.toMatchObject({ code: 'CHECKPOINT_NOT_FOUND' });
  });
});
