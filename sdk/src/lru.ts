/**
 * Bounded memory of which variant each unit was logged with (one per experiment), used to log
 * each (experiment, unit, variant) exposure once. A 2-way set-associative cache with LRU
 * inside each set: a unit id's hash (the caller's, e.g. the assignment's murmur3 of the id)
 * picks a set of two slots and one bit naming the more recently used slot; a new unit takes the
 * other slot, evicting the least recently used of the two. Fixed arrays: O(1) per call, nothing
 * allocated or moved after construction, memory bounded by `capacity` (rounded up to a power of
 * two). Eviction is per set, so it approximates a global LRU of the same size. A slot whose id
 * is null is empty (never matches).
 */
export interface SeenUnits {
  /**
   * Record `unitId` -> `variant`; true when this pair was not remembered (log it), else false.
   * `hash` is a uint32 hash of `unitId`, the same one for every call with that id.
   */
  add(unitId: string, variant: string, hash: number): boolean;
  /** Forget `unitId` (its exposure could not be queued), so the next `add` logs it again. */
  forget(unitId: string, hash: number): void;
  /** Forget everything. */
  clear(): void;
}

/** A {@link SeenUnits} memory for about `capacity` units. */
export function createSeenUnits(capacity: number): SeenUnits {
  let sets = 1;
  while (sets * 2 < capacity) sets *= 2;
  const mask = sets - 1;
  const hashes = new Uint32Array(sets * 2);
  const recent = new Uint8Array(sets); // 0 or 1: the set's more recently used slot
  const ids = new Array<string | null>(sets * 2).fill(null);
  const variants = new Array<string | null>(sets * 2).fill(null);
  return {
    add(unitId, variant, h) {
      const set = h & mask;
      let slot = set * 2;
      if (!(hashes[slot] === h && ids[slot] === unitId) && !(hashes[++slot] === h && ids[slot] === unitId)) {
        slot = set * 2 + (recent[set]! ^ 1);
        hashes[slot] = h;
        ids[slot] = unitId;
      } else if (variants[slot] === variant) {
        recent[set] = slot & 1;
        return false;
      }
      variants[slot] = variant;
      recent[set] = slot & 1;
      return true;
    },
    forget(unitId, h) {
      const slot = (h & mask) * 2;
      if (ids[slot] === unitId) ids[slot] = null;
      if (ids[slot + 1] === unitId) ids[slot + 1] = null;
    },
    clear() {
      ids.fill(null);
    },
  };
}
