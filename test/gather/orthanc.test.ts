import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register as registerGather } from '../../src/cli/commands/gather.js';
import { createProject, getProject, listImages, openStore, readOriginal, type DatasetStore } from '../../src/data/index.js';
import { decodeImage, newUid, writeDicom } from '../../src/imaging/index.js';
import { deidentificationSalt, editDicom, gatherFromDicomWeb, pseudonymFor } from '../../src/gather/index.js';
import { generateRadiograph } from '../../src/synth/index.js';
import { runCommandInProcess } from '../helpers/run-command.js';
import { TestOrthanc } from './orthanc.js';

/** One uploaded radiograph and what the test knows about it. */
interface Uploaded {
  sopInstanceUid: string;
  patientId: string;
  bytes: Uint8Array;
  wanted: boolean;
}

const FAST_RETRY = { attempts: 2, baseDelayMs: 20, maxDelayMs: 50, timeoutMs: 5000 };

/**
 * Ten generated radiographs as DICOM: six hand CRs of 2024 from three patients (what the query wants), and
 * four that each miss one criterion (chest, DX, 2023).
 */
function makeInstances(): Uploaded[] {
  const cases = [
    ...Array.from({ length: 6 }, (_, i) => ({ patient: `PAT-${i % 3}`, modality: 'CR', bodyPart: 'HAND', date: '20240315', wanted: true })),
    { patient: 'PAT-0', modality: 'CR', bodyPart: 'CHEST', date: '20240316', wanted: false },
    { patient: 'PAT-3', modality: 'CR', bodyPart: 'CHEST', date: '20240316', wanted: false },
    { patient: 'PAT-1', modality: 'DX', bodyPart: 'HAND', date: '20240317', wanted: false },
    { patient: 'PAT-4', modality: 'CR', bodyPart: 'HAND', date: '20230105', wanted: false },
  ];
  const studies = new Map<string, string>();
  const series = new Map<string, string>();
  return cases.map((c, i) => {
    const radiograph = generateRadiograph(7, i, { size: 48 });
    const pixels = Uint16Array.from(radiograph.pixels, (v) => v * 16);
    const studyKey = `${c.patient}/${c.date}`;
    const seriesKey = `${studyKey}/${c.modality}/${c.bodyPart}`;
    if (!studies.has(studyKey)) studies.set(studyKey, newUid());
    if (!series.has(seriesKey)) series.set(seriesKey, newUid());
    const sopInstanceUid = newUid();
    const plain = writeDicom({
      width: radiograph.width,
      height: radiograph.height,
      bitsAllocated: 16,
      bitsStored: 12,
      pixels,
      metadata: {
        patientId: c.patient,
        modality: c.modality,
        bodyPart: c.bodyPart,
        studyInstanceUid: studies.get(studyKey),
        seriesInstanceUid: series.get(seriesKey),
        sopInstanceUid,
      },
    });
    const bytes = editDicom(plain, {
      set: [
        { tag: '00080020', vr: 'DA', value: c.date },
        { tag: '00100010', vr: 'PN', value: `Doe^${c.patient}` },
        { tag: '00100030', vr: 'DA', value: '19800101' },
      ],
    });
    return { sopInstanceUid, patientId: c.patient, bytes, wanted: c.wanted };
  });
}

const QUERY = 'Modality=CR&BodyPartExamined=HAND&StudyDate=2024-';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-gather-'));
const workspace = path.join(root, 'workspace');
let orthanc: TestOrthanc;
let instances: Uploaded[];
let store: DatasetStore;

beforeAll(async () => {
  orthanc = await TestOrthanc.start();
  instances = makeInstances();
  for (const instance of instances) await orthanc.upload(instance.bytes);
  store = openStore(workspace);
  createProject(store, 'hands');
  createProject(store, 'with-phi');
  createProject(store, 'interrupted');
});

afterAll(async () => {
  store?.close();
  await orthanc?.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const wanted = () => instances.filter((i) => i.wanted);
const gatherCli = async (...args: string[]) =>
  JSON.parse(
    await runCommandInProcess(registerGather, 'gather', ['dicomweb', '--url', orthanc.dicomWebUrl, '--workspace', workspace, '--json', ...args]),
  ) as Record<string, unknown>;

describe('osteon gather dicomweb against a real Orthanc', () => {
  it('a dry run with --limit counts what it would fetch and stores nothing', async () => {
    const report = await gatherCli('--project', 'hands', '--query', QUERY, '--limit', '4', '--dry-run', '--user', orthanc.user, '--password', orthanc.password);
    expect(report).toMatchObject({ found: 4, imported: 0, alreadyPresent: 0, failed: [], dryRun: true, toFetch: 4 });
    expect(listImages(store, getProject(store, 'hands').id)).toHaveLength(0);
  });

  it('without credentials the server refuses, and the error says how to give them', async () => {
    const report = await gatherCli('--project', 'hands', '--query', QUERY);
    expect(report.error).toMatchObject({ code: 'DICOMWEB_UNAUTHORIZED', message: expect.stringContaining('--user') });
  });

  it('imports the hand CRs of 2024, de-identified, pixels intact; a second run imports nothing new', async () => {
    vi.stubEnv('OSTEON_DICOMWEB_USER', orthanc.user);
    vi.stubEnv('OSTEON_DICOMWEB_PASSWORD', orthanc.password);
    const first = await gatherCli('--project', 'hands', '--query', QUERY, '--label', 'normal');
    expect(first).toMatchObject({ found: 6, imported: 6, alreadyPresent: 0, failed: [] });

    const images = listImages(store, getProject(store, 'hands').id);
    expect(images).toHaveLength(6);
    const salt = deidentificationSalt(store);
    const pseudonyms = new Map(['PAT-0', 'PAT-1', 'PAT-2'].map((p) => [p, pseudonymFor(salt, `id:\\${p}`)]));
    for (const image of images) {
      const stored = readOriginal(store, image);
      const sop = dicomParser.parseDicom(stored).string('x00080018');
      const source = wanted().find((i) => i.sopInstanceUid === sop);
      expect(source, `stored image ${image.id} is one of the wanted instances`).toBeDefined();
      // De-identified: the patient is a pseudonym, the name and birth date are gone from the stored file.
      expect(image.patientId).toBe(pseudonyms.get(source!.patientId));
      expect(image.label).toBe('normal');
      expect(image.bodyPart).toBe('HAND');
      const text = stored.toString('latin1');
      expect(text).not.toContain('Doe^');
      expect(text).not.toContain(source!.patientId);
      expect(text).not.toContain('19800101');
      // Same pixels as the file uploaded to the PACS.
      const [before, after] = await Promise.all([decodeImage(source!.bytes), decodeImage(stored)]);
      expect(after.width).toBe(before.width);
      expect(Buffer.from(after.pixels.buffer).equals(Buffer.from(before.pixels.buffer))).toBe(true);
    }
    // Patient-level grouping survives: three patients, two images each.
    expect(new Set(images.map((i) => i.patientId)).size).toBe(3);

    const second = await gatherCli('--project', 'hands', '--query', QUERY);
    expect(second).toMatchObject({ found: 6, imported: 0, alreadyPresent: 6, failed: [] });
    expect(listImages(store, getProject(store, 'hands').id)).toHaveLength(6);
  });

  it('--keep-phi stores the files exactly as the PACS holds them', async () => {
    const report = await gatherFromDicomWeb(store, getProject(store, 'with-phi'), {
      url: orthanc.dicomWebUrl,
      query: 'BodyPartExamined=CHEST',
      keepPhi: true,
      auth: { kind: 'basic', user: orthanc.user, password: orthanc.password },
    });
    expect(report).toMatchObject({ found: 2, imported: 2, failed: [] });
    const chest = instances.filter((i) => i.wanted === false && i.patientId !== 'PAT-1' && i.patientId !== 'PAT-4');
    const digests = chest.map((i) => createHash('sha256').update(i.bytes).digest('hex')).sort();
    const images = listImages(store, getProject(store, 'with-phi').id);
    expect(images.map((i) => i.sha256).sort()).toEqual(digests);
    expect(images.map((i) => i.patientId).sort()).toEqual(['PAT-0', 'PAT-3']);
  });

  it('Orthanc stopped mid-import: the run reports what failed, keeps what it stored, and a re-run completes', async () => {
    const project = getProject(store, 'interrupted');
    const options = {
      url: orthanc.dicomWebUrl,
      query: QUERY,
      auth: { kind: 'basic' as const, user: orthanc.user, password: orthanc.password },
      retry: FAST_RETRY,
      concurrency: 1,
    };
    let stopping: Promise<void> | undefined;
    const first = await gatherFromDicomWeb(store, project, options, (p) => {
      if (p.phase === 'fetch' && p.done === 2) stopping = orthanc.stop({ abruptly: true });
    });
    await stopping;
    expect(first.found).toBe(6);
    expect(first.imported).toBeGreaterThanOrEqual(2);
    expect(first.failed.length).toBeGreaterThanOrEqual(1);
    expect(first.imported + first.failed.length).toBe(6);
    for (const f of first.failed) {
      expect(wanted().map((i) => i.sopInstanceUid)).toContain(f.uid);
      expect(f.reason).toMatch(/reach|stopped answering/);
    }
    expect(listImages(store, project.id)).toHaveLength(first.imported);

    await orthanc.start();
    const second = await gatherFromDicomWeb(store, project, options);
    expect(second).toMatchObject({ found: 6, imported: first.failed.length, alreadyPresent: first.imported, failed: [] });
    expect(listImages(store, project.id)).toHaveLength(6);
  });
});
