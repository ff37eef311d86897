import type { AbortOptions } from './abort.js'
import type { PeerIdString } from './peer.js'

/**
 * A framed, bidirectional message channel to one peer over one libp2p stream.
 *
 * Contract:
 * - `send` writes one frame. Small frames sent in the same tick are coalesced into one write
 *   on the next tick (or at 64 KiB); large frames are written without a copy, so the channel
 *   owns `frame` once `send` is called: do not modify it afterwards. `send` resolves once the
 *   frame is queued and waits (without buffering more) while the transport signals
 *   backpressure; aborting the signal rejects the wait but leaves the channel usable. Frames
 *   larger than the configured maximum are refused with `FrameTooLargeError` before anything is
 *   written.
 * - Iterating the channel yields whole frames, in order, one at a time. The iterator ends when
 *   the remote closes its side; it throws a typed error when the remote breaks the framing, and
 *   the channel is then aborted (only this channel: the connection and other channels go on).
 * - `close` ends the local writing side after queued frames are flushed; `abort` drops
 *   everything at once.
 * - Inbound frames count against the per-peer rate limits: a peer over its budget is slowed
 *   down (reading pauses, so transport backpressure reaches it), never silently dropped.
 */
export interface Channel extends AsyncIterable<Uint8Array> {
  readonly peer: PeerIdString
  readonly protocol: string
  readonly direction: 'inbound' | 'outbound'
  send(frame: Uint8Array, options?: AbortOptions): Promise<void>
  close(options?: AbortOptions): Promise<void>
  abort(error: Error): void
}

export type ChannelHandler = (channel: Channel) => void | Promise<void>

export interface OpenChannelOptions extends AbortOptions {
  /** Protocol id; defaults to the core channel protocol. */
  protocol?: string
}

/** The part of the node that services use to talk to peers. */
export interface ChannelHost {
  openChannel(peer: PeerIdString, options?: OpenChannelOptions): Promise<Channel>
  /** Register a per-protocol handler for inbound channels. One handler per protocol. */
  handle(protocol: string, handler: ChannelHandler): Promise<void>
  unhandle(protocol: string): Promise<void>
  /** Peers with at least one open connection right now. */
  connectedPeers(): PeerIdString[]
  /**
   * Report that `peer` broke `protocol` (a message that does not decode, a forged field).
   * The node lowers the peer's reputation, emits `violation`, and disconnects the peer once
   * its reputation falls to the floor. The caller closes the offending channel itself.
   */
  reportViolation(peer: PeerIdString, protocol: string, error: Error): void
}
