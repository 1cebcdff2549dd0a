import { OsteonError } from '../../errors.js';
import { authorizationHeader, type DicomWebAuth } from './auth.js';
import { firstString, parseDicomJsonList, type DicomJsonDataset } from './dicom-json.js';
import { DEFAULT_RETRY, getWithRetry, redact, type RetryPolicy } from './http.js';
import { contentTypeParameter, parseMultipart } from './multipart.js';
import type { Filters, LevelledQuery } from './query.js';

export interface DicomWebClientOptions {
  /** The DICOMweb root, e.g. `http://pacs:8042/dicom-web`; `user:password@` in it is used for basic auth. */
  url: string;
  auth?: DicomWebAuth;
  retry?: Partial<RetryPolicy>;
  /** Results asked for per QIDO-RS page (default 100). */
  pageSize?: number;
}

/** Where one instance lives on the server. */
export interface InstanceRef {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

export interface Page {
  limit: number;
  offset: number;
}

const TAGS = { study: '0020000D', series: '0020000E', instance: '00080018' } as const;
const DICOM_JSON = 'application/dicom+json, application/json;q=0.9';
/** The stored encoding first (no lossy transcoding on the server); the standard's default if refused. */
const INSTANCE_ACCEPTS = ['multipart/related; type="application/dicom"; transfer-syntax=*', 'multipart/related; type="application/dicom"'];

/**
 * A DICOMweb client: QIDO-RS searches of studies, series and instances with attribute filters and paging,
 * and WADO-RS retrieval of instances as DICOM files; basic or bearer auth; retries with back-off.
 */
export class DicomWebClient {
  /** The root URL without credentials and without a trailing slash. */
  readonly root: string;
  private readonly headers: Record<string, string>;
  private readonly retry: RetryPolicy;
  private readonly pageSize: number;

  constructor(options: DicomWebClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new OsteonError('DICOMWEB_BAD_URL', `"${options.url}" is not a URL: give the DICOMweb root, e.g. http://pacs:8042/dicom-web.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new OsteonError('DICOMWEB_BAD_URL', `"${redact(options.url)}" is not an http(s) URL: give the DICOMweb root, e.g. https://pacs/dicom-web.`);
    }
    const auth = options.auth ?? (parsed.username ? { kind: 'basic' as const, user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } : { kind: 'none' as const });
    this.root = redact(parsed.toString()).replace(/\/+$/, '');
    const authorization = authorizationHeader(auth);
    this.headers = authorization ? { authorization } : {};
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.pageSize = options.pageSize ?? 100;
  }

  /** One page of a QIDO-RS search at `path` (`studies`, `studies/{uid}/series`, ...). */
  async search(path: string, filters: Filters, page?: Page): Promise<{ results: DicomJsonDataset[]; more: boolean }> {
    const params = Object.entries(filters).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    if (page) params.push(`limit=${page.limit}`, `offset=${page.offset}`);
    const url = `${this.root}/${path}${params.length ? `?${params.join('&')}` : ''}`;
    const answer = await getWithRetry({ url, headers: { ...this.headers, accept: DICOM_JSON } }, this.retry);
    const results = answer.status === 204 ? [] : parseDicomJsonList(answer.body, `GET ${url}`);
    // PS3.18 8.3.4.2: a server that cut the list short says so in a Warning header.
    const more = /additional results/i.test(answer.headers.get('warning') ?? '');
    return { results, more };
  }

  searchStudies(filters: Filters, page?: Page) {
    return this.search('studies', filters, page);
  }

  searchSeries(studyInstanceUid: string, filters: Filters, page?: Page) {
    return this.search(`studies/${encodeURIComponent(studyInstanceUid)}/series`, filters, page);
  }

  searchInstances(studyInstanceUid: string, seriesInstanceUid: string, filters: Filters, page?: Page) {
    return this.search(`studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesInstanceUid)}/instances`, filters, page);
  }

  /** Every result of a search, page by page; the `uidTag` of each result tells pages apart. */
  async *searchAll(path: string, filters: Filters, uidTag: string): AsyncGenerator<DicomJsonDataset> {
    const seen = new Set<string>();
    for (let offset = 0; ; offset += this.pageSize) {
      const { results, more } = await this.search(path, filters, { limit: this.pageSize, offset });
      let fresh = 0;
      for (const result of results) {
        const uid = firstString(result, uidTag);
        if (uid === undefined || seen.has(uid)) continue;
        seen.add(uid);
        fresh++;
        yield result;
      }
      // A server that ignores `offset` would repeat its first page forever.
      if (fresh === 0 || (results.length < this.pageSize && !more)) return;
    }
  }

  /**
   * The instances matching a query, walking studies, then their series, then their instances, with each
   * level's filters; at most `limit`.
   */
  async *findInstances(query: LevelledQuery, limit = Number.POSITIVE_INFINITY): AsyncGenerator<InstanceRef> {
    if (limit <= 0) return;
    let count = 0;
    for await (const study of this.searchAll('studies', query.study, TAGS.study)) {
      const studyInstanceUid = firstString(study, TAGS.study)!;
      const seriesPath = `studies/${encodeURIComponent(studyInstanceUid)}/series`;
      for await (const series of this.searchAll(seriesPath, query.series, TAGS.series)) {
        const seriesInstanceUid = firstString(series, TAGS.series)!;
        const instancesPath = `${seriesPath}/${encodeURIComponent(seriesInstanceUid)}/instances`;
        for await (const instance of this.searchAll(instancesPath, query.instance, TAGS.instance)) {
          yield { studyInstanceUid, seriesInstanceUid, sopInstanceUid: firstString(instance, TAGS.instance)! };
          if (++count >= limit) return;
        }
      }
    }
  }

  /** The URL of an instance (WADO-RS). */
  instanceUrl(ref: InstanceRef): string {
    return `${this.root}/studies/${encodeURIComponent(ref.studyInstanceUid)}/series/${encodeURIComponent(ref.seriesInstanceUid)}/instances/${encodeURIComponent(ref.sopInstanceUid)}`;
  }

  /** One instance as the bytes of a DICOM file (WADO-RS), in the encoding the server stores when it can. */
  async retrieveInstance(ref: InstanceRef): Promise<Buffer> {
    const url = this.instanceUrl(ref);
    for (const [i, accept] of INSTANCE_ACCEPTS.entries()) {
      const last = i === INSTANCE_ACCEPTS.length - 1;
      const answer = await getWithRetry({ url, headers: { ...this.headers, accept }, passStatuses: last ? [] : [406] }, this.retry);
      if (answer.status === 406) continue;
      const contentType = answer.headers.get('content-type') ?? '';
      if (!/^multipart\//i.test(contentType)) return answer.body;
      const parts = parseMultipart(answer.body, contentType);
      const dicom = parts.find((p) => /application\/dicom/i.test(p.headers['content-type'] ?? contentTypeParameter(contentType, 'type') ?? ''));
      if (!dicom) {
        throw new OsteonError('DICOMWEB_BAD_RESPONSE', `The server's answer to GET ${url} holds no DICOM file (${parts.length} part(s)).`);
      }
      return dicom.body;
    }
    throw new Error('unreachable');
  }
}
