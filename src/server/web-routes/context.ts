import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getProject, openStore, type DatasetStore, type Project } from '../../data/index.js';
import { isOsteonError, OsteonError } from '../../errors.js';

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

/** The HTTP status of a user error, read from its stable code. */
export function statusOf(code: string): number {
  if (/NOT_FOUND$/.test(code)) return 404;
  if (/EXISTS$|_RUNNING$|_BUSY$/.test(code)) return 409;
  return 400;
}

/** Errors as `{error: {code, message}}`: user errors with their code, request validation as BAD_REQUEST, the rest as 500. */
export function webErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (isOsteonError(error)) {
    void reply.status(statusOf(error.code)).send({ error: { code: error.code, message: error.message } });
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation || (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500)) {
    void reply.status(fastifyError.statusCode ?? 400).send({ error: { code: fastifyError.code ?? 'BAD_REQUEST', message: fastifyError.message } });
    return;
  }
  request.log.error(error);
  void reply.status(500).send({ error: { code: 'INTERNAL', message: 'The server failed on this request; its log says why.' } });
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
