import { decodeImage } from '../imaging/index.js';
import { getProject, listImages, openStore, readOriginal, type Radiograph, type Split } from '../data/index.js';
import { chooseThreshold, evaluate, scoreSample, selectionGapWarning, type EvaluationReport, type ThresholdChoice, type ThresholdRule } from '../eval/index.js';
import { OsteonError } from '../errors.js';
import { usableImages } from '../pipeline/index.js';
import { InferenceEngine } from '../serve/engine/index.js';
import { exportRun } from './export-run.js';
import { storedRunRecipe } from './recipe.js';
import { getRun, updateRun } from './runs.js';

export interface EvaluatedFile {
  file: string;
  imageId: number;
  label: string;
  probabilities: Record<string, number>;
  group?: string;
  subset?: string;
}

export interface RunEvaluation {
  runId: string;
  split: Split;
  threshold: ThresholdChoice;
  report: EvaluationReport;
  files: EvaluatedFile[];
  /** On the test split: set when the model's validation AUROC lies outside the test AUROC's interval. */
  selectionWarning: string | null;
}

const CHUNK = 32;

/** Classifies images with the engine, decoding originals chunk by chunk. */
export async function classifySplit(
  engine: InferenceEngine,
  images: Radiograph[],
  read: (image: Radiograph) => Uint8Array,
  onProgress?: (done: number, total: number) => void,
): Promise<EvaluatedFile[]> {
  const out: EvaluatedFile[] = [];
  for (let start = 0; start < images.length; start += CHUNK) {
    const chunk = images.slice(start, start + CHUNK);
    const decoded = await Promise.all(chunk.map((image) => decodeImage(read(image))));
    const predictions = await engine.predictImages(decoded);
    chunk.forEach((image, i) => {
      out.push({
        file: image.sourcePath,
        imageId: image.id,
        label: image.label!,
        probabilities: predictions[i]!.probabilities,
        // Images of one patient, or copies of one radiograph, are resampled together by the bootstrap.
        group: image.patientId ? `patient:${image.patientId}` : image.duplicateGroup !== null ? `group:${image.duplicateGroup}` : `image:${image.id}`,
        ...(image.bodyPart ? { subset: image.bodyPart } : {}),
      });
    });
    onProgress?.(out.length, images.length);
  }
  return out;
}

/**
 * Evaluates a run the way it will be served: its ONNX export through the inference engine. The decision
 * threshold is chosen on the validation split (Youden's J by default) and applied unchanged to `split`.
 */
export async function evaluateRun(options: {
  workspace: string;
  runId: string;
  split?: Split;
  rule?: ThresholdRule;
  bootstrap?: { resamples?: number; seed?: number };
  /**
   * Instead of the run's recipe: whether each image is averaged with its mirror (the threshold is chosen so too).
   * Differing from the recipe, the evaluation is a what-if: the run's threshold and evaluations stay as they were.
   */
  testTimeFlip?: boolean;
  onProgress?: (stage: string, done: number, total: number) => void;
}): Promise<RunEvaluation> {
  const split = options.split ?? 'test';
  const store = openStore(options.workspace);
  let engine: InferenceEngine | undefined;
  try {
    const run = getRun(store, options.runId);
    const project = getProject(store, run.projectId);
    const positiveIndex = Math.max(0, project.classes.indexOf('fractured'));
    const usable = (s: Split) => usableImages(listImages(store, project.id, { split: s }), project.classes);
    const classIndex = (label: string) => project.classes.indexOf(label);
    engine = await InferenceEngine.load(exportRun(store, run.id, { threshold: 0.5, testTimeFlip: options.testTimeFlip }));
    const read = (image: Radiograph) => new Uint8Array(readOriginal(store, image));
    const positive = project.classes[positiveIndex]!;
    // Evaluated otherwise than the run will be served: a what-if, neither its threshold nor its scores are recorded.
    const whatIf = options.testTimeFlip !== undefined && options.testTimeFlip !== storedRunRecipe(run.recipe).testTimeFlip;

    const validation = await classifySplit(engine, usable('val'), read, (d, t) => options.onProgress?.('validation', d, t));
    const sample = scoreSample(validation.map((f) => f.probabilities[positive]!), validation.map((f) => classIndex(f.label)), { positiveIndex, numClasses: project.classes.length });
    const threshold = chooseThreshold(sample, options.rule ?? { kind: 'youden' });
    if (!whatIf) updateRun(store, run.id, { threshold: threshold.threshold });

    const files = split === 'val' ? validation : await classifySplit(engine, usable(split), read, (d, t) => options.onProgress?.(split, d, t));
    if (files.length === 0) {
      throw new OsteonError('EMPTY_SPLIT', `Project "${project.name}" has no labelled ${split} images to evaluate on; run \`osteon split\` first.`);
    }
    const report = evaluate(
      files.map((f) => ({ probability: f.probabilities[positive]!, label: classIndex(f.label), group: f.group, ...(f.subset ? { subset: f.subset } : {}) })),
      { threshold: threshold.threshold, positiveIndex, classes: project.classes, bootstrap: { resamples: options.bootstrap?.resamples ?? 1000, seed: options.bootstrap?.seed ?? 0 } },
    );
    if (!whatIf) {
      store.db.prepare('INSERT INTO evaluations (run_id, split, metrics, created_at) VALUES (?, ?, ?, ?)')
        .run(run.id, split, JSON.stringify({ ...report, curves: undefined }), new Date().toISOString());
    }
    const selectionWarning = split === 'test' && !whatIf ? selectionGapWarning(run.bestValAuroc, report.auroc, report.ci.auroc) : null;
    return { runId: run.id, split, threshold, report, files, selectionWarning };
  } finally {
    await engine?.release();
    store.close();
  }
}
