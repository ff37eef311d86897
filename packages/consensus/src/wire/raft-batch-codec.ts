/**
 * The Raft wire codec: one frame carries a batch of messages for any number of groups
 * (the format is described in `raft-wire-format.ts`), decoded defensively against the limits of
 * `wire-limits.ts`.
 */
export { encodeRaftBatch, type RaftBatchItem } from './raft-batch-encoder.js'
export { decodeRaftBatch } from './raft-batch-decoder.js'
export { RAFT_WIRE_VERSION } from './raft-wire-format.js'
export * from './wire-limits.js'
