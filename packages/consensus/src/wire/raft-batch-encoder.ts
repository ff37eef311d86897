import type { ConfState, Entry, Message } from '../raft/core/types.js'
import { ByteWriter } from '../util/byte-writer.js'
import { ENTRY_CODES, MESSAGE_CODES, RAFT_WIRE_VERSION } from './raft-wire-format.js'

/** One message on the wire and the group it belongs to. */
export interface RaftBatchItem {
  readonly group: string
  readonly message: Message
}

/**
 * Encodes messages for any number of groups into one frame (format in `raft-wire-format.ts`).
 * Group and node ids are written once each in a string table and referenced by index.
 *
 * Throws `RangeError` for a number that is not a safe non-negative integer (a bug of the
 * caller). Limits are not checked here: a peer's decoder enforces its own.
 */
export function encodeRaftBatch (items: readonly RaftBatchItem[]): Uint8Array {
  const strings = new StringTable()
  const body = new ByteWriter(64 + items.length * 24)
  body.varint(items.length)
  for (const { group, message } of items) {
    body.varint(strings.ref(group))
    body.u8(MESSAGE_CODES[message.type])
    body.varint(strings.ref(message.from))
    body.varint(strings.ref(message.to))
    body.varint(message.term)
    writeBody(body, message, strings)
  }
  const messages = body.finish()
  const out = new ByteWriter(messages.length + strings.bytes + 16)
  out.u8(RAFT_WIRE_VERSION)
  out.varint(strings.list.length)
  for (const s of strings.list) out.string(s)
  out.raw(messages)
  return out.finish()
}

function writeBody (w: ByteWriter, m: Message, strings: StringTable): void {
  switch (m.type) {
    case 'append':
      w.varint(m.prevIndex)
      w.varint(m.prevTerm)
      w.varint(m.commit)
      writeEntries(w, m.entries)
      return
    case 'appendResponse':
      w.varint(m.index)
      w.bool(m.reject)
      w.varint(m.hintIndex)
      w.varint(m.hintTerm)
      return
    case 'vote':
    case 'preVote':
      w.varint(m.lastIndex)
      w.varint(m.lastTerm)
      w.bool(m.transfer)
      return
    case 'voteResponse':
    case 'preVoteResponse':
      w.bool(m.reject)
      return
    case 'heartbeat':
      w.varint(m.commit)
      w.bytes(m.context)
      return
    case 'heartbeatResponse':
    case 'readIndex':
      w.bytes(m.context)
      return
    case 'snapshot':
      w.varint(m.metadata.index)
      w.varint(m.metadata.term)
      writeConfState(w, m.metadata.confState, strings)
      w.varint(m.offset)
      w.bytes(m.data)
      w.bool(m.done)
      w.varint(m.totalSize)
      w.u32(m.checksum)
      return
    case 'snapshotResponse':
      w.varint(m.index)
      w.varint(m.offset)
      w.bool(m.reject)
      return
    case 'timeoutNow':
      return
    case 'propose':
      writeEntries(w, m.entries)
      return
    case 'readIndexResponse':
      w.varint(m.index)
      w.bytes(m.context)
      return
    default:
      throw new RangeError(`unknown message type ${(m as { type: unknown }).type as string}`)
  }
}

function writeEntries (w: ByteWriter, entries: readonly Entry[]): void {
  w.varint(entries.length)
  for (const e of entries) {
    w.varint(e.term)
    w.varint(e.index)
    const code = ENTRY_CODES[e.type]
    if (code === undefined) throw new RangeError(`unknown entry type ${e.type as string}`)
    w.u8(code)
    w.bytes(e.data)
  }
}

function writeConfState (w: ByteWriter, cs: ConfState, strings: StringTable): void {
  for (const list of [cs.voters, cs.learners, cs.outgoing, cs.learnersNext]) {
    w.varint(list.length)
    for (const id of list) w.varint(strings.ref(id))
  }
  w.bool(cs.autoLeave)
}

/** Each distinct string of a batch, in order of first use. */
class StringTable {
  readonly list: string[] = []
  /** An upper bound of the table's encoded size, to size the output once. */
  bytes = 0
  private readonly index = new Map<string, number>()

  ref (s: string): number {
    let i = this.index.get(s)
    if (i === undefined) {
      i = this.list.length
      this.list.push(s)
      this.index.set(s, i)
      this.bytes += 5 + s.length * 3
    }
    return i
  }
}
