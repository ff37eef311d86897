import { KV_LIMITS } from './kv-limits.js'
import type { KvResult } from './kv-types.js'

interface Session {
  readonly results: Map<number, KvResult>
  /** Every seq at or below this may have been applied and its result forgotten. */
  floor: number
  lastActive: number
}

/** A client's forgotten range, as snapshots carry it. */
export interface SessionFloor {
  readonly client: string
  readonly floor: number
}

/**
 * The results of recent commands per client, so that a retried command (same client and seq)
 * is answered with its first result instead of being executed twice. Deterministic: every member
 * applies the same commands in the same order and so keeps and forgets the same sessions.
 *
 * Results are kept without the previous value (it may be large); when a client has more than
 * `resultsPerClient`, the lowest seq is forgotten and the client's floor rises to it: a command
 * at or below the floor is never executed again (its outcome is unknown to the state machine).
 */
export class ClientSessions {
  private readonly sessions = new Map<string, Session>()

  lookup (client: string, seq: number): KvResult | undefined {
    return this.sessions.get(client)?.results.get(seq)
  }

  /** Whether (client, seq) may have been applied already with its result forgotten. */
  isForgotten (client: string, seq: number): boolean {
    return seq <= (this.sessions.get(client)?.floor ?? 0)
  }

  record (result: KvResult): void {
    const session = this.session(result.request.client, result.revision)
    session.lastActive = result.revision
    session.results.set(result.request.seq, { ...result, previous: undefined })
    if (session.results.size > KV_LIMITS.resultsPerClient) {
      let lowest = Number.POSITIVE_INFINITY
      for (const seq of session.results.keys()) if (seq < lowest) lowest = seq
      session.results.delete(lowest)
      session.floor = Math.max(session.floor, lowest)
    }
  }

  /** Restore a client's floor (from a snapshot). */
  restoreFloor ({ client, floor }: SessionFloor, revision: number): void {
    const session = this.session(client, revision)
    session.floor = Math.max(session.floor, floor)
  }

  /** Every remembered result, for snapshots, in a deterministic order. */
  * entries (): Iterable<KvResult> {
    for (const session of this.sessions.values()) yield * session.results.values()
  }

  /** Every client's floor above zero, for snapshots. */
  * floors (): Iterable<SessionFloor> {
    for (const [client, session] of this.sessions) if (session.floor > 0) yield { client, floor: session.floor }
  }

  clear (): void {
    this.sessions.clear()
  }

  private session (client: string, revision: number): Session {
    let session = this.sessions.get(client)
    if (session === undefined) {
      if (this.sessions.size >= KV_LIMITS.maxClients) this.forgetLeastActive()
      session = { results: new Map(), floor: 0, lastActive: revision }
      this.sessions.set(client, session)
    }
    return session
  }

  private forgetLeastActive (): void {
    let oldest: [string, number] | undefined
    for (const [client, session] of this.sessions) {
      if (oldest === undefined || session.lastActive < oldest[1]) oldest = [client, session.lastActive]
    }
    if (oldest !== undefined) this.sessions.delete(oldest[0])
  }
}
