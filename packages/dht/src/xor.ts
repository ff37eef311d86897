import { peerIdFromString } from '@libp2p/peer-id'
import { sha256 } from 'multiformats/hashes/sha2'
import type { PeerIdString } from '@meshwork/core-mesh'

/**
 * Kademlia's XOR metric, on the 256-bit ids kad-dht uses: sha2-256 of a key, or of a peer
 * id's multihash bytes.
 */

/** The Kademlia id of a key (sha2-256 of its bytes). */
export async function kadIdOfKey (key: Uint8Array): Promise<Uint8Array> {
  return (await sha256.digest(key)).digest
}

/** The Kademlia id of a peer (sha2-256 of its peer id's multihash bytes). */
export async function kadIdOfPeer (peer: PeerIdString): Promise<Uint8Array> {
  return await kadIdOfKey(peerIdFromString(peer).toMultihash().bytes)
}

/** `a XOR b`; both ids must have the same length. */
export function xorDistance (a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength !== b.byteLength) throw new RangeError(`ids differ in length: ${a.byteLength} and ${b.byteLength}`)
  const out = new Uint8Array(a.byteLength)
  for (let i = 0; i < a.byteLength; i++) out[i] = a[i] ^ b[i]
  return out
}

/** Negative when `a` is closer to `target` than `b`, positive when farther, 0 when equal. */
export function compareDistance (target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < target.byteLength; i++) {
    const da = a[i] ^ target[i]
    const db = b[i] ^ target[i]
    if (da !== db) return da - db
  }
  return 0
}

/** How many leading bits `a` and `b` share: the Kademlia bucket index of one seen from the other. */
export function commonPrefixLength (a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < length; i++) {
    const diff = a[i] ^ b[i]
    if (diff !== 0) return i * 8 + Math.clz32(diff) - 24
  }
  return length * 8
}
