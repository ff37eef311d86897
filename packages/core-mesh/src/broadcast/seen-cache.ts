/**
 * A bounded set of message ids: the oldest id is forgotten once `capacity` is reached, so
 * memory stays flat however many messages pass.
 */
export class SeenCache {
  private readonly ids = new Set<string>()

  constructor (private readonly capacity: number) {}

  /** Remember `id`; false when it was already known. */
  add (id: Uint8Array): boolean {
    const key = Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('base64')
    if (this.ids.has(key)) return false
    this.ids.add(key)
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value
      if (oldest !== undefined) this.ids.delete(oldest)
    }
    return true
  }

  get size (): number {
    return this.ids.size
  }
}
