/** A small line chart as inline SVG for live training curves (the server draws the report charts). */
export interface Series {
  label: string;
  points: Array<[number, number]>;
  color: string;
  dashed?: boolean;
}

const NS = 'http://www.w3.org/2000/svg';

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function lineChart(title: string, series: Series[], options: { xLabel: string; yDomain?: [number, number] }): SVGSVGElement {
  const width = 520;
  const height = 260;
  const m = { left: 48, right: 12, top: 28, bottom: 56 };
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xMin = Math.min(0, ...xs);
  const xMax = Math.max(1, ...xs);
  let [yMin, yMax] = options.yDomain ?? [Math.min(...ys, 0), Math.max(...ys, 1e-6)];
  if (!(yMax > yMin)) [yMin, yMax] = [yMin - 1, yMin + 1];
  const sx = (x: number) => m.left + ((x - xMin) / (xMax - xMin || 1)) * (width - m.left - m.right);
  const sy = (y: number) => height - m.bottom - ((y - yMin) / (yMax - yMin)) * (height - m.top - m.bottom);
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart' }) as SVGSVGElement;
  svg.append(el('title', {}, title));
  svg.append(el('text', { x: m.left, y: 16, class: 'chart-title' }, title));
  for (let i = 0; i <= 4; i++) {
    const y = yMin + ((yMax - yMin) * i) / 4;
    svg.append(el('line', { x1: m.left, x2: width - m.right, y1: sy(y), y2: sy(y), class: 'grid' }));
    svg.append(el('text', { x: m.left - 6, y: sy(y) + 4, 'text-anchor': 'end', class: 'tick' }, y.toPrecision(2)));
  }
  svg.append(el('text', { x: (m.left + width - m.right) / 2, y: height - 30, 'text-anchor': 'middle', class: 'tick' }, options.xLabel));
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    svg.append(el('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 2, ...(s.dashed ? { 'stroke-dasharray': '5 4' } : {}) }));
    if (s.points.length === 1) svg.append(el('circle', { cx: sx(s.points[0]![0]), cy: sy(s.points[0]![1]), r: 4, fill: s.color }));
    const lx = m.left + i * 150;
    svg.append(el('line', { x1: lx, x2: lx + 18, y1: height - 10, y2: height - 10, stroke: s.color, 'stroke-width': 3 }));
    svg.append(el('text', { x: lx + 24, y: height - 6, class: 'tick' }, s.label));
  });
  svg.dataset.points = String(all.length);
  return svg;
}
