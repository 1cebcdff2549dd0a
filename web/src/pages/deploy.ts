import { api, sendFile } from '../api.js';
import { button, field, fmt, h, toast } from '../dom.js';
import type { ModelVersion, PredictResult, Project, Run } from '../types.js';

/** Deploy: register a run as a model version, choose the deployed version, and try one on a dropped X-ray. */
export async function deployPage(main: HTMLElement, project: Project): Promise<void> {
  const versionSelect = h('select', { name: 'version' });
  const runSelect = h('select', { name: 'run' });
  const deployedLine = h('p', { class: 'muted', role: 'status' });
  const result = h('section', { class: 'panel result', 'aria-live': 'polite', 'aria-labelledby': 'result-title' },
    h('h2', { id: 'result-title' }, 'Prediction'), h('p', { class: 'muted' }, 'Drop a radiograph to see what the model says.'));

  async function load(): Promise<void> {
    const [{ versions, current }, { runs }] = await Promise.all([
      api<{ versions: ModelVersion[]; current: number | null }>('GET', '/api/models'),
      api<{ runs: Run[] }>('GET', `/api/projects/${encodeURIComponent(project.name)}/runs`),
    ]);
    versionSelect.replaceChildren(...versions.map((v) => h('option', { value: String(v.version), selected: v.version === current },
      `v${v.version} · ${v.arch ?? 'model'} · threshold ${v.threshold.toFixed(3)}${v.version === current ? ' (deployed)' : ''}`)));
    deployedLine.textContent = current === null ? 'No version is deployed yet.' : `Version ${current} answers the API.`;
    const done = runs.filter((r) => r.epochsDone > 0).reverse();
    runSelect.replaceChildren(...done.map((r) => h('option', { value: r.id }, `${r.arch} · ${r.id} · val AUROC ${fmt(r.bestValAuroc)}`)));
  }

  const deployForm = h('form', { class: 'panel', 'aria-labelledby': 'deploy-title' }, h('h2', { id: 'deploy-title' }, 'Deploy a trained run'),
    field('Run', runSelect, 'Its best checkpoint is exported with the threshold chosen on validation.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Deploy this run')));
  deployForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!runSelect.value) return toast('Train a run first.', 'error');
    try {
      const { version } = await api<{ version: ModelVersion }>('POST', `/api/runs/${runSelect.value}/deploy`, { promote: true });
      toast(`Deployed as version ${version.version}.`);
      await load();
    } catch (error) {
      toast((error as Error).message, 'error');
    }
  });

  const versionForm = h('form', { class: 'panel', 'aria-labelledby': 'version-title' }, h('h2', { id: 'version-title' }, 'Model version'),
    field('Model version to try', versionSelect), deployedLine,
    h('div', { class: 'actions' }, button('Make this the deployed version', async () => {
      if (!versionSelect.value) return;
      try {
        await api('POST', `/api/models/${versionSelect.value}/promote`, {});
        toast(`Version ${versionSelect.value} deployed.`);
        await load();
      } catch (error) {
        toast((error as Error).message, 'error');
      }
    })));
  versionForm.addEventListener('submit', (e) => e.preventDefault());

  const fileInput = h('input', { type: 'file', accept: 'image/*,.dcm,.dicom,application/dicom' });
  const drop = h('div', { class: 'dropzone big' }, h('p', null, 'Drop an X-ray here (PNG, JPEG, TIFF or DICOM), or'), field('Choose an X-ray', fileInput));
  async function predict(file: File): Promise<void> {
    if (!versionSelect.value) return toast('Deploy a model version first.', 'error');
    result.replaceChildren(h('h2', { id: 'result-title' }, 'Prediction'), h('p', { class: 'muted' }, `Classifying ${file.name}…`));
    try {
      const r = await sendFile<PredictResult>(`/api/predict?version=${versionSelect.value}`, file);
      showResult(file.name, r);
    } catch (error) {
      result.replaceChildren(h('h2', { id: 'result-title' }, 'Prediction'), h('p', { class: 'form-error', role: 'alert' }, (error as Error).message));
    }
  }
  function showResult(name: string, r: PredictResult): void {
    const p = r.probabilities[r.positiveClass] ?? 0;
    const positive = r.label === r.positiveClass;
    const overlay = r.heatmap ? h('img', { class: 'overlay', alt: `Heatmap of the ${r.heatmap.className} evidence`, src: `data:image/png;base64,${r.heatmap.png}` }) : null;
    const opacity = h('input', { type: 'range', min: 0, max: 1, step: 0.05, value: '0.8' });
    const setOpacity = () => overlay && (overlay.style.opacity = opacity.value);
    opacity.addEventListener('input', setOpacity);
    setOpacity();
    const peak = r.heatmap ? h('span', { class: 'peak', title: 'Strongest evidence', style: `left:${(100 * r.heatmap.peak.x) / r.image.width}%;top:${(100 * r.heatmap.peak.y) / r.image.height}%` }) : null;
    result.replaceChildren(h('h2', { id: 'result-title' }, 'Prediction'),
      h('p', { class: `verdict ${positive ? 'positive' : 'negative'}` }, h('span', { class: 'verdict-label' }, r.label), ` · ${name} · model v${r.modelVersion}`),
      h('div', { class: 'probability', role: 'img', 'aria-label': `Probability of ${r.positiveClass} ${(p * 100).toFixed(1)}%, threshold ${(r.threshold * 100).toFixed(1)}%` },
        h('div', { class: 'bar', style: `width:${(p * 100).toFixed(1)}%` }),
        h('div', { class: 'threshold', style: `left:${(r.threshold * 100).toFixed(1)}%` })),
      h('p', null, `p(${r.positiveClass}) = ${p.toFixed(3)} against the threshold ${r.threshold.toFixed(3)}` +
        `${r.testTimeFlip ? ' (the mean of the radiograph and its mirror image)' : ''}.`),
      h('div', { class: 'heatmap-view' }, h('img', { class: 'base', alt: `The radiograph ${name}`, src: `data:image/png;base64,${r.image.png}` }), overlay, peak),
      overlay ? field('Heatmap opacity', opacity) : h('p', { class: 'muted' }, 'This model has no heatmap output.'),
      h('p', { class: 'muted small' }, `${r.image.width}×${r.image.height} ${r.image.format}; ${Object.entries(r.timingsMs).map(([k, v]) => `${k} ${v} ms`).join(', ')}`),
      r.warnings.length ? h('p', { class: 'warn-text' }, r.warnings.join('; ')) : '');
  }
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) void predict(file);
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) void predict(file);
  });

  main.append(h('h1', null, 'Deploy'), h('div', { class: 'two-columns' }, deployForm, versionForm),
    h('div', { class: 'two-columns wide-right' }, h('section', { class: 'panel', 'aria-labelledby': 'try-title' }, h('h2', { id: 'try-title' }, 'Try it'), drop), result));
  await load();
}
