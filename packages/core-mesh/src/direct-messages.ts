import { MESSAGE_PROTOCOL } from './constants.js'
import type { AbortOptions } from './interfaces/abort.js'
import { ChannelPool } from './channel-pool.js'
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
  private readonly outbound: ChannelPool
  private readonly handlers = new Set<DirectMessageHandler>()

  constructor (private readonly channels: ChannelHost, private readonly log: Logger) {
    this.outbound = new ChannelPool(channels, MESSAGE_PROTOCOL)
  }

  async start (): Promise<void> {
    await this.channels.handle(MESSAGE_PROTOCOL, async (channel) => { await this.receive(channel) })
  }

  async stop (): Promise<void> {
    await this.channels.unhandle(MESSAGE_PROTOCOL)
    await this.outbound.closeAll('node stopping')
  }

  onMessage (handler: DirectMessageHandler): () => void {
    this.handlers.add(handler)
    return () => { this.handlers.delete(handler) }
  }

  async send (peer: PeerIdString, data: Uint8Array, options?: AbortOptions): Promise<void> {
    await this.outbound.send(peer, data, options)
  }

  /** Drop the pooled channel to `peer` (it disconnected). */
  forget (peer: PeerIdString): void {
    this.outbound.forget(peer)
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
