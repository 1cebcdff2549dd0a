import { api, followEvents } from '../api.js';
import { lineChart, type Series } from '../chart.js';
import { button, field, fmt, h, toast } from '../dom.js';
import type { Project, Run, Session } from '../types.js';
import { loadAugment } from './augment-settings.js';

interface Architecture {
  name: string;
  family: string;
  description: string;
  /** Where this architecture's default recipe differs from the common one. */
  recipe: Record<string, unknown>;
}

type Recipe = Record<string, number | string | boolean>;

const COLORS = ['#1f6fb2', '#c2572b', '#2e8b57', '#7b4fb3', '#b08900'];

/** Training: architectures and hyperparameters (or a sweep), launch, live progress and curves, cancel, past runs. */
export async function trainingPage(main: HTMLElement, project: Project): Promise<() => void> {
  const base = `/api/projects/${encodeURIComponent(project.name)}`;
  const { architectures, recipe } = await api<{ architectures: Architecture[]; recipe: Recipe }>('GET', '/api/architectures');
  const stop = new AbortController();

  // ---- the form
  const archBoxes = architectures.map((a) => h('input', { type: 'checkbox', name: 'arch', value: a.name, checked: a.name === 'resnet18' }));
  const archSet = h('fieldset', { class: 'archs' }, h('legend', null, 'Architectures'),
    ...architectures.map((a, i) => h('label', { class: 'inline', title: a.description }, archBoxes[i]!, ` ${a.name}`)));
  const number = (name: string, value: unknown, attrs: Record<string, unknown> = {}) => h('input', { type: 'number', name, value: String(value), ...attrs });
  const size = number('size', recipe.size, { min: 16, max: 512, step: 1 });
  const epochs = number('epochs', recipe.epochs, { min: 1, max: 500, step: 1 });
  const batch = number('batchSize', recipe.batchSize, { min: 2, max: 256, step: 1 });
  // Empty: each architecture trains at its own default rate (most at the common one, a few lower).
  const lr = h('input', { type: 'number', name: 'lr', value: '', placeholder: String(recipe.lr), min: 0, step: 'any' });
  const ownRates = architectures.filter((a) => typeof a.recipe.lr === 'number').map((a) => `${a.name} ${a.recipe.lr}`);
  const grid = h('input', { type: 'text', name: 'grid', placeholder: 'e.g. lr=1e-3,3e-4 batchSize=16,32', autocomplete: 'off' });
  const formError = h('p', { class: 'form-error', role: 'alert' });
  const launchButton = h('button', { type: 'submit', class: 'primary' }, 'Launch training');
  const form = h('form', { class: 'panel', 'aria-labelledby': 'train-title' }, h('h2', { id: 'train-title' }, 'New training'), archSet,
    h('div', { class: 'row' }, field('Input size (px)', size), field('Epochs', epochs), field('Batch size', batch), field('Learning rate', lr,
      `Empty: each architecture's default (${recipe.lr}${ownRates.length ? `; ${ownRates.join(', ')}` : ''}).`)),
    field('Sweep grid (optional)', grid, 'Every combination is trained for each architecture; leave empty for one run each.'),
    formError, h('div', { class: 'actions' }, launchButton));

  // ---- live view
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Training progress' });
  const statusLine = h('p', { role: 'status', class: 'muted' }, 'No training running.');
  const lossBox = h('div', { class: 'chart-box' });
  const metricsBox = h('div', { class: 'chart-box' });
  const cancelButton = button('Cancel training', () => void cancel(), { class: 'danger', disabled: true });
  const live = h('section', { class: 'panel', 'aria-labelledby': 'live-title' }, h('h2', { id: 'live-title' }, 'Progress'), statusLine, progress,
    h('div', { class: 'charts' }, lossBox, metricsBox), h('div', { class: 'actions' }, cancelButton));
  const runsTable = h('div', { class: 'table-wrap' });

  let current: Session | null = null;
  const steps = new Map<string, Array<[number, number]>>();
  const epochPoints = new Map<string, { trainLoss: Array<[number, number]>; valLoss: Array<[number, number]>; valAuroc: Array<[number, number]> }>();
  const runArch = new Map<string, string>();

  function drawCharts(): void {
    const runIds = [...runArch.keys()];
    const lossSeries: Series[] = runIds.map((id, i) => ({ label: `${runArch.get(id)} loss`, points: steps.get(id) ?? [], color: COLORS[i % COLORS.length]! }));
    lossBox.replaceChildren(lineChart('Training loss per step', lossSeries, { xLabel: 'epoch' }));
    const metricSeries: Series[] = runIds.flatMap((id, i) => {
      const e = epochPoints.get(id);
      const color = COLORS[i % COLORS.length]!;
      return e ? [{ label: `${runArch.get(id)} val AUROC`, points: e.valAuroc, color }, { label: 'val loss', points: e.valLoss, color, dashed: true }] : [];
    });
    metricsBox.replaceChildren(lineChart('Validation AUROC and loss per epoch', metricSeries, { xLabel: 'epoch', yDomain: [0, Math.max(1, ...metricSeries.flatMap((s) => s.points.map((p) => p[1])))] }));
  }

  function follow(session: Session): void {
    current = session;
    cancelButton.disabled = false;
    launchButton.disabled = true;
    steps.clear();
    epochPoints.clear();
    runArch.clear();
    const total = session.recipes.reduce((sum, r) => sum + r.epochs, 0);
    // Complete epochs per run: a resumed run, or a job that started again, begins past its completed ones.
    const runEpochsDone = new Map<string, number>();
    const doneEpochs = () => [...runEpochsDone.values()].reduce((a, b) => a + b, 0);
    const waiting = session.jobs.filter((j) => j.status === 'queued');
    if (waiting.length === session.jobs.length) statusLine.textContent = `Queued as job ${waiting.map((j) => j.id).join(', ')}; waiting for a worker…`;
    drawCharts();
    void followEvents(`/api/trainings/${session.id}/events`, (type, data) => {
      const e = data as Record<string, unknown> & { runId: string };
      if (type === 'start') {
        runArch.set(e.runId, String(e.arch));
        runEpochsDone.set(e.runId, Number(e.startEpoch ?? 0));
        statusLine.textContent = `Training ${e.arch} (${e.runId})…`;
      } else if (type === 'prepare') {
        statusLine.textContent = `Preparing data: ${e.stage} ${e.done}/${e.total}`;
      } else if (type === 'step') {
        const epoch = Number(e.epoch);
        const x = epoch + Number(e.step) / Number(e.stepsPerEpoch);
        const list = steps.get(e.runId) ?? [];
        list.push([x, Number(e.loss)]);
        steps.set(e.runId, list);
        progress.value = (doneEpochs() + Number(e.step) / Number(e.stepsPerEpoch)) / Math.max(1, total);
        statusLine.textContent = `${runArch.get(e.runId)}: epoch ${epoch + 1}, step ${e.step}/${e.stepsPerEpoch}, loss ${fmt(Number(e.loss))}, ${fmt(Number(e.imagesPerSecond), 1)} img/s`;
        drawCharts();
      } else if (type === 'epoch') {
        runEpochsDone.set(e.runId, Number(e.epoch) + 1);
        const m = e.metrics as Record<string, number | null>;
        const epoch = Number(e.epoch) + 1;
        const points = epochPoints.get(e.runId) ?? { trainLoss: [], valLoss: [], valAuroc: [] };
        if (m.valAuroc !== null && m.valAuroc !== undefined) points.valAuroc.push([epoch, m.valAuroc]);
        if (typeof m.valLoss === 'number') points.valLoss.push([epoch, m.valLoss]);
        if (typeof m.trainLoss === 'number') points.trainLoss.push([epoch, m.trainLoss]);
        epochPoints.set(e.runId, points);
        progress.value = doneEpochs() / Math.max(1, total);
        statusLine.textContent = `${runArch.get(e.runId)}: epoch ${epoch} done, validation AUROC ${fmt(m.valAuroc)}`;
        drawCharts();
      } else if (type === 'job') {
        const j = data as { jobId: string; status: string; error: string | null };
        // A job back in the queue (its server or worker stopped) resumes its run from the last complete epoch.
        if (j.status === 'queued') statusLine.textContent = `Job ${j.jobId} is queued again${j.error ? ` (${j.error})` : ''}; it resumes from its last complete epoch.`;
      } else if (type === 'run-finished') {
        void loadRuns();
      } else if (type === 'session') {
        const s = data as Session;
        if (s.status !== 'running') {
          statusLine.textContent = s.status === 'failed' ? `Training failed: ${s.error}` : `Training ${s.status}.`;
          if (s.status === 'completed') progress.value = 1;
          cancelButton.disabled = true;
          launchButton.disabled = false;
          current = null;
          void loadRuns();
        }
      }
    }, stop.signal).catch((error: Error) => {
      if (error.name !== 'AbortError') statusLine.textContent = `Lost the progress stream: ${error.message}`;
    });
  }

  async function cancel(): Promise<void> {
    if (!current) return;
    cancelButton.disabled = true;
    await api('POST', `/api/trainings/${current.id}/cancel`);
    statusLine.textContent = 'Cancelling after the current step…';
  }

  async function loadRuns(): Promise<void> {
    const { runs } = await api<{ runs: Run[] }>('GET', `${base}/runs`);
    runsTable.replaceChildren(runs.length === 0 ? h('p', { class: 'muted' }, 'No runs yet.') : h('table', null,
      h('caption', null, 'Runs of this project'),
      h('thead', null, h('tr', null, ...['Run', 'Model', 'Status', 'Epochs', 'Val AUROC (kept epoch)', 'Train time', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, ...runs.slice().reverse().map((r) => h('tr', null, h('td', null, h('code', null, r.id)), h('td', null, r.arch),
        h('td', null, h('span', { class: `tag run-${r.status}`, ...(r.status === 'interrupted' ? { title: 'Its training process was killed; it resumes from its last complete epoch.' } : {}) }, r.status)),
        h('td', null, `${r.epochsDone}/${r.recipe.epochs}`), h('td', null, fmt(r.bestValAuroc)), h('td', null, `${Math.round(r.trainSeconds)} s`),
        h('td', null, r.status === 'stopped' || r.status === 'interrupted'
          ? button('Resume', (e) => void resume(r.id, e.currentTarget as HTMLButtonElement), { disabled: current !== null })
          : ''))))));
  }

  async function resume(runId: string, trigger: HTMLButtonElement): Promise<void> {
    trigger.disabled = true;
    try {
      const { session } = await api<{ session: Session }>('POST', `/api/runs/${runId}/resume`);
      toast(`Resuming ${runId} from its last complete epoch.`);
      follow(session);
      void loadRuns();
    } catch (error) {
      trigger.disabled = false;
      toast((error as Error).message, 'error');
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.textContent = '';
    const archs = archBoxes.filter((b) => b.checked).map((b) => b.value);
    if (archs.length === 0) {
      formError.textContent = 'Choose at least one architecture.';
      archBoxes[0]?.focus();
      return;
    }
    try {
      const { session } = await api<{ session: Session }>('POST', `${base}/trainings`, {
        archs, grid: grid.value.trim() || undefined,
        recipe: { size: Number(size.value), epochs: Number(epochs.value), batchSize: Number(batch.value), ...(lr.value.trim() ? { lr: Number(lr.value) } : {}) },
        augment: loadAugment(project.name) ?? undefined,
      });
      toast(`Training launched: ${session.recipes.length} run${session.recipes.length > 1 ? 's' : ''}.`);
      follow(session);
    } catch (error) {
      formError.textContent = (error as Error).message;
    }
  });

  main.append(h('h1', null, 'Training'), h('div', { class: 'two-columns wide-right' }, form, live),
    h('section', { class: 'panel', 'aria-labelledby': 'runs-title' }, h('h2', { id: 'runs-title' }, 'Runs'), runsTable));
  drawCharts();
  await loadRuns();
  const { sessions } = await api<{ sessions: Session[] }>('GET', `${base}/trainings`);
  const running = sessions.find((s) => s.status === 'running');
  if (running) follow(running);
  return () => stop.abort();
}
