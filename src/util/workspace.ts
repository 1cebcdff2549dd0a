import path from 'node:path';

/** The folder that holds a user's data: `--workspace`, else `OSTEON_HOME`, else `./osteon-data`. */
export function resolveWorkspace(flag?: string): string {
  return path.resolve(flag ?? process.env.OSTEON_HOME ?? 'osteon-data');
}

/** Standard sub-folders of a workspace (see DESIGN.md, Conventions). */
export function workspacePaths(root: string) {
  return {
    root,
    database: path.join(root, 'osteon.db'),
    blobs: path.join(root, 'blobs'),
    cache: path.join(root, 'cache'),
    runs: path.join(root, 'runs'),
    models: path.join(root, 'models'),
    weights: path.join(root, 'weights'),
  };
}
