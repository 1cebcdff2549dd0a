import { axes, element, legend, linearScale, linePath, MUTED, PALETTE, svgDocument, text, type LegendItem, type PlotArea } from './svg.js';

/** A curve on the unit square, in its own axis units (x, y both in [0, 1]). */
export interface UnitCurve {
  label: string;
  points: ReadonlyArray<readonly [number, number]>;
  /** Pointwise interval band: lower and upper y at each x. */
  band?: { x: readonly number[]; lower: readonly number[]; upper: readonly number[] } | null;
  bandLabel?: string;
  operatingPoint?: { x: number; y: number; label: string } | null;
  color?: string;
}

export interface UnitPlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  curves: UnitCurve[];
  /** A dashed reference line (chance diagonal, no-skill baseline). */
  reference?: { points: ReadonlyArray<readonly [number, number]>; label: string } | null;
  legendCorner: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
  width: number;
  height: number;
  /** Marks the root element, e.g. "roc-chart". */
  kind: string;
  /** Shown when no curve has points. */
  emptyMessage: string;
}

/** The shared drawing of ROC and PR charts: a square unit plot with bands, curves, operating points and a legend. */
export function unitPlot(spec: UnitPlotSpec): string {
  const side = Math.max(120, Math.min(spec.width - 84, spec.height - 92));
  const area: PlotArea = { left: 64, top: 40, width: side, height: side };
  const x = linearScale([0, 1], [area.left, area.left + side]);
  const y = linearScale([0, 1], [area.top + side, area.top]);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const layers: string[] = [axes(area, { scale: x, ticks, label: spec.xLabel, format: (v) => v.toFixed(1) }, { scale: y, ticks, label: spec.yLabel, format: (v) => v.toFixed(1) })];
  const items: LegendItem[] = [];
  const color = (curve: UnitCurve, i: number) => curve.color ?? PALETTE[i % PALETTE.length]!;

  spec.curves.forEach((curve, i) => {
    if (!curve.band) return;
    const { x: bx, lower, upper } = curve.band;
    const top = bx.map((v, j) => [x(v), y(upper[j]!)] as const);
    const bottom = bx.map((v, j) => [x(v), y(lower[j]!)] as const).reverse();
    layers.push(element('path', { class: 'band', d: `${linePath([...top, ...bottom])}Z`, fill: color(curve, i), 'fill-opacity': 0.16, stroke: 'none' }));
  });
  if (spec.reference) {
    const d = linePath(spec.reference.points.map(([a, b]) => [x(a), y(b)] as const));
    layers.push(element('path', { class: 'reference', d, fill: 'none', stroke: MUTED, 'stroke-width': 1.2, 'stroke-dasharray': '5 4' }));
  }
  spec.curves.forEach((curve, i) => {
    const d = linePath(curve.points.map(([a, b]) => [x(a), y(b)] as const));
    layers.push(element('path', { class: 'curve', 'data-label': curve.label, d, fill: 'none', stroke: color(curve, i), 'stroke-width': 2.2, 'stroke-linejoin': 'round' }));
    items.push({ label: curve.label, color: color(curve, i), kind: 'line' });
    if (curve.band) items.push({ label: curve.bandLabel ?? 'bootstrap band', color: color(curve, i), kind: 'area' });
  });
  spec.curves.forEach((curve, i) => {
    const op = curve.operatingPoint;
    if (!op) return;
    layers.push(element('circle', { class: 'operating-point', cx: x(op.x), cy: y(op.y), r: 5, fill: '#ffffff', stroke: color(curve, i), 'stroke-width': 2.5 }));
    items.push({ label: op.label, color: color(curve, i), kind: 'point' });
  });
  if (spec.reference) items.push({ label: spec.reference.label, color: MUTED, kind: 'dashed' });
  layers.push(legend(items, area, spec.legendCorner));
  if (spec.curves.length === 0 || spec.curves.every((c) => c.points.length === 0)) {
    layers.push(text(area.left + side / 2, area.top + side / 2, spec.emptyMessage, { 'text-anchor': 'middle', fill: MUTED, stroke: '#ffffff', 'stroke-width': 4, 'paint-order': 'stroke' }));
  }
  return svgDocument({ width: spec.width, height: spec.height, title: spec.title, attributes: { class: spec.kind } }, ...layers);
}
