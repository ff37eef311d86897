import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { Message } from '@libp2p/gossipsub'

/**
 * The id js-libp2p gossipsub gives a StrictSign message: the author's protobuf-encoded public
 * key followed by the 8-byte big-endian sequence number. IHAVE/IWANT carry these ids, so it
 * must stay byte-for-byte what vanilla gossipsub computes (the interop test checks it).
 */
export function messageIdBytes (message: Message): Uint8Array {
  if (message.type !== 'signed') throw new TypeError('gossipsub message ids need signed messages (StrictSign)')
  const key = publicKeyToProtobuf(message.from.publicKey ?? message.key)
  const id = new Uint8Array(key.byteLength + 8)
  id.set(key, 0)
  new DataView(id.buffer).setBigUint64(key.byteLength, message.sequenceNumber, false)
  return id
}

/** The string form gossipsub uses for ids (its default `msgIdToStrFn`: base64). */
export function messageIdString (id: Uint8Array): string {
  return uint8ArrayToString(id, 'base64')
}

/**
 * Hands the id of a message we publish back to the publisher. gossipsub's `publish` does not
 * return it, but it calls the message-id function with a message whose `data` is the very
 * array it was given; registering that array first lets us catch its id on the way through.
 */
export class PublishedIds {
  private readonly pending = new WeakMap<Uint8Array, string | undefined>()

  /** The `msgIdFn` to give gossipsub. */
  readonly msgIdFn = (message: Message): Uint8Array => {
    const id = messageIdBytes(message)
    if (this.pending.has(message.data)) this.pending.set(message.data, messageIdString(id))
    return id
  }

  /** Call before publishing `payload` (an array only this publish holds). */
  expect (payload: Uint8Array): void {
    this.pending.set(payload, undefined)
  }

  /** The id computed for `payload`, if gossipsub got that far; forgets it. */
  take (payload: Uint8Array): string | undefined {
    const id = this.pending.get(payload)
    this.pending.delete(payload)
    return id
  }
}
