import { MeshError } from '@meshwork/core-mesh'

/**
 * A record failed validation: it is never stored, returned or forwarded. Subclasses say why;
 * match on `err.name`.
 */
export class InvalidRecordError extends MeshError {}

/** The bytes are not a record of the kind the key's namespace says. */
export class MalformedRecordError extends InvalidRecordError {}

/** The signature does not verify against the record's public key: forged or tampered with. */
export class RecordSignatureError extends InvalidRecordError {}

/** The record's public key, name or content hash does not match the key it is stored under. */
export class RecordKeyMismatchError extends InvalidRecordError {}

/** The record's expiry is in the past, or further ahead than the maximum lifetime allows. */
export class RecordExpiredError extends InvalidRecordError {}

/** The record's value is over the configured maximum size. */
export class RecordTooLargeError extends InvalidRecordError {
  constructor (readonly size: number, readonly maxSize: number) {
    super(`record value of ${size} bytes exceeds the maximum of ${maxSize} bytes`)
  }
}

/** A newer record (higher sequence) for the same key is already held: replays are refused. */
export class StaleRecordError extends InvalidRecordError {
  constructor (readonly sequence: bigint, readonly held: bigint) {
    super(`record sequence ${sequence} is older than the held sequence ${held}`)
  }
}

/** The key is not one this package can build or check (bad namespace, name or peer id). */
export class InvalidKeyError extends MeshError {}

/** A lookup finished without finding a valid record. */
export class RecordNotFoundError extends MeshError {}

/** A lookup finished without finding the peer. */
export class PeerNotFoundError extends MeshError {}

/** A DHT query ran out of time before it finished. */
export class QueryTimeoutError extends MeshError {}
