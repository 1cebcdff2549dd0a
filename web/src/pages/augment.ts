import { api, postForBlob } from '../api.js';
import { button, debounce, field, h } from '../dom.js';
import type { Project } from '../types.js';
import { loadAugment, saveAugment, type AugmentSettings } from './augment-settings.js';

/** One control: a path into the settings, its label, and its range. */
interface Control {
  path: [string] | [string, string];
  label: string;
  min: number;
  max: number;
  step: number;
}

const CONTROLS: Control[] = [
  { path: ['horizontalFlip'], label: 'Horizontal flip probability', min: 0, max: 1, step: 0.05 },
  { path: ['verticalFlip'], label: 'Vertical flip probability', min: 0, max: 1, step: 0.05 },
  { path: ['rotation', 'p'], label: 'Rotation probability', min: 0, max: 1, step: 0.05 },
  { path: ['rotation', 'degrees'], label: 'Rotation up to (degrees)', min: 0, max: 45, step: 1 },
  { path: ['randomResizedCrop', 'p'], label: 'Random crop probability', min: 0, max: 1, step: 0.05 },
  { path: ['brightness', 'p'], label: 'Brightness probability', min: 0, max: 1, step: 0.05 },
  { path: ['brightness', 'range'], label: 'Brightness range (±)', min: 0, max: 0.5, step: 0.01 },
  { path: ['contrast', 'p'], label: 'Contrast probability', min: 0, max: 1, step: 0.05 },
  { path: ['contrast', 'range'], label: 'Contrast range (±)', min: 0, max: 0.5, step: 0.01 },
  { path: ['gamma', 'p'], label: 'Gamma probability', min: 0, max: 1, step: 0.05 },
  { path: ['gaussianNoise', 'p'], label: 'Noise probability', min: 0, max: 1, step: 0.05 },
  { path: ['gaussianNoise', 'std'], label: 'Noise strength (std)', min: 0, max: 0.1, step: 0.005 },
  { path: ['clahe', 'p'], label: 'CLAHE probability', min: 0, max: 1, step: 0.05 },
];

const read = (s: AugmentSettings, [a, b]: Control['path']) => Number(b === undefined ? s[a] : (s[a] as Record<string, number>)[b]);
function write(s: AugmentSettings, [a, b]: Control['path'], value: number): void {
  if (b === undefined) s[a] = value;
  else (s[a] as Record<string, number>)[b] = value;
}

/** Augmentation: every setting as a slider, and a grid of training samples re-rendered as they move. */
export async function augmentPage(main: HTMLElement, project: Project): Promise<void> {
  const { augment: defaults } = await api<{ augment: AugmentSettings }>('GET', '/api/augment/defaults');
  const settings: AugmentSettings = structuredClone(loadAugment(project.name) ?? defaults);
  let epoch = 0;
  const preview = h('img', { class: 'preview', alt: 'Augmented training samples' });
  const status = h('p', { class: 'muted', role: 'status' }, 'Rendering the preview…');
  const render = debounce(async () => {
    status.textContent = 'Rendering the preview…';
    try {
      const blob = await postForBlob(`/api/projects/${encodeURIComponent(project.name)}/augment-preview`, { augment: settings, n: 12, size: 128, epoch });
      if (preview.src.startsWith('blob:')) URL.revokeObjectURL(preview.src);
      preview.src = URL.createObjectURL(blob);
      status.textContent = `Twelve training samples as epoch ${epoch + 1} would augment them.`;
    } catch (error) {
      status.textContent = (error as Error).message;
    }
  }, 350);

  const form = h('form', { class: 'panel augment-form', 'aria-labelledby': 'aug-title' }, h('h2', { id: 'aug-title' }, 'Settings'));
  for (const control of CONTROLS) {
    const output = h('output', null, String(read(settings, control.path)));
    const input = h('input', { type: 'range', min: control.min, max: control.max, step: control.step, value: String(read(settings, control.path)) });
    output.htmlFor.add((input.id ||= `aug-${control.path.join('-')}`));
    input.addEventListener('input', () => {
      write(settings, control.path, Number(input.value));
      output.textContent = input.value;
      saveAugment(project.name, settings);
      render();
    });
    const f = field(control.label, input);
    f.classList.add('slider');
    f.append(output);
    form.append(f);
  }
  form.append(h('div', { class: 'actions' },
    button('New samples', () => { epoch++; render(); }),
    button('Reset to defaults', () => {
      localStorage.removeItem(`osteon.augment.${project.name}`);
      main.replaceChildren();
      void augmentPage(main, project);
    }, { class: 'quiet' })));
  form.addEventListener('submit', (e) => e.preventDefault());
  main.append(h('h1', null, 'Augmentation'),
    h('p', { class: 'muted' }, 'These settings are saved in this browser and used by the next training you launch for this project.'),
    h('div', { class: 'two-columns wide-right' }, form,
      h('section', { class: 'panel', 'aria-labelledby': 'preview-title' }, h('h2', { id: 'preview-title' }, 'Live preview'), status, preview)));
  render();
}
