/** The libp2p protocol of Raft message batches between members. */
export const RAFT_PROTOCOL = '/meshwork/raft/1.0.0'

/** The libp2p protocol on which a node asks a group's members to be added. */
export const RAFT_JOIN_PROTOCOL = '/meshwork/raft-join/1.0.0'

/** Defaults of the consensus service (see `ConsensusInit`). */
export const DEFAULT_TICK_MS = 20
export const DEFAULT_ELECTION_TICKS = 10
export const DEFAULT_HEARTBEAT_TICKS = 2
export const DEFAULT_MAX_VOTERS = 5
export const DEFAULT_SNAPSHOT_ENTRIES = 10_000
/** Entries kept in the log behind a snapshot, so that slightly slow followers need no snapshot. */
export const DEFAULT_COMPACTION_MARGIN = 1_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000
/** Below core-mesh's 1 MiB frame limit, with room for the batch's framing. */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024
export const DEFAULT_SNAPSHOT_CHUNK_BYTES = 256 * 1024
/** A frame of a batch is closed at this many bytes of payload; the rest goes in the next frame. */
export const MAX_BATCH_FRAME_BYTES = 768 * 1024
/** Messages queued for one peer beyond this are dropped (the peer is reported unreachable). */
export const MAX_QUEUED_MESSAGES_PER_PEER = 8192
/** Bytes (estimated) queued for one peer beyond this are dropped too. */
export const MAX_QUEUED_BYTES_PER_PEER = 64 * 1024 * 1024
/** A frame to a peer not written within this long (the peer stopped reading) drops its channel and queue. */
export const DEFAULT_SEND_TIMEOUT_MS = 10_000
