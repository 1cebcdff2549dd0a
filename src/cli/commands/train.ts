import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { awaitInterruptible } from '../interruptible.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { trainingProgressPrinter } from '../train-progress.js';
import { OsteonError } from '../../errors.js';
import { configuredQueue, enqueueTraining, followJobs, jobEventPrinter, openJobQueue, type JobInfo, type TrainJobResult } from '../../jobs/index.js';
import { launchTraining } from '../../train/launch.js';
import { applyOverrides, defaultRecipe, DEFAULT_RECIPE, type TrainRecipe } from '../../train/recipe.js';
import type { TrainRunResult } from '../../train/train-run.js';
import { resolveWorkspace } from '../../util/workspace.js';

interface TrainOptions extends GlobalOptions {
  project?: string;
  arch?: string;
  size?: string;
  epochs?: string;
  batch?: string;
  lr?: string;
  seed?: string;
  channels?: string;
  init?: string;
  freezeEpochs?: string;
  precision?: string;
  set: string[];
  resume?: string;
  queue?: string;
  detach?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('train')
      .description('train one or more architectures on a project (each in turn)')
      .option('--project <name>', 'project name or id')
      .option('--arch <list>', 'architectures, comma-separated (see `osteon models list`)')
      .option('--size <px>', `input size (default ${DEFAULT_RECIPE.size})`)
      .option('--epochs <n>', `epochs (default ${DEFAULT_RECIPE.epochs})`)
      .option('--batch <n>', `batch size (default ${DEFAULT_RECIPE.batchSize})`)
      .option('--lr <rate>', `peak learning rate (default ${DEFAULT_RECIPE.lr}, or the architecture's own: \`osteon models list\`)`)
      .option('--seed <n>', 'seed for initialisation, shuffling and augmentation')
      .option('--channels <n>', 'input channels: 1 (grey) or 3')
      .option('--init <file>', 'start from a torchvision-keyed checkpoint (.pth or .safetensors)')
      .option('--freeze-epochs <n>', 'train only the classifier head for the first N epochs')
      .option('--precision <auto|fp32|bf16>', `bf16 autocast, fp32, or auto: bf16 where the CPU has it natively and the architecture trains faster in it (default ${DEFAULT_RECIPE.precision})`)
      .option('--set <key=value>', 'override any recipe field, e.g. --set labelSmoothing=0 --set augment.horizontalFlip=0', collect, [])
      .option('--resume <run>', 'continue a run from its last complete epoch')
      .option('--queue <url>', 'enqueue for workers instead of training here: embedded or redis://HOST:PORT (default: $OSTEON_QUEUE)')
      .option('--detach', 'with a queue: print the job ids and return at once'),
  ).action(
    action<TrainOptions>(async (_args, o) => {
      const workspace = resolveWorkspace(o.workspace);
      if (!o.project && !o.resume) throw new OsteonError('BAD_OPTION', 'Say which project to train: --project NAME.');
      const overrides: Record<string, string> = {};
      for (const pair of o.set) {
        const at = pair.indexOf('=');
        if (at < 1) throw new OsteonError('BAD_OPTION', `--set expects key=value, got "${pair}".`);
        overrides[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const flags: Array<[keyof TrainRecipe, string | undefined]> = [
        ['size', o.size], ['epochs', o.epochs], ['batchSize', o.batch], ['lr', o.lr], ['seed', o.seed],
        ['channels', o.channels], ['init', o.init], ['freezeEpochs', o.freezeEpochs], ['precision', o.precision],
      ];
      for (const [key, value] of flags) if (value !== undefined) overrides[key] = value;
      const runs: TrainRunResult[] = [];
      const jobs = o.resume
        ? [{ resume: o.resume }]
        : (o.arch ?? '').split(',').map((a) => a.trim()).filter(Boolean)
            .map((arch) => ({ recipe: applyOverrides(defaultRecipe(arch), overrides) }));
      if (jobs.length === 0) throw new OsteonError('BAD_OPTION', 'Say which architectures to train: --arch mobilenet_v2[,resnet18,...].');
      const queueUrl = configuredQueue(o.queue);
      if (queueUrl) {
        await trainThroughQueue(o, workspace, queueUrl, jobs);
        return;
      }
      for (const job of jobs) {
        const { result, interrupted } = await awaitInterruptible(
          launchTraining({ workspace, project: o.project ?? '', ...job, onEvent: trainingProgressPrinter() }),
        );
        runs.push(result);
        // Ctrl-C stops the whole command: the architectures after this one are not started.
        if (interrupted) break;
      }
      printResult(o, { runs: runs.map((r) => ({ id: r.id, arch: r.arch, status: r.status, epochs: r.epochsDone, best: r.best, imagesPerSecond: r.imagesPerSecond, trainSeconds: r.trainSeconds })) }, () =>
        [
          ...runs.map((r) => `${r.id}: ${r.status}, model from epoch ${r.best.epoch === null ? '-' : r.best.epoch + 1}, val AUROC ${r.best.valAuroc?.toFixed(3) ?? 'n/a'}`),
          ...nextSteps(runs, o.project),
        ].join('\n'),
      );
    }),
  );
}

/** What a person usually does next with the runs just trained. */
function nextSteps(runs: TrainRunResult[], project: string | undefined): string[] {
  const stopped = runs.filter((r) => r.status === 'stopped');
  const trained = runs.filter((r) => r.best.epoch !== null);
  return [
    ...(stopped.length ? [`resume: osteon train --resume ${stopped[0]!.id}`] : []),
    ...(trained.length ? [`evaluate on the test split: osteon eval --run ${trained[0]!.id}${project ? `; then osteon compare --project ${project}` : ''}`] : []),
  ];
}

/** With a queue: one job per architecture, followed until done (or only enqueued with --detach). */
async function trainThroughQueue(o: TrainOptions, workspace: string, url: string, jobs: Array<{ resume?: string; recipe?: TrainRecipe }>): Promise<void> {
  const queue = await openJobQueue({ workspace, url });
  try {
    const enqueued: JobInfo[] = [];
    for (const job of jobs) enqueued.push(await enqueueTraining(queue, { project: o.project ?? '', ...job }));
    if (o.detach) {
      printResult(o, { jobs: enqueued.map((j) => ({ id: j.id, kind: j.kind, status: j.status })) }, () => enqueued.map((j) => j.id).join('\n'));
      return;
    }
    log(`enqueued ${enqueued.map((j) => j.id).join(', ')} on the ${queue.name} queue; following (Ctrl-C stops following, not the jobs)`);
    const done = await followJobs(queue, enqueued.map((j) => j.id), jobEventPrinter(log));
    const failed = done.filter((d) => d.status !== 'completed');
    const runs = done.filter((d) => d.status === 'completed').map((d) => d.result as TrainJobResult);
    printResult(o, {
      runs: runs.map((r) => ({ id: r.runId, arch: r.arch, status: r.status, epochs: r.epochsDone, best: r.best, imagesPerSecond: r.imagesPerSecond, trainSeconds: r.trainSeconds })),
      jobs: done.map((d) => ({ id: d.id, status: d.status, error: d.error })),
    }, () => [
      ...runs.map((r) => `${r.runId}: ${r.status}, model from epoch ${r.best.epoch === null ? '-' : r.best.epoch + 1}, val AUROC ${r.best.valAuroc?.toFixed(3) ?? 'n/a'}`),
      ...failed.map((d) => `job ${d.id}: ${d.status}${d.error ? ` (${d.error})` : ''}`),
    ].join('\n'));
    if (failed.length) process.exitCode = 1;
  } finally {
    await queue.close();
  }
}
