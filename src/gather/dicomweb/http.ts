import { OsteonError } from '../../errors.js';

/** How often and how patiently a request is retried. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; doubles each time (with jitter), up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** One try gives up after this long. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8000, timeoutMs: 120_000 };

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  /** Statuses of 400 and above handed back to the caller instead of thrown (e.g. 406 to try another Accept). */
  passStatuses?: readonly number[];
}

/** Statuses worth asking again: the server is busy, restarting or briefly broken. */
function isTransient(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Why a fetch threw, in words a user recognises (ECONNREFUSED, a timeout, ...). */
export function describeNetworkError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no answer in time';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function delayFor(policy: RetryPolicy, attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  if (seconds !== undefined) return Math.min(policy.maxDelayMs, seconds * 1000);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return exponential * (0.5 + Math.random() / 2);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A GET with retries and exponential back-off on network errors, timeouts and transient statuses (408, 429,
 * 5xx; `Retry-After` honoured). Throws OsteonError: DICOMWEB_UNREACHABLE (no answer after every try),
 * DICOMWEB_UNAUTHORIZED (401, 403), DICOMWEB_HTTP_ERROR (any other failing status).
 */
export async function getWithRetry(request: HttpRequest, policy: RetryPolicy): Promise<HttpAnswer> {
  const where = redact(request.url);
  let last = '';
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let retryAfter: string | null = null;
    try {
      const response = await fetch(request.url, { headers: request.headers, signal: AbortSignal.timeout(policy.timeoutMs) });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status < 400 || request.passStatuses?.includes(response.status)) {
        return { status: response.status, headers: response.headers, body };
      }
      if (response.status === 401 || response.status === 403) {
        throw new OsteonError(
          'DICOMWEB_UNAUTHORIZED',
          `The DICOMweb server refused access (${response.status}) to GET ${where}: give --user and --password, or --token ` +
            '(or OSTEON_DICOMWEB_USER/OSTEON_DICOMWEB_PASSWORD/OSTEON_DICOMWEB_TOKEN), with rights to read.',
          { status: response.status },
        );
      }
      last = `${response.status} ${response.statusText}${snippet(body)}`;
      if (!isTransient(response.status)) {
        throw new OsteonError('DICOMWEB_HTTP_ERROR', `The DICOMweb server answered ${last} to GET ${where}: check the URL and the query.`, {
          status: response.status,
        });
      }
      retryAfter = response.headers.get('retry-after');
      if (attempt === policy.attempts) {
        throw new OsteonError(
          'DICOMWEB_HTTP_ERROR',
          `The DICOMweb server answered ${last} to GET ${where} ${policy.attempts} times: check the server's log, or run the same command again later.`,
          { status: response.status },
        );
      }
    } catch (error) {
      if (error instanceof OsteonError) throw error;
      last = describeNetworkError(error);
      if (last === 'bad port') {
        throw new OsteonError('DICOMWEB_BAD_URL', `The port of ${where} is one that HTTP clients refuse to use (as browsers do): serve DICOMweb on another port.`);
      }
      if (attempt === policy.attempts) {
        throw new OsteonError(
          'DICOMWEB_UNREACHABLE',
          `Could not reach the DICOMweb server for GET ${where} (${last}) after ${policy.attempts} tries: check the URL and that the server runs, then run the same command again.`,
        );
      }
    }
    await sleep(delayFor(policy, attempt, retryAfter));
  }
  throw new Error('unreachable');
}

/** The first line of an error body, for messages (servers often explain themselves there). */
function snippet(body: Buffer): string {
  const text = body.subarray(0, 300).toString('utf8').replace(/\s+/g, ' ').trim();
  return text ? ` (${text.slice(0, 160)})` : '';
}

/** A URL without its user and password, fit for messages and stored source paths. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
