import { MalformedKvDataError } from '../errors.js'
import { ByteReader } from '../util/byte-reader.js'
import { ByteWriter } from '../util/byte-writer.js'
import { KV_LIMITS } from './kv-limits.js'
import type { SessionFloor } from './client-sessions.js'
import type { KvCommand, KvEntry, KvResult } from './kv-types.js'

/** The KV store's state as a Raft snapshot carries it. */
export interface KvSnapshotContent {
  readonly revision: number
  readonly entries: Iterable<KvEntry>
  readonly results: Iterable<KvResult>
  readonly floors: Iterable<SessionFloor>
}

const FORMAT_VERSION = 1
const OPS: ReadonlyArray<KvCommand['op']> = ['put', 'cas', 'delete']

export function encodeKvSnapshot (content: KvSnapshotContent): Uint8Array {
  const writer = new ByteWriter(4096)
  writer.u8(FORMAT_VERSION)
  writer.varint(content.revision)
  const entries = [...content.entries]
  writer.varint(entries.length)
  for (const entry of entries) writeEntry(writer, entry)
  const results = [...content.results]
  writer.varint(results.length)
  for (const result of results) {
    writer.u8(OPS.indexOf(result.op))
    writer.string(result.key)
    writer.string(result.request.client)
    writer.varint(result.request.seq)
    writer.varint(result.revision)
    writer.bool(result.succeeded)
    writer.bool(result.previous !== undefined)
    if (result.previous !== undefined) writeEntry(writer, result.previous)
  }
  const floors = [...content.floors]
  writer.varint(floors.length)
  for (const { client, floor } of floors) {
    writer.string(client)
    writer.varint(floor)
  }
  return writer.finish()
}

/** Decodes a snapshot; throws `MalformedKvDataError` on anything that is not one. Values are copied. */
export function decodeKvSnapshot (data: Uint8Array): { revision: number, entries: KvEntry[], results: KvResult[], floors: SessionFloor[] } {
  const reader = new ByteReader(data, reason => new MalformedKvDataError(`malformed KV snapshot: ${reason}`))
  const version = reader.u8()
  if (version !== FORMAT_VERSION) throw new MalformedKvDataError(`unknown KV snapshot format ${version}`)
  const revision = reader.varint()
  const entries: KvEntry[] = []
  // An entry takes at least 5 bytes (empty key and value, two one-byte revisions).
  for (let count = reader.count(Number.MAX_SAFE_INTEGER, 5, 'entries'); count > 0; count--) entries.push(readEntry(reader))
  const results: KvResult[] = []
  for (let count = reader.count(Number.MAX_SAFE_INTEGER, 7, 'results'); count > 0; count--) {
    const op = OPS[reader.u8()]
    if (op === undefined) throw new MalformedKvDataError('malformed KV snapshot: unknown op')
    const key = reader.string(KV_LIMITS.maxKeyBytes)
    const request = { client: reader.string(KV_LIMITS.maxClientIdBytes), seq: reader.varint() }
    const resultRevision = reader.varint()
    const succeeded = reader.bool()
    const previous = reader.bool() ? readEntry(reader) : undefined
    results.push({ op, key, request, revision: resultRevision, succeeded, previous })
  }
  const floors: SessionFloor[] = []
  for (let count = reader.count(Number.MAX_SAFE_INTEGER, 2, 'session floors'); count > 0; count--) {
    floors.push({ client: reader.string(KV_LIMITS.maxClientIdBytes), floor: reader.varint() })
  }
  reader.end()
  return { revision, entries, results, floors }
}

function writeEntry (writer: ByteWriter, entry: KvEntry): void {
  writer.string(entry.key)
  writer.bytes(entry.value)
  writer.varint(entry.modRevision)
  writer.varint(entry.createRevision)
}

function readEntry (reader: ByteReader): KvEntry {
  return {
    key: reader.string(KV_LIMITS.maxKeyBytes),
    value: reader.bytes(KV_LIMITS.maxValueBytes).slice(),
    modRevision: reader.varint(),
    createRevision: reader.varint()
  }
}
