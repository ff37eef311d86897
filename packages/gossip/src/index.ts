/**
 * @packageDocumentation
 *
 * `@meshwork/gossip`: membership, broadcast and topic pub/sub for a Meshwork mesh.
 *
 * - **Membership**: SWIM with the Lifeguard extensions (direct and indirect probes, suspicion
 *   refuted by incarnation, dynamic suspicion timeouts, local health), piggybacked
 *   dissemination, push-pull sync, graceful leave, tombstones, rejoin from a persisted member
 *   list, member metadata, partition detection. An I/O-free core ({@link MembershipCore}) and
 *   a libp2p adapter ({@link MembershipService}); also a DiscoveryPlugin that feeds the peer
 *   registry. Every membership claim is signed by its author.
 * - **Broadcast**: Plumtree epidemic broadcast trees as core-mesh's Broadcast.
 * - **Pub/sub**: topics over `@libp2p/gossipsub`, behind core-mesh's PubSub contract,
 *   interoperable with any gossipsub peer.
 * - **Validation**: signed envelopes and a pipeline (known sender, signature, timestamp window,
 *   size, per-origin rate) with peer reputation and graylisting.
 */
export * from './errors.js'
export { MEMBERSHIP_SERVICE, SWIM_PROTOCOL } from './constants.js'
export * from './membership/index.js'
export { MembershipCore, type MembershipCoreInit, type MembershipSnapshot } from './membership/core/membership-core.js'
export type { MemberInfo, MemberState, MembershipEvent, MembershipEventListener, MembershipStatus, QuorumCounts } from './membership/core/events.js'
export { DEFAULT_MEMBERSHIP_CONFIG, resolveMembershipConfig, detectionBoundMs, suspicionTimeoutsMs, retransmitLimit, type MembershipConfig } from './membership/core/config.js'
export * from './validation/index.js'
export * from './pubsub/index.js'
export * from './plumtree/index.js'
export { meshGossip, withGossip, type GossipOptions, type MeshGossipParts } from './create-gossip.js'
