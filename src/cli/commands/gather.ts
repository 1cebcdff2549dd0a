import fs from 'node:fs';
import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { ProgressBar } from '../progress.js';
import { OsteonError } from '../../errors.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { withStore } from '../../data/store.js';
import { getProject } from '../../data/projects.js';
import { findSimilar, gatherFromDicomWeb, ModelEmbedder, resolveAuth, type SimilarTo } from '../../gather/index.js';

interface DicomWebCliOptions extends GlobalOptions {
  url: string;
  project: string;
  query?: string;
  limit?: string;
  label?: string;
  dryRun?: boolean;
  keepPhi?: boolean;
  user?: string;
  password?: string;
  token?: string;
  retries?: string;
}

interface SimilarCliOptions extends GlobalOptions {
  project: string;
  like: string;
  k: string;
  model?: string;
}

function wholeNumber(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new OsteonError('BAD_OPTION', `${flag} must be a whole number of at least ${min}, got "${value}".`);
  return Number(value);
}

export function register(program: Command): void {
  const gather = program.command('gather').description('gather images: from a PACS over DICOMweb, or like one you have');

  withGlobalOptions(
    gather
      .command('dicomweb')
      .description('search a PACS (QIDO-RS), fetch what matches (WADO-RS), de-identify and import it')
      .requiredOption('--url <url>', 'the DICOMweb root, e.g. http://pacs:8042/dicom-web')
      .requiredOption('--project <name>', 'project to import into')
      .option('--query <filters>', 'QIDO-RS filters, e.g. "Modality=CR&BodyPartExamined=HAND&StudyDate=2024-"')
      .option('--limit <n>', 'gather at most this many instances')
      .option('--label <class>', 'label every gathered image with this class')
      .option('--dry-run', 'search and count only; fetch nothing')
      .option('--keep-phi', 'store files as sent, patient name and id included (default: de-identify)')
      .option('--user <user>', 'basic auth user (or OSTEON_DICOMWEB_USER)')
      .option('--password <password>', 'basic auth password (or OSTEON_DICOMWEB_PASSWORD)')
      .option('--token <token>', 'bearer token (or OSTEON_DICOMWEB_TOKEN)')
      .option('--retries <n>', 'tries per request after the first (default 3)'),
  ).action(
    action<DicomWebCliOptions>(async (_args, options) => {
      const url = new URL(options.url.includes('://') ? options.url : `http://${options.url}`);
      const auth = resolveAuth({ user: options.user, password: options.password, token: options.token }, url);
      const retries = wholeNumber(options.retries, '--retries', 0);
      const report = await withStore(resolveWorkspace(options.workspace), async (store) => {
        const project = getProject(store, options.project);
        let bar: ProgressBar | undefined;
        const result = await gatherFromDicomWeb(
          store,
          project,
          {
            url: url.toString(),
            query: options.query,
            limit: wholeNumber(options.limit, '--limit', 0),
            label: options.label,
            dryRun: options.dryRun,
            keepPhi: options.keepPhi,
            auth,
            ...(retries !== undefined ? { retry: { attempts: retries + 1 } } : {}),
          },
          (p) => {
            if (p.phase === 'fetch') {
              bar ??= new ProgressBar('gather', p.total);
              bar.update(p.done);
            }
          },
        );
        bar?.finish();
        return result;
      });
      for (const f of report.failed) log(`failed: ${f.uid}: ${f.reason}`);
      const { importedIds: _ids, ...shown } = report;
      printResult(options, shown, () =>
        report.dryRun
          ? `found ${report.found}, already present ${report.alreadyPresent}, would fetch ${report.toFetch} (dry run: nothing fetched)`
          : `found ${report.found}, imported ${report.imported}, already present ${report.alreadyPresent}, near-duplicates ${report.duplicates}, failed ${report.failed.length}` +
            (report.failed.length > 0 ? '\nrun the same command again to retry the failed ones' : ''),
      );
    }),
  );

  withGlobalOptions(
    gather
      .command('similar')
      .description('the images of a project most like a given image or file')
      .requiredOption('--project <name>', 'project to search')
      .requiredOption('--like <file|id>', 'an image file, or the id of an image of the project')
      .option('--k <n>', 'how many neighbours', '20')
      .option('--model <file.onnx>', 'embed with this exported model (default: a perceptual embedding, no model needed)'),
  ).action(
    action<SimilarCliOptions>(async (_args, options) => {
      const k = wholeNumber(options.k, '--k', 1)!;
      const like: SimilarTo = /^\d+$/.test(options.like) && !fs.existsSync(options.like) ? { imageId: Number(options.like) } : { file: options.like };
      const embedder = options.model ? await ModelEmbedder.load(options.model) : undefined;
      try {
        const result = await withStore(resolveWorkspace(options.workspace), async (store) => {
          const project = getProject(store, options.project);
          let bar: ProgressBar | undefined;
          const found = await findSimilar(store, project.id, like, {
            k,
            embedder,
            onProgress: (p) => {
              bar ??= new ProgressBar('embed', p.total);
              bar.update(p.done);
            },
          });
          bar?.finish();
          return found;
        });
        const similar = result.neighbours.map(({ image, distance }) => ({
          id: image.id,
          distance: Number(distance.toFixed(6)),
          label: image.label,
          status: image.status,
          split: image.split,
          sourcePath: image.sourcePath,
          originalName: image.originalName,
        }));
        printResult(options, { like: options.like, embedder: result.embedder, similar }, () =>
          similar.map((s) => `${String(s.id).padStart(6)}  ${s.distance.toFixed(4)}  ${(s.label ?? '-').padEnd(10)} ${s.sourcePath}`).join('\n'),
        );
      } finally {
        await embedder?.release();
      }
    }),
  );
}
