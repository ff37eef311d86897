import { describe, expect, it } from '@jest/globals'
import { silentLogger, type AbortOptions, type Channel, type ChannelHandler, type ChannelHost } from '@meshwork/core-mesh'
import type { Message } from '../../../src/raft/core/types.js'
import { MeshChannelTransport } from '../../../src/transport/mesh-channel-transport.js'

/** A channel whose writes never complete until aborted: a peer that stopped reading. */
class StalledChannel implements AsyncIterable<Uint8Array> {
  readonly direction = 'outbound' as const
  aborted: Error | undefined
  frames = 0
  constructor (readonly peer: string, readonly protocol: string) {}
  async send (_frame: Uint8Array, options?: AbortOptions): Promise<void> {
    this.frames++
    await new Promise<void>((_resolve, reject) => {
      options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }, { once: true })
    })
  }

  async close (): Promise<void> {}
  abort (error: Error): void { this.aborted = error }
  async * [Symbol.asyncIterator] (): AsyncGenerator<Uint8Array> {}
}

class StalledHost implements ChannelHost {
  readonly opened: StalledChannel[] = []
  async openChannel (peer: string, options?: { protocol?: string }): Promise<Channel> {
    const channel = new StalledChannel(peer, options?.protocol ?? '')
    this.opened.push(channel)
    return channel as unknown as Channel
  }

  async handle (_protocol: string, _handler: ChannelHandler): Promise<void> {}
  async unhandle (): Promise<void> {}
  connectedPeers (): string[] { return [] }
  reportViolation (): void {}
}

const heartbeat = (to: string): Message => ({ type: 'heartbeat', from: 'self', to, term: 1, commit: 0, context: new Uint8Array() })
const append = (to: string, bytes: number): Message => ({
  type: 'append', from: 'self', to, term: 1, prevIndex: 0, prevTerm: 0, commit: 0, entries: [{ index: 1, term: 1, type: 'normal', data: new Uint8Array(bytes) }]
})

describe('MeshChannelTransport with a peer that stops reading', () => {
  it('gives up on a frame after the send timeout: drops the channel and the queue, reports the peer', async () => {
    const host = new StalledHost()
    const transport = new MeshChannelTransport({ peerId: 'self', channels: host, logger: silentLogger }, { sendTimeoutMs: 50 })
    const unreachable: string[] = []
    await transport.start({ onBatch: () => {}, onUnreachable: peer => { unreachable.push(peer) } })
    transport.send('slow', { group: 'g', message: heartbeat('slow') })
    await new Promise(resolve => setTimeout(resolve, 20))
    transport.send('slow', { group: 'g', message: heartbeat('slow') })
    await new Promise(resolve => setTimeout(resolve, 150))
    expect(unreachable).toEqual(['slow'])
    expect(host.opened[0].aborted).toBeDefined()
    expect(transport.stats().dropped).toBe(2)
    // the next message opens a fresh channel
    transport.send('slow', { group: 'g', message: heartbeat('slow') })
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(host.opened).toHaveLength(2)
    await transport.stop()
  })

  it('bounds what is queued for one peer in bytes', async () => {
    const host = new StalledHost()
    const transport = new MeshChannelTransport({ peerId: 'self', channels: host, logger: silentLogger }, { sendTimeoutMs: 60_000, maxQueuedBytesPerPeer: 100_000 })
    const unreachable: string[] = []
    await transport.start({ onBatch: () => {}, onUnreachable: peer => { unreachable.push(peer) } })
    for (let i = 0; i < 20; i++) transport.send('slow', { group: 'g', message: append('slow', 10_000) })
    expect(transport.stats().dropped).toBeGreaterThanOrEqual(10)
    expect(unreachable.length).toBe(transport.stats().dropped)
    await transport.stop()
  })
})
