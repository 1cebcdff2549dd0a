/**
 * The few SVG primitives the charts share: elements as strings, number formatting, scales, nice ticks and
 * axes. Every chart uses presentation attributes only (no <style>), so several charts can sit in one HTML page
 * without their styles leaking into each other.
 */

export type Attributes = Record<string, string | number | undefined | null | false>;

/** Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
export const INK = '#1f2328';
export const MUTED = '#57606a';
export const GRID = '#e5e7eb';
export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** `<name attrs>children</name>`, or self-closing without children; attributes that are null/undefined/false are left out. */
export function element(name: string, attributes: Attributes = {}, ...children: string[]): string {
  let open = `<${name}`;
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    open += ` ${key}="${escapeXml(typeof value === 'number' ? num(value) : value)}"`;
  }
  const body = children.join('');
  return body === '' ? `${open}/>` : `${open}>${body}</${name}>`;
}

/** A text element whose content is escaped. */
export function text(x: number, y: number, content: string, attributes: Attributes = {}): string {
  return element('text', { x, y, fill: INK, ...attributes }, escapeXml(content));
}

/** Coordinates with at most two decimals: smaller files, no visible difference. */
export function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A metric for people: 0.8734 -> "0.873"; null -> "n/a". */
export function formatMetric(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/** " (95% CI 0.81–0.92)" or "" without an interval. */
export function formatInterval(interval: readonly [number, number] | null | undefined, confidence = 0.95, digits = 2): string {
  if (!interval) return '';
  return ` (${Math.round(confidence * 100)}% CI ${interval[0].toFixed(digits)}–${interval[1].toFixed(digits)})`;
}

export type Scale = (value: number) => number;

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** Round tick values inside [min, max]: the smallest step of 1, 2 or 5 times a power of ten that makes at most `count` intervals. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A domain widened to nice tick boundaries around the values. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (min === max) return min === 0 ? [0, 1] : [min - Math.abs(min) * 0.1, max + Math.abs(max) * 0.1];
  const ticks = niceTicks(min, max, count);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  return [Math.min(ticks[0]!, Math.floor(min / step) * step), Math.max(ticks[ticks.length - 1]!, Math.ceil(max / step) * step)];
}

/** The rectangle of the plot inside the chart's margins. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface AxisSpec {
  scale: Scale;
  ticks: number[];
  label: string;
  format?: (v: number) => string;
}

/** Grid lines, tick labels, axis titles and the frame of a plot area. */
export function axes(area: PlotArea, x: AxisSpec, y: AxisSpec): string {
  const bottom = area.top + area.height;
  const right = area.left + area.width;
  const fx = x.format ?? tickFormat(x.ticks);
  const fy = y.format ?? tickFormat(y.ticks);
  const parts: string[] = [];
  for (const t of x.ticks) {
    const px = x.scale(t);
    parts.push(element('line', { x1: px, y1: area.top, x2: px, y2: bottom, stroke: GRID, 'stroke-width': 1 }));
    parts.push(text(px, bottom + 16, fx(t), { 'text-anchor': 'middle', 'font-size': 11, fill: MUTED }));
  }
  for (const t of y.ticks) {
    const py = y.scale(t);
    parts.push(element('line', { x1: area.left, y1: py, x2: right, y2: py, stroke: GRID, 'stroke-width': 1 }));
    parts.push(text(area.left - 6, py + 4, fy(t), { 'text-anchor': 'end', 'font-size': 11, fill: MUTED }));
  }
  parts.push(element('rect', { x: area.left, y: area.top, width: area.width, height: area.height, fill: 'none', stroke: '#9ca3af', 'stroke-width': 1 }));
  parts.push(text(area.left + area.width / 2, bottom + 36, x.label, { 'text-anchor': 'middle', 'font-size': 12 }));
  const cy = area.top + area.height / 2;
  parts.push(text(0, 0, y.label, { 'text-anchor': 'middle', 'font-size': 12, transform: `translate(${num(area.left - 44)} ${num(cy)}) rotate(-90)` }));
  return element('g', { class: 'axes' }, ...parts);
}

/** Tick labels with as many decimals as the step between ticks needs. */
export function tickFormat(ticks: number[]): (v: number) => string {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : 1;
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
  return (v) => v.toFixed(decimals);
}

export interface LegendItem {
  label: string;
  color: string;
  kind: 'line' | 'dashed' | 'area' | 'point';
}

/**
 * A legend box anchored at a corner of the plot area, sized from its labels (an estimate of text width, as
 * the SVG is built without a font engine).
 */
export function legend(items: LegendItem[], area: PlotArea, corner: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right'): string {
  if (items.length === 0) return '';
  const lineHeight = 18;
  const width = 34 + Math.max(...items.map((i) => estimateTextWidth(i.label, 11)));
  const height = items.length * lineHeight + 8;
  const x = corner.endsWith('left') ? area.left + 8 : area.left + area.width - width - 8;
  const y = corner.startsWith('top') ? area.top + 8 : area.top + area.height - height - 8;
  const rows = items.map((item, i) => {
    const cy = y + 4 + i * lineHeight + lineHeight / 2;
    const swatch =
      item.kind === 'area'
        ? element('rect', { x: x + 8, y: cy - 5, width: 18, height: 10, fill: item.color, 'fill-opacity': 0.2, stroke: 'none' })
        : item.kind === 'point'
          ? element('circle', { cx: x + 17, cy, r: 4, fill: '#ffffff', stroke: item.color, 'stroke-width': 2 })
          : element('line', { x1: x + 8, y1: cy, x2: x + 26, y2: cy, stroke: item.color, 'stroke-width': 2, 'stroke-dasharray': item.kind === 'dashed' ? '4 3' : undefined });
    return swatch + text(x + 32, cy + 4, item.label, { 'font-size': 11 });
  });
  return element(
    'g',
    { class: 'legend' },
    element('rect', { x, y, width, height, fill: '#ffffff', 'fill-opacity': 0.92, stroke: '#d0d7de', rx: 4 }),
    ...rows,
  );
}

/** Rough width of a label in a sans-serif font (average glyph about 0.56 em). */
export function estimateTextWidth(label: string, fontSize: number): number {
  return label.length * fontSize * 0.56;
}

export interface DocumentOptions {
  width: number;
  height: number;
  title: string;
  /** Extra attributes on the root (e.g. a namespace for links). */
  attributes?: Attributes;
}

/** The root <svg> with an accessible title, a white background and the chart's title drawn at the top. */
export function svgDocument(options: DocumentOptions, ...body: string[]): string {
  const { width, height, title } = options;
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${num(width)} ${num(height)}`,
      role: 'img',
      'font-family': FONT,
      'font-size': 12,
      ...options.attributes,
    },
    element('title', {}, escapeXml(title)),
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    text(width / 2, 22, title, { 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 600 }),
    ...body,
  );
}

/** An SVG path through points; null values break the line. */
export function linePath(points: ReadonlyArray<readonly [number, number] | null>): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${num(p[0])} ${num(p[1])}`;
    pen = true;
  }
  return d;
}
