import { CONTROL_PROTOCOL } from './constants.js'
import type { Channel, ChannelHost } from './interfaces/channel.js'
import type { PeerIdString } from './interfaces/peer.js'
import { ControlMessage } from './wire/control.js'
import { decodeControlMessage } from './wire/decode.js'

/**
 * Node-to-node control messages: today, the goodbye of a graceful leave. One short-lived
 * channel per message; a peer that sends garbage is reported and only that channel closed.
 */
export class ControlProtocol {
  constructor (private readonly channels: ChannelHost, private readonly onLeave: (peer: PeerIdString) => void) {}

  async start (): Promise<void> {
    await this.channels.handle(CONTROL_PROTOCOL, async (channel) => { await this.receive(channel) })
  }

  async stop (): Promise<void> {
    await this.channels.unhandle(CONTROL_PROTOCOL)
  }

  /**
   * Tell `peer` this node is leaving and wait for its acknowledgement: the peer closes its
   * side once it has recorded the leave, so the connection that closes next is not taken
   * for a failure.
   */
  async sendLeave (peer: PeerIdString, reason: string, signal: AbortSignal): Promise<void> {
    const channel = await this.channels.openChannel(peer, { protocol: CONTROL_PROTOCOL, signal })
    await channel.send(ControlMessage.encode({ type: ControlMessage.Type.LEAVE, reason }), { signal })
    await channel.close({ signal })
    const acknowledged = (async () => { for await (const _ of channel) { /* the peer sends nothing back */ } })()
    await Promise.race([acknowledged, new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
    })]).catch(() => { channel.abort(new Error('leave not acknowledged in time')) })
  }

  private async receive (channel: Channel): Promise<void> {
    try {
      for await (const frame of channel) {
        let message: ControlMessage
        try {
          message = decodeControlMessage(frame)
        } catch (err) {
          this.channels.reportViolation(channel.peer, CONTROL_PROTOCOL, err as Error)
          channel.abort(err as Error)
          return
        }
        if (message.type === ControlMessage.Type.LEAVE) {
          this.onLeave(channel.peer)
          await channel.close()
          return
        }
      }
    } catch {
      // A broken channel was already reported by the framing layer.
    }
  }
}
