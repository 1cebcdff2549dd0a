// Tiny real data sets for the pipeline's tests: synthetic radiographs imported into a temporary workspace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProject } from '../data/projects.js';
import { openStore } from '../data/store.js';
import { importPath } from '../data/import/index.js';
import { writeSyntheticDataset } from '../synth/index.js';

export interface TestWorkspace {
  root: string;
  workspace: string;
  projectId: number;
  remove(): void;
}

/** `n` synthetic 64 px radiographs (train/val/test folders) imported into a new workspace. */
export async function syntheticWorkspace(n: number, seed = 7, size = 64): Promise<TestWorkspace> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-pipeline-'));
  const source = path.join(root, 'synth');
  await writeSyntheticDataset({ out: source, n, size, seed });
  const workspace = path.join(root, 'ws');
  const store = openStore(workspace);
  try {
    const project = createProject(store, 'p');
    await importPath(store, project, source);
    return { root, workspace, projectId: project.id, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
  } finally {
    store.close();
  }
}
