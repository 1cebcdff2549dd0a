import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { awaitInterruptible } from '../interruptible.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { trainingProgressPrinter } from '../train-progress.js';
import { OsteonError } from '../../errors.js';
import { configuredQueue, enqueueSweep, followJobs, jobEventPrinter, openJobQueue, type TrainJobPayload, type TrainJobResult } from '../../jobs/index.js';
import { launchTraining } from '../../train/launch.js';
import { applyOverrides, defaultRecipe } from '../../train/recipe.js';
import { gridTrials, newSweepId, parseGrid, randomTrials, trialRecipes } from '../../train/sweep.js';
import { resolveWorkspace } from '../../util/workspace.js';

interface SweepOptions extends GlobalOptions {
  project: string;
  arch: string;
  grid: string;
  trials?: string;
  seed: string;
  size?: string;
  epochs?: string;
  set: string[];
  queue?: string;
  detach?: boolean;
}

interface TrialRow {
  id: string | null;
  params: Record<string, string>;
  status: string;
  valAuroc: number | null;
  error?: string;
  job?: string;
}

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('sweep')
      .description('train one architecture with several hyperparameter sets; best by validation AUROC')
      .requiredOption('--project <name>', 'project')
      .requiredOption('--arch <name>', 'architecture')
      .requiredOption('--grid <space>', 'values to try, e.g. "lr=1e-3,3e-4 weightDecay=1e-4,1e-2 flip=0,0.5"')
      .option('--trials <n>', 'random search: this many combinations drawn from the grid instead of all of them')
      .option('--seed <n>', 'seed of the random search', '1')
      .option('--size <px>', 'input size')
      .option('--epochs <n>', 'epochs per trial')
      .option('--set <key=value>', 'fixed recipe fields for every trial', (v: string, p: string[]) => [...p, v], [])
      .option('--queue <url>', 'run each trial as a job, N workers running N trials at once: embedded or redis://HOST:PORT (default: $OSTEON_QUEUE)')
      .option('--detach', 'with a queue: print the job ids and return at once'),
  ).action(
    action<SweepOptions>(async (_args, o) => {
      const workspace = resolveWorkspace(o.workspace);
      const fixed: Record<string, string> = { arch: o.arch };
      for (const pair of o.set) {
        const at = pair.indexOf('=');
        if (at < 1) throw new OsteonError('BAD_OPTION', `--set expects key=value, got "${pair}".`);
        fixed[pair.slice(0, at)] = pair.slice(at + 1);
      }
      if (o.size) fixed.size = o.size;
      if (o.epochs) fixed.epochs = o.epochs;
      const base = applyOverrides(defaultRecipe(o.arch), fixed);
      const space = parseGrid(o.grid);
      const trials = o.trials ? randomTrials(space, Number(o.trials), Number(o.seed)) : gridTrials(space);
      const recipes = trialRecipes(base, trials);
      const sweepId = newSweepId();
      log(`sweep ${sweepId}: ${trials.length} trial(s) of ${o.arch}`);
      const rows: TrialRow[] = [];
      const queueUrl = configuredQueue(o.queue);
      if (queueUrl) {
        const queue = await openJobQueue({ workspace, url: queueUrl });
        try {
          const jobs = await enqueueSweep(queue, { sweepId, project: o.project, trials: recipes.map((recipe, i) => ({ params: trials[i]!, recipe })) });
          if (o.detach) {
            printResult(o, { sweep: sweepId, jobs: jobs.map((j) => ({ id: j.id, params: (j.payload as TrainJobPayload).params })) }, () => jobs.map((j) => j.id).join('\n'));
            return;
          }
          log(`enqueued ${jobs.length} trial job(s) on the ${queue.name} queue; following (Ctrl-C stops following, not the jobs)`);
          const done = await followJobs(queue, jobs.map((j) => j.id), jobEventPrinter(log));
          for (const [i, job] of done.entries()) {
            const result = job.result as TrainJobResult | null;
            rows.push(result
              ? { id: result.runId, params: trials[i]!, status: result.status, valAuroc: result.best.valAuroc, job: job.id }
              : { id: null, params: trials[i]!, status: job.status, valAuroc: null, error: job.error ?? undefined, job: job.id });
          }
        } finally {
          await queue.close();
        }
      }
      for (const [i, recipe] of (queueUrl ? [] : recipes).entries()) {
        log(`trial ${i + 1}/${trials.length}: ${Object.entries(trials[i]!).map(([k, v]) => `${k}=${v}`).join(' ')}`);
        try {
          const { result, interrupted } = await awaitInterruptible(launchTraining({ workspace, project: o.project, recipe, sweepId, onEvent: trainingProgressPrinter() }));
          rows.push({ id: result.id, params: trials[i]!, status: result.status, valAuroc: result.best.valAuroc });
          // Ctrl-C ends the sweep after this trial; the table shows the trials done.
          if (interrupted) break;
        } catch (error) {
          // One failed trial (a diverging learning rate, say) must not end the sweep.
          rows.push({ id: null, params: trials[i]!, status: 'failed', valAuroc: null, error: (error as Error).message });
          if ((error as { interrupted?: boolean }).interrupted) break;
        }
      }
      const best = rows.filter((r) => r.valAuroc !== null).sort((a, b) => b.valAuroc! - a.valAuroc!)[0] ?? null;
      printResult(o, { sweep: sweepId, trials: rows, best }, () => {
        const keys = Object.keys(space);
        const lines = rows.map((r) => `${r === best ? '*' : ' '} ${keys.map((k) => `${k}=${r.params[k]}`).join(' ').padEnd(50)} ${r.status.padEnd(9)} val AUROC ${r.valAuroc?.toFixed(3) ?? 'n/a'}  ${r.id ?? r.error ?? ''}`);
        return [...lines, best ? `best: ${best.id} (val AUROC ${best.valAuroc!.toFixed(3)})` : 'no trial finished'].join('\n');
      });
    }),
  );
}
