import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type DatasetStore } from '../store.js';
import { createProject } from '../projects.js';
import { listImages } from '../images.js';
import { importPath } from './import-path.js';
import { storedZip } from '../../../test/data/stored-zip.js';
import { syntheticImage } from '../../../test/data/images.js';

let dir: string;
let store: DatasetStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-import-'));
  store = openStore(path.join(dir, 'ws'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function put(rel: string, data: Buffer | string): string {
  const file = path.join(dir, 'src', rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}

describe('importPath', () => {
  it('imports an ImageFolder with train/val folders, keeps their splits, stores blobs, and re-import is alreadyPresent', async () => {
    const project = createProject(store, 'p');
    put('train/fractured/a.png', await syntheticImage(1));
    put('train/normal/b.jpg', await syntheticImage(2, 'jpeg'));
    put('val/Fractured/c.png', await syntheticImage(3));
    put('val/normal/d.png', await syntheticImage(4));
    put('notes.txt', 'ignored sidecar');
    const progress: number[] = [];
    const report = await importPath(store, project, path.join(dir, 'src'), {}, (p) => progress.push(p.done));
    expect(report).toMatchObject({ kind: 'folder', imported: 4, alreadyPresent: 0, unreadable: [] });
    expect(progress.at(-1)).toBe(4);
    const images = listImages(store, project.id);
    expect(images.map((i) => [i.originalName, i.label, i.split, i.folder]).sort()).toEqual([
      ['a.png', 'fractured', 'train', 'train/fractured'],
      ['b.jpg', 'normal', 'train', 'train/normal'],
      ['c.png', 'fractured', 'val', 'val/Fractured'],
      ['d.png', 'normal', 'val', 'val/normal'],
    ]);
    const b = images.find((i) => i.originalName === 'b.jpg')!;
    expect(b.format).toBe('jpeg');
    expect(fs.readFileSync(path.join(dir, 'ws', 'blobs', b.sha256.slice(0, 2), b.sha256.slice(2)))).toEqual(fs.readFileSync(path.join(dir, 'src/train/normal/b.jpg')));
    const again = await importPath(store, project, path.join(dir, 'src'));
    expect(again).toMatchObject({ imported: 0, alreadyPresent: 4 });
    expect(listImages(store, project.id)).toHaveLength(4);
  });

  it('reports bad files with a reason and imports the rest; unlabelled folders import with label null', async () => {
    const project = createProject(store, 'p');
    put('x/good.png', await syntheticImage(5));
    put('x/empty.png', Buffer.alloc(0));
    put('x/text.png', 'this is not an image at all');
    put('x/copy.png', await syntheticImage(5));
    const report = await importPath(store, project, path.join(dir, 'src'));
    expect(report.imported).toBe(1);
    expect(report.alreadyPresent).toBe(1);
    expect(report.unreadable.map((u) => path.basename(u.file)).sort()).toEqual(['empty.png', 'text.png']);
    expect(report.unreadable.find((u) => u.file.endsWith('empty.png'))!.reason).toMatch(/empty/i);
    expect(report.unreadable.find((u) => u.file.endsWith('text.png'))!.reason).toMatch(/not a supported image/i);
    expect(listImages(store, project.id)[0]!.label).toBeNull();
  });

  it('decoding threads store the same rows as the main thread, and their errors keep the decoder\'s reason', async () => {
    put('x/a.png', await syntheticImage(21));
    put('x/b.jpg', await syntheticImage(22, 'jpeg'));
    put('x/truncated.png', (await syntheticImage(23)).subarray(0, 200));
    put('x/text.png', 'this is not an image at all');
    const rowsOf = (projectId: number) =>
      listImages(store, projectId).map(({ sha256, phash, width, height, format, bits }) => ({ sha256, phash, width, height, format, bits })).sort((p, q) => p.sha256.localeCompare(q.sha256));
    const reasonsOf = (unreadable: Array<{ file: string; reason: string }>) => unreadable.map((u) => [path.basename(u.file), u.reason]).sort();
    const inline = createProject(store, 'inline');
    const threaded = createProject(store, 'threaded');
    const onMain = await importPath(store, inline, path.join(dir, 'src'), { threads: 0 });
    const onThreads = await importPath(store, threaded, path.join(dir, 'src'), { threads: 2 });
    expect(onThreads.imported).toBe(2);
    expect(rowsOf(threaded.id)).toEqual(rowsOf(inline.id));
    expect(reasonsOf(onThreads.unreadable)).toEqual(reasonsOf(onMain.unreadable));
    expect(reasonsOf(onThreads.unreadable)).toEqual([
      ['text.png', expect.stringMatching(/not a supported image/i)],
      ['truncated.png', expect.stringMatching(/truncated/i)],
    ]);
  });

  it('reports a file whose blob cannot be written, stores no row for it, and imports it once the blob store is writable', async () => {
    const project = createProject(store, 'p');
    const blocked = await syntheticImage(15);
    put('x/blocked.png', blocked);
    put('x/fine.png', await syntheticImage(16));
    // A plain file where the blob's folder must go makes the write fail for real.
    const sha = createHash('sha256').update(blocked).digest('hex');
    const folder = path.join(dir, 'ws', 'blobs', sha.slice(0, 2));
    fs.writeFileSync(folder, 'in the way');
    const report = await importPath(store, project, path.join(dir, 'src'));
    expect(report.imported).toBe(1);
    expect(report.unreadable).toEqual([{ file: path.join(dir, 'src/x/blocked.png'), reason: expect.stringMatching(/EEXIST|ENOTDIR/) }]);
    expect(listImages(store, project.id).map((i) => i.originalName)).toEqual(['fine.png']);
    fs.rmSync(folder);
    const again = await importPath(store, project, path.join(dir, 'src'));
    expect(again).toMatchObject({ imported: 1, alreadyPresent: 1, unreadable: [] });
    expect(fs.readFileSync(path.join(folder, sha.slice(2)))).toEqual(blocked);
  });

  it('imports a CSV manifest with quoted fields, patients and splits, paths relative to the CSV', async () => {
    const project = createProject(store, 'p');
    put('imgs/one, two.png', await syntheticImage(6));
    put('imgs/three.png', await syntheticImage(7));
    put('imgs/four.png', await syntheticImage(8));
    const csv = put('list.csv', 'path,label,patient,split\n"imgs/one, two.png",fractured,"P ""1""",test\nimgs/three.png,1,P2,train\nimgs/four.png,sprained,,\nimgs/missing.png,normal,,\n');
    const report = await importPath(store, project, csv);
    expect(report).toMatchObject({ kind: 'manifest', imported: 3, unknownLabels: { sprained: 1 } });
    expect(report.unreadable).toEqual([{ file: path.join(dir, 'src/imgs/missing.png'), reason: expect.stringMatching(/not found/) }]);
    const byName = new Map(listImages(store, project.id).map((i) => [i.originalName, i]));
    expect(byName.get('one, two.png')).toMatchObject({ label: 'fractured', patientId: 'P "1"', split: 'test' });
    expect(byName.get('three.png')).toMatchObject({ label: 'normal', patientId: 'P2', split: 'train' });
    expect(byName.get('four.png')).toMatchObject({ label: null, split: null });
  });

  it('imports a zip safely: ../ and absolute entries and symlinks are refused, the others import', async () => {
    const project = createProject(store, 'p');
    const zip = storedZip([
      { name: 'data/fractured/a.png', data: await syntheticImage(9) },
      { name: 'data/normal/b.png', data: await syntheticImage(10) },
      { name: '../evil.png', data: await syntheticImage(11) },
      { name: '/etc/abs.png', data: await syntheticImage(12) },
      { name: 'data/normal/link.png', data: Buffer.from('/etc/passwd'), symlink: true },
    ]);
    const file = put('upload.zip', zip);
    const report = await importPath(store, project, file);
    expect(report).toMatchObject({ kind: 'zip', imported: 2 });
    const reasons = Object.fromEntries(report.unreadable.map((u) => [u.file, u.reason]));
    expect(reasons['upload.zip!../evil.png']).toMatch(/escapes the archive/);
    expect(reasons['upload.zip!/etc/abs.png']).toMatch(/absolute path/);
    expect(reasons['upload.zip!data/normal/link.png']).toMatch(/symbolic link/);
    expect(fs.existsSync(path.join(dir, 'evil.png'))).toBe(false);
    expect(listImages(store, project.id).map((i) => [i.label, i.sourcePath])).toEqual(
      expect.arrayContaining([['fractured', 'upload.zip!data/fractured/a.png'], ['normal', 'upload.zip!data/normal/b.png']]),
    );
  });

  it('refuses a zip entry with a bomb-like compression ratio, and an archive above the total size limit', async () => {
    const project = createProject(store, 'p');
    const zip = storedZip([
      { name: 'ok.png', data: await syntheticImage(13), deflate: true },
      { name: 'bomb.png', data: Buffer.alloc(4 * 2 ** 20), deflate: true },
    ]);
    const file = put('bomb.zip', zip);
    const report = await importPath(store, project, file);
    expect(report.imported).toBe(1);
    expect(report.unreadable).toEqual([{ file: 'bomb.zip!bomb.png', reason: expect.stringMatching(/compression ratio \d+:1 exceeds 100:1 \(possible zip bomb\)/) }]);
    await expect(importPath(store, project, file, { zipLimits: { maxTotalBytes: 1000, maxEntryBytes: 2 ** 30, maxRatio: 10_000 } })).rejects.toThrow(/above the 1000-byte limit/);
  });

  it('imports a single file with --label', async () => {
    const project = createProject(store, 'p');
    const file = put('single.png', await syntheticImage(14));
    const report = await importPath(store, project, file, { label: 'fractured' });
    expect(report).toMatchObject({ kind: 'file', imported: 1 });
    expect(listImages(store, project.id)[0]!.label).toBe('fractured');
    await expect(importPath(store, project, file, { label: 'nope' })).rejects.toThrow(/no class "nope"/);
  });
});
