import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { importPath } from '../../data/index.js';
import { OsteonError } from '../../errors.js';
import { replaceOctetStreamParser, type WebContext } from './context.js';

/** Largest upload accepted (a zip of a whole data set). */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

/** A file name safe to keep on disk: the importer records it as the image's original name. */
function safeName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 120);
  return base === '' || base.startsWith('.') ? `upload${base}` : base;
}

/**
 * Upload into a project: the request body is one file (an image, a DICOM file, a zip archive or a CSV-less
 * ImageFolder zip), streamed to a temporary file and handed to `importPath`, which recognises what it is.
 */
export async function uploadRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  // The raw stream reaches the handler, so a large archive goes to disk without being held in memory.
  replaceOctetStreamParser(app);

  app.post<{ Params: { project: string }; Querystring: { name?: string } }>(
    '/api/projects/:project/uploads',
    { bodyLimit: MAX_UPLOAD_BYTES },
    async (request) => {
      const project = ctx.project(request.params.project);
      if (!(request.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
        throw new OsteonError('BAD_REQUEST', 'Send the file itself as the request body with Content-Type: application/octet-stream and ?name=FILE.');
      }
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-upload-'));
      try {
        const file = path.join(folder, safeName(request.query.name ?? 'upload'));
        await pipeline(request.body as Readable, fs.createWriteStream(file));
        if (fs.statSync(file).size === 0) throw new OsteonError('EMPTY_UPLOAD', 'The uploaded file is empty: choose the file again.');
        const report = await importPath(ctx.store, project, file);
        const strip = (p: string) => p.split(folder + path.sep).join('');
        return {
          kind: report.kind, imported: report.imported, alreadyPresent: report.alreadyPresent, duplicates: report.duplicates,
          unreadable: report.unreadable.map((u) => ({ file: strip(u.file), reason: u.reason })),
          unknownLabels: report.unknownLabels,
        };
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    },
  );
}
