import type { Operation } from './operation.js'

/** An operation a client has started; settle it exactly once. */
export interface PendingOperation<Output> {
  /** The client got an answer. */
  complete(output: Output, note?: string): void
  /** The request definitely had no effect (refused before it was proposed): drop it from the history. */
  fail(): void
  /** The client gave up without learning the outcome (timeout, crash): it may or may not take effect. */
  abandon(note?: string): void
}

interface Record<Input, Output> {
  readonly client: string
  readonly input: Input
  readonly call: number
  readonly callTime: number
  readonly note: string
  settled?: { readonly kind: 'complete', readonly output: Output, readonly return: number, readonly returnTime: number, readonly note: string }
  | { readonly kind: 'fail' }
  | { readonly kind: 'abandon', readonly note: string }
}

/**
 * Records client operations as they happen. Calls and returns are stamped with a counter, so that
 * two events at the same virtual instant keep the order in which they happened; the virtual times
 * go into each operation's `note`. Operations never settled count as abandoned.
 */
export class HistoryRecorder<Input, Output> {
  private readonly records: Array<Record<Input, Output>> = []
  private sequence = 0

  /** @param now the virtual clock, for notes */
  constructor (private readonly now: () => number) {}

  invoke (client: string, input: Input, note = ''): PendingOperation<Output> {
    const record: Record<Input, Output> = { client, input, call: ++this.sequence, callTime: this.now(), note }
    this.records.push(record)
    const settle = (settled: NonNullable<Record<Input, Output>['settled']>): void => {
      if (record.settled !== undefined) throw new Error(`operation of ${client} settled twice`)
      record.settled = settled
    }
    return {
      complete: (output, extra = '') => { settle({ kind: 'complete', output, return: ++this.sequence, returnTime: this.now(), note: extra }) },
      fail: () => { settle({ kind: 'fail' }) },
      abandon: (extra = '') => { settle({ kind: 'abandon', note: extra }) }
    }
  }

  /** Counts by how operations ended (unsettled ones count as abandoned). */
  counts (): { completed: number, failed: number, unknown: number } {
    const counts = { completed: 0, failed: 0, unknown: 0 }
    for (const r of this.records) {
      if (r.settled?.kind === 'complete') counts.completed++
      else if (r.settled?.kind === 'fail') counts.failed++
      else counts.unknown++
    }
    return counts
  }

  history (): Array<Operation<Input, Output>> {
    const ops: Array<Operation<Input, Output>> = []
    for (const r of this.records) {
      const settled = r.settled
      if (settled?.kind === 'fail') continue
      const base = { client: r.client, input: r.input, call: r.call }
      if (settled?.kind === 'complete') {
        ops.push({ ...base, return: settled.return, output: settled.output, note: joinNote(`t=${r.callTime}..${settled.returnTime}`, r.note, settled.note) })
      } else {
        ops.push({ ...base, return: Infinity, note: joinNote(`t=${r.callTime}..?`, r.note, settled?.note ?? 'never answered') })
      }
    }
    return ops
  }
}

function joinNote (...parts: string[]): string {
  return parts.filter(part => part !== '').join(' ')
}
