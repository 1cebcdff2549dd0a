import type { ReliabilityBin } from '../calibration.js';
import { axes, element, formatInterval, formatMetric, legend, linearScale, linePath, MUTED, PALETTE, svgDocument, text, type PlotArea } from './svg.js';

export interface ReliabilityChartInput {
  /** From reliabilityCurve or evaluate's curves.reliability, shape [bins]. */
  bins: readonly ReliabilityBin[];
  ece?: number | null;
  eceCi?: readonly [number, number] | null;
  /** Name of the positive class, for the axis labels (default 'fractured'). */
  positiveClass?: string;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Reliability diagram: per probability bin, the observed fraction of positives (bars) and where the mean
 * prediction sits (points on a line), against the diagonal of perfect calibration; under it, how many
 * examples fall in each bin.
 */
export function reliabilityChart(input: ReliabilityChartInput): string {
  const width = input.width ?? 460;
  const height = input.height ?? 580;
  const positive = input.positiveClass ?? 'fractured';
  const side = Math.max(120, Math.min(width - 84, height - 250));
  const area: PlotArea = { left: 64, top: 40, width: side, height: side };
  const x = linearScale([0, 1], [area.left, area.left + side]);
  const y = linearScale([0, 1], [area.top + side, area.top]);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const layers: string[] = [axes(area, { scale: x, ticks, label: `Mean predicted probability of ${positive}`, format: (v) => v.toFixed(1) }, { scale: y, ticks, label: `Observed fraction ${positive}`, format: (v) => v.toFixed(1) })];

  const filled = input.bins.filter((b) => b.count > 0 && b.observedFrequency !== null && b.meanProbability !== null);
  for (const b of filled) {
    layers.push(
      element('rect', {
        class: 'bin',
        'data-count': b.count,
        x: x(b.lower) + 1,
        y: y(b.observedFrequency!),
        width: Math.max(0, x(b.upper) - x(b.lower) - 2),
        height: y(0) - y(b.observedFrequency!),
        fill: PALETTE[0]!,
        'fill-opacity': 0.22,
        stroke: PALETTE[0]!,
        'stroke-opacity': 0.5,
      }),
    );
  }
  layers.push(element('path', { class: 'reference', d: linePath([[x(0), y(0)], [x(1), y(1)]]), stroke: MUTED, 'stroke-width': 1.2, 'stroke-dasharray': '5 4', fill: 'none' }));
  layers.push(element('path', { class: 'curve', d: linePath(filled.map((b) => [x(b.meanProbability!), y(b.observedFrequency!)] as const)), fill: 'none', stroke: PALETTE[1]!, 'stroke-width': 2 }));
  for (const b of filled) {
    layers.push(element('circle', { class: 'point', cx: x(b.meanProbability!), cy: y(b.observedFrequency!), r: 3.5, fill: PALETTE[1]! }));
  }
  // Counts per bin: a small histogram under the plot, then the legend (a legend inside would hide bins).
  const histTop = area.top + side + 58;
  const histHeight = Math.max(30, height - histTop - 88);
  const maxCount = Math.max(1, ...input.bins.map((b) => b.count));
  const hy = linearScale([0, maxCount], [histTop + histHeight, histTop]);
  layers.push(text(area.left, histTop - 6, 'examples per bin', { 'font-size': 11, fill: MUTED }));
  for (const b of input.bins) {
    layers.push(element('rect', { class: 'count', 'data-count': b.count, x: x(b.lower) + 1, y: hy(b.count), width: Math.max(0, x(b.upper) - x(b.lower) - 2), height: hy(0) - hy(b.count), fill: MUTED, 'fill-opacity': 0.45 }));
  }
  for (const t of [0, maxCount]) layers.push(text(area.left - 6, hy(t) + 4, formatCount(t), { 'text-anchor': 'end', 'font-size': 10, fill: MUTED }));
  layers.push(element('line', { x1: area.left, y1: hy(0), x2: area.left + side, y2: hy(0), stroke: '#9ca3af' }));
  layers.push(
    legend(
      [
        { label: `model (ECE ${formatMetric(input.ece)}${formatInterval(input.eceCi)})`, color: PALETTE[1]!, kind: 'line' },
        { label: 'observed fraction per bin', color: PALETTE[0]!, kind: 'area' },
        { label: 'perfect calibration', color: MUTED, kind: 'dashed' },
      ],
      { left: area.left - 8, top: histTop + histHeight + 2, width: side, height: 70 },
      'top-left',
    ),
  );
  if (filled.length === 0) layers.push(text(area.left + side / 2, area.top + side / 2, 'no examples', { 'text-anchor': 'middle', fill: MUTED }));
  return svgDocument({ width, height, title: input.title ?? 'Reliability diagram', attributes: { class: 'reliability-chart' } }, ...layers);
}

function formatCount(count: number): string {
  return Number.isInteger(count) ? String(count) : count.toFixed(1);
}
