import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'uint8arrays/equals'
import { RecordKeyMismatchError, RecordTooLargeError } from '../errors.js'
import { parseContentRecordKey } from '../keys.js'

/**
 * Check an immutable record: its key must be the CID of its value. Throws
 * `RecordKeyMismatchError` (not a content key, or the hash differs) or `RecordTooLargeError`.
 */
export async function verifyContentRecord (key: Uint8Array, value: Uint8Array, maxValueBytes: number): Promise<void> {
  let expected: Uint8Array
  try {
    expected = parseContentRecordKey(key).multihash.digest
  } catch (err) {
    throw new RecordKeyMismatchError(`not a valid content-record key: ${(err as Error).message}`, { cause: err })
  }
  if (value.byteLength > maxValueBytes) throw new RecordTooLargeError(value.byteLength, maxValueBytes)
  const actual = (await sha256.digest(value)).digest
  if (!equals(actual, expected)) throw new RecordKeyMismatchError('content does not hash to its key')
}
