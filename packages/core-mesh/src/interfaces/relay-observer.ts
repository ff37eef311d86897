import type { PeerIdString } from './peer.js'

/** One forward of a message by this node on behalf of someone else. */
export interface ForwardRecord {
  /** Which service forwarded (`flood`, `plumtree`, `router`, …). */
  service: string
  /** The message id, as the forwarding service identifies messages. */
  messageId: Uint8Array
  /** The peer that originated the message. */
  origin: PeerIdString
  /** The neighbour the message came from. */
  from: PeerIdString
  /** The neighbour it is forwarded to. */
  to: PeerIdString
  /** Payload bytes forwarded. */
  bytes: number
}

/**
 * RelayObserver — told of every forward this node makes (relay-proof hooks in here).
 *
 * Contract: `onForward` is called synchronously on the forwarding path, once per forward and
 * per next hop, after the forward has been handed to the transport. It must return quickly and
 * must not throw (a throwing observer is logged and skipped). The record is owned by the
 * caller: copy `messageId` to keep it.
 */
export interface RelayObserver {
  onForward(record: ForwardRecord): void
}
