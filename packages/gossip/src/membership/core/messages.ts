/**
 * The SWIM messages the membership core sends and receives. They are plain data: the libp2p
 * adapter encodes them (`../wire/`), checks every signature on the way in, and hands the core
 * only messages whose claims are authentic. The core never does I/O or crypto itself; it asks
 * an injected {@link UpdateSigner} to sign the claims it makes.
 */

/** What a member says about itself: its place, its roles and free-form tags. */
export interface MemberMetadata {
  region?: string
  roles: string[]
  tags: Record<string, string>
}

/**
 * `alive`: the member itself says it is alive at `incarnation`, with these addresses and this
 * metadata. Only the member can make this claim: it is signed by `member`.
 */
export interface AliveUpdate {
  type: 'alive'
  member: string
  incarnation: number
  addresses: string[]
  metadata: MemberMetadata
  signature: Uint8Array
}

/** `suspect`: `from` failed to reach `member` at `incarnation`. Signed by `from`. */
export interface SuspectUpdate {
  type: 'suspect'
  member: string
  incarnation: number
  from: string
  signature: Uint8Array
}

/**
 * `dead`: `from` declares `member` failed at `incarnation` (its suspicion timed out). When
 * `from === member` it is a graceful leave. Signed by `from`.
 */
export interface DeadUpdate {
  type: 'dead'
  member: string
  incarnation: number
  from: string
  signature: Uint8Array
}

export type MembershipUpdate = AliveUpdate | SuspectUpdate | DeadUpdate

/** An update before it is signed; the signer signs exactly these fields (plus a domain tag). */
export type UnsignedUpdate =
  | Omit<AliveUpdate, 'signature'>
  | Omit<SuspectUpdate, 'signature'>
  | Omit<DeadUpdate, 'signature'>

/** Signs the claims this node makes; injected so that simulations can use a cheap one. */
export interface UpdateSigner {
  sign(update: UnsignedUpdate): Uint8Array
}

/** Direct probe. `target` is the intended recipient: a node ignores pings meant for another id. */
export interface PingMessage { type: 'ping', seq: number, target: string, updates: MembershipUpdate[] }
/** Ask the recipient to probe `target` for us and relay the ack (or a nack). */
export interface PingReqMessage { type: 'ping-req', seq: number, target: string, updates: MembershipUpdate[] }
/** Answer to a ping (or, relayed, to a ping-req) with the same `seq`. */
export interface AckMessage { type: 'ack', seq: number, updates: MembershipUpdate[] }
/** Lifeguard: an indirect prober could not reach the target in time; it itself is fine. */
export interface NackMessage { type: 'nack', seq: number, updates: MembershipUpdate[] }
/** Dissemination only: piggybacked updates sent on the gossip timer. */
export interface GossipMessage { type: 'gossip', updates: MembershipUpdate[] }
/**
 * Full state exchange (join, periodic anti-entropy, reconnect to failed members). `members`
 * holds, for every member the sender knows, its latest alive claim and, when the sender holds
 * it suspect or dead, that claim too. `reply` asks the recipient to answer with its own state.
 */
export interface PushPullMessage { type: 'push-pull', join: boolean, reply: boolean, members: MembershipUpdate[] }

export type SwimMessage = PingMessage | PingReqMessage | AckMessage | NackMessage | GossipMessage | PushPullMessage
