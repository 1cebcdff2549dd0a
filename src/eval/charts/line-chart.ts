import { axes, element, estimateTextWidth, legend, linearScale, linePath, MUTED, niceDomain, niceTicks, PALETTE, svgDocument, text, type PlotArea } from './svg.js';

/** One line: [x, y] points; a null y breaks the line (a missing epoch). */
export interface LineSeries {
  label: string;
  points: ReadonlyArray<readonly [number, number | null]>;
  color?: string;
  dashed?: boolean;
}

export interface LineChartInput {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly LineSeries[];
  /** Fixed y range (e.g. [0, 1] for accuracy); otherwise fitted to the data with nice ends. */
  yDomain?: readonly [number, number];
  /** A vertical marker, e.g. the best epoch. */
  marker?: { x: number; label: string } | null;
  width?: number;
  height?: number;
}

/**
 * Line chart of several series over a shared x axis (epochs), with markers on the points, a legend to the
 * right and an optional vertical marker.
 */
export function lineChart(input: LineChartInput): string {
  const width = input.width ?? 640;
  const height = input.height ?? 360;
  const legendWidth = 24 + Math.max(60, ...input.series.map((s) => estimateTextWidth(s.label, 11) + 34));
  const area: PlotArea = { left: 64, top: 40, width: Math.max(100, width - 64 - legendWidth - 16), height: Math.max(80, height - 40 - 52) };
  const xs = input.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = input.series.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null && Number.isFinite(v)));
  const [xMin, xMax] = xs.length > 0 ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const yDomain = input.yDomain ?? (ys.length > 0 ? niceDomain(Math.min(...ys), Math.max(...ys)) : [0, 1]);
  const x = linearScale(xMin === xMax ? [xMin - 1, xMax + 1] : [xMin, xMax], [area.left, area.left + area.width]);
  const y = linearScale(yDomain, [area.top + area.height, area.top]);
  const xTicks = niceTicks(xMin === xMax ? xMin - 1 : xMin, xMin === xMax ? xMax + 1 : xMax, 8).filter((t) => Number.isInteger(t) || xMax - xMin < 8);
  const layers: string[] = [axes(area, { scale: x, ticks: xTicks, label: input.xLabel ?? 'Epoch' }, { scale: y, ticks: niceTicks(yDomain[0], yDomain[1], 5), label: input.yLabel ?? '' })];
  if (input.marker) {
    const mx = x(input.marker.x);
    layers.push(element('line', { class: 'marker', x1: mx, y1: area.top, x2: mx, y2: area.top + area.height, stroke: MUTED, 'stroke-dasharray': '3 3' }));
    // A white halo keeps the label readable where a line crosses it.
    layers.push(text(mx + 4, area.top + 12, input.marker.label, { 'font-size': 11, fill: MUTED, stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke' }));
  }
  const showPoints = Math.max(0, ...input.series.map((s) => s.points.length)) <= 60;
  input.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const path = linePath(s.points.map(([a, b]) => (b === null || !Number.isFinite(b) ? null : ([x(a), y(b)] as const))));
    const dots = showPoints
      ? s.points
          .filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]))
          .map(([a, b]) => element('circle', { cx: x(a), cy: y(b), r: 2.5, fill: color }))
      : [];
    layers.push(element('g', { class: 'series', 'data-label': s.label }, element('path', { d: path, fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '6 4' : undefined, 'stroke-linejoin': 'round' }), ...dots));
  });
  const legendArea: PlotArea = { left: area.left + area.width + 8, top: area.top - 8, width: legendWidth, height: area.height };
  layers.push(legend(input.series.map((s, i) => ({ label: s.label, color: s.color ?? PALETTE[i % PALETTE.length]!, kind: s.dashed ? 'dashed' : 'line' })), legendArea, 'top-left'));
  if (ys.length === 0) layers.push(text(area.left + area.width / 2, area.top + area.height / 2, 'no data yet', { 'text-anchor': 'middle', fill: MUTED }));
  return svgDocument({ width, height, title: input.title, attributes: { class: 'line-chart' } }, ...layers);
}
