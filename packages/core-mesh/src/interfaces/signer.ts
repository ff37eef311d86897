import type { PeerIdString } from './peer.js'

/**
 * MessageSigner — signs with this node's identity key and checks other peers' signatures.
 *
 * Services that must prove who wrote a message (gossip's membership updates and broadcasts, for
 * instance) use it instead of holding the private key. Peer ids in a mesh embed their Ed25519
 * public key, so a signature can be checked from the claimed author's id alone.
 *
 * Contract:
 * - Both methods are synchronous and pure CPU (Ed25519 on node:crypto); they never do I/O.
 * - `sign` signs `data` as given: callers add their own domain tag so that a signature made
 *   for one protocol cannot be replayed in another.
 * - `verify` returns false, never throws, for a wrong signature, a malformed one, or a peer id
 *   that does not embed a public key.
 * - Neither keeps a reference to `data` after returning.
 */
export interface MessageSigner {
  /** The id of the key that `sign` uses: this node's peer id. */
  readonly peerId: PeerIdString
  sign(data: Uint8Array): Uint8Array
  verify(author: PeerIdString, data: Uint8Array, signature: Uint8Array): boolean
}
