import { KV_LIMITS } from './kv-limits.js'
import type { KvResult } from './kv-types.js'

interface Session {
  /** Results by seq, in insertion (= seq) order. */
  readonly results: Map<number, KvResult>
  lastActive: number
}

/**
 * The results of recent commands per client, so that a retried command (same client and seq)
 * is answered with its first result instead of being executed twice. Deterministic: every member
 * applies the same commands in the same order and so keeps and forgets the same sessions.
 */
export class ClientSessions {
  private readonly sessions = new Map<string, Session>()

  /** The remembered result of (client, seq), if any. */
  lookup (client: string, seq: number): KvResult | undefined {
    return this.sessions.get(client)?.results.get(seq)
  }

  /**
   * Whether (client, seq) is older than anything remembered for this client: then it may have
   * been applied already and its result forgotten, so it must not be executed again.
   */
  isForgotten (client: string, seq: number): boolean {
    const session = this.sessions.get(client)
    if (session === undefined || session.results.size < KV_LIMITS.resultsPerClient) return false
    const oldest = session.results.keys().next().value as number
    return seq < oldest
  }

  record (result: KvResult): void {
    const { client, seq } = result.request
    let session = this.sessions.get(client)
    if (session === undefined) {
      if (this.sessions.size >= KV_LIMITS.maxClients) this.forgetLeastActive()
      session = { results: new Map(), lastActive: result.revision }
      this.sessions.set(client, session)
    }
    session.lastActive = result.revision
    session.results.set(seq, result)
    if (session.results.size > KV_LIMITS.resultsPerClient) {
      session.results.delete(session.results.keys().next().value as number)
    }
  }

  /** Every remembered result, for snapshots, in a deterministic order. */
  * entries (): Iterable<KvResult> {
    for (const session of this.sessions.values()) yield * session.results.values()
  }

  clear (): void {
    this.sessions.clear()
  }

  private forgetLeastActive (): void {
    let oldest: [string, number] | undefined
    for (const [client, session] of this.sessions) {
      if (oldest === undefined || session.lastActive < oldest[1]) oldest = [client, session.lastActive]
    }
    if (oldest !== undefined) this.sessions.delete(oldest[0])
  }
}
