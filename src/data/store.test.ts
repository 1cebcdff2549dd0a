import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db/open.js';
import { MIGRATIONS } from './db/migrations.js';
import { openStore, type DatasetStore } from './store.js';
import { createProject, getProject, listProjects } from './projects.js';
import { listImages } from './images.js';
import { labelHistory, setLabel, setReviewStatus, statusHistory } from './review.js';
import { parseIdList, parseWhere } from './filter.js';
import { planSplit } from './split.js';

let dir: string;
let store: DatasetStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-store-'));
  store = openStore(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function addImage(projectId: number, n: number, fields: Record<string, unknown> = {}): void {
  store.db
    .prepare(`INSERT INTO images (project_id, sha256, phash, width, height, format, bits, byte_size, source_path, original_name, folder, label, split, patient_id, duplicate_group, imported_at)
      VALUES (@p, @sha, 'ab', 1, 1, 'png', 8, 1, @src, @src, @folder, @label, @split, @patient, @group, 'now')`)
    .run({ p: projectId, sha: n.toString(16).padStart(64, '0'), src: `f${n}.png`, folder: 'a/b', label: null, split: null, patient: null, group: null, ...fields });
}

describe('store', () => {
  it('applies numbered migrations once, in WAL mode', () => {
    const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.close();
    const again = openDatabase(path.join(dir, 'osteon.db'));
    expect((again.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(MIGRATIONS.length);
    again.close();
    store = openStore(dir);
  });

  it('creates, finds and lists projects with the default class order', () => {
    const p = createProject(store, 'wrist');
    expect(p.classes).toEqual(['fractured', 'normal']);
    expect(getProject(store, 'wrist').id).toBe(p.id);
    expect(getProject(store, p.id).name).toBe('wrist');
    expect(getProject(store, String(p.id)).name).toBe('wrist');
    expect(() => createProject(store, 'wrist')).toThrow(/already exists/);
    expect(() => getProject(store, 'nope')).toThrow(/osteon project create nope/);
    createProject(store, 'hip', { classes: ['a', 'b', 'c'] });
    expect(listProjects(store).map((x) => x.name)).toEqual(['wrist', 'hip']);
  });

  it('changes review status and labels in bulk by filter, with history', () => {
    const p = createProject(store, 'p');
    for (let i = 1; i <= 6; i++) addImage(p.id, i, { label: i <= 3 ? 'fractured' : 'normal', split: i % 2 ? 'train' : 'test', folder: i <= 2 ? 'x/y' : 'z' });
    expect(setReviewStatus(store, p.id, { label: 'fractured', split: 'train' }, 'ready', { by: 'ana' })).toEqual({ changed: 2 });
    // Already ready: no change, no new history.
    expect(setReviewStatus(store, p.id, { label: 'fractured', split: 'train' }, 'ready', { by: 'ana' })).toEqual({ changed: 0 });
    const ready = listImages(store, p.id, { status: 'ready' });
    expect(ready.map((r) => r.id)).toEqual([1, 3]);
    expect(statusHistory(store, 1)).toEqual([expect.objectContaining({ from: 'new', to: 'ready', by: 'ana' })]);
    expect(setLabel(store, p.id, { folder: 'x' }, 'normal', { by: 'bo' })).toEqual({ changed: 2 });
    expect(labelHistory(store, 2)).toEqual([expect.objectContaining({ from: 'fractured', to: 'normal', by: 'bo' })]);
    expect(() => setLabel(store, p.id, {}, 'broken')).toThrow(/no class "broken"/);
    expect(setLabel(store, p.id, { ids: [5, 6] }, null).changed).toBe(2);
    expect(listImages(store, p.id, { label: null }).map((r) => r.id)).toEqual([5, 6]);
  });

  it('parses --where and id lists', () => {
    expect(parseWhere('label=fractured,status=new,split=train,folder=x,group=7')).toEqual({ label: 'fractured', status: 'new', split: 'train', folder: 'x', duplicateGroup: 7 });
    expect(parseWhere('label=none,split=none')).toEqual({ label: null, split: null });
    expect(() => parseWhere('status=maybe')).toThrow(/status is one of/);
    expect(() => parseWhere('colour=red')).toThrow(/keys are/);
    expect(parseIdList('# ids\n1\n2, 3\n')).toEqual([1, 2, 3]);
    expect(() => parseIdList('1\nabc')).toThrow(/not an image id/);
  });
});

describe('planSplit', () => {
  it('keeps patients and duplicate groups inside one split and stratifies by class', () => {
    const items = Array.from({ length: 400 }, (_, i) => ({
      id: i,
      label: i % 3 === 0 ? 'fractured' : 'normal',
      patientId: i < 200 ? `p${Math.floor(i / 4)}` : null,
      duplicateGroup: i >= 200 && i < 300 ? 1000 + Math.floor(i / 5) : null,
    }));
    const plan = planSplit(items, { val: 0.15, test: 0.15, seed: 3 });
    const splitsOf = (key: (it: (typeof items)[number]) => string | null) => {
      const m = new Map<string, Set<string>>();
      for (const it of items) {
        const k = key(it);
        if (k) m.set(k, (m.get(k) ?? new Set()).add(plan.get(it.id)!));
      }
      return [...m.values()].filter((s) => s.size > 1).length;
    };
    expect(splitsOf((it) => it.patientId)).toBe(0);
    expect(splitsOf((it) => (it.duplicateGroup === null ? null : String(it.duplicateGroup)))).toBe(0);
    for (const label of ['fractured', 'normal']) {
      const ofClass = items.filter((it) => it.label === label);
      const test = ofClass.filter((it) => plan.get(it.id) === 'test').length / ofClass.length;
      expect(test).toBeGreaterThan(0.1);
      expect(test).toBeLessThan(0.2);
    }
    expect(planSplit(items, { val: 0.15, test: 0.15, seed: 3 })).toEqual(plan);
    expect(() => planSplit(items, { val: 0.6, test: 0.5, seed: 1 })).toThrow(/sum is below 1/);
  });
});
