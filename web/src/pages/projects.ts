import { api, ApiError } from '../api.js';
import { field, h } from '../dom.js';
import type { Project } from '../types.js';

/** The start page: every project of the workspace, and a form to create one. */
export async function projectsPage(main: HTMLElement): Promise<void> {
  const { projects } = await api<{ projects: Project[] }>('GET', '/api/projects');
  const name = h('input', { name: 'name', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}', autocomplete: 'off', placeholder: 'e.g. wrist-2026' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'panel create-project', 'aria-labelledby': 'new-project' },
    h('h2', { id: 'new-project' }, 'New project'),
    field('Project name', name, 'Letters, digits, dot, dash or underscore. Classes: fractured and normal.'),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Create project'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const { project } = await api<{ project: Project }>('POST', '/api/projects', { name: name.value.trim() });
      location.hash = `#/p/${encodeURIComponent(project.name)}/dataset`;
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : String(err);
      name.focus();
    }
  });
  const list = projects.length
    ? h('ul', { class: 'project-list' }, ...projects.map((p) => h('li', { class: 'panel' },
        h('h3', null, h('a', { href: `#/p/${encodeURIComponent(p.name)}/dataset` }, p.name)),
        h('p', { class: 'muted' }, `${p.images ?? 0} images · classes ${p.classes.join(', ')} · created ${p.createdAt.slice(0, 10)}`))))
    : h('p', { class: 'muted' }, 'No projects yet: create the first one.');
  main.append(h('h1', null, 'Projects'), h('div', { class: 'two-columns' }, h('section', { 'aria-label': 'Existing projects' }, list), form));
}
