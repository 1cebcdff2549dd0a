import fs from 'node:fs';
import path from 'node:path';
import { isSidecar, type ImportEntry } from './entries.js';

/** Every file under `root` (recursively, symlinks not followed), as import entries; sidecar files skipped. */
export function listFolder(root: string): ImportEntry[] {
  const out: ImportEntry[] = [];
  const walk = (dir: string, rel: string) => {
    const names = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const d of names) {
      const relativePath = rel ? `${rel}/${d.name}` : d.name;
      const full = path.join(dir, d.name);
      if (d.isDirectory()) {
        if (!d.name.startsWith('.')) walk(full, relativePath);
      } else if (d.isFile() && !isSidecar(relativePath)) {
        out.push(fileEntry(full, relativePath));
      }
    }
  };
  walk(root, '');
  return out;
}

export function fileEntry(file: string, relativePath: string): ImportEntry {
  return { relativePath, sourcePath: file, read: () => fs.promises.readFile(file) };
}
