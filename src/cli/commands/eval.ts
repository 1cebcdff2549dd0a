import type { Command } from 'commander';
import { action, withGlobalOptions } from '../command.js';
import { onOff } from '../flags.js';
import { log, printResult, type GlobalOptions } from '../output.js';
import { ProgressBar } from '../progress.js';
import { metricsSummary, parseThresholdRule } from '../../eval/index.js';
import { humanReport } from '../report-format.js';
import { OsteonError } from '../../errors.js';
import { InferenceEngine, type PlainModelOptions } from '../../serve/engine/index.js';
import { evaluateModelOnFolder } from '../../train/evaluate-folder.js';
import { evaluateRun, type EvaluatedFile } from '../../train/evaluate-run.js';
import { resolveWorkspace } from '../../util/workspace.js';
import type { Split } from '../../data/index.js';

interface EvalOptions extends GlobalOptions {
  run?: string;
  model?: string;
  data?: string;
  split: string;
  threshold: string;
  size?: string;
  mean?: string;
  std?: string;
  channels?: string;
  classes?: string;
  testTimeFlip?: string;
}

const fileRows = (files: EvaluatedFile[]) => files.map(({ file, label, probabilities }) => ({ file, label, probabilities }));

export function register(program: Command): void {
  withGlobalOptions(
    program
      .command('eval')
      .description('evaluate a run (on a project split) or any ONNX classifier (on a folder of labelled images)')
      .option('--run <id>', 'a training run: its best checkpoint, threshold chosen on validation')
      .option('--split <split>', 'split of the run\'s project to evaluate on', 'test')
      .option('--threshold <rule>', 'how the run\'s threshold is chosen on validation: youden, 0.5 (fixed) or sensitivity:0.95', 'youden')
      .option('--model <file.onnx>', 'an ONNX classifier (Osteon\'s, or another framework\'s with --size/--mean/--std)')
      .option('--data <dir>', 'an ImageFolder directory (class sub-folders) to evaluate the model on')
      .option('--size <px>', 'input size of a non-Osteon model')
      .option('--channels <n>', 'input channels of a non-Osteon model (1 or 3)', '3')
      .option('--mean <list>', 'per-channel mean of a non-Osteon model, e.g. 0.485,0.456,0.406')
      .option('--std <list>', 'per-channel std of a non-Osteon model, e.g. 0.229,0.224,0.225')
      .option('--classes <list>', 'class names of a non-Osteon model in output order', 'fractured,normal')
      .option('--test-time-flip <on|off>', 'average each image with its left-right mirror (default: as the run or model says; off for a non-Osteon model)'),
  ).action(
    action<EvalOptions>(async (_args, o) => {
      const testTimeFlip = o.testTimeFlip === undefined ? undefined : onOff('--test-time-flip', o.testTimeFlip);
      if (o.run) {
        const bar = new Map<string, ProgressBar>();
        const result = await evaluateRun({
          workspace: resolveWorkspace(o.workspace), runId: o.run, split: o.split as Split, rule: parseThresholdRule(o.threshold),
          testTimeFlip,
          onProgress: (stage, done, total) => {
            if (!bar.has(stage)) bar.set(stage, new ProgressBar(stage, total));
            bar.get(stage)!.update(done);
          },
        });
        const warnings = result.selectionWarning ? [result.selectionWarning] : [];
        printResult(o, { runId: result.runId, split: result.split, metrics: metricsSummary(result.report), warnings, files: fileRows(result.files) },
          () => [`run ${result.runId}, ${result.split} split (threshold by ${o.threshold} on validation)`, humanReport(result.report, result.files.length),
            ...warnings.map((w) => `note: ${w}`)].join('\n'));
        return;
      }
      if (!o.model || !o.data) throw new OsteonError('BAD_OPTION', 'Give --run RUN, or --model FILE.onnx with --data DIR.');
      const plain: PlainModelOptions | undefined = o.size
        ? {
            size: Number(o.size),
            channels: Number(o.channels) === 1 ? 1 : 3,
            ...(o.mean ? { mean: o.mean.split(',').map(Number) } : {}),
            ...(o.std ? { std: o.std.split(',').map(Number) } : {}),
            classes: (o.classes ?? 'fractured,normal').split(','),
          }
        : undefined;
      const engine = await InferenceEngine.load(o.model, { ...(plain ? { plain } : {}), testTimeFlip });
      try {
        log(`evaluating ${o.model} on ${o.data}`);
        const result = await evaluateModelOnFolder(engine, o.data);
        printResult(o, { model: o.model, metrics: metricsSummary(result.report), files: fileRows(result.files), unreadable: result.unreadable },
          () => humanReport(result.report, result.files.length) + (result.unreadable.length ? `\n${result.unreadable.length} unreadable file(s) skipped` : ''));
      } finally {
        await engine.release();
      }
    }),
  );
}
