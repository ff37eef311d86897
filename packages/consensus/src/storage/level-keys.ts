import { utf8Length } from '../util/byte-writer.js'

/**
 * The LevelDB key layout of the Raft store. Keys are binary and sort as LevelDB compares them
 * (bytewise), so each group's keys are one contiguous range and its entries iterate in index
 * order:
 *
 * ```
 * 00 "format"                                the store's format version
 * 01 <len:u8> <group utf8> 01                hard state
 * 01 <len:u8> <group utf8> 02                conf state (the applied configuration)
 * 01 <len:u8> <group utf8> 03                snapshot
 * 01 <len:u8> <group utf8> 04                log base: index and term of the last compacted entry
 * 01 <len:u8> <group utf8> 05                applied index
 * 01 <len:u8> <group utf8> 06                log tip: index and term of the last entry
 * 01 <len:u8> <group utf8> 10 <index:u64be>  log entry
 * ```
 * The length byte keeps group "a" and group "ab" apart: a prefix of one is never a prefix of the
 * other's keys. Group ids are therefore at most 255 UTF-8 bytes.
 */
const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

export const FORMAT_KEY = Uint8Array.of(0x00, ...utf8Encoder.encode('format'))

const GROUP_SPACE = 0x01

/** Kinds of record under a group's prefix. */
export const RecordKind = Object.freeze({
  hardState: 0x01,
  confState: 0x02,
  snapshot: 0x03,
  logBase: 0x04,
  applied: 0x05,
  logTip: 0x06,
  entry: 0x10
})

/** Bytes of a group id in a key, at most. */
export const MAX_STORED_GROUP_ID_BYTES = 255

/** Throws `RangeError` for a group id that cannot be stored. */
export function checkGroupId (group: string): void {
  const bytes = utf8Length(group)
  if (bytes === 0 || bytes > MAX_STORED_GROUP_ID_BYTES) {
    throw new RangeError(`group id must be 1 to ${MAX_STORED_GROUP_ID_BYTES} UTF-8 bytes, got ${bytes}`)
  }
}

/** The prefix of every key of `group`. */
export function groupPrefix (group: string): Uint8Array {
  checkGroupId(group)
  const id = utf8Encoder.encode(group)
  const prefix = new Uint8Array(2 + id.length)
  prefix[0] = GROUP_SPACE
  prefix[1] = id.length
  prefix.set(id, 2)
  return prefix
}

/** The first key after every key of the group whose prefix is `prefix`. */
export function groupEnd (prefix: Uint8Array): Uint8Array<ArrayBuffer> {
  const end = new Uint8Array(prefix.length + 1)
  end.set(prefix)
  end[prefix.length] = 0xff
  return end
}

/** The key of a single-record kind (hard state, conf state, snapshot, log base, applied). */
export function recordKey (prefix: Uint8Array, kind: number): Uint8Array {
  const key = new Uint8Array(prefix.length + 1)
  key.set(prefix)
  key[prefix.length] = kind
  return key
}

/** The key of the entry at `index`. */
export function entryKey (prefix: Uint8Array, index: number): Uint8Array {
  const key = new Uint8Array(prefix.length + 9)
  key.set(prefix)
  key[prefix.length] = RecordKind.entry
  const view = new DataView(key.buffer)
  view.setUint32(prefix.length + 1, Math.floor(index / 0x1_0000_0000))
  view.setUint32(prefix.length + 5, index >>> 0)
  return key
}

/** A group key taken apart; `undefined` when it is not a well-formed key of the group space. */
export interface ParsedGroupKey {
  readonly group: string
  /** Length of the group prefix within the key. */
  readonly prefixLength: number
  readonly kind: number
  /** The entry index, for entry keys. */
  readonly index?: number
}

/** Takes a key of the group space apart, or returns `undefined` for anything malformed. */
export function parseGroupKey (key: Uint8Array): ParsedGroupKey | undefined {
  if (key.length < 3 || key[0] !== GROUP_SPACE) return undefined
  const length = key[1]
  if (length === 0) return undefined
  const prefixLength = 2 + length
  if (key.length <= prefixLength) return undefined
  let group: string
  try {
    group = utf8Decoder.decode(key.subarray(2, prefixLength))
  } catch {
    return undefined
  }
  const kind = key[prefixLength]
  if (kind === RecordKind.entry) {
    if (key.length !== prefixLength + 9) return undefined
    const view = new DataView(key.buffer, key.byteOffset, key.byteLength)
    const high = view.getUint32(prefixLength + 1)
    if (high > 0x1fffff) return undefined
    return { group, prefixLength, kind, index: high * 0x1_0000_0000 + view.getUint32(prefixLength + 5) }
  }
  if (key.length !== prefixLength + 1) return undefined
  return { group, prefixLength, kind }
}

/** A readable name for a key in error messages: what it holds, and its bytes in hex. */
export function describeKey (key: Uint8Array): string {
  const hex = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex')
  if (key.length >= FORMAT_KEY.length && key[0] === 0x00) return `format record (key ${hex})`
  const parsed = parseGroupKey(key)
  if (parsed === undefined) return `key ${hex}`
  const what = parsed.index !== undefined
    ? `entry ${parsed.index}`
    : (Object.entries(RecordKind).find(([, kind]) => kind === parsed.kind)?.[0] ?? `record kind ${parsed.kind}`)
  return `group "${parsed.group}" ${what} (key ${hex})`
}
