import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import type { PrivateKey, PublicKey } from '@libp2p/interface'
import type { MessageSigner } from './interfaces/signer.js'
import type { PeerIdString } from './interfaces/peer.js'

/** Public keys decoded from peer ids, kept so that hot paths do not re-parse the id. */
const PUBLIC_KEY_CACHE_SIZE = 4096

/**
 * The node's {@link MessageSigner}: Ed25519 over node:crypto, which signs and verifies
 * synchronously. A key whose `sign` turns out asynchronous (not Ed25519 on Node) is refused.
 */
export class IdentitySigner implements MessageSigner {
  readonly peerId: PeerIdString
  private readonly keys = new Map<PeerIdString, PublicKey | null>()

  constructor (private readonly privateKey: PrivateKey) {
    this.peerId = peerIdFromPublicKey(privateKey.publicKey).toString()
  }

  sign (data: Uint8Array): Uint8Array {
    const signature = this.privateKey.sign(data)
    if (signature instanceof Promise) throw new TypeError(`a ${this.privateKey.type} key does not sign synchronously; Meshwork identities are Ed25519`)
    return signature
  }

  verify (author: PeerIdString, data: Uint8Array, signature: Uint8Array): boolean {
    const key = this.publicKeyOf(author)
    if (key === null) return false
    try {
      const valid = key.verify(data, signature)
      return valid === true
    } catch {
      return false
    }
  }

  private publicKeyOf (author: PeerIdString): PublicKey | null {
    let key = this.keys.get(author)
    if (key !== undefined) return key
    try {
      key = peerIdFromString(author).publicKey ?? null
    } catch {
      key = null
    }
    if (this.keys.size >= PUBLIC_KEY_CACHE_SIZE) this.keys.delete(this.keys.keys().next().value as PeerIdString)
    this.keys.set(author, key)
    return key
  }
}
