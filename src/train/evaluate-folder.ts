import fs from 'node:fs';
import path from 'node:path';
import { evaluate, type EvaluationReport } from '../eval/index.js';
import { OsteonError } from '../errors.js';
import { InferenceEngine } from '../serve/engine/index.js';
import type { EvaluatedFile } from './evaluate-run.js';

/** Files of an ImageFolder directory (`DIR/<class>/...`, optionally under `test/`), labelled by their folder. */
export function imageFolderFiles(dir: string, classes: string[]): Array<{ file: string; label: string }> {
  const root = fs.existsSync(path.join(dir, 'test')) && !classes.some((c) => fs.existsSync(path.join(dir, c))) ? path.join(dir, 'test') : dir;
  const out: Array<{ file: string; label: string }> = [];
  for (const label of classes) {
    const folder = path.join(root, label);
    if (!fs.existsSync(folder)) continue;
    const walk = (d: string) => {
      for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(d, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) out.push({ file: full, label });
      }
    };
    walk(folder);
  }
  if (out.length === 0) {
    throw new OsteonError('EMPTY_DATA', `${dir} holds no images in class folders named ${classes.join(' or ')}.`);
  }
  return out;
}

/**
 * Evaluates an ONNX model (Osteon's, or another framework's with plain settings) on a folder of labelled
 * images, at the threshold the model carries. Unreadable files are listed, not fatal.
 */
export async function evaluateModelOnFolder(engine: InferenceEngine, dir: string): Promise<{
  report: EvaluationReport;
  files: EvaluatedFile[];
  unreadable: Array<{ file: string; reason: string }>;
}> {
  const { classes, positiveClass, threshold } = engine.model;
  const positiveIndex = classes.indexOf(positiveClass);
  const listed = imageFolderFiles(dir, classes);
  const predictions = await engine.predictFiles(listed.map((f) => f.file));
  const files: EvaluatedFile[] = [];
  const unreadable: Array<{ file: string; reason: string }> = [];
  predictions.forEach((p, i) => {
    if ('error' in p) unreadable.push({ file: p.file, reason: p.error.message });
    else files.push({ file: p.file, imageId: -1, label: listed[i]!.label, probabilities: p.prediction.probabilities });
  });
  const report = evaluate(
    files.map((f) => ({ probability: f.probabilities[positiveClass]!, label: classes.indexOf(f.label) })),
    { threshold, positiveIndex, classes },
  );
  return { report, files, unreadable };
}
