/**
 * Splits items by a key (body part, site, scanner, any label) and measures each part with the same function,
 * e.g. `breakdown(predictions, (p) => p.subset, (part) => evaluate(part, options))`. Items whose key is
 * undefined, null or '' belong to no part. Parts are returned in order of their first item.
 */
export function breakdown<T, R>(items: readonly T[], keyOf: (item: T) => string | null | undefined, measure: (part: T[]) => R): Record<string, R> {
  const parts = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined || key === null || key === '') continue;
    let part = parts.get(key);
    if (!part) parts.set(key, (part = []));
    part.push(item);
  }
  // fromEntries defines own properties, so a key such as '__proto__' stays an ordinary key.
  return Object.fromEntries([...parts].map(([key, part]) => [key, measure(part)]));
}
