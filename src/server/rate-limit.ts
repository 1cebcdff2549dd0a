import { OsteonError } from '../errors.js';

/** Parses `N/min` (or a bare N, per minute) into requests per minute. */
export function parseRateLimit(text: string): number {
  const match = /^\s*(\d+)\s*(?:\/\s*(?:m|min|minute))?\s*$/.exec(text);
  const perMinute = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(perMinute) || perMinute < 1) {
    throw new OsteonError('BAD_OPTION', `--rate-limit expects requests per minute such as "600/min", got "${text}".`);
  }
  return perMinute;
}

/**
 * A token bucket per client (an API key's id): `perMinute` requests in any minute, refilled continuously, so a
 * client may burst up to `perMinute` and then goes at the steady rate.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one request from the client's bucket; throws RATE_LIMITED (with the wait in seconds) when empty. */
  take(client: string): void {
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(client) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
    throw new OsteonError(
      'RATE_LIMITED',
      `This key is limited to ${this.perMinute} requests per minute; retry in ${retryAfterSeconds} s or batch images with /v1/predict/batch.`,
      { retryAfterSeconds },
    );
  }
}
