/**
 * A bounded set with least-recently-used eviction (Map insertion order). Used to log each
 * (experiment, unit, variant) exposure once.
 */
export class LruSet {
  private readonly items = new Map<string, true>();

  constructor(private readonly capacity: number) {}

  /** Add `key`; true when it was not present (the caller should act), false when seen. */
  add(key: string): boolean {
    if (this.items.has(key)) {
      this.items.delete(key);
      this.items.set(key, true);
      return false;
    }
    this.items.set(key, true);
    if (this.items.size > this.capacity) {
      const oldest = this.items.keys().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
    return true;
  }

  clear(): void {
    this.items.clear();
  }

  get size(): number {
    return this.items.size;
  }
}
