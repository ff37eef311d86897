import { StorageCorruptionError } from '../errors.js'
import { crc32c } from '../util/crc32c.js'
import { ByteWriter } from '../util/byte-writer.js'
import { describeKey } from './level-keys.js'

/**
 * Every value in the store is sealed in an envelope:
 *
 * ```
 * version:u8  crc:u32be  payload
 * ```
 * `crc` is the CRC-32C of the key, the version byte and the payload, in that order: a flipped bit
 * anywhere in the value, and a value that turns up under another key, both fail the check.
 * LevelDB checksums its own blocks too, but classic-level opens it without `paranoid_checks`
 * and reads without `verify_checksums`, so a damaged table block or log record can reach us
 * (or be dropped) unnoticed; this check is what makes damage visible.
 */
export const RECORD_VERSION = 1

const HEADER_BYTES = 5
const VERSION_BYTE = Uint8Array.of(RECORD_VERSION)

/** A writer with room for the envelope's header: write the payload, then {@link sealRecord}. */
export function recordWriter (payloadCapacity = 64): ByteWriter {
  const w = new ByteWriter(HEADER_BYTES + payloadCapacity)
  w.u8(RECORD_VERSION)
  w.u32(0)
  return w
}

/** The value to store under `key`: the payload written to `w` (from {@link recordWriter}), sealed. */
export function sealRecord (key: Uint8Array, w: ByteWriter): Uint8Array {
  const value = w.finish()
  new DataView(value.buffer, value.byteOffset, value.byteLength).setUint32(1, checksum(key, value.subarray(HEADER_BYTES)))
  return value
}

/**
 * The payload of the value stored under `key`, a view of `value` (a plain `Uint8Array`). Throws
 * `StorageCorruptionError` naming the key when the value is too short, of an unknown version,
 * or fails its checksum.
 */
export function openRecord (key: Uint8Array, value: Uint8Array): Uint8Array {
  if (value.length < HEADER_BYTES) throw corrupt(key, `value of ${value.length} bytes is too short for a record`)
  if (value[0] !== RECORD_VERSION) throw corrupt(key, `unknown record version ${value[0]}`)
  const stored = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(1)
  // a plain Uint8Array view even when LevelDB hands out a Buffer (whose slice() does not copy)
  const payload = new Uint8Array(value.buffer, value.byteOffset + HEADER_BYTES, value.byteLength - HEADER_BYTES)
  const actual = checksum(key, payload)
  if (stored !== actual) throw corrupt(key, `checksum mismatch (stored ${hex32(stored)}, computed ${hex32(actual)})`)
  return payload
}

/** A `StorageCorruptionError` about the record under `key`. */
export function corrupt (key: Uint8Array, reason: string, cause?: unknown): StorageCorruptionError {
  return new StorageCorruptionError(`corrupt Raft storage, ${describeKey(key)}: ${reason}`, cause === undefined ? undefined : { cause })
}

function checksum (key: Uint8Array, payload: Uint8Array): number {
  return crc32c(payload, crc32c(VERSION_BYTE, crc32c(key)))
}

function hex32 (n: number): string {
  return n.toString(16).padStart(8, '0')
}
