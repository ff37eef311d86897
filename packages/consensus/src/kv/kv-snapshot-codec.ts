import { MalformedKvDataError } from '../errors.js'
import { ByteReader, ByteWriter } from '../util/bytes.js'
import { KV_LIMITS } from './kv-limits.js'
import type { KvCommand, KvEntry, KvResult } from './kv-types.js'

/** The KV store's state as a Raft snapshot carries it. */
export interface KvSnapshotContent {
  readonly revision: number
  readonly entries: Iterable<KvEntry>
  readonly results: Iterable<KvResult>
}

const FORMAT_VERSION = 1
const OPS: ReadonlyArray<KvCommand['op']> = ['put', 'cas', 'delete']

export function encodeKvSnapshot (content: KvSnapshotContent): Uint8Array {
  const writer = new ByteWriter(4096)
  writer.u8(FORMAT_VERSION).uint(content.revision)
  const entries = [...content.entries]
  writer.u32(entries.length)
  for (const entry of entries) writeEntry(writer, entry)
  const results = [...content.results]
  writer.u32(results.length)
  for (const result of results) {
    writer.u8(OPS.indexOf(result.op)).string(result.request.client).uint(result.request.seq)
    writer.uint(result.revision).u8(result.succeeded ? 1 : 0)
    if (result.previous === undefined) writer.u8(0)
    else writeEntry(writer.u8(1), result.previous)
  }
  return writer.finish()
}

/** Decodes a snapshot; throws `MalformedKvDataError` on anything that is not one. Values are copied. */
export function decodeKvSnapshot (data: Uint8Array): { revision: number, entries: KvEntry[], results: KvResult[] } {
  try {
    const reader = new ByteReader(data)
    const version = reader.u8()
    if (version !== FORMAT_VERSION) throw new RangeError(`unknown format version ${version}`)
    const revision = reader.uint()
    const entries: KvEntry[] = []
    for (let count = reader.u32(); count > 0; count--) entries.push(readEntry(reader))
    const results: KvResult[] = []
    for (let count = reader.u32(); count > 0; count--) {
      const op = OPS[reader.u8()]
      if (op === undefined) throw new RangeError('unknown op')
      const request = { client: reader.string(KV_LIMITS.maxClientIdBytes), seq: reader.uint() }
      const resultRevision = reader.uint()
      const succeeded = flag(reader)
      const previous = flag(reader) ? readEntry(reader) : undefined
      results.push({ op, request, revision: resultRevision, succeeded, previous })
    }
    reader.end()
    return { revision, entries, results }
  } catch (err) {
    throw new MalformedKvDataError(`malformed KV snapshot: ${(err as Error).message}`, { cause: err })
  }
}

function writeEntry (writer: ByteWriter, entry: KvEntry): void {
  writer.string(entry.key).bytes(entry.value).uint(entry.modRevision).uint(entry.createRevision)
}

function readEntry (reader: ByteReader): KvEntry {
  return {
    key: reader.string(KV_LIMITS.maxKeyBytes),
    value: reader.bytes(KV_LIMITS.maxValueBytes).slice(),
    modRevision: reader.uint(),
    createRevision: reader.uint()
  }
}

function flag (reader: ByteReader): boolean {
  const value = reader.u8()
  if (value > 1) throw new RangeError(`bad flag ${value}`)
  return value === 1
}
