import type { ConfState, Entry, EntryType, HardState, NodeId, Snapshot } from '../raft/core/types.js'
import { ByteReader } from '../util/byte-reader.js'
import { ByteWriter } from '../util/byte-writer.js'
import { corrupt, recordWriter, sealRecord } from './record-envelope.js'

/**
 * The payloads of the store's records (inside the envelope of `record-envelope.ts`), version 1:
 *
 * ```
 * entry     = term:varint index:varint type:u8 (0 normal, 1 config) data (the rest)
 * hardState = term:varint vote:string commit:varint
 * confState = voters learners outgoing learnersNext (each count:varint string*) autoLeave:u8
 * snapshot  = index:varint term:varint confState data (the rest)
 * logBase   = index:varint term:varint          (also the log tip)
 * index     = index:varint                      (applied index, format version)
 * ```
 * Encoders return the whole sealed value for `key`. Decoders take the payload the envelope held,
 * and the key only to name it in the `StorageCorruptionError` they throw for a payload that does
 * not decode exactly (truncated, trailing bytes, unknown codes, unsafe integers).
 */

/** Index and term of a log position: the last entry dropped (the base), or the last entry (the tip). */
export interface LogBase {
  readonly index: number
  readonly term: number
}

const ENTRY_TYPES: readonly EntryType[] = ['normal', 'config']
/** Node ids are libp2p peer id strings or test names; anything longer is damage. */
const MAX_STORED_NODE_ID_BYTES = 1024
const MAX_STORED_MEMBERS = 65_536

export function encodeEntry (key: Uint8Array, entry: Entry): Uint8Array {
  const w = recordWriter(entry.data.length + 16)
  w.varint(entry.term)
  w.varint(entry.index)
  w.u8(entry.type === 'config' ? 1 : 0)
  w.raw(entry.data)
  return sealRecord(key, w)
}

/** Decodes an entry; its data is a view of `payload`. */
export function decodeEntry (key: Uint8Array, payload: Uint8Array): Entry {
  const r = reader(key, payload)
  const term = r.varint()
  const index = r.varint()
  const code = r.u8()
  const type = ENTRY_TYPES[code]
  if (type === undefined) throw corrupt(key, `unknown entry type ${code}`)
  return { term, index, type, data: r.take(r.remaining) }
}

export function encodeHardState (key: Uint8Array, hs: HardState): Uint8Array {
  const w = recordWriter(32 + hs.vote.length * 3)
  w.varint(hs.term)
  w.string(hs.vote)
  w.varint(hs.commit)
  return sealRecord(key, w)
}

export function decodeHardState (key: Uint8Array, payload: Uint8Array): HardState {
  const r = reader(key, payload)
  const term = r.varint()
  const vote = r.string(MAX_STORED_NODE_ID_BYTES)
  const commit = r.varint()
  r.end()
  return { term, vote, commit }
}

export function encodeConfState (key: Uint8Array, cs: ConfState): Uint8Array {
  const w = recordWriter()
  writeConfState(w, cs)
  return sealRecord(key, w)
}

export function decodeConfState (key: Uint8Array, payload: Uint8Array): ConfState {
  const r = reader(key, payload)
  const cs = readConfState(r)
  r.end()
  return cs
}

export function encodeSnapshot (key: Uint8Array, snapshot: Snapshot): Uint8Array {
  const w = recordWriter(snapshot.data.length + 64)
  w.varint(snapshot.metadata.index)
  w.varint(snapshot.metadata.term)
  writeConfState(w, snapshot.metadata.confState)
  w.raw(snapshot.data)
  return sealRecord(key, w)
}

/** Decodes a snapshot; its data is a view of `payload`. */
export function decodeSnapshot (key: Uint8Array, payload: Uint8Array): Snapshot {
  const r = reader(key, payload)
  const index = r.varint()
  const term = r.varint()
  const confState = readConfState(r)
  return { metadata: { index, term, confState }, data: r.take(r.remaining) }
}

export function encodeLogBase (key: Uint8Array, base: LogBase): Uint8Array {
  const w = recordWriter(16)
  w.varint(base.index)
  w.varint(base.term)
  return sealRecord(key, w)
}

export function decodeLogBase (key: Uint8Array, payload: Uint8Array): LogBase {
  const r = reader(key, payload)
  const index = r.varint()
  const term = r.varint()
  r.end()
  return { index, term }
}

export function encodeIndex (key: Uint8Array, index: number): Uint8Array {
  const w = recordWriter(16)
  w.varint(index)
  return sealRecord(key, w)
}

export function decodeIndex (key: Uint8Array, payload: Uint8Array): number {
  const r = reader(key, payload)
  const index = r.varint()
  r.end()
  return index
}

function reader (key: Uint8Array, payload: Uint8Array): ByteReader {
  return new ByteReader(payload, reason => corrupt(key, reason))
}

function writeConfState (w: ByteWriter, cs: ConfState): void {
  for (const list of [cs.voters, cs.learners, cs.outgoing, cs.learnersNext]) {
    w.varint(list.length)
    for (const id of list) w.string(id)
  }
  w.bool(cs.autoLeave)
}

function readConfState (r: ByteReader): ConfState {
  const voters = readMembers(r)
  const learners = readMembers(r)
  const outgoing = readMembers(r)
  const learnersNext = readMembers(r)
  const autoLeave = r.bool()
  return { voters, learners, outgoing, learnersNext, autoLeave }
}

function readMembers (r: ByteReader): NodeId[] {
  const n = r.count(MAX_STORED_MEMBERS, 1, 'members')
  const ids: NodeId[] = []
  for (let i = 0; i < n; i++) ids.push(r.string(MAX_STORED_NODE_ID_BYTES))
  return ids
}
