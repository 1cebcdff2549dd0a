import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProject, importPath, listImages, openStore, type DatasetStore, type Project } from '../../src/data/index.js';
import { newUid, writeDicom } from '../../src/imaging/index.js';
import { DicomWebClient, gatherFromDicomWeb } from '../../src/gather/index.js';
import { encodeGreyPng } from '../../src/synth/index.js';
import { freePort } from './orthanc.js';

/**
 * A tiny DICOMweb server whose answers each test scripts: one study, one series, three instances (a good
 * one, one whose retrieval always fails with 500, one without pixel data), and switches for broken searches.
 */
class ScriptedPacs {
  readonly study = newUid();
  readonly series = newUid();
  readonly good = newUid();
  readonly failing = newUid();
  readonly noPixels = newUid();
  /** Requests seen, by path. */
  readonly hits = new Map<string, number>();
  /** What /studies answers: 'ok', a 500, a malformed body, or 503 this many times before answering. */
  studies: 'ok' | 'error' | 'malformed' | { busyTimes: number } = 'ok';
  token: string | undefined;
  private server: http.Server | undefined;
  url = '';

  private files = new Map<string, Uint8Array>([
    [this.good, writeDicom({ width: 8, height: 8, bitsAllocated: 8, pixels: Uint8Array.from({ length: 64 }, (_, i) => i * 3), metadata: this.meta(this.good) })],
    [this.noPixels, writeDicom({ width: 8, height: 8, bitsAllocated: 8, omitPixelData: true, metadata: this.meta(this.noPixels) })],
  ]);

  private meta(sop: string) {
    return { patientId: 'P-1', studyInstanceUid: this.study, seriesInstanceUid: this.series, sopInstanceUid: sop, bodyPart: 'HAND' };
  }

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => this.answer(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as { port: number }).port}/dicom-web`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Requests to exactly this path. */
  exactly(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  count(pathPart: string): number {
    return [...this.hits].filter(([p]) => p.includes(pathPart)).reduce((n, [, c]) => n + c, 0);
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://x');
    const p = url.pathname.replace(/^\/dicom-web\//, '');
    this.hits.set(p, (this.hits.get(p) ?? 0) + 1);
    if (this.token !== undefined && request.headers.authorization !== `Bearer ${this.token}`) {
      response.writeHead(401).end('token required');
      return;
    }
    const json = (body: unknown) => response.writeHead(200, { 'content-type': 'application/dicom+json' }).end(JSON.stringify(body));
    const uid = (tag: string, value: string) => ({ [tag]: { vr: 'UI', Value: [value] } });
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const page = <T>(items: T[]) => items.slice(offset, offset + Number(url.searchParams.get('limit') ?? items.length));
    if (p === 'studies') {
      const mode = this.studies;
      if (mode === 'error') response.writeHead(500).end('database is locked');
      else if (mode === 'malformed') response.writeHead(200, { 'content-type': 'application/dicom+json' }).end('[{"0020000D": {"vr": "UI", "Value": ["1.2');
      else if (typeof mode === 'object' && mode.busyTimes > 0) {
        mode.busyTimes--;
        response.writeHead(503, { 'retry-after': '0' }).end();
      } else json(page([uid('0020000D', this.study)]));
    } else if (p === `studies/${this.study}/series`) {
      json(page([uid('0020000E', this.series)]));
    } else if (p === `studies/${this.study}/series/${this.series}/instances`) {
      json(page([this.good, this.failing, this.noPixels].map((sop) => uid('00080018', sop))));
    } else if (p.startsWith(`studies/${this.study}/series/${this.series}/instances/`)) {
      const file = this.files.get(p.split('/').pop()!);
      if (!file) {
        response.writeHead(500).end('storage area unavailable');
        return;
      }
      const boundary = 'scripted-boundary';
      response.writeHead(200, { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` });
      response.end(Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`)]));
    } else response.writeHead(404).end();
  }
}

const FAST_RETRY = { attempts: 3, baseDelayMs: 10, maxDelayMs: 20, timeoutMs: 5000 };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-gather-faults-'));
const pacs = new ScriptedPacs();
let store: DatasetStore;
let project: Project;

beforeAll(async () => {
  await pacs.start();
  store = openStore(path.join(root, 'workspace'));
  project = createProject(store, 'faults');
  // An image imported from a file beforehand: no failure of a gather may lose it.
  const png = path.join(root, 'before.png');
  fs.writeFileSync(png, await encodeGreyPng(Uint8Array.from({ length: 256 }, (_, i) => i), 16, 16));
  await importPath(store, project, png);
});

afterAll(async () => {
  store.close();
  await pacs.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  pacs.studies = 'ok';
  pacs.token = undefined;
  pacs.hits.clear();
});

const gather = () => gatherFromDicomWeb(store, project, { url: pacs.url, retry: FAST_RETRY });

describe('gathering when things go wrong', () => {
  it('a 500 on one instance and an instance without pixels are reported by UID; the good one is stored; a re-run retries only those', async () => {
    const report = await gather();
    expect(report.found).toBe(3);
    expect(report.imported).toBe(1);
    expect(report.failed).toHaveLength(2);
    const reason = (uid: string) => report.failed.find((f) => f.uid === uid)?.reason;
    expect(reason(pacs.failing)).toMatch(/answered 500 .*storage area unavailable.* 3 times/);
    expect(reason(pacs.noPixels)).toMatch(/no pixel data/);
    expect(pacs.count(`instances/${pacs.failing}`)).toBe(FAST_RETRY.attempts);
    expect(listImages(store, project.id)).toHaveLength(2);

    pacs.hits.clear();
    const again = await gather();
    expect(again).toMatchObject({ found: 3, imported: 0, alreadyPresent: 1 });
    expect(again.failed.map((f) => f.uid).sort()).toEqual([pacs.failing, pacs.noPixels].sort());
    expect(pacs.count(`instances/${pacs.good}`)).toBe(0);
    expect(listImages(store, project.id)).toHaveLength(2);
  });

  it('a search answered with 500 fails with a clear error and changes nothing', async () => {
    pacs.studies = 'error';
    await expect(gather()).rejects.toMatchObject({ code: 'DICOMWEB_HTTP_ERROR', message: expect.stringMatching(/500 .*database is locked.*3 times/) });
    expect(pacs.exactly('studies')).toBe(FAST_RETRY.attempts);
    expect(listImages(store, project.id)).toHaveLength(2);
  });

  it('a malformed QIDO answer fails with a clear error and changes nothing', async () => {
    pacs.studies = 'malformed';
    await expect(gather()).rejects.toMatchObject({ code: 'DICOMWEB_BAD_RESPONSE', message: expect.stringMatching(/not JSON/) });
    expect(listImages(store, project.id)).toHaveLength(2);
  });

  it('a server that is busy for a moment is asked again', async () => {
    pacs.studies = { busyTimes: 2 };
    const report = await gather();
    expect(report.found).toBe(3);
    expect(pacs.exactly('studies')).toBe(3);
  });

  it('sends a bearer token, and a wrong one is refused without retries', async () => {
    pacs.token = 'sesame';
    const client = (token: string) => new DicomWebClient({ url: pacs.url, auth: { kind: 'bearer', token }, retry: FAST_RETRY });
    expect((await client('sesame').searchStudies({})).results).toHaveLength(1);
    pacs.hits.clear();
    await expect(client('wrong').searchStudies({})).rejects.toMatchObject({ code: 'DICOMWEB_UNAUTHORIZED' });
    expect(pacs.exactly('studies')).toBe(1);
  });

  it('a server that is not there is named with the reason, after the retries', async () => {
    const client = new DicomWebClient({ url: `http://127.0.0.1:${await freePort()}/dicom-web`, retry: FAST_RETRY });
    await expect(client.searchStudies({})).rejects.toMatchObject({ code: 'DICOMWEB_UNREACHABLE', message: expect.stringMatching(/ECONNREFUSED.*3 tries/) });
  });

  it('pages through a long list with limit and offset', async () => {
    const client = new DicomWebClient({ url: pacs.url, pageSize: 2 });
    const uids: string[] = [];
    for await (const ref of client.findInstances({ study: {}, series: {}, instance: {} })) uids.push(ref.sopInstanceUid);
    expect(uids).toEqual([pacs.good, pacs.failing, pacs.noPixels]);
    expect(pacs.count(`series/${pacs.series}/instances`)).toBe(2);
  });
});
