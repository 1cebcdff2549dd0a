import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { InferenceEngine } from './engine/index.js';

/** One line of `osteon predict`'s report: a prediction, or why the file got none. */
export type PredictReportEntry =
  | { file: string; label: string; probabilities: Record<string, number>; threshold: number; heatmap: string | null }
  | { file: string; error: string; code: string };

export interface PredictReportOptions {
  /** Folder for the class activation overlays (`<name>.heatmap.png`); none are drawn without it. */
  heatmapDir?: string;
  /** The class whose map to draw (default: the predicted class). */
  heatmapClass?: string;
  /** Called after each batch with the number of files done. */
  onProgress?: (done: number) => void;
}

/**
 * Classifies files with the engine, a batch at a time, writing a heatmap overlay per file when asked. A file
 * that cannot be read, decoded or classified gets an error entry; the rest go on. Entries follow `files`.
 */
export async function predictReport(engine: InferenceEngine, files: string[], options: PredictReportOptions = {}): Promise<PredictReportEntry[]> {
  const entries: PredictReportEntry[] = [];
  const names = new Set<string>();
  const wantHeatmaps = options.heatmapDir !== undefined && engine.model.camHead !== null;
  for (let start = 0; start < files.length; start += engine.batchSize) {
    const chunk = files.slice(start, start + engine.batchSize);
    const cam = wantHeatmaps ? { overlay: true, className: options.heatmapClass } : undefined;
    for (const result of await engine.predictFiles(chunk, { cam })) {
      if ('error' in result) {
        entries.push({ file: result.file, error: result.error.message, code: result.error.code });
        continue;
      }
      const { prediction } = result;
      let heatmap: string | null = null;
      if (prediction.cam?.overlayPng && options.heatmapDir !== undefined) {
        heatmap = path.join(options.heatmapDir, uniqueName(names, path.parse(result.file).name, '.heatmap.png'));
        writeFileAtomic(heatmap, prediction.cam.overlayPng);
      }
      entries.push({
        file: result.file,
        label: prediction.label,
        probabilities: prediction.probabilities,
        threshold: prediction.threshold,
        heatmap,
      });
    }
    options.onProgress?.(Math.min(files.length, start + chunk.length));
  }
  return entries;
}

/** `stem + suffix`, or with -2, -3... after the stem when already taken (files of one name in two folders). */
function uniqueName(taken: Set<string>, stem: string, suffix: string): string {
  let candidate = `${stem}${suffix}`;
  for (let k = 2; taken.has(candidate); k++) candidate = `${stem}-${k}${suffix}`;
  taken.add(candidate);
  return candidate;
}
