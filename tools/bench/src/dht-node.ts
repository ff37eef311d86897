/**
 * The contract both sides of the DHT lookup benchmark implement: one node of a 100-node
 * in-memory network, able to dial, look a peer up and describe its own state. `dht-network.ts`
 * drives N of them the same way whichever side they are.
 */

export type DhtSideId = 'meshwork' | 'vanilla'

export const DHT_SIDES: ReadonlyArray<{ id: DhtSideId, label: string }> = [
  { id: 'meshwork', label: 'meshwork dht' },
  { id: 'vanilla', label: 'vanilla kad-dht' }
]

/** Connection limits, raised alike on both sides so 100 nodes in one process are never refused. */
export interface BenchLimits {
  maxConnections: number
  maxIncomingPending: number
  inboundConnectionThreshold: number
}

/** Meshwork-only settings the benchmark departs from (see README: why). */
export interface MeshworkTuning {
  heartbeatTimeoutMs: number
  randomWalkIntervalMs: number
  /** `MeshDhtOptions.alpha`; undefined: @meshwork/dht's default (3). */
  alpha?: number
}

export interface NodeSettings {
  limits: BenchLimits
  /**
   * Both sides alike: how often every connection is pinged — Meshwork's link monitor
   * (`heartbeat.intervalMs`, default 1 s) and libp2p's connection monitor on the vanilla nodes
   * (`pingInterval`, default 10 s). 100 nodes share one thread here, so this background work is
   * 100 times denser than on real machines (see README).
   */
  heartbeatIntervalMs: number
  meshwork: MeshworkTuning
}

/** What one `findPeer` gave. */
export interface LookupOutcome {
  /** The target came back (a FINAL_PEER for it) with at least one address. */
  found: boolean
  addresses: number
  /**
   * Hop of the peer that returned the target, by `HopTracker` from `@meshwork/dht`: 1 = a peer
   * from the source's own routing table, 2 = a peer one of those named, …; 0 = answered from
   * the source's own peer store without asking anyone. Undefined when not found.
   */
  hops?: number
  /** Peers sent a query. */
  queried: number
  /** Name of the error when not found (NotFoundError, PeerNotFoundError, TimeoutError…). */
  error?: string
}

export interface LinkCounters {
  /** `peer:disconnect` events on this node. */
  disconnects: number
  /** Meshwork only: peers its link monitor declared unreachable (and hung up on). */
  unreachable: number
}

export interface DhtBenchNode {
  readonly peerId: string
  /** Listen multiaddrs, each ending in `/p2p/<peerId>`. */
  readonly addresses: string[]
  /** Dial a peer the side's own way (Meshwork: `node.join`; vanilla: `libp2p.dial`). */
  connect(address: string): Promise<void>
  findPeer(target: string, timeoutMs: number): Promise<LookupOutcome>
  isConnected(peer: string): boolean
  /** Peer ids this node is connected to or holds in its peer store. */
  knownPeers(): Promise<Set<string>>
  /** Whether this node is connected to `peer` or holds it in its peer store. */
  knows(peer: string): Promise<boolean>
  routingTableSize(): number
  connectionCount(): number
  linkCounters(): LinkCounters
  stop(): Promise<void>
}

export const withPeerId = (address: string, peerId: string): string =>
  address.includes('/p2p/') ? address : `${address}/p2p/${peerId}`
