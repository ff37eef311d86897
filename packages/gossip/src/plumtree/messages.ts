/**
 * The four Plumtree messages as the core sends and receives them: plain data, no I/O. The
 * adapter maps them to the protobuf frames of `../wire/plumtree.proto`.
 *
 * Hop counts: `round` is how many hops a copy had travelled when its sender received it (0 at
 * the origin), so the receiver's copy has travelled `round + 1` hops.
 */

/** A full copy of a message (Leitão et al.: GOSSIP). */
export interface GossipMessage {
  type: 'gossip'
  /** The message id; the host derives it from the payload and vouches for it. */
  id: string
  origin: string
  round: number
  /** Opaque to the core (a sealed envelope in the node). */
  payload: Uint8Array
  /**
   * This copy was pulled by a GRAFT on some hop of its way, not pushed along the tree all the
   * way: its arrival order says nothing about the tree's shape, so duplicates of it prune nothing.
   */
  grafted: boolean
}

/** One message id a lazy peer has, and at what hop count it received it. */
export interface Announcement {
  id: string
  round: number
}

/** "I have these messages": a batch of announcements to a lazy peer. */
export interface IHaveMessage {
  type: 'ihave'
  announcements: Announcement[]
}

/**
 * "Push to me": the receiver moves the sender into its eager set and sends the payloads of
 * `ids` it still holds. An empty `ids` only joins the tree (initial links, tree optimisation).
 */
export interface GraftMessage {
  type: 'graft'
  ids: string[]
}

/** "Stop pushing to me": the receiver moves the sender into its lazy set. */
export interface PruneMessage {
  type: 'prune'
}

export type PlumtreeMessage = GossipMessage | IHaveMessage | GraftMessage | PruneMessage

/** What the core hands the host for each message it delivers (once per message id). */
export interface PlumtreeDelivery {
  id: string
  origin: string
  /** The neighbour this copy came from. */
  from: string
  /** Hops travelled to reach this node (1 for a copy straight from the origin). */
  hops: number
  payload: Uint8Array
}
