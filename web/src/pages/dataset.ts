import { api, ApiError, imageSource, sendFile } from '../api.js';
import { button, field, h, options, toast } from '../dom.js';
import type { ImageSummary, Project, Stats } from '../types.js';

const PAGE = 60;

interface Filters {
  label: string;
  status: string;
  split: string;
  group: string;
}

/** Dataset: upload, filters, a thumbnail grid with bulk review, split controls and the duplicates and leakage view. */
export async function datasetPage(main: HTMLElement, project: Project): Promise<void> {
  const base = `/api/projects/${encodeURIComponent(project.name)}`;
  const filters: Filters = { label: '', status: '', split: '', group: '' };
  const selected = new Set<number>();
  let offset = 0;
  let shown: ImageSummary[] = [];

  // ---- summary
  const summary = h('div', { class: 'summary', 'aria-live': 'polite' });
  async function refreshSummary(): Promise<void> {
    const { stats } = await api<{ stats: Stats }>('GET', base);
    const chip = (label: string, value: number) => h('span', { class: 'chip' }, h('b', null, String(value)), ` ${label}`);
    summary.replaceChildren(
      chip('images', stats.images),
      ...Object.entries(stats.byLabel).map(([k, v]) => chip(k, v)),
      ...Object.entries(stats.byStatus).map(([k, v]) => chip(k, v)),
      ...Object.entries(stats.bySplit).filter(([k]) => k !== 'none').map(([k, v]) => chip(k, v)),
      stats.groupsCrossingSplits.length ? h('span', { class: 'chip warn' }, `${stats.groupsCrossingSplits.length} groups cross splits`) : '',
    );
  }

  // ---- upload
  const fileInput = h('input', { type: 'file', multiple: true, accept: 'image/*,.dcm,.dicom,.zip,application/zip,application/dicom' });
  const uploadStatus = h('p', { class: 'muted', role: 'status' });
  const drop = h('div', { class: 'dropzone' },
    h('p', null, 'Drop images, zip archives or DICOM files here, or'), field('Choose files to upload', fileInput), uploadStatus);
  async function upload(files: File[]): Promise<void> {
    let imported = 0;
    for (const [i, file] of files.entries()) {
      uploadStatus.textContent = `Uploading ${file.name} (${i + 1} of ${files.length})…`;
      try {
        const report = await sendFile<{ imported: number; alreadyPresent: number; duplicates: number; unreadable: Array<{ file: string; reason: string }> }>(
          `${base}/uploads?name=${encodeURIComponent(file.name)}`, file);
        imported += report.imported;
        uploadStatus.textContent = `${file.name}: ${report.imported} imported, ${report.alreadyPresent} already present, ${report.duplicates} near-duplicates` +
          (report.unreadable.length ? `, ${report.unreadable.length} unreadable (${report.unreadable.slice(0, 3).map((u) => `${u.file}: ${u.reason}`).join('; ')})` : '') + '.';
      } catch (error) {
        uploadStatus.textContent = `${file.name}: ${(error as Error).message}`;
      }
    }
    toast(`${imported} images imported.`);
    await Promise.all([refreshSummary(), loadImages(), loadDuplicates()]);
  }
  fileInput.addEventListener('change', () => void upload([...(fileInput.files ?? [])]).then(() => (fileInput.value = '')));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void upload([...(e.dataTransfer?.files ?? [])]);
  });

  // ---- filters
  const labelSelect = options(h('select', { name: 'label' }), [['', 'Any label'], ...project.classes.map((c): [string, string] => [c, c]), ['none', 'Unlabelled']]);
  const statusSelect = options(h('select', { name: 'status' }), [['', 'Any status'], ['new', 'New'], ['ready', 'Ready'], ['excluded', 'Excluded']]);
  const splitSelect = options(h('select', { name: 'split' }), [['', 'Any split'], ['train', 'Train'], ['val', 'Validation'], ['test', 'Test'], ['none', 'No split']]);
  const groupInput = h('input', { type: 'number', min: 1, inputMode: 'numeric', placeholder: 'any', name: 'group' });
  const filterForm = h('form', { class: 'filters', 'aria-label': 'Filter images' },
    field('Label', labelSelect), field('Review status', statusSelect), field('Split', splitSelect), field('Duplicate group', groupInput));
  filterForm.addEventListener('change', () => {
    Object.assign(filters, { label: labelSelect.value, status: statusSelect.value, split: splitSelect.value, group: groupInput.value });
    offset = 0;
    void loadImages();
  });
  filterForm.addEventListener('submit', (e) => e.preventDefault());

  // ---- bulk actions
  const selectionText = h('span', { class: 'muted', 'aria-live': 'polite' }, 'None selected');
  const selectPage = h('input', { type: 'checkbox' });
  selectPage.addEventListener('change', () => {
    for (const image of shown) selectPage.checked ? selected.add(image.id) : selected.delete(image.id);
    renderGrid();
  });
  async function review(change: { label?: string | null; status?: string }, what: string): Promise<void> {
    if (selected.size === 0) {
      toast('Select images first (tick their boxes).', 'error');
      return;
    }
    try {
      const { changed } = await api<{ changed: number }>('POST', `${base}/review`, { ids: [...selected], ...change });
      toast(`${what}: ${changed} changed.`);
      selected.clear();
      await Promise.all([refreshSummary(), loadImages()]);
    } catch (error) {
      toast((error as Error).message, 'error');
    }
  }
  const bulk = h('div', { class: 'bulk', role: 'toolbar', 'aria-label': 'Change the selected images' },
    h('label', { class: 'inline' }, selectPage, ' Select all on this page'), selectionText,
    ...project.classes.map((c) => button(`Label ${c}`, () => void review({ label: c }, `Labelled ${c}`))),
    button('Mark ready', () => void review({ status: 'ready' }, 'Marked ready'), { class: 'primary' }),
    button('Exclude', () => void review({ status: 'excluded' }, 'Excluded')),
    button('Clear selection', () => {
      selected.clear();
      renderGrid();
    }, { class: 'quiet' }));

  // ---- grid
  const grid = h('ul', { class: 'grid', 'aria-label': 'Images' });
  const pager = h('div', { class: 'pager' });
  async function loadImages(): Promise<void> {
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v);
    try {
      const page = await api<{ total: number; images: ImageSummary[] }>('GET', `${base}/images?${query}`);
      shown = page.images;
      renderGrid();
      const last = Math.min(page.total, offset + PAGE);
      pager.replaceChildren(
        button('Previous', () => { offset = Math.max(0, offset - PAGE); void loadImages(); }, { disabled: offset === 0 }),
        h('span', null, page.total ? `${offset + 1}–${last} of ${page.total}` : 'No images match'),
        button('Next', () => { offset += PAGE; void loadImages(); }, { disabled: last >= page.total }));
    } catch (error) {
      grid.replaceChildren(h('li', { class: 'form-error' }, (error as ApiError).message));
    }
  }
  function renderGrid(): void {
    selectionText.textContent = selected.size ? `${selected.size} selected` : 'None selected';
    selectPage.checked = shown.length > 0 && shown.every((i) => selected.has(i.id));
    grid.replaceChildren(...shown.map((image) => {
      const box = h('input', { type: 'checkbox', checked: selected.has(image.id), 'aria-label': `Select ${image.originalName}` });
      box.addEventListener('change', () => {
        box.checked ? selected.add(image.id) : selected.delete(image.id);
        selectionText.textContent = selected.size ? `${selected.size} selected` : 'None selected';
      });
      const img = h('img', { alt: `${image.originalName}, ${image.label ?? 'unlabelled'}`, width: 160, height: 160, loading: 'lazy' });
      void imageSource(`/api/images/${image.id}/thumbnail?size=160`).then((src) => (img.src = src));
      return h('li', { class: `tile status-${image.status}` },
        h('label', null, box, img,
          h('span', { class: 'caption' },
            h('span', { class: `tag label-${image.label ?? 'none'}` }, image.label ?? 'unlabelled'),
            h('span', { class: 'tag' }, image.status),
            image.split ? h('span', { class: 'tag' }, image.split) : null,
            image.duplicateGroup !== null ? h('span', { class: 'tag warn', title: 'Near-duplicate group' }, `dup ${image.duplicateGroup}`) : null)));
    }));
  }

  // ---- split
  const val = h('input', { type: 'number', min: 0, max: 0.9, step: 0.05, value: '0.15' });
  const test = h('input', { type: 'number', min: 0, max: 0.9, step: 0.05, value: '0.15' });
  const seed = h('input', { type: 'number', step: 1, value: '1' });
  const splitResult = h('p', { class: 'muted', role: 'status' });
  async function split(body: Record<string, unknown>): Promise<void> {
    try {
      const r = await api<{ train: number; val: number; test: number; crossingGroups: number; unassigned: number }>('POST', `${base}/split`, body);
      splitResult.textContent = `Split: ${r.train} train, ${r.val} validation, ${r.test} test; ${r.crossingGroups} groups cross splits` + (r.unassigned ? `; ${r.unassigned} in no split.` : '.');
      await Promise.all([refreshSummary(), loadImages(), loadDuplicates()]);
    } catch (error) {
      splitResult.textContent = (error as Error).message;
    }
  }
  const splitForm = h('form', { class: 'panel', 'aria-labelledby': 'split-title' },
    h('h2', { id: 'split-title' }, 'Split'),
    h('p', { class: 'muted' }, 'Patients and near-duplicate groups stay within one split; each class is spread to the fractions.'),
    h('div', { class: 'row' }, field('Validation fraction', val), field('Test fraction', test), field('Seed', seed)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Split the project'),
      button('Use the source folders\u2019 split', () => void split({ fromFolders: true }))),
    splitResult);
  splitForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void split({ val: Number(val.value), test: Number(test.value), seed: Number(seed.value) });
  });

  // ---- duplicates and leakage
  const duplicates = h('div');
  async function loadDuplicates(): Promise<void> {
    const r = await api<{ groups: Array<{ group: number; crossesSplits: boolean; images: ImageSummary[] }>; crossing: Array<{ kind: string; group: string | number; imageIds: number[] }> }>('GET', `${base}/duplicates`);
    const patients = r.crossing.filter((c) => c.kind === 'patient');
    duplicates.replaceChildren(
      h('p', { class: r.crossing.length ? 'warn-text' : 'muted' }, r.crossing.length
        ? `${r.crossing.length} groups cross splits (leakage): re-split the project to keep each group in one split.`
        : 'No patient or duplicate group crosses splits.'),
      patients.length ? h('p', null, `Patients in more than one split: ${patients.map((p) => p.group).join(', ')}`) : '',
      r.groups.length === 0 ? h('p', { class: 'muted' }, 'No near-duplicates found.') : h('ul', { class: 'dup-groups' }, ...r.groups.slice(0, 30).map((g) =>
        h('li', { class: g.crossesSplits ? 'crossing' : '' },
          h('div', { class: 'dup-head' }, h('b', null, `Group ${g.group}`), ` · ${g.images.length} images`, g.crossesSplits ? h('span', { class: 'tag warn' }, 'crosses splits') : null,
            button('Show in grid', () => {
              groupInput.value = String(g.group);
              filterForm.dispatchEvent(new Event('change'));
              grid.scrollIntoView({ behavior: 'smooth' });
            }, { class: 'quiet' })),
          h('div', { class: 'dup-images' }, ...g.images.map((image) => {
            const img = h('img', { alt: `${image.originalName} (${image.split ?? 'no split'})`, width: 72, height: 72 });
            void imageSource(`/api/images/${image.id}/thumbnail?size=96`).then((src) => (img.src = src));
            return h('figure', null, img, h('figcaption', null, image.split ?? '–'));
          }))))),
    );
  }

  main.append(
    h('h1', null, `Dataset`), summary,
    h('section', { class: 'panel', 'aria-labelledby': 'upload-title' }, h('h2', { id: 'upload-title' }, 'Upload'), drop),
    h('section', { class: 'panel', 'aria-labelledby': 'images-title' }, h('h2', { id: 'images-title' }, 'Images'), filterForm, bulk, grid, pager),
    h('div', { class: 'two-columns' }, splitForm,
      h('section', { class: 'panel', 'aria-labelledby': 'dup-title' }, h('h2', { id: 'dup-title' }, 'Near-duplicates and leakage'), duplicates)),
  );
  await Promise.all([refreshSummary(), loadImages(), loadDuplicates()]);
}
