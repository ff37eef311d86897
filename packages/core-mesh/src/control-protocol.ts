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

  async sendLeave (peer: PeerIdString, reason: string, signal: AbortSignal): Promise<void> {
    const channel = await this.channels.openChannel(peer, { protocol: CONTROL_PROTOCOL, signal })
    await channel.send(ControlMessage.encode({ type: ControlMessage.Type.LEAVE, reason }), { signal })
    await channel.close({ signal })
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
        if (message.type === ControlMessage.Type.LEAVE) this.onLeave(channel.peer)
      }
    } catch {
      // A broken channel was already reported by the framing layer.
    }
  }
}
