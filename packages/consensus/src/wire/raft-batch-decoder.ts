import { MalformedRaftMessageError } from '../errors.js'
import type { ConfState, Entry, EntryType, Message, NodeId, SnapshotMetadata } from '../raft/core/types.js'
import { ByteReader } from '../util/byte-reader.js'
import { utf8Length } from '../util/byte-writer.js'
import type { RaftBatchItem } from './raft-batch-encoder.js'
import { MESSAGE_TYPES_BY_CODE, MIN_ENTRY_BYTES, MIN_MESSAGE_BYTES, RAFT_WIRE_VERSION } from './raft-wire-format.js'
import { DEFAULT_RAFT_WIRE_LIMITS, type RaftWireLimits } from './wire-limits.js'

const ENTRY_TYPES: readonly EntryType[] = ['normal', 'config']
const EMPTY = new Uint8Array(0)

/**
 * Decodes a frame written by {@link encodeRaftBatch}. Every number in the result is a safe
 * non-negative integer, every id is non-empty and within its limit, and every count is within
 * `limits`; anything else, including trailing bytes, throws `MalformedRaftMessageError` (and
 * nothing else). Entry data, contexts and snapshot chunk data are views of `bytes`, not copies:
 * do not reuse the buffer while the messages are alive.
 *
 * Meaning is not checked here (entries that do not follow prevIndex, a chunk past its total
 * size): that is the core's job, with its own errors.
 */
export function decodeRaftBatch (bytes: Uint8Array, limits: Partial<RaftWireLimits> = {}): RaftBatchItem[] {
  const l: RaftWireLimits = { ...DEFAULT_RAFT_WIRE_LIMITS, ...limits }
  return new BatchDecoder(bytes, l).decode()
}

function malformed (reason: string): MalformedRaftMessageError {
  return new MalformedRaftMessageError(`malformed Raft batch: ${reason}`)
}

class BatchDecoder {
  private readonly r: ByteReader
  private strings: string[] = []
  /** UTF-8 byte length of each string of the table. */
  private lengths: number[] = []

  constructor (bytes: Uint8Array, private readonly limits: RaftWireLimits) {
    // Views of a Buffer are Buffers, whose slice() shares memory: hand out plain Uint8Arrays.
    const plain = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.r = new ByteReader(plain, malformed)
  }

  decode (): RaftBatchItem[] {
    const r = this.r
    const version = r.u8()
    if (version !== RAFT_WIRE_VERSION) throw malformed(`unknown version ${version}`)
    const maxString = Math.max(this.limits.maxGroupIdBytes, this.limits.maxNodeIdBytes)
    const stringCount = r.count(Number.MAX_SAFE_INTEGER, 1, 'strings')
    for (let i = 0; i < stringCount; i++) {
      const s = r.string(maxString)
      this.strings.push(s)
      this.lengths.push(utf8Length(s))
    }
    const count = r.count(this.limits.maxMessagesPerBatch, MIN_MESSAGE_BYTES, 'messages')
    const items: RaftBatchItem[] = []
    for (let i = 0; i < count; i++) {
      const group = this.ref(this.limits.maxGroupIdBytes, 'group id')
      items.push({ group, message: this.message() })
    }
    r.end()
    return items
  }

  private message (): Message {
    const r = this.r
    const code = r.u8()
    const type = MESSAGE_TYPES_BY_CODE[code]
    if (type === undefined) throw malformed(`unknown message type ${code}`)
    const from = this.nodeId()
    const to = this.nodeId()
    const term = r.varint()
    switch (type) {
      case 'append': {
        const prevIndex = r.varint()
        const prevTerm = r.varint()
        const commit = r.varint()
        return { type, from, to, term, prevIndex, prevTerm, commit, entries: this.entries() }
      }
      case 'appendResponse': {
        const index = r.varint()
        const reject = r.bool()
        const hintIndex = r.varint()
        const hintTerm = r.varint()
        return { type, from, to, term, index, reject, hintIndex, hintTerm }
      }
      case 'vote':
      case 'preVote': {
        const lastIndex = r.varint()
        const lastTerm = r.varint()
        const transfer = r.bool()
        return { type, from, to, term, lastIndex, lastTerm, transfer }
      }
      case 'voteResponse':
      case 'preVoteResponse':
        return { type, from, to, term, reject: r.bool() }
      case 'heartbeat': {
        const commit = r.varint()
        return { type, from, to, term, commit, context: this.context() }
      }
      case 'heartbeatResponse':
      case 'readIndex':
        return { type, from, to, term, context: this.context() }
      case 'snapshot': {
        const metadata = this.snapshotMetadata()
        const offset = r.varint()
        const data = r.bytes(this.limits.maxSnapshotChunkBytes)
        const done = r.bool()
        const totalSize = r.varint()
        const checksum = r.u32()
        return { type, from, to, term, metadata, offset, data, done, totalSize, checksum }
      }
      case 'snapshotResponse': {
        const index = r.varint()
        const offset = r.varint()
        const reject = r.bool()
        return { type, from, to, term, index, offset, reject }
      }
      case 'timeoutNow':
        return { type, from, to, term }
      case 'propose':
        return { type, from, to, term, entries: this.entries() }
      case 'readIndexResponse': {
        const index = r.varint()
        return { type, from, to, term, index, context: this.context() }
      }
    }
  }

  private entries (): Entry[] {
    const r = this.r
    const n = r.count(this.limits.maxEntriesPerMessage, MIN_ENTRY_BYTES, 'entries')
    const maxBytes = this.limits.maxEntryBytes
    const entries: Entry[] = []
    for (let i = 0; i < n; i++) {
      const term = r.varint()
      const index = r.varint()
      const code = r.u8()
      const type = ENTRY_TYPES[code]
      if (type === undefined) throw malformed(`unknown entry type ${code}`)
      const length = r.varint()
      if (length > maxBytes) throw malformed(`entry of ${length} bytes, over the limit of ${maxBytes}`)
      entries.push({ term, index, type, data: length === 0 ? EMPTY : r.take(length) })
    }
    return entries
  }

  private context (): Uint8Array {
    const context = this.r.bytes(this.limits.maxContextBytes)
    return context.length === 0 ? EMPTY : context
  }

  private snapshotMetadata (): SnapshotMetadata {
    const index = this.r.varint()
    const term = this.r.varint()
    const voters = this.members()
    const learners = this.members()
    const outgoing = this.members()
    const learnersNext = this.members()
    const autoLeave = this.r.bool()
    const confState: ConfState = { voters, learners, outgoing, learnersNext, autoLeave }
    return { index, term, confState }
  }

  private members (): NodeId[] {
    const n = this.r.count(this.limits.maxConfMembers, 1, 'members')
    const ids: NodeId[] = []
    for (let i = 0; i < n; i++) ids.push(this.nodeId())
    return ids
  }

  private nodeId (): NodeId {
    return this.ref(this.limits.maxNodeIdBytes, 'node id')
  }

  /** A reference into the string table to a non-empty string of at most `maxBytes`. */
  private ref (maxBytes: number, what: string): string {
    const i = this.r.varint()
    if (i >= this.strings.length) throw malformed(`${what} reference ${i} outside the string table`)
    const length = this.lengths[i]
    if (length === 0) throw malformed(`empty ${what}`)
    if (length > maxBytes) throw malformed(`${what} of ${length} bytes, over the limit of ${maxBytes}`)
    return this.strings[i]
  }
}
