import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../bootstrap.js';
import { evaluate } from '../report.js';
import { confusionMatrixChart } from './confusion-chart.js';
import { lineChart } from './line-chart.js';
import { prChart } from './pr-chart.js';
import { reliabilityChart } from './reliability-chart.js';
import { evaluationCharts } from './report-charts.js';
import { rocChart } from './roc-chart.js';
import { escapeXml, niceTicks } from './svg.js';
import { humanize, trainingCurveCharts } from './training-curves.js';

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

/**
 * A small XML well-formedness check: one root, balanced tags, quoted attributes without duplicates, and no
 * raw '<' or stray '&' in text. Returns the element tree.
 */
function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [{ name: '#document', attributes: {}, children: [] }];
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  let at = 0;
  while (at < xml.length) {
    token.lastIndex = at;
    const m = token.exec(xml);
    if (!m) throw new Error(`not well-formed at ${at}: ${xml.slice(at, at + 40)}`);
    at = token.lastIndex;
    const [, closing, name, attrText, selfClosing, textContent] = m;
    if (textContent !== undefined) {
      if (textContent.replace(entity, '').includes('&')) throw new Error(`stray & in text: ${textContent}`);
      continue;
    }
    const parent = stack[stack.length - 1]!;
    if (closing) {
      if (parent.name !== name) throw new Error(`</${name}> closes <${parent.name}>`);
      stack.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
      if (a[1]! in attributes) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      if (a[2]!.replace(entity, '').includes('&')) throw new Error(`stray & in attribute ${a[1]}`);
      attributes[a[1]!] = a[2]!;
    }
    const node: XmlElement = { name: name!, attributes, children: [] };
    parent.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (stack[0]!.children.length !== 1) throw new Error('expected exactly one root element');
  return stack[0]!.children[0]!;
}

function all(node: XmlElement, predicate: (e: XmlElement) => boolean): XmlElement[] {
  const out = predicate(node) ? [node] : [];
  for (const child of node.children) out.push(...all(child, predicate));
  return out;
}
const byClass = (root: XmlElement, cls: string) => all(root, (e) => e.attributes.class === cls);

/** Renders with librsvg through sharp: proves a real SVG renderer accepts it, and that it is not blank. */
async function render(svg: string): Promise<{ width: number; height: number; distinctGreys: number }> {
  const { data, info } = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, distinctGreys: new Set(data).size };
}

function sampleReport() {
  const random = seededRandom(3);
  const predictions = Array.from({ length: 200 }, (_, i) => {
    const label = i % 5 < 3 ? 0 : 1;
    return { probability: Math.min(1, Math.max(0, (label === 0 ? 0.64 : 0.36) + (random() - 0.5) * 0.75)), label, group: `p${Math.floor(i / 2)}` };
  });
  return evaluate(predictions, { threshold: 0.5, bootstrap: { resamples: 200, seed: 1 } });
}

describe('evaluation charts', () => {
  const report = sampleReport();
  const charts = evaluationCharts(report, { label: 'resnet18 <v2> & co', cellLink: (t, p) => `gallery.html?true=${t}&predicted=${p}` });

  it('are well-formed standalone SVG documents that a renderer draws', async () => {
    for (const [name, svg] of Object.entries(charts)) {
      const root = parseXml(svg);
      expect(root.name, name).toBe('svg');
      expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
      expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // nothing fetched from elsewhere
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
      const image = await render(svg);
      expect(image.width).toBe(Number(root.attributes.width));
      expect(image.distinctGreys, name).toBeGreaterThan(10);
    }
  });

  it('ROC: one curve with every point, one band, one operating point, chance line, escaped label', () => {
    const root = parseXml(charts.roc);
    const curves = byClass(root, 'curve');
    expect(curves).toHaveLength(1);
    expect(curves[0]!.attributes.d!.match(/[ML]/g)).toHaveLength(report.curves.roc.length);
    expect(byClass(root, 'band')).toHaveLength(1);
    expect(byClass(root, 'operating-point')).toHaveLength(1);
    expect(byClass(root, 'reference')).toHaveLength(1);
    expect(charts.roc).toContain('resnet18 &lt;v2&gt; &amp; co: AUROC');
    expect(charts.roc).toContain(`AUROC ${report.auroc!.toFixed(3)}`);
  });

  it('ROC overlays several models, each with its own colour', () => {
    const svg = rocChart([
      { label: 'a', roc: report.curves.roc, auroc: report.auroc },
      { label: 'b', roc: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }], auroc: 0.5 },
    ]);
    const curves = byClass(parseXml(svg), 'curve');
    expect(curves).toHaveLength(2);
    expect(curves[0]!.attributes.stroke).not.toBe(curves[1]!.attributes.stroke);
    expect(byClass(parseXml(svg), 'band')).toHaveLength(0);
  });

  it('PR: step curve of two points per threshold, band, baseline at the prevalence', () => {
    const root = parseXml(charts.pr);
    const curve = byClass(root, 'curve')[0]!;
    expect(curve.attributes.d!.match(/[ML]/g)).toHaveLength(2 * (report.curves.pr.length - 1));
    expect(byClass(root, 'band')).toHaveLength(1);
    expect(charts.pr).toContain(`prevalence ${(report.positives / report.n).toFixed(2)}`);
  });

  it('confusion matrix: four cells with counts, row percentages, data attributes and links', () => {
    const root = parseXml(charts.confusion);
    const cells = byClass(root, 'cell');
    expect(cells).toHaveLength(4);
    const { tp, fp, tn, fn } = report.confusion;
    expect(cells.map((c) => [c.attributes['data-outcome'], Number(c.attributes['data-count'])])).toEqual([['tp', tp], ['fn', fn], ['fp', fp], ['tn', tn]]);
    expect(cells.map((c) => `${c.attributes['data-true']}>${c.attributes['data-predicted']}`)).toEqual([
      'fractured>fractured', 'fractured>normal', 'normal>fractured', 'normal>normal',
    ]);
    const links = all(root, (e) => e.name === 'a');
    expect(links).toHaveLength(4);
    expect(links[1]!.attributes.href).toBe('gallery.html?true=0&amp;predicted=1');
    expect(charts.confusion).toContain(`${((tp / (tp + fn)) * 100).toFixed(1)}% of row`);
  });

  it('confusion matrix without links has no anchors and rejects a malformed matrix', () => {
    const svg = confusionMatrixChart({ matrix: [[5, 0, 1], [2, 3, 0], [0, 0, 0]], classes: ['a', 'b', 'c'] });
    const root = parseXml(svg);
    expect(byClass(root, 'cell')).toHaveLength(9);
    expect(all(root, (e) => e.name === 'a')).toHaveLength(0);
    expect(svg).toContain('—'); // an empty row has no percentages
    expect(() => confusionMatrixChart({ matrix: [[1, 2]], classes: ['a', 'b'] })).toThrow(/2x2 matrix/);
    expect(() => confusionMatrixChart({ matrix: [[1, -2], [0, 1]], classes: ['a', 'b'] })).toThrow(/non-negative/);
  });

  it('reliability diagram: a bar and a point per non-empty bin, a count bar per bin', () => {
    const root = parseXml(charts.reliability);
    const nonEmpty = report.curves.reliability.filter((b) => b.count > 0).length;
    expect(byClass(root, 'bin')).toHaveLength(nonEmpty);
    expect(byClass(root, 'point')).toHaveLength(nonEmpty);
    expect(byClass(root, 'count')).toHaveLength(10);
    expect(charts.reliability).toContain(`ECE ${report.ece!.toFixed(3)}`);
  });

  it('an undefined evaluation (one class only) still draws, saying why', async () => {
    const onlyFractures = evaluate([0.9, 0.2, 0.6].map((probability) => ({ probability, label: 0 })), { threshold: 0.5, bootstrap: { resamples: 20 } });
    const c = evaluationCharts(onlyFractures);
    expect(c.roc).toContain('undefined: needs both classes');
    expect(c.roc).toContain('AUROC n/a');
    for (const svg of Object.values(c)) {
      parseXml(svg);
      expect((await render(svg)).distinctGreys).toBeGreaterThan(5);
    }
    const empty = evaluationCharts(evaluate([], { threshold: 0.5 }));
    expect(empty.reliability).toContain('no examples');
    parseXml(empty.confusion);
  });
});

describe('training curves', () => {
  const epochs = Array.from({ length: 12 }, (_, e) => ({
    epoch: e + 1,
    trainLoss: 0.7 * Math.exp(-e / 4),
    valLoss: e === 5 ? null : 0.6 * Math.exp(-e / 5) + 0.2,
    trainAccuracy: 1 - 0.4 * Math.exp(-e / 4),
    valAccuracy: 0.7,
    valAuroc: 0.8,
    lr: 0.001,
  }));

  it('draws losses and metrics as series with one marker per point, a gap for a missing value', async () => {
    const { loss, metrics } = trainingCurveCharts(epochs, { bestEpoch: 7 });
    const lossRoot = parseXml(loss);
    const series = byClass(lossRoot, 'series');
    expect(series.map((s) => s.attributes['data-label'])).toEqual(['train loss', 'val loss']);
    expect(all(series[0]!, (e) => e.name === 'circle')).toHaveLength(12);
    expect(all(series[1]!, (e) => e.name === 'circle')).toHaveLength(11);
    // the missing epoch starts a new sub-path
    expect(all(series[1]!, (e) => e.name === 'path')[0]!.attributes.d!.match(/M/g)).toHaveLength(2);
    expect(byClass(lossRoot, 'marker')).toHaveLength(1);
    expect(byClass(parseXml(metrics), 'series').map((s) => s.attributes['data-label'])).toEqual(['train accuracy', 'val accuracy', 'val AUROC']);
    expect((await render(metrics)).distinctGreys).toBeGreaterThan(10);
  });

  it('a chart with no data yet is still valid', () => {
    const svg = lineChart({ title: 'empty', series: [] });
    expect(svg).toContain('no data yet');
    parseXml(svg);
  });

  it('helpers: field names for people, nice ticks, XML escaping', () => {
    expect(humanize('valAuroc')).toBe('val AUROC');
    expect(humanize('trainLoss')).toBe('train loss');
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 20, 8)).toEqual([5, 10, 15, 20]);
    // range 0.56 / 5 = 0.112 -> the next nice step is 0.2
    expect(niceTicks(0.31, 0.87, 5)).toEqual([0.4, 0.6, 0.8]);
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});

describe('standalone chart inputs', () => {
  it('PR and reliability charts work from plain points', () => {
    const pr = prChart({ pr: [{ recall: 0, precision: 1 }, { recall: 0.5, precision: 1 }, { recall: 1, precision: 0.5 }], auprc: 0.75 }, { prevalence: 0.5 });
    expect(byClass(parseXml(pr), 'curve')[0]!.attributes.d!.match(/[ML]/g)).toHaveLength(4);
    const rel = reliabilityChart({ bins: [{ lower: 0, upper: 0.5, count: 3, meanProbability: 0.2, observedFrequency: 0.33 }, { lower: 0.5, upper: 1, count: 0, meanProbability: null, observedFrequency: null }] });
    expect(byClass(parseXml(rel), 'bin')).toHaveLength(1);
    expect(byClass(parseXml(rel), 'count')).toHaveLength(2);
  });
});
