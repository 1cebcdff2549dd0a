// The `import` kind through the embedded queue: the report a job stores is the import's own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { countImages, createProject, openStore } from '../../src/data/index.js';
import { openJobQueue, startEmbeddedWorker } from '../../src/jobs/index.js';
import { writeSyntheticDataset } from '../../src/synth/index.js';

it('imports a folder as a job, reporting progress and the bad file', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-import-job-'));
  const images = path.join(root, 'images');
  await writeSyntheticDataset({ out: images, n: 12, size: 32, seed: 2, difficulty: 0.2 });
  fs.writeFileSync(path.join(images, 'train', 'fractured', 'broken.png'), 'not an image');
  const workspace = path.join(root, 'workspace');
  const store = openStore(workspace);
  const project = createProject(store, 'imported');
  store.close();

  const queue = await openJobQueue({ workspace });
  const worker = startEmbeddedWorker({ workspace, concurrency: 1, log: () => undefined });
  try {
    const job = await queue.enqueue('import', { project: 'imported', path: images });
    const report = (await queue.result(job.id)) as { imported: number; unreadable: Array<{ file: string; reason: string }> };
    expect(report.imported).toBe(12);
    expect(report.unreadable.map((u) => path.basename(u.file))).toEqual(['broken.png']);
    expect((await queue.get(job.id)).progress?.percent).toBeGreaterThan(0);
    const check = openStore(workspace);
    expect(countImages(check, project.id)).toBe(12);
    check.close();
  } finally {
    await worker.stop();
    await queue.close();
  }
});
