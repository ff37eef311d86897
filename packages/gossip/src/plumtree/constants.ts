/** Plumtree frames travel on channels of this protocol. */
export const PLUMTREE_PROTOCOL = '/meshwork/plumtree/1.0.0'

/** The topic in the signed envelopes of broadcasts, so they cannot be replayed as pub/sub messages. */
export const DEFAULT_BROADCAST_TOPIC = 'meshwork/broadcast'

/** Most ids in one IHAVE or GRAFT frame a node accepts. */
export const MAX_WIRE_IDS = 1024

/** Longest message id accepted (an envelope id is `<origin>/<seqno>`: well under this). */
export const MAX_WIRE_ID_LENGTH = 256

/** Largest hop count accepted; a tree this deep is broken anyway. */
export const MAX_WIRE_ROUND = 65_535
