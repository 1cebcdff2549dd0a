import { OsteonError } from '../errors.js';
import type { DatasetStore } from './store.js';
import { DEFAULT_CLASSES, type Project } from './types.js';

interface ProjectRow {
  id: number;
  name: string;
  classes: string;
  created_at: string;
}

function toProject(row: ProjectRow): Project {
  return { id: row.id, name: row.name, classes: JSON.parse(row.classes) as string[], createdAt: row.created_at };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function createProject(store: DatasetStore, name: string, options: { classes?: string[] } = {}): Project {
  if (!NAME.test(name)) {
    throw new OsteonError('INVALID_PROJECT_NAME', `"${name}" is not a valid project name: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.`);
  }
  const classes = options.classes ?? [...DEFAULT_CLASSES];
  if (classes.length < 2 || new Set(classes).size !== classes.length || classes.some((c) => !NAME.test(c))) {
    throw new OsteonError('INVALID_CLASSES', `Classes must be two or more distinct simple names (got ${JSON.stringify(classes)}).`);
  }
  if (store.db.prepare('SELECT 1 FROM projects WHERE name = ?').get(name)) {
    throw new OsteonError('PROJECT_EXISTS', `A project named "${name}" already exists: pick another name, or use it with --project ${name}.`);
  }
  const info = store.db
    .prepare('INSERT INTO projects (name, classes, created_at) VALUES (?, ?, ?)')
    .run(name, JSON.stringify(classes), new Date().toISOString());
  return getProject(store, Number(info.lastInsertRowid));
}

/** A project by id or by name; throws PROJECT_NOT_FOUND with a hint when there is none. */
export function getProject(store: DatasetStore, idOrName: number | string): Project {
  const asId = typeof idOrName === 'number' ? idOrName : /^\d+$/.test(idOrName) ? Number(idOrName) : null;
  const row = (store.db.prepare('SELECT * FROM projects WHERE name = ?').get(String(idOrName)) ??
    (asId !== null ? store.db.prepare('SELECT * FROM projects WHERE id = ?').get(asId) : undefined)) as ProjectRow | undefined;
  if (!row) {
    throw new OsteonError('PROJECT_NOT_FOUND', `No project "${idOrName}" in this workspace: list them with \`osteon project list\` or create it with \`osteon project create ${idOrName}\`.`);
  }
  return toProject(row);
}

export function listProjects(store: DatasetStore): Project[] {
  return (store.db.prepare('SELECT * FROM projects ORDER BY id').all() as ProjectRow[]).map(toProject);
}
