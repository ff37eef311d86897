export { PlumtreeBroadcast, plumtreeBroadcast, type PlumtreeBroadcastComponents, type PlumtreeBroadcastInit, type PlumtreeBroadcastStats } from './plumtree-broadcast.js'
export { PlumtreeCore, type PlumtreeCoreInit, type PlumtreeStats } from './plumtree-core.js'
export { DEFAULT_PLUMTREE_CONFIG, resolvePlumtreeConfig, type PlumtreeConfig } from './config.js'
export { connectedPeersView, type MemberView, type MemberViewChange } from './member-view.js'
export { PLUMTREE_PROTOCOL, DEFAULT_BROADCAST_TOPIC } from './constants.js'
export { WrongTopicError } from './errors.js'
export { decodePlumtreeFrame, encodePlumtreeMessage, type PlumtreeWireMessage, type WireGossip as PlumtreeWireGossip } from './plumtree-codec.js'
// Prefixed here: membership has a GossipMessage of its own.
export type {
  Announcement as PlumtreeAnnouncement,
  GossipMessage as PlumtreeGossipMessage,
  GraftMessage as PlumtreeGraftMessage,
  IHaveMessage as PlumtreeIHaveMessage,
  PruneMessage as PlumtreePruneMessage,
  PlumtreeDelivery,
  PlumtreeMessage
} from './messages.js'
