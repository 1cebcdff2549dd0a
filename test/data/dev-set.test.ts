import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type DatasetStore } from '../../src/data/store.js';
import { createProject } from '../../src/data/projects.js';
import { listImages } from '../../src/data/images.js';
import { importPath } from '../../src/data/import/index.js';
import { splitProject } from '../../src/data/split.js';
import { findLeakage } from '../../src/data/leakage.js';

/**
 * Slow: the whole bone-xray-dev set, its splits merged, against the near-duplicate families in groups.json.
 */
const DEV = path.resolve('../shared/datasets/bone-xray-dev');
let dir: string;
let store: DatasetStore;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-dev-'));
  store = openStore(dir);
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bone-xray-dev, splits merged', () => {
  it('finds the near-duplicate families of groups.json and splits with no group across splits', async () => {
    const project = createProject(store, 'dev');
    const report = await importPath(store, project, DEV);
    expect(report.imported + report.unreadable.length).toBe(3691);

    const truth = new Map(
      (JSON.parse(fs.readFileSync(path.join(DEV, 'groups.json'), 'utf8')) as Array<{ file: string; group: number }>).map((g) => [g.file, g.group]),
    );
    const images = listImages(store, project.id).map((i) => ({ group: truth.get(path.relative(DEV, i.sourcePath).split(path.sep).join('/'))!, found: i.duplicateGroup ?? -i.id }));
    expect(images.every((i) => i.group !== undefined)).toBe(true);
    let truePairs = 0;
    let foundPairs = 0;
    let both = 0;
    for (let a = 0; a < images.length; a++) {
      for (let b = a + 1; b < images.length; b++) {
        const same = images[a]!.group === images[b]!.group;
        const found = images[a]!.found === images[b]!.found;
        truePairs += Number(same);
        foundPairs += Number(found);
        both += Number(same && found);
      }
    }
    const recall = both / truePairs;
    const falseMerge = 1 - both / foundPairs;
    console.log(`duplicate pairs: recall ${recall.toFixed(4)}, false-merge rate ${falseMerge.toFixed(4)} (${truePairs} true pairs, ${foundPairs} found)`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(falseMerge).toBeLessThan(0.1);

    const split = splitProject(store, project.id, { val: 0.15, test: 0.15, seed: 7 });
    expect(split.crossingGroups).toBe(0);
    expect(findLeakage(store, project.id)).toEqual([]);
    expect(split.test / images.length).toBeGreaterThan(0.1);
    expect(split.test / images.length).toBeLessThan(0.2);
  });
});
