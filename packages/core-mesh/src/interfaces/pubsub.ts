import type { AbortOptions } from './abort.js'
import type { PeerIdString } from './peer.js'

/** A message delivered to a topic subscriber. */
export interface PubSubMessage {
  topic: string
  /** The peer that published the message (its signature was checked). */
  origin: PeerIdString
  /** The neighbour this copy arrived from. */
  from: PeerIdString
  /** Unique per message; stable across every copy of it. */
  id: string
  data: Uint8Array
}

export type PubSubHandler = (message: PubSubMessage) => void

/** What `publish` reports. */
export interface PublishResult {
  id: string
  /** Neighbours the message was first handed to. */
  recipients: PeerIdString[]
}

/**
 * PubSub — topic publish/subscribe across the mesh.
 *
 * Contract:
 * - `subscribe` joins the topic (announcing interest to neighbours) on the first handler and
 *   returns an unsubscribe function; the topic is left when its last handler goes.
 * - `publish` resolves once the message has been handed to the first hops. It rejects with a
 *   typed error when nobody subscribed to the topic can be reached (`NoSubscribersError`
 *   or the implementation's own), or when the message breaks the local limits (size, rate).
 *   The publisher's own handlers are not called for its message.
 * - Each subscriber's handlers see a given message at most once, and only after it passed
 *   validation (signature, size, rate, and any `addValidator` checks).
 * - Handlers are called synchronously in subscription order; a throwing handler is logged and
 *   does not stop the others.
 * - `addValidator` adds a check for one topic; it returns `accept`, `ignore` (drop quietly) or
 *   `reject` (drop and penalise the peer that sent the copy). It must not block.
 */
export interface PubSub {
  readonly name: string
  start(options?: AbortOptions): Promise<void>
  stop(options?: AbortOptions): Promise<void>
  subscribe(topic: string, handler: PubSubHandler): () => void
  publish(topic: string, data: Uint8Array, options?: AbortOptions): Promise<PublishResult>
  /** Topics this node subscribes to. */
  topics(): string[]
  /** Peers known to subscribe to `topic`. */
  subscribers(topic: string): PeerIdString[]
  addValidator(topic: string, validator: PubSubValidator): () => void
}

export type ValidationVerdict = 'accept' | 'ignore' | 'reject'

export type PubSubValidator = (message: PubSubMessage) => ValidationVerdict
