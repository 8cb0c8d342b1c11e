/**
 * Bounded memory of which variant each unit was logged with (one per experiment), used to log
 * each (experiment, unit, variant) exposure once. A 2-way set-associative cache with LRU
 * inside each set: a unit id hashes (FNV-1a over its UTF-16 code units) to a set of two slots;
 * a hit moves it to the front slot, a new unit takes the front slot and pushes the older one
 * to the back, evicting the least recently used of the two. Fixed arrays: O(1) per call,
 * nothing allocated after construction, memory bounded by `capacity` (rounded up to a power
 * of two). Eviction is per set, so it approximates a global LRU of the same size.
 */
export class SeenUnits {
  private readonly hashes: Uint32Array;
  private readonly ids: (string | null)[];
  private readonly variants: (string | null)[];
  private readonly mask: number;

  constructor(capacity: number) {
    let sets = 1;
    while (sets * 2 < capacity) sets *= 2;
    this.mask = sets - 1;
    this.hashes = new Uint32Array(sets * 2);
    this.ids = new Array<string | null>(sets * 2).fill(null);
    this.variants = new Array<string | null>(sets * 2).fill(null);
  }

  /** Record `unitId` -> `variant`; true when this pair was not remembered (log it), else false. */
  add(unitId: string, variant: string): boolean {
    let h = 0x811c9dc5;
    for (let i = 0; i < unitId.length; i++) h = Math.imul(h ^ unitId.charCodeAt(i), 0x01000193);
    h >>>= 0;
    const front = (h & this.mask) * 2;
    const back = front + 1;
    const { hashes, ids, variants } = this;
    if (hashes[front] === h && ids[front] === unitId) {
      if (variants[front] === variant) return false;
      variants[front] = variant;
      return true;
    }
    // The unit takes the front slot; the old front moves back (evicting the back entry, or
    // swapping places when the back entry was this unit).
    const known = hashes[back] === h && ids[back] === unitId && variants[back] === variant;
    hashes[back] = hashes[front]!;
    ids[back] = ids[front]!;
    variants[back] = variants[front]!;
    hashes[front] = h;
    ids[front] = unitId;
    variants[front] = variant;
    return !known;
  }

  /** Forget everything. */
  clear(): void {
    this.hashes.fill(0);
    this.ids.fill(null);
    this.variants.fill(null);
  }
}
