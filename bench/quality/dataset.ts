// The benchmark's data: bone-xray-dev imported once into a workspace project with its own train/val/test folders
// as the split, and the exact files of each split, so the baseline trains and is scored on the same images.
import fs from 'node:fs';
import path from 'node:path';
import {
  createProject, getProject, importPath, listImages, listProjects, openStore, splitFromFolders, type Split,
} from '../../src/data/index.js';
import { usableImages } from '../../src/pipeline/index.js';
import { mulberry32 } from '../../src/util/random.js';

export interface BenchFile {
  /** The image's id in the workspace project. */
  imageId: number;
  /** The file in the data set (what the baseline reads). */
  file: string;
  /** Path inside the data set, `split/class/name` (the key of groups.json). */
  relative: string;
  label: string;
  /** Independent source radiograph: every near-duplicate of it shares this id (groups.json). */
  group: string;
}

export interface BenchData {
  projectName: string;
  files: Record<Split, BenchFile[]>;
  importSeconds: number | null;
  unreadable: number;
}

const SPLITS: Split[] = ['train', 'val', 'test'];

/** groups.json: relative path -> group id of its family of near-duplicates. */
export function readGroups(datasetRoot: string): Map<string, string> {
  const entries = JSON.parse(fs.readFileSync(path.join(datasetRoot, 'groups.json'), 'utf8')) as Array<{ file: string; group: number }>;
  return new Map(entries.map((e) => [e.file, String(e.group)]));
}

/**
 * A fixed subset of about `limit` files for smoke runs: files drawn in a seeded order within each split and class,
 * in proportion to the split's and class's share of the set (families of near-duplicates hold up to 134 files, so
 * drawing files rather than families keeps several source groups in each split; no family crosses splits either
 * way). Copied under `dir` (ImageFolder layout) so it is imported like the full set.
 */
function writeSubset(datasetRoot: string, groups: Map<string, string>, limit: number, dir: string): void {
  if (fs.existsSync(path.join(dir, '.complete'))) return;
  fs.rmSync(dir, { recursive: true, force: true });
  const strata = new Map<string, string[]>();
  for (const relative of [...groups.keys()].sort()) {
    const stratum = path.posix.dirname(relative);
    strata.set(stratum, [...(strata.get(stratum) ?? []), relative]);
  }
  const random = mulberry32(7);
  for (const stratum of [...strata.keys()].sort()) {
    const files = strata.get(stratum)!;
    for (let i = files.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [files[i], files[j]] = [files[j]!, files[i]!];
    }
    const quota = Math.max(2, Math.round((limit * files.length) / groups.size));
    fs.mkdirSync(path.join(dir, stratum), { recursive: true });
    for (const relative of files.slice(0, quota)) fs.copyFileSync(path.join(datasetRoot, relative), path.join(dir, relative));
  }
  fs.writeFileSync(path.join(dir, '.complete'), '');
}

/**
 * Imports the data set into `workspace` (once: a later call finds the project) and splits it by its folders,
 * as `osteon import` and `osteon split --from-folders` do. With `limit`, a fixed subset goes into a project of
 * its own.
 */
export async function prepareBenchData(workspace: string, datasetRoot: string, limit?: number): Promise<BenchData> {
  const groups = readGroups(datasetRoot);
  const projectName = limit ? `bone-xray-dev-limit${limit}` : 'bone-xray-dev';
  const importRoot = limit ? path.join(workspace, 'subsets', `limit${limit}`) : datasetRoot;
  if (limit) writeSubset(datasetRoot, groups, limit, importRoot);
  const store = openStore(workspace);
  try {
    let importSeconds: number | null = null;
    let unreadable = 0;
    let project = listProjects(store).find((p) => p.name === projectName);
    if (!project) {
      project = createProject(store, projectName);
      const started = performance.now();
      let lastPrint = 0;
      const report = await importPath(store, project, importRoot, {}, (p) => {
        if (performance.now() - lastPrint > 10_000) {
          lastPrint = performance.now();
          process.stderr.write(`import: ${p.done}/${p.total}\n`);
        }
      });
      importSeconds = (performance.now() - started) / 1000;
      unreadable = report.unreadable.length;
      for (const u of report.unreadable) process.stderr.write(`unreadable: ${u.file}: ${u.reason}\n`);
      splitFromFolders(store, project.id);
    }
    project = getProject(store, project.id);
    const files = {} as Record<Split, BenchFile[]>;
    for (const split of SPLITS) {
      const images = usableImages(listImages(store, project.id, { split }), project.classes).sort((a, b) => a.id - b.id);
      files[split] = images.map((image) => {
        const relative = path.relative(importRoot, image.sourcePath).split(path.sep).join('/');
        const group = groups.get(relative);
        if (group === undefined) throw new Error(`${relative} is not in groups.json: was the workspace made from another data set?`);
        return { imageId: image.id, file: path.join(datasetRoot, relative), relative, label: image.label!, group: `source:${group}` };
      });
    }
    return { projectName, files, importSeconds, unreadable };
  } finally {
    store.close();
  }
}
