import { DEFAULT_FLOOD_SEEN_CACHE, DEFAULT_FLOOD_TTL, FLOOD_PROTOCOL } from '../constants.js'
import type { AbortOptions } from '../interfaces/abort.js'
import type { Broadcast, BroadcastHandler, BroadcastMessage } from '../interfaces/broadcast.js'
import { ChannelPool } from '../channel-pool.js'
import type { Channel, ChannelHost } from '../interfaces/channel.js'
import type { Logger } from '../interfaces/observability.js'
import type { PeerIdString } from '../interfaces/peer.js'
import type { RelayObserver } from '../interfaces/relay-observer.js'
import { defineService, type ServiceFactory } from '../interfaces/service.js'
import { decodeFloodMessage } from '../wire/decode.js'
import { FloodMessage } from '../wire/flood.js'
import { SeenCache } from './seen-cache.js'

export interface FloodBroadcastInit {
  /** Hops a message may travel. */
  ttl?: number
  /** Message ids remembered for de-duplication. */
  seenCacheSize?: number
}

export interface FloodBroadcastComponents {
  peerId: PeerIdString
  channels: ChannelHost
  logger: Logger
  relayObserver: RelayObserver
}

/**
 * The default Broadcast: every node forwards a message it has not seen to all its
 * neighbours but the one it came from, while the TTL lasts. Simple and robust, at the cost
 * of many duplicate copies; gossip's Plumtree replaces it for larger meshes.
 */
export class FloodBroadcast implements Broadcast {
  readonly name = 'flood'
  private readonly handlers = new Set<BroadcastHandler>()
  private readonly seen: SeenCache
  private readonly outbound: ChannelPool
  private readonly ttl: number
  private readonly log: Logger

  constructor (private readonly components: FloodBroadcastComponents, init: FloodBroadcastInit = {}) {
    this.ttl = init.ttl ?? DEFAULT_FLOOD_TTL
    this.seen = new SeenCache(init.seenCacheSize ?? DEFAULT_FLOOD_SEEN_CACHE)
    this.log = components.logger.child({ component: 'flood-broadcast' })
    this.outbound = new ChannelPool(components.channels, FLOOD_PROTOCOL)
  }

  async start (): Promise<void> {
    await this.components.channels.handle(FLOOD_PROTOCOL, async (channel) => { await this.receive(channel) })
  }

  async stop (): Promise<void> {
    await this.components.channels.unhandle(FLOOD_PROTOCOL)
    await this.outbound.closeAll('broadcast stopped')
  }

  onMessage (handler: BroadcastHandler): () => void {
    this.handlers.add(handler)
    return () => { this.handlers.delete(handler) }
  }

  async broadcast (data: Uint8Array, options?: AbortOptions): Promise<Uint8Array> {
    const id = crypto.getRandomValues(new Uint8Array(16))
    this.seen.add(id)
    const message: FloodMessage = { id, origin: this.components.peerId, ttl: this.ttl, hops: 0, payload: data as Uint8Array<ArrayBuffer> }
    await this.sendToNeighbours(FloodMessage.encode(message), new Set(), options)
    return id
  }

  private async receive (channel: Channel): Promise<void> {
    try {
      for await (const frame of channel) {
        let message: FloodMessage
        try {
          message = decodeFloodMessage(frame)
        } catch (err) {
          this.components.channels.reportViolation(channel.peer, FLOOD_PROTOCOL, err as Error)
          channel.abort(err as Error)
          return
        }
        this.accept(message, channel.peer)
      }
    } catch (err) {
      this.log.debug({ peer: channel.peer, err }, 'flood channel ended')
    }
  }

  private accept (message: FloodMessage, from: PeerIdString): void {
    if (message.origin === this.components.peerId || !this.seen.add(message.id)) return
    const delivered: BroadcastMessage = { id: message.id, origin: message.origin, from, data: message.payload, hops: message.hops + 1 }
    for (const handler of this.handlers) {
      try {
        handler(delivered)
      } catch (err) {
        this.log.warn({ err }, 'broadcast handler threw')
      }
    }
    const ttl = Math.min(message.ttl, this.ttl)
    if (ttl <= 1) return
    const forward = FloodMessage.encode({ ...message, ttl: ttl - 1, hops: message.hops + 1 })
    void this.sendToNeighbours(forward, new Set([from, message.origin]), undefined, message, from)
  }

  private async sendToNeighbours (bytes: Uint8Array, except: Set<PeerIdString>, options?: AbortOptions, forwarded?: FloodMessage, from?: PeerIdString): Promise<void> {
    const targets = this.components.channels.connectedPeers().filter(peer => !except.has(peer))
    await Promise.all(targets.map(async peer => {
      try {
        await this.outbound.send(peer, bytes, options)
        if (forwarded !== undefined && from !== undefined) this.observeForward(forwarded, from, peer)
      } catch (err) {
        this.log.debug({ peer, err }, 'flood send failed')
      }
    }))
  }

  private observeForward (message: FloodMessage, from: PeerIdString, to: PeerIdString): void {
    try {
      this.components.relayObserver.onForward({ service: this.name, messageId: message.id, origin: message.origin, from, to, bytes: message.payload.byteLength })
    } catch (err) {
      this.log.warn({ err }, 'relay observer threw')
    }
  }
}

/** The neighbour-flood Broadcast service factory. */
export function floodBroadcast (init: FloodBroadcastInit = {}): ServiceFactory<FloodBroadcast, FloodBroadcastComponents> {
  return defineService({ name: 'flood-broadcast', needs: ['peerId', 'channels', 'logger', 'relayObserver'], provides: ['broadcast'] },
    (components: FloodBroadcastComponents) => new FloodBroadcast(components, init))
}
