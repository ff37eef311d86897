import { DuplicateMessageError, StaleMessageError } from '../errors.js'

interface OriginWindow {
  /** Highest sequence number accepted from the origin. */
  max: bigint
  /** Bit `seqno mod size` is set when `seqno` in (max − size, max] was accepted. */
  bits: Uint32Array
}

/**
 * Refuses replayed gossipsub messages after gossipsub's seen cache has forgotten them.
 *
 * gossipsub authors number their messages from a counter seeded with the wall clock in
 * nanoseconds (js, go and rust alike), so sequence numbers only grow per author, across
 * restarts too. Per origin this keeps the highest number accepted and a bitmap of the last
 * `window` numbers: a number already in the bitmap is a duplicate, one older than the window is
 * stale. Messages that arrive out of order within the window are accepted. Memory is bounded:
 * `window / 8` bytes per origin, at most `maxOrigins` origins (least recently seen dropped; a
 * replay of a dropped origin's message then passes — the seen cache still covers 2 minutes).
 *
 * Limits: an author whose clock steps back across a restart is refused until its numbers pass
 * the old ones; implementations that send random sequence numbers must run with the guard off.
 */
export class ReplayGuard {
  private readonly origins = new Map<string, OriginWindow>()
  private readonly words: number
  private readonly size: bigint

  constructor (readonly window: number, private readonly maxOrigins: number) {
    if (!Number.isSafeInteger(window) || window < 1) throw new RangeError('window must be a positive integer')
    this.words = Math.ceil(window / 32)
    this.size = BigInt(this.words * 32)
  }

  /** Throws {@link DuplicateMessageError} or {@link StaleMessageError}; records nothing. */
  check (origin: string, seqno: bigint): void {
    const entry = this.origins.get(origin)
    if (entry === undefined || seqno > entry.max) return
    if (seqno <= entry.max - this.size) {
      throw new StaleMessageError(`sequence number ${seqno} of ${origin} is more than ${this.size} behind the newest seen`)
    }
    if (this.isSet(entry, seqno)) throw new DuplicateMessageError(`sequence number ${seqno} of ${origin} was seen before`)
  }

  /** Record an accepted message. */
  record (origin: string, seqno: bigint): void {
    let entry = this.origins.get(origin)
    if (entry === undefined) {
      entry = { max: seqno, bits: new Uint32Array(this.words) }
      if (this.origins.size >= this.maxOrigins) this.origins.delete(this.origins.keys().next().value as string)
    } else {
      this.origins.delete(origin)
      if (seqno > entry.max) this.advance(entry, seqno)
    }
    this.origins.set(origin, entry)
    if (seqno > entry.max - this.size) this.set(entry, seqno)
  }

  get trackedOrigins (): number {
    return this.origins.size
  }

  private advance (entry: OriginWindow, seqno: bigint): void {
    if (seqno - entry.max >= this.size) {
      entry.bits.fill(0)
    } else {
      for (let n = entry.max + 1n; n <= seqno; n++) this.clear(entry, n)
    }
    entry.max = seqno
  }

  private position (seqno: bigint): [number, number] {
    const bit = Number(((seqno % this.size) + this.size) % this.size)
    return [bit >>> 5, 1 << (bit & 31)]
  }

  private isSet (entry: OriginWindow, seqno: bigint): boolean {
    const [word, mask] = this.position(seqno)
    return (entry.bits[word] & mask) !== 0
  }

  private set (entry: OriginWindow, seqno: bigint): void {
    const [word, mask] = this.position(seqno)
    entry.bits[word] |= mask
  }

  private clear (entry: OriginWindow, seqno: bigint): void {
    const [word, mask] = this.position(seqno)
    entry.bits[word] &= ~mask
  }
}
