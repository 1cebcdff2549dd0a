import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built web UI (`npm run build:web` writes dist/web): beside the compiled server in dist/, or the
 * repository's dist/web when the server runs from its sources. Undefined when it has not been built.
 */
export function webAssetsDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../web'), path.resolve(here, '../../../dist/web')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}
