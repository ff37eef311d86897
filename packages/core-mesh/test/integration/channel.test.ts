import { afterEach, describe, expect, it } from '@jest/globals'
import { CHANNEL_PROTOCOL, type Channel } from '../../src/index.js'
import { NodeFixture, eventually, text, utf8 } from './fixtures.js'

describe('channels between real TCP + Noise nodes', () => {
  const fixture = new NodeFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('sends frames both ways, in order, and ends when the remote closes', async () => {
    const a = await fixture.node()
    const b = await fixture.node()
    const received: string[] = []
    await b.handle(CHANNEL_PROTOCOL, async (channel) => {
      for await (const frame of channel) {
        received.push(text(frame))
        await channel.send(utf8(`echo:${text(frame)}`))
      }
      await channel.close()
    })
    await a.join(b.addresses())
    const channel = await a.openChannel(b.peerId)
    const echoes: string[] = []
    const reader = (async () => { for await (const frame of channel) echoes.push(text(frame)) })()
    for (let i = 0; i < 100; i++) await channel.send(utf8(`m${i}`))
    await eventually(() => echoes.length === 100, '100 echoes')
    await channel.close()
    await reader
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`))
    expect(echoes[99]).toBe('echo:m99')
    expect(a.peers().find(p => p.id === b.peerId)?.traffic.messagesOut).toBe(100)
  })

  it('coalesces a burst of small frames into few writes, delivering every frame whole and in order', async () => {
    const a = await fixture.node()
    const b = await fixture.node()
    const received: number[] = []
    await b.handle(CHANNEL_PROTOCOL, async (channel) => {
      for await (const frame of channel) received.push(new DataView(frame.buffer, frame.byteOffset).getUint32(0))
    })
    await a.join(b.addresses())
    const channel = await a.openChannel(b.peerId)
    const stream = (channel as unknown as { stream: { send: (data: unknown) => boolean } }).stream
    let writes = 0
    const send = stream.send.bind(stream)
    stream.send = (data) => { writes++; return send(data) }
    const count = 20_000
    for (let i = 0; i < count; i++) {
      const frame = new Uint8Array(32)
      new DataView(frame.buffer).setUint32(0, i)
      await channel.send(frame)
    }
    await eventually(() => received.length === count, `${count} frames`)
    expect(received).toEqual(Array.from({ length: count }, (_, i) => i))
    expect(writes).toBeLessThan(count / 20)
  })

  it('applies backpressure: a sender to a reader that stops reading waits instead of buffering without bound', async () => {
    const a = await fixture.node()
    const b = await fixture.node()
    let accepted: Channel | undefined
    await b.handle(CHANNEL_PROTOCOL, (channel) => { accepted = channel })
    await a.join(b.addresses())
    const channel = await a.openChannel(b.peerId)
    const frame = new Uint8Array(64 * 1024)
    let sent = 0
    const controller = new AbortController()
    const sending = (async () => {
      try {
        while (true) { await channel.send(frame, { signal: controller.signal }); sent++ }
      } catch { /* aborted */ }
    })()
    await eventually(() => accepted !== undefined, 'inbound channel')
    await new Promise(resolve => setTimeout(resolve, 1000))
    controller.abort()
    await sending
    // The yamux window (4 MiB), the paused read buffer and our frame queue bound what is in flight;
    // unbounded, a second of loopback would be gigabytes.
    expect(sent * frame.byteLength).toBeLessThan(24 * 1024 * 1024)
    expect(sent).toBeGreaterThan(0)
    // Reading resumes the flow and every accepted frame arrives.
    let got = 0
    const reading = (async () => { for await (const _ of accepted!) { if (++got === sent) break } })()
    await reading
    expect(got).toBe(sent)
  })
})
