import type { QueryEvent } from '@libp2p/kad-dht'
import type { PeerIdString } from '@meshwork/core-mesh'

/**
 * Typed progress of a DHT query, passed to `onProgress` as it happens. `hop` is how many
 * referrals separate the peer from this node: peers from this node's own routing table are
 * hop 1, peers they named are hop 2, and so on.
 */
export type DhtProgressEvent =
  | { type: 'dialing', peer: PeerIdString, hop: number }
  | { type: 'query-sent', peer: PeerIdString, hop: number }
  | { type: 'peer-response', peer: PeerIdString, hop: number, closerPeers: number }
  | { type: 'peer-failed', peer: PeerIdString, hop: number, error: Error }
  /** A peer returned a record that failed validation; `error` is the typed reason when known. */
  | { type: 'invalid-record', peer: PeerIdString, hop: number, error: Error }
  | { type: 'value', peer: PeerIdString, hop: number }
  | { type: 'providers', peer: PeerIdString, hop: number, providers: PeerIdString[] }
  | { type: 'peer-found', peer: PeerIdString, hop: number, found: PeerIdString }

export type DhtProgressHandler = (event: DhtProgressEvent) => void

/** Tracks the hop of every peer a query meets, from who referred whom. Pure. */
export class HopTracker {
  private readonly hops = new Map<PeerIdString, number>()

  constructor (private readonly self: PeerIdString) {
    this.hops.set(self, 0)
  }

  /** The hop of a peer; a peer nobody referred comes from this node's table: hop 1. */
  hopOf (peer: PeerIdString): number {
    return this.hops.get(peer) ?? 1
  }

  /** `from` answered naming `closer`: each is one hop further than `from`, unless already nearer. */
  referred (from: PeerIdString, closer: readonly PeerIdString[]): void {
    const next = this.hopOf(from) + 1
    for (const peer of closer) {
      if (peer === this.self) continue
      const known = this.hops.get(peer)
      if (known === undefined || next < known) this.hops.set(peer, next)
    }
  }

  /** The deepest hop seen: the length of the longest referral chain the query followed. */
  maxHop (): number {
    let max = 0
    for (const hop of this.hops.values()) max = Math.max(max, hop)
    return max
  }
}

/**
 * Turn one kad-dht query event into Meshwork's typed progress event, updating the tracker.
 * `invalidRecord` supplies the typed validation error kad-dht replaced with a generic one.
 */
export function toProgressEvent (event: QueryEvent, tracker: HopTracker, invalidRecord: () => Error | undefined): DhtProgressEvent | undefined {
  switch (event.name) {
    case 'DIAL_PEER':
      return { type: 'dialing', peer: event.peer.toString(), hop: tracker.hopOf(event.peer.toString()) }
    case 'SEND_QUERY':
      return { type: 'query-sent', peer: event.to.toString(), hop: tracker.hopOf(event.to.toString()) }
    case 'PEER_RESPONSE': {
      const peer = event.from.toString()
      tracker.referred(peer, event.closer.map(p => p.id.toString()))
      return { type: 'peer-response', peer, hop: tracker.hopOf(peer), closerPeers: event.closer.length }
    }
    case 'QUERY_ERROR': {
      const peer = event.from.toString()
      if (event.error.message.startsWith('invalid record')) {
        return { type: 'invalid-record', peer, hop: tracker.hopOf(peer), error: invalidRecord() ?? event.error }
      }
      return { type: 'peer-failed', peer, hop: tracker.hopOf(peer), error: event.error }
    }
    case 'VALUE':
      return { type: 'value', peer: event.from.toString(), hop: tracker.hopOf(event.from.toString()) }
    case 'PROVIDER':
      return { type: 'providers', peer: event.from.toString(), hop: tracker.hopOf(event.from.toString()), providers: event.providers.map(p => p.id.toString()) }
    case 'FINAL_PEER':
      return { type: 'peer-found', peer: event.from.toString(), hop: tracker.hopOf(event.from.toString()), found: event.peer.id.toString() }
    default:
      return undefined
  }
}
