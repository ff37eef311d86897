import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { PeerIdString } from '@meshwork/core-mesh'
import { InvalidKeyError } from './errors.js'

/** Key namespace of signed mutable records: `/mw-signed/<peer id>/<name>`. */
export const SIGNED_NAMESPACE = 'mw-signed'
/** Key namespace of immutable content-addressed records: `/mw-content/<CIDv1 raw sha2-256>`. */
export const CONTENT_NAMESPACE = 'mw-content'
/** Prefix hashed into the CID under which a service or topic is provided. */
const SERVICE_PREFIX = 'meshwork/provide/'

/** Printable ASCII, no spaces, 1–200 characters; `/` is allowed inside a name. */
const RECORD_NAME = /^[\x21-\x7e]{1,200}$/

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function assertRecordName (name: string): void {
  if (typeof name !== 'string' || !RECORD_NAME.test(name)) {
    throw new InvalidKeyError(`record name must be 1-200 printable ASCII characters without spaces, got ${JSON.stringify(name)}`)
  }
}

/** The key of `owner`'s signed record called `name`: derived from the owner's public key and the name. */
export function signedRecordKey (owner: PeerIdString, name: string): Uint8Array {
  assertRecordName(name)
  try {
    peerIdFromString(owner)
  } catch (err) {
    throw new InvalidKeyError(`not a peer id: ${owner}`, { cause: err })
  }
  return encoder.encode(`/${SIGNED_NAMESPACE}/${owner}/${name}`)
}

/** Split a signed-record key into its owner and name; anything else throws `InvalidKeyError`. */
export function parseSignedRecordKey (key: Uint8Array): { owner: PeerIdString, name: string } {
  const text = decodeKey(key)
  const prefix = `/${SIGNED_NAMESPACE}/`
  if (!text.startsWith(prefix)) throw new InvalidKeyError(`not a ${SIGNED_NAMESPACE} key`)
  const rest = text.slice(prefix.length)
  const slash = rest.indexOf('/')
  if (slash <= 0) throw new InvalidKeyError(`${SIGNED_NAMESPACE} key has no name`)
  const owner = rest.slice(0, slash)
  const name = rest.slice(slash + 1)
  signedRecordKey(owner, name)
  return { owner, name }
}

/** The CID of some bytes: CIDv1, raw codec, sha2-256. */
export async function contentCid (value: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(value))
}

/** The key of an immutable record: the CID of its value. */
export function contentRecordKey (cid: CID): Uint8Array {
  return encoder.encode(`/${CONTENT_NAMESPACE}/${cid.toString()}`)
}

/** The CID in a content-record key; anything else throws `InvalidKeyError`. */
export function parseContentRecordKey (key: Uint8Array): CID {
  const text = decodeKey(key)
  const prefix = `/${CONTENT_NAMESPACE}/`
  if (!text.startsWith(prefix)) throw new InvalidKeyError(`not a ${CONTENT_NAMESPACE} key`)
  let cid: CID
  try {
    cid = CID.parse(text.slice(prefix.length))
  } catch (err) {
    throw new InvalidKeyError('content key does not hold a CID', { cause: err })
  }
  if (cid.version !== 1 || cid.code !== raw.code || cid.multihash.code !== sha256.code) {
    throw new InvalidKeyError('content key must hold a CIDv1 raw sha2-256')
  }
  if (CID.createV1(cid.code, cid.multihash).toString() !== text.slice(prefix.length)) throw new InvalidKeyError('content key must hold its CID in canonical base32')
  return cid
}

/** The CID under which peers announce (provide) a service or topic by name. */
export async function serviceCid (name: string): Promise<CID> {
  assertRecordName(name)
  return await contentCid(encoder.encode(SERVICE_PREFIX + name))
}

/** A key as text, for logs, the CLI and the admin API. */
export function decodeKey (key: Uint8Array): string {
  try {
    return decoder.decode(key)
  } catch (err) {
    throw new InvalidKeyError('key is not UTF-8', { cause: err })
  }
}

/** A key as text for logs and errors; never throws (binary keys are described, not decoded). */
export function describeKey (key: Uint8Array): string {
  try {
    return decodeKey(key)
  } catch {
    return '<binary key>'
  }
}

const lenientText = new TextDecoder()

/**
 * The namespace of a key, as kad-dht picks its validator: the first path part of the key read
 * as text. Binary keys such as `/pk/<multihash>` are fine; only the prefix must be text.
 */
export function namespaceOf (key: Uint8Array): string {
  return lenientText.decode(key).split('/')[1] ?? ''
}

export function encodeKey (key: string): Uint8Array {
  return encoder.encode(key)
}
