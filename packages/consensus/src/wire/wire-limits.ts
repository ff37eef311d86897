/**
 * Bounds on what one Raft wire batch may contain. The decoder checks each of them before it
 * allocates for the item, so a peer cannot make it build huge arrays or strings: the work done
 * is linear in the bytes received. Override them per call with `decodeRaftBatch(bytes, limits)`.
 */

/** Messages in one batch. */
export const MAX_MESSAGES_PER_BATCH = 8192

/** Entries in one `append` or `propose` message. */
export const MAX_ENTRIES_PER_MESSAGE = 65_536

/** Bytes of one entry's data. */
export const MAX_ENTRY_BYTES = 4 * 1024 * 1024

/** Bytes of one snapshot chunk's data. */
export const MAX_SNAPSHOT_CHUNK_BYTES = 4 * 1024 * 1024

/** Bytes of a ReadIndex or heartbeat context. */
export const MAX_CONTEXT_BYTES = 64 * 1024

/** UTF-8 bytes of a group id (storage keys hold at most 255 as well). */
export const MAX_GROUP_ID_BYTES = 255

/** UTF-8 bytes of a node id (a libp2p peer id string is about 52). */
export const MAX_NODE_ID_BYTES = 255

/** Node ids in each list of a snapshot's ConfState (voters, learners, outgoing, learnersNext). */
export const MAX_CONF_MEMBERS = 1024

/** Every limit the decoder enforces; see the constants of the same names. */
export interface RaftWireLimits {
  readonly maxMessagesPerBatch: number
  readonly maxEntriesPerMessage: number
  readonly maxEntryBytes: number
  readonly maxSnapshotChunkBytes: number
  readonly maxContextBytes: number
  readonly maxGroupIdBytes: number
  readonly maxNodeIdBytes: number
  readonly maxConfMembers: number
}

export const DEFAULT_RAFT_WIRE_LIMITS: RaftWireLimits = Object.freeze({
  maxMessagesPerBatch: MAX_MESSAGES_PER_BATCH,
  maxEntriesPerMessage: MAX_ENTRIES_PER_MESSAGE,
  maxEntryBytes: MAX_ENTRY_BYTES,
  maxSnapshotChunkBytes: MAX_SNAPSHOT_CHUNK_BYTES,
  maxContextBytes: MAX_CONTEXT_BYTES,
  maxGroupIdBytes: MAX_GROUP_ID_BYTES,
  maxNodeIdBytes: MAX_NODE_ID_BYTES,
  maxConfMembers: MAX_CONF_MEMBERS
})
