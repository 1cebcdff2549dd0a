import path from 'node:path';

/**
 * Where the registry keeps things under a workspace's `models/` folder:
 * `v0001/model.onnx`, `v0001/version.json`, and `deployed.json` (the deployed version and its history).
 * Names starting with a dot are work in progress (folders being filled, temporary files, the lock): readers
 * ignore them.
 */
export const MODEL_FILE = 'model.onnx';
export const RECORD_FILE = 'version.json';
export const POINTER_FILE = 'deployed.json';
export const LOCK_DIR = '.deployed.lock';
export const INCOMING_PREFIX = '.incoming-';

const VERSION_DIR = /^v(\d{4,})$/;

export function versionDirName(version: number): string {
  return `v${String(version).padStart(4, '0')}`;
}

/** The version a folder name stands for, or null when the name is not a version folder. */
export function versionOfDirName(name: string): number | null {
  const match = VERSION_DIR.exec(name);
  return match ? Number(match[1]) : null;
}

export function versionPaths(modelsDir: string, version: number) {
  const dir = path.join(modelsDir, versionDirName(version));
  return { dir, model: path.join(dir, MODEL_FILE), record: path.join(dir, RECORD_FILE) };
}
