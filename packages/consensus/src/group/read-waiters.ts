import { raceSignal } from 'race-signal'
import { deferred } from '../util/deferred.js'

interface IndexWaiter {
  readonly index: number
  readonly resolve: () => void
}

/**
 * Pending linearizable reads of one group: requests waiting for the leader to confirm a read
 * index (matched by context), and requests waiting for the local state to reach an index.
 */
export class ReadWaiters {
  private readonly confirmations = new Map<string, Array<(index: number) => void>>()
  private indexWaiters: IndexWaiter[] = []
  private readonly rejecters = new Set<(error: Error) => void>()

  async whenConfirmed (context: Uint8Array, signal: AbortSignal): Promise<number> {
    const key = contextKey(context)
    const { promise, resolve } = deferred<number>()
    const list = this.confirmations.get(key) ?? []
    list.push(resolve)
    this.confirmations.set(key, list)
    try {
      return await this.race(promise, signal)
    } finally {
      const remaining = (this.confirmations.get(key) ?? []).filter(waiter => waiter !== resolve)
      if (remaining.length === 0) this.confirmations.delete(key)
      else this.confirmations.set(key, remaining)
    }
  }

  confirm (context: Uint8Array, index: number): void {
    const key = contextKey(context)
    const waiters = this.confirmations.get(key)
    if (waiters === undefined) return
    this.confirmations.delete(key)
    for (const resolve of waiters) resolve(index)
  }

  async whenApplied (index: number, applied: number, signal: AbortSignal): Promise<void> {
    if (applied >= index) return
    const { promise, resolve } = deferred<void>()
    const waiter = { index, resolve }
    this.indexWaiters.push(waiter)
    try {
      await this.race(promise, signal)
    } finally {
      this.indexWaiters = this.indexWaiters.filter(other => other !== waiter)
    }
  }

  appliedUpTo (applied: number): void {
    if (this.indexWaiters.length === 0) return
    for (const waiter of this.indexWaiters) if (waiter.index <= applied) waiter.resolve()
  }

  rejectAll (error: Error): void {
    for (const reject of this.rejecters) reject(error)
  }

  private async race<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
    const { promise: stopped, reject } = deferred<never>()
    this.rejecters.add(reject)
    try {
      return await raceSignal(Promise.race([promise, stopped]), signal)
    } finally {
      this.rejecters.delete(reject)
    }
  }
}

function contextKey (context: Uint8Array): string {
  return Buffer.from(context.buffer, context.byteOffset, context.byteLength).toString('base64')
}
