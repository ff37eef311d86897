/**
 * Matches values delivered by one party with requests from another, in order, whichever
 * comes first: an inbound stream and the parameters it is to be measured with, or a
 * worker's reply and the call that waits for it.
 */
export class Handoff<T> {
  private readonly values: T[] = []
  private readonly waiters: Array<(value: T) => void> = []

  deliver (value: T): void {
    const waiter = this.waiters.shift()
    if (waiter !== undefined) waiter(value)
    else this.values.push(value)
  }

  /** Take back a delivered value nobody took yet; false when it was already taken. */
  withdraw (value: T): boolean {
    const index = this.values.indexOf(value)
    if (index < 0) return false
    this.values.splice(index, 1)
    return true
  }

  /** The next delivered value; rejects after `timeoutMs` so a broken run fails instead of hanging. */
  async next (timeoutMs = 10_000): Promise<T> {
    if (this.values.length > 0) return this.values.shift() as T
    return await new Promise<T>((resolve, reject) => {
      const take = (value: T): void => { clearTimeout(timer); resolve(value) }
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(take)
        if (index >= 0) this.waiters.splice(index, 1)
        reject(new Error(`nothing arrived within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.push(take)
    })
  }
}
