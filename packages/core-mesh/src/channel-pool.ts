import type { AbortOptions } from './interfaces/abort.js'
import type { Channel, ChannelHost } from './interfaces/channel.js'
import type { PeerIdString } from './interfaces/peer.js'

/**
 * One long-lived outbound channel per peer on one protocol: opened on first use, re-opened
 * after a failure. Concurrent first sends share the same opening. A send on a pooled channel
 * that turns out closed (the peer reconnected meanwhile) is retried once on a fresh one.
 */
export class ChannelPool {
  private readonly channels = new Map<PeerIdString, Promise<Channel>>()

  constructor (private readonly host: ChannelHost, private readonly protocol: string) {}

  async send (peer: PeerIdString, frame: Uint8Array, options?: AbortOptions): Promise<void> {
    const reused = this.channels.has(peer)
    try {
      await this.sendOnce(peer, frame, options)
    } catch (err) {
      if (!reused || (err as Error).name !== 'ChannelClosedError') throw err
      await this.sendOnce(peer, frame, options)
    }
  }

  private async sendOnce (peer: PeerIdString, frame: Uint8Array, options?: AbortOptions): Promise<void> {
    let pending = this.channels.get(peer)
    if (pending === undefined) {
      pending = this.host.openChannel(peer, { protocol: this.protocol, signal: options?.signal })
      this.channels.set(peer, pending)
      pending.catch(() => { if (this.channels.get(peer) === pending) this.channels.delete(peer) })
    }
    const channel = await pending
    try {
      await channel.send(frame, options)
    } catch (err) {
      // The pool lets go of a channel that failed (or whose send was given up): abort it, or
      // nothing would ever close its stream.
      if (this.channels.get(peer) === pending) this.channels.delete(peer)
      channel.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
  }

  /**
   * Drop the channel to `peer` (it disconnected, or left the view); the next send opens a new
   * one. The dropped channel is aborted (once its opening resolves, if it is still opening):
   * nothing else holds it, so `closeAll` would never reach it and its stream would linger.
   */
  forget (peer: PeerIdString, reason = 'peer forgotten'): void {
    const pending = this.channels.get(peer)
    if (pending === undefined) return
    this.channels.delete(peer)
    pending.then(channel => { channel.abort(new Error(reason)) }, () => {})
  }

  /** Abort every pooled channel. */
  async closeAll (reason: string): Promise<void> {
    const pending = [...this.channels.values()]
    this.channels.clear()
    for (const result of await Promise.allSettled(pending)) {
      if (result.status === 'fulfilled') result.value.abort(new Error(reason))
    }
  }
}
