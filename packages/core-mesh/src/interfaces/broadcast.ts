import type { AbortOptions } from './abort.js'
import type { PeerIdString } from './peer.js'

/** A message delivered by a Broadcast service. */
export interface BroadcastMessage {
  /** The id the service gave the message; unique per message. */
  id: Uint8Array
  /** The peer that called `broadcast`. */
  origin: PeerIdString
  /** The neighbour this copy arrived from. */
  from: PeerIdString
  data: Uint8Array
  /** How many hops the message has travelled. */
  hops: number
}

export type BroadcastHandler = (message: BroadcastMessage) => void

/**
 * Broadcast — delivers a payload to every member of the mesh.
 *
 * Contract:
 * - `broadcast` resolves with the message id once the payload has been handed to the first
 *   hops; it does not wait for delivery. The origin does not receive its own message.
 * - Each member delivers a given message to its handlers at most once, whatever the number of
 *   copies that reach it.
 * - Handlers are called synchronously in subscription order; a throwing handler is logged and
 *   does not stop the others. `onMessage` returns an unsubscribe function.
 * - Forwards made on behalf of others are reported to the node's RelayObserver.
 */
export interface Broadcast {
  readonly name: string
  start(options?: AbortOptions): Promise<void>
  stop(options?: AbortOptions): Promise<void>
  broadcast(data: Uint8Array, options?: AbortOptions): Promise<Uint8Array>
  onMessage(handler: BroadcastHandler): () => void
}
