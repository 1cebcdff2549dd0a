import { OsteonError } from '../errors.js';
import { REVIEW_STATUSES, SPLITS, type ImageFilter, type ReviewStatus, type Split } from './types.js';

/** The SQL condition (over table `images`) and parameters that select a project's images matching a filter. */
export function filterToSql(projectId: number, filter: ImageFilter): { where: string; params: unknown[] } {
  const clauses = ['project_id = ?'];
  const params: unknown[] = [projectId];
  if (filter.label !== undefined) {
    if (filter.label === null) clauses.push('label IS NULL');
    else {
      clauses.push('label = ?');
      params.push(filter.label);
    }
  }
  if (filter.status !== undefined) {
    clauses.push('status = ?');
    params.push(filter.status);
  }
  if (filter.split !== undefined) {
    if (filter.split === null) clauses.push('split IS NULL');
    else {
      clauses.push('split = ?');
      params.push(filter.split);
    }
  }
  if (filter.folder !== undefined) {
    const folder = filter.folder.replace(/^\/+|\/+$/g, '');
    if (folder !== '') {
      clauses.push("(folder = ? OR substr(folder, 1, ?) = ? || '/')");
      params.push(folder, folder.length + 1, folder);
    }
  }
  if (filter.duplicateGroup !== undefined) {
    clauses.push('duplicate_group = ?');
    params.push(filter.duplicateGroup);
  }
  if (filter.ids !== undefined) {
    // json_each keeps one bound parameter however long the list is.
    clauses.push('id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.ids));
  }
  return { where: clauses.join(' AND '), params };
}

const NONE = new Set(['none', 'null', 'unlabelled', 'unlabeled', '']);

/**
 * Parses the CLI's `--where "label=fractured,status=new,split=train,folder=x,group=N"`. `label=none` selects
 * unlabelled images and `split=none` images in no split.
 */
export function parseWhere(text: string): ImageFilter {
  const filter: ImageFilter = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 1) throw badWhere(part, 'expected key=value');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    switch (key) {
      case 'label':
        filter.label = NONE.has(value) ? null : value;
        break;
      case 'status':
        if (!REVIEW_STATUSES.includes(value as ReviewStatus)) throw badWhere(part, `status is one of ${REVIEW_STATUSES.join(', ')}`);
        filter.status = value as ReviewStatus;
        break;
      case 'split':
        if (NONE.has(value)) filter.split = null;
        else if (SPLITS.includes(value as Split)) filter.split = value as Split;
        else throw badWhere(part, `split is one of ${SPLITS.join(', ')} or none`);
        break;
      case 'folder':
        filter.folder = value;
        break;
      case 'group':
      case 'duplicateGroup':
        if (!/^\d+$/.test(value)) throw badWhere(part, 'group is a number');
        filter.duplicateGroup = Number(value);
        break;
      default:
        throw badWhere(part, 'keys are label, status, split, folder and group');
    }
  }
  return filter;
}

/** Image ids from a file: numbers separated by whitespace or commas (lines starting with # are comments). */
export function parseIdList(text: string): number[] {
  const tokens = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join(' ')
    .split(/[\s,]+/)
    .filter(Boolean);
  const bad = tokens.find((t) => !/^\d+$/.test(t));
  if (bad !== undefined) throw new OsteonError('INVALID_IDS', `"${bad}" is not an image id: the ids file lists image ids (numbers), one per line.`);
  return tokens.map(Number);
}

function badWhere(part: string, hint: string): OsteonError {
  return new OsteonError('INVALID_FILTER', `Cannot read "${part}" in --where: ${hint} (e.g. --where "label=fractured,status=new").`);
}
