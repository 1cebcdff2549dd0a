/**
 * A vantage-point tree: finds every point within a radius of a query in any metric space, visiting only
 * the branches the triangle inequality cannot rule out. Used to find near-duplicate images without
 * comparing every pair.
 */
interface VpNode {
  point: number;
  radius: number;
  inside: VpNode | null;
  outside: VpNode | null;
}

export class VpTree {
  private readonly root: VpNode | null;

  /** `distance(i, j)` must be a metric over the point indices 0..count-1. */
  constructor(
    count: number,
    private readonly distance: (a: number, b: number) => number,
  ) {
    this.root = this.build(Array.from({ length: count }, (_, i) => i));
  }

  private build(points: number[]): VpNode | null {
    if (points.length === 0) return null;
    // The first point is the vantage point: insertion order is arbitrary enough for image hashes.
    const point = points[0]!;
    const rest = points.slice(1);
    if (rest.length === 0) return { point, radius: 0, inside: null, outside: null };
    // Split by rank, not by value, so that many equal distances (exact copies) still halve the set.
    const order = rest.map((p) => ({ p, d: this.distance(point, p) })).sort((a, b) => a.d - b.d);
    const half = Math.floor(order.length / 2);
    const radius = order[half]!.d;
    const inside = order.slice(0, half).map((o) => o.p);
    const outside = order.slice(half).map((o) => o.p);
    return { point, radius, inside: this.build(inside), outside: this.build(outside) };
  }

  /** Every point within `radius` of point `query` (the query itself included). */
  within(query: number, radius: number): number[] {
    const found: number[] = [];
    const stack: VpNode[] = this.root ? [this.root] : [];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const d = this.distance(query, node.point);
      if (d <= radius) found.push(node.point);
      // Inside points lie at most node.radius from the vantage point, outside points at least that far.
      if (node.inside && d - radius <= node.radius) stack.push(node.inside);
      if (node.outside && d + radius >= node.radius) stack.push(node.outside);
    }
    return found;
  }
}
