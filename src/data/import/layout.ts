import type { Split } from '../types.js';

const SPLIT_NAMES: Record<string, Split> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/** A split named by a folder or a manifest cell, or null. */
export function splitFromName(name: string | null | undefined): Split | null {
  return name ? (SPLIT_NAMES[name.trim().toLowerCase()] ?? null) : null;
}

/**
 * A project class named by a folder or manifest cell: the class name in any case, or its index ("0" is the
 * first class). Undefined when the name is no class.
 */
export function classFromName(name: string, classes: readonly string[]): string | undefined {
  const lower = name.trim().toLowerCase();
  const byName = classes.find((c) => c.toLowerCase() === lower);
  if (byName) return byName;
  if (/^\d+$/.test(lower) && Number(lower) < classes.length) return classes[Number(lower)];
  return undefined;
}

/**
 * What a file's folders say (ImageFolder layouts: `class/file`, `split/class/file`, deeper prefixes too):
 * the deepest folder named like a class gives the label, the deepest named like a split gives the split.
 */
export function readFolders(relativePath: string, classes: readonly string[]): { folder: string; label: string | null; split: Split | null } {
  const folders = relativePath.split('/').slice(0, -1);
  let label: string | null = null;
  let split: Split | null = null;
  for (const f of folders) {
    label = classFromName(f, classes) ?? label;
    split = splitFromName(f) ?? split;
  }
  return { folder: folders.join('/'), label, split };
}
