/**
 * Bounded memory of which variant each unit was last logged with, per experiment, with
 * approximate least-recently-used eviction in two generations: entries go into `hot`; when
 * `hot` holds capacity/2 units it becomes `cold` and the old `cold` is dropped; an entry found
 * in `cold` is promoted. At most `capacity` units are kept, the last capacity/2 distinct units
 * are always remembered, and each call is O(1) with no key concatenation. (A single Map with
 * delete-oldest degrades in V8: deleted slots pile up at the front and `keys().next()` must
 * skip them.) Used to log each (experiment, unit, variant) exposure once.
 */
export class SeenUnits {
  private hot = new Map<string, string>();
  private cold = new Map<string, string>();
  private readonly generation: number;

  constructor(capacity: number) {
    this.generation = Math.max(1, Math.floor(capacity / 2));
  }

  /** Record `unitId` -> `variant`; true when this pair was not remembered (log it), else false. */
  add(unitId: string, variant: string): boolean {
    const hot = this.hot.get(unitId);
    if (hot === variant) return false;
    const known = hot === undefined && this.cold.get(unitId) === variant;
    this.hot.set(unitId, variant);
    if (this.hot.size >= this.generation) {
      this.cold = this.hot;
      this.hot = new Map();
    }
    return !known;
  }

  /** Forget everything. */
  clear(): void {
    this.hot.clear();
    this.cold.clear();
  }
}
