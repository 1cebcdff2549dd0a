import { log } from './output.js';
import { ProgressBar } from './progress.js';
import type { TrainEvent } from '../train/train-run.js';

/** Turns the engine's events into one progress bar per epoch and a line per finished epoch. */
export function trainingProgressPrinter(): (event: TrainEvent) => void {
  let bar: ProgressBar | undefined;
  let epochs = 0;
  let preparing: { stage: string; bar: ProgressBar } | undefined;
  return (event) => {
    switch (event.type) {
      case 'prepare':
        if (preparing?.stage !== event.stage) preparing = { stage: event.stage, bar: new ProgressBar(event.stage, event.total) };
        if (event.done >= event.total) preparing.bar.finish();
        else preparing.bar.update(event.done);
        break;
      case 'start':
        epochs = event.epochs;
        log(`run ${event.runId}: ${event.arch}, ${event.epochs} epochs of ${event.stepsPerEpoch} steps` +
          (event.startEpoch > 0 ? `, resuming at epoch ${event.startEpoch + 1}` : ''));
        break;
      case 'step':
        if (event.step === 1) bar = new ProgressBar(`epoch ${event.epoch + 1}/${epochs}`, event.stepsPerEpoch);
        bar?.update(event.step, `loss ${event.loss.toFixed(3)} acc ${event.accuracy.toFixed(3)} ${event.imagesPerSecond.toFixed(1)} img/s`);
        break;
      case 'epoch': {
        bar?.finish();
        const m = event.metrics;
        log(`epoch ${event.epoch + 1}: train loss ${m.trainLoss.toFixed(3)} acc ${m.trainAccuracy.toFixed(3)} | ` +
          `val loss ${m.valLoss.toFixed(3)} acc ${m.valAccuracy.toFixed(3)} AUROC ${m.valAuroc?.toFixed(3) ?? 'n/a'}` +
          `${event.improved ? ' (best)' : ''} | ${m.imagesPerSecond.toFixed(1)} img/s, ${m.seconds.toFixed(0)}s`);
        break;
      }
      case 'log':
        log(event.message);
        break;
    }
  };
}

