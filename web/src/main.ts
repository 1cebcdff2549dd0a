import { api, setApiKey } from './api.js';
import { button, field, h, toast } from './dom.js';
import { augmentPage } from './pages/augment.js';
import { comparePage } from './pages/compare.js';
import { datasetPage } from './pages/dataset.js';
import { deployPage } from './pages/deploy.js';
import { projectsPage } from './pages/projects.js';
import { trainingPage } from './pages/training.js';
import type { Project } from './types.js';

/** A page draws into `main` and may return what to do when the user leaves it (close streams, timers). */
export type Page = (main: HTMLElement, project: Project) => Promise<(() => void) | void>;

const PAGES: Array<{ path: string; title: string; page: Page }> = [
  { path: 'dataset', title: 'Dataset', page: datasetPage },
  { path: 'augment', title: 'Augmentation', page: augmentPage },
  { path: 'train', title: 'Training', page: trainingPage },
  { path: 'compare', title: 'Compare', page: comparePage },
  { path: 'deploy', title: 'Deploy', page: deployPage },
];

let leave: (() => void) | void;

async function route(): Promise<void> {
  leave?.();
  leave = undefined;
  const main = document.getElementById('main')!;
  const nav = document.getElementById('nav')!;
  const [, projectName, pagePath] = /^#\/p\/([^/]+)\/?([a-z]*)/.exec(location.hash) ?? [];
  main.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    if (!projectName) {
      nav.replaceChildren();
      document.title = 'Projects · Osteon';
      leave = await projectsPage(main);
      return;
    }
    const { project } = await api<{ project: Project }>('GET', `/api/projects/${encodeURIComponent(decodeURIComponent(projectName))}`);
    const current = PAGES.find((p) => p.path === pagePath) ?? PAGES[0]!;
    nav.replaceChildren(
      h('a', { href: '#/', class: 'project-link' }, 'Projects'),
      h('span', { class: 'project-name', title: 'Current project' }, project.name),
      h('ul', null, ...PAGES.map((p) =>
        h('li', null, h('a', { href: `#/p/${encodeURIComponent(project.name)}/${p.path}`, 'aria-current': p === current ? 'page' : false }, p.title)))),
    );
    document.title = `${current.title} · ${project.name} · Osteon`;
    main.replaceChildren();
    leave = await current.page(main, project);
  } catch (error) {
    main.replaceChildren(h('div', { class: 'panel error-panel', role: 'alert' }, h('h1', null, 'Something went wrong'), h('p', null, (error as Error).message),
      h('p', null, h('a', { href: '#/' }, 'Back to the projects'))));
  }
}

/** When the server asks for an API key: a small form that stores one in this browser. */
function askForKey(): void {
  if (document.getElementById('key-form')) return;
  const input = h('input', { type: 'password', autocomplete: 'off', required: true });
  const form = h('form', { id: 'key-form', class: 'panel key-form', 'aria-labelledby': 'key-title' },
    h('h2', { id: 'key-title' }, 'This server needs an API key'),
    h('p', null, 'Create one with `osteon keys create --scope admin` and paste it here; it is kept in this browser only.'),
    field('API key', input),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Use this key'), button('Cancel', () => form.remove())));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setApiKey(input.value.trim());
    form.remove();
    toast('Key saved.');
    void route();
  });
  document.body.prepend(form);
  input.focus();
}

window.addEventListener('osteon:unauthorised', askForKey);
window.addEventListener('hashchange', () => {
  void route().then(() => document.getElementById('main')?.focus({ preventScroll: true }));
});
void route();
