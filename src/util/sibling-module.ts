import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The file to run for a sibling module named by its `.js` URL: the compiled `.js` when running from dist/,
 * else its TypeScript source (tests, development), which the caller must run through tsx.
 */
export function siblingModule(moduleUrl: URL): { file: string; compiled: boolean } {
  const compiled = fileURLToPath(moduleUrl).replace(/\.ts$/, '.js');
  if (fs.existsSync(compiled)) return { file: compiled, compiled: true };
  return { file: compiled.replace(/\.js$/, '.ts'), compiled: false };
}
