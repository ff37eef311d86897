import type { Message, NodeId } from '../raft/core/types.js'

/** One Raft message addressed within a group. Many groups share one transport. */
export interface RaftEnvelope {
  readonly group: string
  readonly message: Message
}

/** Called for every batch that arrives, in arrival order per sender. Must not throw. */
export type RaftBatchHandler = (from: NodeId, envelopes: readonly RaftEnvelope[]) => void

/**
 * How Raft messages travel between members — the seam between the consensus host and the
 * network. `MeshChannelTransport` carries them on core-mesh channels to directly connected
 * peers; a routed transport (through the RouterPlugin's next hops, so that members need not be
 * directly connected) implements the same interface.
 *
 * Contract:
 * - `send` never blocks and never throws: Raft tolerates loss, so a message that cannot be
 *   delivered is dropped and the peer is reported through `onUnreachable` (the leader then
 *   probes instead of streaming). Messages to one peer are delivered in order or not at all.
 * - Messages queued in the same turn of the event loop, for any groups, travel to a peer in one
 *   frame: this is what batches the heartbeats of many groups.
 * - Inbound batches are handed to the handler with the authenticated sender (for the mesh
 *   transport, the channel's remote peer); a message whose `from` is not that sender, or whose
 *   `to` is not this node, is refused by the transport and the sender reported.
 * - `stop` drops queued messages, closes channels and is idempotent.
 */
/** Counters a transport may keep. */
export interface TransportStats {
  readonly framesSent: number
  readonly messagesSent: number
  readonly framesReceived: number
  readonly messagesReceived: number
  /** Messages dropped: the peer's queue was full or its channel failed. */
  readonly dropped: number
}

export interface RaftTransport {
  /** Counters since start, when the transport keeps them. */
  stats?(): TransportStats
  start(handlers: { onBatch: RaftBatchHandler, onUnreachable: (peer: NodeId) => void }): Promise<void>
  stop(): Promise<void>
  send(to: NodeId, envelope: RaftEnvelope): void
  /**
   * Report that a message from `from` broke the protocol (the core refused it with an
   * `InvalidRaftMessageError`): the transport closes that peer's inbound channel and reports
   * the peer to the node.
   */
  reportInvalid(from: NodeId, error: Error): void
}
