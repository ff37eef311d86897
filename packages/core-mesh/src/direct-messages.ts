import { MESSAGE_PROTOCOL } from './constants.js'
import type { AbortOptions } from './interfaces/abort.js'
import type { Channel, ChannelHost } from './interfaces/channel.js'
import type { Logger } from './interfaces/observability.js'
import type { PeerIdString } from './interfaces/peer.js'

export interface DirectMessage {
  from: PeerIdString
  data: Uint8Array
}

export type DirectMessageHandler = (message: DirectMessage) => void

/**
 * `node.send(peer, bytes)`: one frame on a long-lived channel per peer, opened on first use
 * and re-opened after a failure; the receiving node hands each frame to its handlers.
 */
export class DirectMessages {
  private readonly outbound = new Map<PeerIdString, Promise<Channel>>()
  private readonly handlers = new Set<DirectMessageHandler>()

  constructor (private readonly channels: ChannelHost, private readonly log: Logger) {}

  async start (): Promise<void> {
    await this.channels.handle(MESSAGE_PROTOCOL, async (channel) => { await this.receive(channel) })
  }

  async stop (): Promise<void> {
    await this.channels.unhandle(MESSAGE_PROTOCOL)
    for (const result of await Promise.allSettled(this.outbound.values())) {
      if (result.status === 'fulfilled') result.value.abort(new Error('node stopping'))
    }
    this.outbound.clear()
  }

  onMessage (handler: DirectMessageHandler): () => void {
    this.handlers.add(handler)
    return () => { this.handlers.delete(handler) }
  }

  async send (peer: PeerIdString, data: Uint8Array, options?: AbortOptions): Promise<void> {
    let pending = this.outbound.get(peer)
    if (pending === undefined) {
      pending = this.channels.openChannel(peer, { protocol: MESSAGE_PROTOCOL, signal: options?.signal })
      this.outbound.set(peer, pending)
      pending.catch(() => { this.outbound.delete(peer) })
    }
    const channel = await pending
    try {
      await channel.send(data, options)
    } catch (err) {
      if (this.outbound.get(peer) === pending) this.outbound.delete(peer)
      throw err
    }
  }

  /** Drop the pooled channel to `peer` (it disconnected). */
  forget (peer: PeerIdString): void {
    this.outbound.delete(peer)
  }

  private async receive (channel: Channel): Promise<void> {
    try {
      for await (const data of channel) {
        for (const handler of this.handlers) {
          try {
            handler({ from: channel.peer, data })
          } catch (err) {
            this.log.warn({ err }, 'message handler threw')
          }
        }
      }
    } catch (err) {
      this.log.debug({ peer: channel.peer, err }, 'message channel ended')
    }
  }
}
