/**
 * The append messages in flight to one follower, as a ring buffer of the last index each one
 * carried. The leader stops sending when it is full and frees slots as acknowledgements arrive.
 */
export class Inflights {
  private readonly indexes: number[]
  private start = 0
  private size = 0

  constructor (readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`inflight capacity must be a positive integer, got ${capacity}`)
    this.indexes = new Array<number>(capacity).fill(0)
  }

  get count (): number {
    return this.size
  }

  full (): boolean {
    return this.size === this.capacity
  }

  /** Record a message whose last entry is `index`; indexes must be added in increasing order. */
  add (index: number): void {
    if (this.full()) throw new RangeError('cannot add to a full inflights window')
    this.indexes[(this.start + this.size) % this.capacity] = index
    this.size++
  }

  /** Free every message whose last index is at or below `index` (they were acknowledged). */
  freeLE (index: number): void {
    while (this.size > 0 && this.indexes[this.start] <= index) {
      this.start = (this.start + 1) % this.capacity
      this.size--
    }
    if (this.size === 0) this.start = 0
  }

  /** Free the oldest message (its acknowledgement may have been lost). */
  freeFirst (): void {
    if (this.size === 0) return
    this.start = (this.start + 1) % this.capacity
    this.size--
    if (this.size === 0) this.start = 0
  }

  reset (): void {
    this.start = 0
    this.size = 0
  }
}
