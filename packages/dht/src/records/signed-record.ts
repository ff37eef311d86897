import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import type { PrivateKey, PublicKey } from '@libp2p/interface'
import { compare } from 'uint8arrays/compare'
import type { PeerIdString } from '@meshwork/core-mesh'
import {
  MalformedRecordError, RecordExpiredError, RecordKeyMismatchError, RecordSignatureError, RecordTooLargeError
} from '../errors.js'
import { parseSignedRecordKey, signedRecordKey } from '../keys.js'
import { SignedRecord } from '../wire/signed-record.js'

/** Signatures cover this tag first, so they cannot be replayed as any other kind of message. */
const DOMAIN = new TextEncoder().encode('meshwork-dht-signed-record/1\0')

/** A checked signed record, as returned by {@link verifySignedRecord}. */
export interface SignedRecordView {
  owner: PeerIdString
  name: string
  value: Uint8Array
  sequence: bigint
  /** Milliseconds since the epoch. */
  expiresAt: number
}

export interface RecordLimits {
  /** Largest value accepted, in bytes. */
  maxValueBytes: number
  /** A record may not claim to live longer than this from now (ms). */
  maxLifetimeMs: number
}

export interface SignRecordInit {
  privateKey: PrivateKey
  name: string
  value: Uint8Array
  sequence: bigint
  /** Milliseconds since the epoch. */
  expiresAt: number
}

/** Build and sign a record; returns its key (from the signer's public key and the name) and bytes. */
export async function signRecord (init: SignRecordInit): Promise<{ key: Uint8Array, bytes: Uint8Array }> {
  const owner = peerIdFromPublicKey(init.privateKey.publicKey).toString()
  const key = signedRecordKey(owner, init.name)
  const unsigned: SignedRecord = {
    publicKey: publicKeyToProtobuf(init.privateKey.publicKey) as Uint8Array<ArrayBuffer>,
    name: init.name,
    value: init.value as Uint8Array<ArrayBuffer>,
    sequence: init.sequence,
    expiresAt: BigInt(Math.floor(init.expiresAt)),
    signature: new Uint8Array(0)
  }
  const signature = await init.privateKey.sign(signingPayload(unsigned))
  return { key, bytes: SignedRecord.encode({ ...unsigned, signature: signature as Uint8Array<ArrayBuffer> }) }
}

/** Decode without checking anything but the shape; throws `MalformedRecordError`. */
export function decodeSignedRecord (bytes: Uint8Array): SignedRecord {
  try {
    return SignedRecord.decode(bytes)
  } catch (err) {
    throw new MalformedRecordError(`signed record does not decode: ${(err as Error).message}`, { cause: err })
  }
}

/**
 * Check a signed record against the key it is stored under. Throws, in this order:
 * `MalformedRecordError`, `RecordTooLargeError`, `RecordKeyMismatchError` (public key or
 * name not the key's), `RecordExpiredError` (expired, or living longer than allowed),
 * `RecordSignatureError` (forged or tampered).
 */
export async function verifySignedRecord (key: Uint8Array, bytes: Uint8Array, now: number, limits: RecordLimits): Promise<SignedRecordView> {
  const { owner, name } = parseKeyOrMismatch(key)
  if (bytes.byteLength > limits.maxValueBytes + 1024) throw new RecordTooLargeError(bytes.byteLength, limits.maxValueBytes)
  const record = decodeSignedRecord(bytes)
  if (record.value.byteLength > limits.maxValueBytes) throw new RecordTooLargeError(record.value.byteLength, limits.maxValueBytes)
  let publicKey: PublicKey
  try {
    publicKey = publicKeyFromProtobuf(record.publicKey)
  } catch (err) {
    throw new MalformedRecordError('signed record carries no valid public key', { cause: err })
  }
  if (peerIdFromPublicKey(publicKey).toString() !== owner) throw new RecordKeyMismatchError(`record's public key is not ${owner}'s`)
  if (record.name !== name) throw new RecordKeyMismatchError(`record is named ${JSON.stringify(record.name)}, key says ${JSON.stringify(name)}`)
  const expiresAt = Number(record.expiresAt)
  if (expiresAt <= now) throw new RecordExpiredError(`record expired at ${new Date(expiresAt).toISOString()}`)
  if (expiresAt > now + limits.maxLifetimeMs) throw new RecordExpiredError(`record claims to live until ${new Date(expiresAt).toISOString()}, beyond the maximum lifetime`)
  let valid: boolean
  try {
    valid = await publicKey.verify(signingPayload({ ...record, signature: new Uint8Array(0) }), record.signature)
  } catch (err) {
    throw new RecordSignatureError(`signature on ${owner}/${name} is not a signature: ${(err as Error).message}`, { cause: err })
  }
  if (!valid) throw new RecordSignatureError(`signature on ${owner}/${name} does not verify`)
  return { owner, name, value: record.value, sequence: record.sequence, expiresAt }
}

/**
 * The index of the newest record: highest sequence, then latest expiry, then the greater
 * signature bytes, so every node picks the same one. Records that do not decode lose.
 */
export function selectNewestSignedRecord (records: Uint8Array[]): number {
  let best = -1
  let bestRecord: SignedRecord | undefined
  records.forEach((bytes, index) => {
    let record: SignedRecord
    try {
      record = SignedRecord.decode(bytes)
    } catch {
      return
    }
    if (bestRecord === undefined || newer(record, bestRecord)) {
      best = index
      bestRecord = record
    }
  })
  return Math.max(best, 0)
}

/** The sequence of an encoded record, or undefined when it does not decode. */
export function sequenceOf (bytes: Uint8Array): bigint | undefined {
  try {
    return SignedRecord.decode(bytes).sequence
  } catch {
    return undefined
  }
}

function newer (a: SignedRecord, b: SignedRecord): boolean {
  if (a.sequence !== b.sequence) return a.sequence > b.sequence
  if (a.expiresAt !== b.expiresAt) return a.expiresAt > b.expiresAt
  return compare(a.signature, b.signature) > 0
}


function signingPayload (record: SignedRecord): Uint8Array {
  const body = SignedRecord.encode(record)
  const payload = new Uint8Array(DOMAIN.byteLength + body.byteLength)
  payload.set(DOMAIN)
  payload.set(body, DOMAIN.byteLength)
  return payload
}

function parseKeyOrMismatch (key: Uint8Array): { owner: PeerIdString, name: string } {
  try {
    return parseSignedRecordKey(key)
  } catch (err) {
    throw new RecordKeyMismatchError(`not a valid signed-record key: ${(err as Error).message}`, { cause: err })
  }
}
