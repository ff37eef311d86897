import type { ConsensusService } from '@meshwork/consensus'
import type { AbortOptions, HealthReport, MeshConfig, MeshEvents, PeerRecord, PubSub, RouteEntry } from '@meshwork/core-mesh'
import type { MeshDht } from '@meshwork/dht'
import type { MembershipService } from '@meshwork/gossip'

/**
 * What the reference node needs from a mesh node. core-mesh's `MeshNode` satisfies it
 * structurally; the admin API, the CLI and the tests are written against this and nothing more.
 */
export interface MeshNodeApi {
  readonly peerId: string
  /** Multiaddr strings ending in `/p2p/<peer id>`. */
  addresses(): string[]
  health(): HealthReport
  peers(): PeerRecord[]
  send(peer: string, data: Uint8Array, options?: AbortOptions): Promise<void>
  /** Resolves with the message id once the first hops have the payload. */
  broadcast(data: Uint8Array, options?: AbortOptions): Promise<Uint8Array>
  routes(): RouteEntry[]
  /** Direct messages (`send`) arriving at this node; returns an unsubscribe function. */
  onMessage(handler: (message: { from: string, data: Uint8Array }) => void): () => void
  /** Broadcasts arriving at this node (call after `start`); returns an unsubscribe function. */
  onBroadcast(handler: (message: { origin: string, from: string, data: Uint8Array, hops: number }) => void): () => void
  addEventListener<K extends keyof MeshEvents & string>(type: K, listener: (event: CustomEvent<MeshEvents[K]>) => void, options?: AddEventListenerOptions | boolean): void
  /**
   * A service the config's factories created, by name (the DHT is `dht`, gossip's are
   * `membership` and `pubsub`, Raft's is `consensus`); undefined when there is none.
   */
  service<T>(name: string): T | undefined
}

/** What the admin API uses of the node's DHT; `@meshwork/dht`'s `MeshDht` satisfies it. */
export type NodeDht = Pick<MeshDht, 'put' | 'get' | 'provide' | 'findProviders' | 'findPeer' | 'status'>

/** What the reference node uses of gossip membership; `@meshwork/gossip`'s `MembershipService` satisfies it. */
export type NodeMembership = Pick<MembershipService, 'members' | 'status' | 'localHealth' | 'onEvent' | 'leave'>

/** What the admin API uses of the node's topic pub/sub (core-mesh's `PubSub` contract). */
export type NodePubSub = Pick<PubSub, 'publish' | 'subscribe' | 'subscribers'>

/** What the reference node uses of Raft; `@meshwork/consensus`'s `ConsensusService` satisfies it. */
export type NodeConsensus = Pick<ConsensusService, 'kv' | 'status' | 'ready'>

/** A node the CLI owns: it starts it and stops it. */
export interface RunnableMeshNode extends MeshNodeApi {
  start(): Promise<void>
  stop(): Promise<void>
}

/** Creates an unstarted node from a core-mesh config; `start` and `demo` receive one. */
export type CreateNode = (config: MeshConfig) => Promise<RunnableMeshNode>
