import { getProject, getImage, openStore, readOriginal } from '../data/index.js';
import { decodeImage } from '../imaging/index.js';
import { evaluationCharts, trainingCurveCharts } from '../eval/charts/index.js';
import { InferenceEngine } from '../serve/engine/index.js';
import { VERSION } from '../version.js';
import { evaluateRun, type EvaluatedFile } from './evaluate-run.js';
import { exportRun } from './export-run.js';
import { getRun, runEpochs } from './runs.js';

const GALLERY = 8;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface GalleryItem {
  file: string;
  probability: number;
  heatmap: string | null;
}

/**
 * One self-contained HTML page for a run (no scripts, no CDN): training curves, ROC and PR curves with their
 * bootstrap bands, the confusion matrix, the reliability diagram, and galleries of the most confident false
 * negatives and false positives with heatmaps, so a reader can see what the model looked at (a plate or a
 * screw instead of a fracture, say).
 */
export async function renderRunReport(options: { workspace: string; runId: string; split?: 'test' | 'val' }): Promise<string> {
  const evaluation = await evaluateRun({ workspace: options.workspace, runId: options.runId, split: options.split ?? 'test' });
  const store = openStore(options.workspace);
  let engine: InferenceEngine | undefined;
  try {
    const run = getRun(store, options.runId);
    const project = getProject(store, run.projectId);
    const { report } = evaluation;
    const positive = report.positiveClass;
    engine = await InferenceEngine.load(exportRun(store, run.id));
    const gallery = async (files: EvaluatedFile[]): Promise<GalleryItem[]> => {
      const out: GalleryItem[] = [];
      for (const file of files.slice(0, GALLERY)) {
        const stored = getImage(store, file.imageId);
        if (!stored) continue;
        const image = await decodeImage(new Uint8Array(readOriginal(store, stored)));
        const [prediction] = await engine!.predictImages([image], { cam: { className: positive, overlay: true, overlayMaxSide: 256 } });
        const png = prediction?.cam?.overlayPng;
        out.push({ file: file.file, probability: file.probabilities[positive]!, heatmap: png ? `data:image/png;base64,${Buffer.from(png).toString('base64')}` : null });
      }
      return out;
    };
    const p = (f: EvaluatedFile) => f.probabilities[positive]!;
    const falseNegatives = evaluation.files.filter((f) => f.label === positive && p(f) < report.threshold).sort((a, b) => p(a) - p(b));
    const falsePositives = evaluation.files.filter((f) => f.label !== positive && p(f) >= report.threshold).sort((a, b) => p(b) - p(a));
    const charts = evaluationCharts(report, { label: run.arch });
    const epochs = runEpochs(store, run.id);
    const curves = trainingCurveCharts(epochs as never, { bestEpoch: run.bestEpoch });
    const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
    const ci = (k: keyof typeof report.ci) => (report.ci[k] ? ` <small>(${fmt(report.ci[k]![0])}–${fmt(report.ci[k]![1])})</small>` : '');
    const rows = (['auroc', 'accuracy', 'balancedAccuracy', 'recall', 'specificity', 'precision', 'f1', 'auprc', 'kappa', 'ece'] as const)
      .map((k) => `<tr><th>${k === 'recall' ? 'sensitivity (recall)' : k}</th><td>${fmt(report[k])}${ci(k)}</td></tr>`).join('');
    const galleryHtml = (title: string, items: GalleryItem[]) => `<h2>${title} (${items.length} shown)</h2><div class="gallery">${
      items.map((i) => `<figure>${i.heatmap ? `<img src="${i.heatmap}" alt="heatmap of ${escape(i.file)}">` : ''}<figcaption>${escape(i.file.split('/').slice(-2).join('/'))}<br>p(${escape(positive)}) = ${i.probability.toFixed(3)}</figcaption></figure>`).join('') || '<p>None.</p>'}</div>`;
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Osteon report: ${escape(run.id)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1200px;color:#222}table{border-collapse:collapse}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts>div{flex:1 1 480px}.gallery{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;width:200px}figure img{width:200px}small{color:#666}.warn{background:#fff4e0;border-left:4px solid #e6a23c;padding:8px 12px}</style></head><body>
<h1>${escape(run.arch)} on ${escape(project.name)}</h1>
<p>Run <code>${escape(run.id)}</code>, ${run.epochsDone} epochs (model from epoch ${run.bestEpoch === null ? 'n/a' : run.bestEpoch + 1}), ${report.n} ${escape(evaluation.split)} images
(${report.positives} ${escape(positive)}), threshold ${report.threshold.toFixed(3)} chosen on validation by Youden's J. Intervals: 95% bootstrap${report.bootstrap?.grouped ? ', resampling patients or duplicate groups' : ''}. Osteon ${VERSION}.</p>
${evaluation.selectionWarning ? `<p class="warn">${escape(evaluation.selectionWarning)}</p>\n` : ''}<table>${rows}</table>
<h2>Training</h2><div class="charts"><div>${curves.loss}</div><div>${curves.metrics}</div></div>
<h2>Discrimination and calibration</h2><div class="charts"><div>${charts.roc}</div><div>${charts.pr}</div><div>${charts.confusion}</div><div>${charts.reliability}</div></div>
${galleryHtml('Missed fractures (false negatives), most confident first', await gallery(falseNegatives))}
${galleryHtml('False alarms (false positives), most confident first', await gallery(falsePositives))}
</body></html>`;
  } finally {
    await engine?.release();
    store.close();
  }
}
