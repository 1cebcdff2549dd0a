import { api, getText, imageSource } from '../api.js';
import { button, field, fmt, h, toast } from '../dom.js';
import type { CompareRow, Project } from '../types.js';

interface Confusion {
  runId: string;
  classes: string[];
  chosenThreshold: number;
  threshold: number;
  sensitivity: number | null;
  specificity: number | null;
  cells: Record<string, number[]>;
  svg: string;
}

/** Compare: the runs' test metrics, their ROC curves overlaid, and a confusion matrix whose cells open their images. */
export async function comparePage(main: HTMLElement, project: Project): Promise<void> {
  const base = `/api/projects/${encodeURIComponent(project.name)}`;
  const tableBox = h('div', { class: 'table-wrap' });
  const rocBox = h('div', { class: 'chart-box svg-box', 'aria-live': 'polite' });
  const runSelect = h('select', { name: 'run' });
  const threshold = h('input', { type: 'number', min: 0, max: 1, step: 0.01, name: 'threshold' });
  const confusionBox = h('div', { class: 'svg-box' });
  const confusionNote = h('p', { class: 'muted', role: 'status' });
  const gallery = h('section', { class: 'gallery', 'aria-live': 'polite' });
  let rows: CompareRow[] = [];
  const operating = new Map<string, Confusion>();

  async function evaluate(run: string, buttonEl?: HTMLButtonElement): Promise<void> {
    if (buttonEl) {
      buttonEl.disabled = true;
      buttonEl.textContent = 'Evaluating…';
    }
    try {
      await api('POST', `/api/runs/${run}/evaluate`);
      await load();
    } catch (error) {
      toast((error as Error).message, 'error');
      if (buttonEl) {
        buttonEl.disabled = false;
        buttonEl.textContent = 'Evaluate on test';
      }
    }
  }

  function renderTable(): void {
    if (rows.length === 0) {
      tableBox.replaceChildren(h('p', { class: 'muted' }, 'No runs yet: train a model first.'));
      return;
    }
    const head = ['Model', 'Run', 'Test n', 'Accuracy', 'Precision', 'Recall', 'AUROC (95% CI)', 'Threshold', 'Sensitivity', 'Specificity', 'Training time', ''];
    tableBox.replaceChildren(h('table', { class: 'compare' }, h('caption', null, 'Test-set metrics; sensitivity and specificity at the threshold below (chosen on validation unless changed)'),
      h('thead', null, h('tr', null, ...head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, ...rows.map((r) => {
        const at = operating.get(r.run);
        const act = r.split !== 'test' || !r.curvesHeld
          ? button('Evaluate on test', (e) => void evaluate(r.run, e.currentTarget as HTMLButtonElement), { disabled: !['completed', 'stopped', 'interrupted'].includes(r.status) })
          : button('Confusion matrix', () => { runSelect.value = r.run; threshold.value = ''; void loadConfusion(); }, { class: 'quiet' });
        return h('tr', null, h('th', { scope: 'row' }, r.model), h('td', null, h('code', null, r.run)), h('td', null, r.n ?? '–'),
          h('td', null, fmt(r.accuracy)), h('td', null, fmt(r.precision)), h('td', null, fmt(r.recall)),
          h('td', null, `${fmt(r.auroc)}${r.aurocCi ? ` (${fmt(r.aurocCi[0], 2)}–${fmt(r.aurocCi[1], 2)})` : ''}`,
            r.selectionGap ? h('span', { class: 'tag warn', title: 'This model\'s validation AUROC, on which its threshold was chosen, lies outside the test interval: what was chosen on validation may not carry over.' }, ` val ${fmt(r.valAuroc)}`) : ''),
          h('td', null, fmt(at?.threshold ?? r.threshold, 2)), h('td', null, fmt(at ? at.sensitivity : r.sensitivity)),
          h('td', null, fmt(at ? at.specificity : r.specificity)), h('td', null, `${Math.round(r.trainSeconds)} s`), h('td', null, act));
      }))));
  }

  async function load(): Promise<void> {
    ({ rows } = await api<{ rows: CompareRow[] }>('GET', `${base}/compare`));
    renderTable();
    const held = rows.filter((r) => r.curvesHeld);
    runSelect.replaceChildren(...held.map((r) => h('option', { value: r.run }, `${r.model} · ${r.run}`)));
    if (held.length === 0) {
      rocBox.replaceChildren(h('p', { class: 'muted' }, 'Evaluate runs on the test set to draw their ROC curves.'));
      return;
    }
    rocBox.innerHTML = await getText(`${base}/roc.svg?runs=${held.map((r) => r.run).join(',')}`);
    if (!confusionBox.hasChildNodes()) await loadConfusion();
  }

  async function loadConfusion(): Promise<void> {
    if (!runSelect.value) return;
    const query = threshold.value !== '' ? `?threshold=${encodeURIComponent(threshold.value)}` : '';
    const c = await api<Confusion>('GET', `/api/runs/${runSelect.value}/confusion${query}`);
    operating.set(c.runId, c);
    if (threshold.value === '') threshold.value = c.threshold.toFixed(3);
    confusionNote.textContent = `Threshold ${c.threshold.toFixed(3)} (chosen on validation: ${c.chosenThreshold.toFixed(3)}): sensitivity ${fmt(c.sensitivity)}, specificity ${fmt(c.specificity)}. Open a cell to see its images.`;
    confusionBox.innerHTML = c.svg;
    for (const cell of confusionBox.querySelectorAll<SVGGElement>('g.cell')) {
      const t = Number(cell.dataset.true);
      const p = Number(cell.dataset.predicted);
      const open = () => showCell(c, t, p);
      cell.setAttribute('tabindex', '0');
      cell.setAttribute('role', 'button');
      cell.setAttribute('aria-label', `True ${c.classes[t]}, predicted ${c.classes[p]}: ${cell.dataset.count} images`);
      cell.addEventListener('click', open);
      cell.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          open();
        }
      });
    }
    renderTable();
  }

  function showCell(c: Confusion, t: number, p: number): void {
    const ids = c.cells[`${t},${p}`] ?? [];
    gallery.replaceChildren(h('h3', null, `True ${c.classes[t]}, predicted ${c.classes[p]}: ${ids.length} images`),
      ids.length === 0 ? h('p', { class: 'muted' }, 'No images in this cell.') : h('ul', { class: 'grid' }, ...ids.map((id) => {
        const img = h('img', { alt: `Image ${id}`, width: 160, height: 160, loading: 'lazy' });
        void imageSource(`/api/images/${id}/thumbnail?size=160`).then((src) => (img.src = src));
        return h('li', { class: 'tile' }, img, h('span', { class: 'caption' }, `#${id}`));
      })));
  }

  const confusionForm = h('form', { class: 'row' }, field('Run', runSelect), field('Threshold', threshold, 'Probability of fractured at or above which an image is called fractured.'));
  confusionForm.addEventListener('change', () => void loadConfusion());
  confusionForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void loadConfusion();
  });
  main.append(h('h1', null, 'Compare'),
    h('section', { class: 'panel', 'aria-labelledby': 'table-title' }, h('h2', { id: 'table-title' }, 'Runs'), tableBox),
    h('div', { class: 'two-columns' },
      h('section', { class: 'panel', 'aria-labelledby': 'roc-title' }, h('h2', { id: 'roc-title' }, 'ROC curves'), rocBox),
      h('section', { class: 'panel', 'aria-labelledby': 'cm-title' }, h('h2', { id: 'cm-title' }, 'Confusion matrix'), confusionForm, confusionNote, confusionBox)),
    gallery);
  await load();
}
