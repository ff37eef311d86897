import type { NodeId } from './types.js'

/** A ReadIndex request waiting for a quorum to confirm the leader: who asked, and its context. */
export interface ReadRequest {
  /** The member that asked (the leader itself for a local request). */
  readonly from: NodeId
  readonly context: Uint8Array
}

/** A confirmed read: the request and the commit index it may be served at. */
export interface ConfirmedRead {
  readonly request: ReadRequest
  readonly index: number
}

interface PendingRead {
  readonly request: ReadRequest
  /** The leader's commit index when the request arrived. */
  readonly index: number
  readonly acks: Set<NodeId>
}

/**
 * The leader's queue of ReadIndex requests (Raft thesis §6.4, etcd-io/raft's `readOnly`). Each
 * request records the commit index at its arrival; a heartbeat round carries its context, and
 * once a quorum has answered that round the request, and every request queued before it, is
 * confirmed: nobody else can have been leader in between.
 *
 * Contexts identify requests and must be unique among pending requests; a repeated context is
 * ignored.
 */
export class ReadOnlyQueue {
  private readonly pending = new Map<string, PendingRead>()
  private queue: string[] = []
  private head = 0

  /** Queue a request that arrived when the commit index was `index`. */
  add (index: number, request: ReadRequest): void {
    const key = contextKey(request.context)
    if (this.pending.has(key)) return
    this.pending.set(key, { request, index, acks: new Set() })
    this.queue.push(key)
  }

  /**
   * Record that `from` answered the heartbeat round for `context`. Returns who has acknowledged
   * that round so far, or undefined when no such request is pending.
   */
  recordAck (from: NodeId, context: Uint8Array): ReadonlySet<NodeId> | undefined {
    const read = this.pending.get(contextKey(context))
    if (read === undefined) return undefined
    read.acks.add(from)
    return read.acks
  }

  /** Confirm the request for `context` and every request queued before it; returns them in order. */
  confirm (context: Uint8Array): ConfirmedRead[] {
    const key = contextKey(context)
    if (!this.pending.has(key)) return []
    const confirmed: ConfirmedRead[] = []
    while (this.head < this.queue.length) {
      const next = this.queue[this.head++]
      const read = this.pending.get(next)
      if (read === undefined) continue
      this.pending.delete(next)
      confirmed.push({ request: read.request, index: read.index })
      if (next === key) break
    }
    if (this.head === this.queue.length) {
      this.queue = []
      this.head = 0
    }
    return confirmed
  }

  /** The context of the most recent pending request, to carry on the next heartbeat round. */
  lastPendingContext (): Uint8Array | undefined {
    for (let i = this.queue.length - 1; i >= this.head; i--) {
      const read = this.pending.get(this.queue[i])
      if (read !== undefined) return read.request.context
    }
    return undefined
  }

  get size (): number {
    return this.pending.size
  }

  clear (): void {
    this.pending.clear()
    this.queue = []
    this.head = 0
  }
}

/** A string key for a byte context (latin-1, one character per byte). */
export function contextKey (context: Uint8Array): string {
  let key = ''
  for (let i = 0; i < context.length; i += 4096) {
    key += String.fromCharCode(...context.subarray(i, i + 4096))
  }
  return key
}
