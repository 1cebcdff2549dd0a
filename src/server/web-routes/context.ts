import type { FastifyInstance } from 'fastify';
import { getProject, openStore, type DatasetStore, type Project } from '../../data/index.js';
import { OsteonError } from '../../errors.js';

export interface WebRoutesOptions {
  /** The workspace folder the pages read and write (see `resolveWorkspace`). */
  workspace: string;
}

/**
 * What the web routes share: the workspace and one store kept open for the server's life (SQLite in WAL mode,
 * so training processes and evaluations that open their own connections read and write beside it).
 */
export class WebContext {
  private opened: DatasetStore | undefined;

  constructor(readonly workspace: string) {}

  get store(): DatasetStore {
    this.opened ??= openStore(this.workspace);
    return this.opened;
  }

  project(idOrName: string | number): Project {
    return getProject(this.store, idOrName);
  }

  close(): void {
    this.opened?.close();
    this.opened = undefined;
  }
}

/** A positive whole number from a path or query parameter, or BAD_REQUEST naming it. */
export function wholeNumber(value: unknown, name: string): number {
  const text = String(value ?? '');
  if (!/^\d+$/.test(text)) throw new OsteonError('BAD_REQUEST', `"${name}" must be a whole number, got "${text}".`);
  return Number(text);
}

/**
 * In this plugin's scope, `application/octet-stream` bodies reach the handler as the raw stream (so a large
 * archive goes to disk without being held in memory), whatever parser the server installed for the type.
 */
export function replaceOctetStreamParser(app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/octet-stream')) app.removeContentTypeParser('application/octet-stream');
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
}
