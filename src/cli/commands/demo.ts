import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { ProgressBar } from '../progress.js';
import { humanReport } from '../report-format.js';
import { trainingProgressPrinter } from '../train-progress.js';
import { createProject, getProject, importPath, listImages, splitFromFolders, withStore } from '../../data/index.js';
import { InferenceEngine } from '../../serve/engine/index.js';
import { DEFAULT_DIFFICULTY, writeSyntheticDataset } from '../../synth/index.js';
import { evaluateRun } from '../../train/evaluate-run.js';
import { deployRun } from '../../train/deploy-run.js';
import { launchTraining } from '../../train/launch.js';
import { shortTrainingRecipe } from '../../train/short-recipe.js';
import { closeOnSignal, startServer } from '../../server/start.js';
import { webAssetsDir, webPlugins } from '../../server/web-routes/index.js';
import { resolveWorkspace } from '../../util/workspace.js';
import { OsteonError } from '../../errors.js';

interface DemoOptions extends GlobalOptions {
  n: string;
  size: string;
  epochs: string;
  arch: string;
  difficulty: string;
  batch: string;
  port: string;
  serve: boolean;
}

const PROJECT = 'demo';

/**
 * The out-of-the-box journey on a fresh machine: generated radiographs with known fractures, imported, split,
 * a small model trained with a progress bar, evaluated on the untouched test split, deployed, used to classify
 * new images with heatmaps of where it looked, and served with the web UI.
 */
export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('demo')
      .description('generate radiographs, train, evaluate and deploy a small model, classify images with heatmaps, serve the web UI')
      .option('--n <images>', 'generated radiographs', '2000')
      .option('--size <px>', 'image and training input size', '64')
      .option('--epochs <n>', 'training epochs', '20')
      .option('--arch <name>', 'architecture (small_cnn trains in about a minute; resnet18 about 15)', 'small_cnn')
      .option('--batch <n>', 'batch size', '32')
      .option('--port <n>', 'port of the web UI and API at the end (0: any free port)', '8080')
      .option('--no-serve', 'stop after the heatmaps instead of serving the model and the web UI')
      .option('--difficulty <0..1>', 'how subtle the generated fractures are (0 obvious, 1 subtle)', String(DEFAULT_DIFFICULTY)),
  ).action(
    action<DemoOptions>(async (_args, o) => {
      const workspace = resolveWorkspace(o.workspace);
      const imagesDir = path.join(workspace, 'demo-images');
      log(`workspace: ${workspace}`);

      const existing = await withStore(workspace, (store) => {
        try {
          return getProject(store, PROJECT);
        } catch {
          return undefined;
        }
      });
      if (!existing) {
        log(`1/6 generating ${o.n} synthetic radiographs (half fractured, boxes of the breaks in truth.json)`);
        const synthBar = new ProgressBar('generate', Number(o.n));
        fs.rmSync(imagesDir, { recursive: true, force: true });
        // Rendered at the training size: the breaks are drawn for the pixels the model will see.
        await writeSyntheticDataset({ out: imagesDir, n: Number(o.n), size: Number(o.size), seed: 1, difficulty: Number(o.difficulty) }, (done) => synthBar.update(done));
        synthBar.finish();
        log('2/6 importing and splitting (train/val/test as generated)');
        await withStore(workspace, async (store) => {
          const project = createProject(store, PROJECT);
          const bar = new ProgressBar('import', Number(o.n));
          const report = await importPath(store, project, imagesDir, {}, (p) => bar.update(p.done));
          bar.finish();
          log(`imported ${report.imported}, unreadable ${report.unreadable.length}`);
          const split = splitFromFolders(store, project.id);
          log(`split: train ${split.train}, val ${split.val}, test ${split.test}`);
        });
      } else {
        log(`1-2/6 reusing project "${PROJECT}" in this workspace`);
      }

      log(`3/6 training ${o.arch} at ${o.size}px for up to ${o.epochs} epochs`);
      const recipe = shortTrainingRecipe({ arch: o.arch, size: Number(o.size), epochs: Number(o.epochs), batchSize: Number(o.batch) });
      const run = await launchTraining({ workspace, project: PROJECT, recipe, onEvent: trainingProgressPrinter() }).result;

      log('4/6 evaluating on the test split (threshold chosen on validation)');
      const evaluation = await evaluateRun({ workspace, runId: run.id, split: 'test' });
      log(humanReport(evaluation.report, evaluation.files.length));

      log('5/6 deploying the model and classifying test images with heatmaps');
      const { version, testFiles } = await withStore(workspace, (store) => {
        const project = getProject(store, PROJECT);
        return {
          version: deployRun(store, run.id, { note: 'osteon demo' }),
          testFiles: listImages(store, project.id, { split: 'test', label: 'fractured' }).slice(0, 4).map((i) => i.sourcePath),
        };
      });
      const modelFile = version.file;
      const heatmapDir = path.join(workspace, 'demo-heatmaps');
      fs.mkdirSync(heatmapDir, { recursive: true });
      const engine = await InferenceEngine.load(modelFile);
      const predictions = await engine.predictFiles(testFiles, { cam: { overlay: true } });
      await engine.release();
      const shown = predictions.map((p) => {
        if ('error' in p) return { file: p.file, error: p.error.message };
        const heatmap = path.join(heatmapDir, `${path.basename(p.file, path.extname(p.file))}-heatmap.png`);
        if (p.prediction.cam?.overlayPng) fs.writeFileSync(heatmap, p.prediction.cam.overlayPng);
        return { file: p.file, label: p.prediction.label, probabilities: p.prediction.probabilities, heatmap };
      });
      printResult(o, { project: PROJECT, run: run.id, modelVersion: version.version, model: modelFile, metrics: evaluation.report, predictions: shown }, () => [
        '',
        `Trained ${run.arch} (run ${run.id}); model from epoch ${run.best.epoch === null ? '-' : run.best.epoch + 1}, validation AUROC ${run.best.valAuroc?.toFixed(3) ?? 'n/a'}.`,
        `Deployed as model version ${version.version}: ${modelFile}`,
        ...shown.map((s) => ('error' in s ? `${s.file}: ${s.error}` : `${path.basename(s.file)}: ${s.label} (p fractured ${s.probabilities!.fractured?.toFixed(3)}) -> heatmap ${s.heatmap}`)),
        '',
        'Open the heatmap PNGs above to see where the model looked. Next:',
        `  osteon compare --project ${PROJECT} --workspace ${workspace}`,
        `  osteon predict --model ${modelFile} YOUR_XRAY.png --heatmap out/`,
      ].join('\n'));
      if (!o.serve) return;
      if (!/^\d+$/.test(o.port)) throw new OsteonError('BAD_OPTION', `--port expects a whole number, got "${o.port}".`);
      log('6/6 serving the deployed model and the web UI');
      const server = await startServer({
        workspace,
        host: '127.0.0.1',
        port: Number(o.port),
        auth: false,
        extraPlugins: webPlugins({ workspace }),
        staticDir: webAssetsDir(),
      });
      log(`\nOpen ${server.url}/ for the web UI (no API keys: this machine only); API docs at ${server.url}/docs.`);
      log(`Try it: curl --data-binary @${testFiles[0] ?? 'XRAY.png'} -H 'content-type: image/png' '${server.url}/v1/predict?heatmap=1'`);
      log('Ctrl-C stops the server.');
      await closeOnSignal(server);
    }),
  );
}
