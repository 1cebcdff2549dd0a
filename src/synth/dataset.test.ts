import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { assignSplits, writeSyntheticDataset, type SyntheticTruthFile } from './dataset.js';
import { isOsteonError } from '../errors.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-synth-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Every file under `dir`, relative, with forward slashes, sorted. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

function readTruth(dir: string): SyntheticTruthFile {
  return JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8')) as SyntheticTruthFile;
}

describe('writeSyntheticDataset', () => {
  it('writes byte-identical files for the same seed and different ones for another seed', async () => {
    const options = { n: 12, size: 64, seed: 5 };
    const a = await writeSyntheticDataset({ ...options, out: path.join(scratch, 'a') });
    const b = await writeSyntheticDataset({ ...options, out: path.join(scratch, 'b') }, () => undefined);
    const c = await writeSyntheticDataset({ ...options, seed: 6, out: path.join(scratch, 'c') });
    const files = listFiles(a.dir);
    expect(files).toEqual(listFiles(b.dir));
    for (const f of files) {
      expect(fs.readFileSync(path.join(a.dir, f)).equals(fs.readFileSync(path.join(b.dir, f))), f).toBe(true);
    }
    const differing = listFiles(c.dir).filter(
      (f) => !fs.existsSync(path.join(a.dir, f)) || !fs.readFileSync(path.join(a.dir, f)).equals(fs.readFileSync(path.join(c.dir, f))),
    );
    expect(differing.length).toBeGreaterThan(10);
  });

  it('lays images out as the truth file says: split, label, one-channel PNGs of the given size', async () => {
    const progress: number[] = [];
    const result = await writeSyntheticDataset({ out: path.join(scratch, 'layout'), n: 40, size: 48, seed: 2 }, (done, total) => {
      expect(total).toBe(40);
      progress.push(done);
    });
    expect(result.n).toBe(40);
    expect(progress.at(-1)).toBe(40);
    const truth = readTruth(result.dir);
    expect(truth.images.length).toBe(40);
    expect(listFiles(result.dir)).toEqual([...truth.images.map((r) => r.file), 'truth.json'].sort());
    for (const record of truth.images) {
      expect(record.file).toBe(`${record.split}/${record.label}/${String(record.index).padStart(4, '0')}.png`);
      expect(record.fracture === null).toBe(record.label === 'normal');
    }
    // Pairs keep classes balanced in every split; 20 pairs cut 70/15/15.
    const count = (split: string, label: string) =>
      truth.images.filter((r) => r.split === split && r.label === label).length;
    expect(count('test', 'fractured') + count('test', 'normal')).toBe(6);
    expect(count('val', 'fractured') + count('val', 'normal')).toBe(6);
    expect(count('test', 'fractured')).toBe(count('test', 'normal'));
    expect(count('train', 'fractured')).toBe(14);
    expect(count('train', 'normal')).toBe(14);
    const meta = await sharp(path.join(result.dir, truth.images[0]!.file)).metadata();
    expect([meta.width, meta.height, meta.channels, meta.format]).toEqual([48, 48, 1, 'png']);
  });

  it('writes class folders only in the flat layout', async () => {
    const result = await writeSyntheticDataset({ out: path.join(scratch, 'flat'), n: 6, size: 40, layout: 'flat' });
    const truth = readTruth(result.dir);
    expect(fs.readdirSync(result.dir).sort()).toEqual(['fractured', 'normal', 'truth.json']);
    for (const record of truth.images) {
      expect(record.split).toBeNull();
      expect(record.file.startsWith(`${record.label}/`)).toBe(true);
    }
  });

  it('refuses a folder that already holds files', async () => {
    const dir = path.join(scratch, 'busy');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'mine');
    const error = await writeSyntheticDataset({ out: dir, n: 2, size: 40 }).catch((e: unknown) => e);
    expect(isOsteonError(error) && error.code).toBe('SYNTH_OUT_NOT_EMPTY');
    expect(fs.readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('assigns splits by pairs in fixed proportions', () => {
    const splits = assignSplits(1, 400, 0.15, 0.15);
    expect(splits.filter((s) => s === 'train').length).toBe(280);
    expect(splits.filter((s) => s === 'val').length).toBe(60);
    expect(splits.filter((s) => s === 'test').length).toBe(60);
    for (let i = 0; i < 400; i += 2) expect(splits[i]).toBe(splits[i + 1]);
    expect(assignSplits(2, 400, 0.15, 0.15)).not.toEqual(splits);
  });
});
