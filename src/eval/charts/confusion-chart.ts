import { OsteonError } from '../../errors.js';
import { element, escapeXml, estimateTextWidth, INK, MUTED, svgDocument, text } from './svg.js';

export interface ConfusionChartInput {
  /** Counts, shape [classes][classes]: matrix[trueClass][predictedClass] (see classMatrix). */
  matrix: readonly (readonly number[])[];
  /** Class names in index order. */
  classes: readonly string[];
  /** With two classes, marks cells tp / fn / fp / tn (data-outcome) from this positive class index. */
  positiveIndex?: number;
  /** A link target per cell (e.g. the gallery of those images); the cell becomes an <a>. */
  cellLink?: (trueIndex: number, predictedIndex: number) => string | undefined;
  title?: string;
  /** The threshold the matrix was counted at, shown under the title. */
  threshold?: number;
  width?: number;
  height?: number;
}

/**
 * Confusion matrix chart: true class in rows, predicted class in columns, each cell with its count and its
 * percentage of the row (so the diagonal reads as per-class recall), shaded by that percentage.
 *
 * Every cell is a <g class="cell"> with data-true, data-predicted, data-count (and data-outcome for two
 * classes), so a page can open the images behind a cell; with `cellLink` it is also a link.
 */
export function confusionMatrixChart(input: ConfusionChartInput): string {
  const { matrix, classes } = input;
  const k = classes.length;
  if (k < 2 || matrix.length !== k || matrix.some((row) => row.length !== k || row.some((v) => !(v >= 0)))) {
    throw new OsteonError('BAD_OPTION', `A confusion matrix chart needs a ${k}x${k} matrix of non-negative counts, one row and column per class.`);
  }
  const labelWidth = Math.min(160, 12 + Math.max(...classes.map((c) => estimateTextWidth(c, 12))));
  const cell = Math.max(70, Math.min(130, ((input.width ?? 420) - labelWidth - 110) / k));
  const left = labelWidth + 40;
  const top = input.threshold === undefined ? 78 : 92;
  const width = input.width ?? left + k * cell + 76;
  const height = input.height ?? top + k * cell + 20;
  const outcomes = k === 2 && input.positiveIndex !== undefined ? outcomeNames(input.positiveIndex) : null;
  const parts: string[] = [];
  if (input.threshold !== undefined) {
    parts.push(text(width / 2, 42, `predicted positive when p(${classes[input.positiveIndex ?? 0]}) ≥ ${input.threshold.toFixed(3)}`, { 'text-anchor': 'middle', 'font-size': 11, fill: MUTED }));
  }
  parts.push(text(left + (k * cell) / 2, top - 30, 'Predicted class', { 'text-anchor': 'middle', 'font-size': 12, 'font-weight': 600 }));
  parts.push(text(0, 0, 'True class', { 'text-anchor': 'middle', 'font-size': 12, 'font-weight': 600, transform: `translate(${left - labelWidth - 18} ${top + (k * cell) / 2}) rotate(-90)` }));
  classes.forEach((name, j) => parts.push(text(left + j * cell + cell / 2, top - 10, name, { 'text-anchor': 'middle', 'font-size': 12 })));
  parts.push(text(left + k * cell + 38, top - 10, 'total', { 'text-anchor': 'middle', 'font-size': 11, fill: MUTED }));

  matrix.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    const y = top + i * cell;
    parts.push(text(left - 8, y + cell / 2 + 4, classes[i]!, { 'text-anchor': 'end', 'font-size': 12 }));
    parts.push(text(left + k * cell + 38, y + cell / 2 + 4, String(rowTotal), { 'text-anchor': 'middle', 'font-size': 12, fill: MUTED }));
    row.forEach((count, j) => {
      const fraction = rowTotal > 0 ? count / rowTotal : 0;
      const x = left + j * cell;
      const correct = i === j;
      const fill = shade(fraction, correct);
      const ink = fraction > 0.55 ? '#ffffff' : INK;
      const content =
        element('rect', { x: x + 1, y: y + 1, width: cell - 2, height: cell - 2, rx: 4, fill, stroke: '#ffffff', 'stroke-width': 2 }) +
        text(x + cell / 2, y + cell / 2 + 2, formatCount(count), { 'text-anchor': 'middle', 'font-size': 22, 'font-weight': 600, fill: ink }) +
        text(x + cell / 2, y + cell / 2 + 22, rowTotal > 0 ? `${(fraction * 100).toFixed(1)}% of row` : '—', { 'text-anchor': 'middle', 'font-size': 11, fill: ink }) +
        (outcomes ? text(x + 8, y + 16, outcomes[i]![j]!.toUpperCase(), { 'font-size': 10, fill: ink, 'fill-opacity': 0.8 }) : '') +
        element('title', {}, escapeXml(`true ${classes[i]}, predicted ${classes[j]}: ${count} (${(fraction * 100).toFixed(1)}% of ${rowTotal})`));
      const attributes = {
        class: 'cell',
        'data-true': classes[i]!,
        'data-predicted': classes[j]!,
        'data-count': count,
        'data-outcome': outcomes ? outcomes[i]![j]! : undefined,
      };
      const link = input.cellLink?.(i, j);
      parts.push(
        link
          ? element('a', { href: link, 'xlink:href': link, 'aria-label': `open ${classes[i]} predicted ${classes[j]}` }, element('g', { ...attributes, cursor: 'pointer' }, content))
          : element('g', attributes, content),
      );
    });
  });
  return svgDocument(
    { width, height, title: input.title ?? 'Confusion matrix', attributes: { class: 'confusion-chart', 'xmlns:xlink': input.cellLink ? 'http://www.w3.org/1999/xlink' : undefined } },
    ...parts,
  );
}

/** Cell names [true][predicted] for a binary matrix in class order. */
function outcomeNames(positiveIndex: number): string[][] {
  return positiveIndex === 0 ? [['tp', 'fn'], ['fp', 'tn']] : [['tn', 'fp'], ['fn', 'tp']];
}

/** Blue for correct cells, orange for errors, deeper with a larger share of the row. */
function shade(fraction: number, correct: boolean): string {
  const [r, g, b] = correct ? [0, 114, 178] : [213, 94, 0];
  const t = 0.08 + 0.85 * fraction;
  const mix = (c: number) => Math.round(255 + (c - 255) * t);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

function formatCount(count: number): string {
  return Number.isInteger(count) ? String(count) : count.toFixed(1);
}
