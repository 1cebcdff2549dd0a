/**
 * A metric's value, or `null` with the reason it is undefined on this data (one class only, no predicted
 * positives, empty input). Metrics never return NaN.
 */
export type Metric = { value: number; reason?: undefined } | { value: null; reason: string };

export function defined(value: number): Metric {
  return { value };
}

export function undefinedMetric(reason: string): Metric {
  return { value: null, reason };
}

/** numerator / denominator, or null with `reason` when the denominator is zero. */
export function ratio(numerator: number, denominator: number, reason: string): Metric {
  return denominator > 0 ? { value: numerator / denominator } : { value: null, reason };
}
