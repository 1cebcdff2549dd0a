import { describe, expect, it } from 'vitest';
import { OsteonError } from '../errors.js';
import { parseRateLimit, RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows a burst of the per-minute rate per client, then refills continuously', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) limiter.take('a');
    let refused: unknown;
    try {
      limiter.take('a');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(OsteonError);
    expect((refused as OsteonError).code).toBe('RATE_LIMITED');
    expect((refused as OsteonError).details?.retryAfterSeconds).toBe(1);
    limiter.take('b'); // other clients have their own bucket
    now += 1000; // one request per second comes back
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow(OsteonError);
  });

  it('parses N/min and refuses nonsense', () => {
    expect(parseRateLimit('600/min')).toBe(600);
    expect(parseRateLimit('30')).toBe(30);
    expect(() => parseRateLimit('0/min')).toThrow(/requests per minute/);
    expect(() => parseRateLimit('5/hour')).toThrow(OsteonError);
  });
});
