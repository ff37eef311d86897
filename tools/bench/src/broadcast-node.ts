/**
 * The contract both sides of the broadcast benchmark implement: one node of an in-memory
 * network that can dial, publish a payload to every node, tell when a payload reaches it, and
 * count the payload copies (and announcements) it received. `broadcast-network.ts` drives N of
 * them the same way whichever side they are.
 */

import type { PlumtreeConfig } from '@meshwork/gossip'

export type BroadcastSideId = 'meshwork' | 'gossipsub'

/** Plumtree's numeric tunables, which `--plumtree` may set. */
export type PlumtreeTunable = keyof PlumtreeConfig

export const BROADCAST_SIDES: ReadonlyArray<{ id: BroadcastSideId, label: string }> = [
  { id: 'meshwork', label: 'meshwork plumtree' },
  { id: 'gossipsub', label: '@libp2p/gossipsub' }
]

/** Connection limits, raised alike on both sides so 100 nodes in one thread are never refused. */
export interface BenchLimits {
  maxConnections: number
  maxIncomingPending: number
  inboundConnectionThreshold: number
}

export interface BroadcastNodeSettings {
  limits: BenchLimits
  /**
   * Both sides alike: how often every connection is pinged — core-mesh's link monitor
   * (`heartbeat.intervalMs`, default 1 s) and libp2p's connection monitor on the gossipsub nodes
   * (`pingInterval`, default 10 s). 100 nodes share one thread here (see docs/benchmarks.md).
   */
  heartbeatIntervalMs: number
  /** Meshwork only: core-mesh's heartbeat timeout. */
  meshHeartbeatTimeoutMs: number
  /** Meshwork only: Plumtree tunables that depart from `DEFAULT_PLUMTREE_CONFIG` (none by default). */
  plumtree: Partial<Record<PlumtreeTunable, number>>
  /** Seed of this node's random source (Meshwork: `MeshConfig.random`, which Plumtree samples from). */
  seed: number
  /** This node's index in the network (forks the seeded random source). */
  index: number
}

/** Counters since the node started; the benchmark takes differences around each phase. */
export interface BroadcastCounters {
  /** Payload copies received, the first of each message and every duplicate, however they came (push, graft, IWANT). */
  payloadCopies: number
  /** Message ids announced to this node (Plumtree IHAVE, gossipsub IHAVE). */
  announcedIds: number
  /** Messages this node pulled: Plumtree repair GRAFTs sent, gossipsub IWANT ids received by it (it served them). */
  pulls: number
  /** Plumtree PRUNEs sent; gossipsub: IDONTWANT ids received. */
  suppressions: number
}

/** Where a node's broadcast overlay stands: Plumtree eager/lazy peers, gossipsub mesh/other topic peers. */
export interface OverlayState {
  /** Peers that get full payloads: Plumtree's eager set, gossipsub's topic mesh. */
  push: number
  /** Peers that only hear of messages: Plumtree's lazy set, gossipsub's other topic peers. */
  announce: number
  /** Peers connected. */
  connections: number
}

export interface LinkCounters {
  /** `peer:disconnect` events on this node. */
  disconnects: number
  /** Meshwork only: peers its link monitor declared unreachable (and hung up on). */
  unreachable: number
}

/** A payload as the application got it, and the neighbour its first copy came from. */
export type DeliveryHandler = (data: Uint8Array, from: string) => void

export interface BroadcastBenchNode {
  readonly peerId: string
  /** Listen multiaddrs, each ending in `/p2p/<peerId>`. */
  readonly addresses: string[]
  /** Dial a peer the side's own way (Meshwork: `node.join`; gossipsub: `libp2p.dial`). */
  connect(address: string): Promise<void>
  /** Send `data` to every node; resolves when the side's publish call does. */
  publish(data: Uint8Array): Promise<void>
  /** Called once per message delivered to this node (never for its own). */
  onDeliver(handler: DeliveryHandler): void
  counters(): BroadcastCounters
  overlay(): OverlayState
  /** Peer ids this node is connected to. */
  connectedPeers(): string[]
  linkCounters(): LinkCounters
  stop(): Promise<void>
}

export const withPeerId = (address: string, peerId: string): string =>
  address.includes('/p2p/') ? address : `${address}/p2p/${peerId}`
