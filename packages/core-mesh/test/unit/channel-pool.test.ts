import { describe, expect, it } from '@jest/globals'
import { ChannelPool } from '../../src/channel-pool.js'
import { ChannelClosedError, PeerUnreachableError } from '../../src/errors.js'
import type { Channel, ChannelHost } from '../../src/interfaces/channel.js'

/** A host whose channels record frames and can be closed from the test. */
function fakeHost (): { host: ChannelHost, opened: Array<{ frames: string[], closed: boolean }>, unreachable: Set<string> } {
  const opened: Array<{ frames: string[], closed: boolean }> = []
  const unreachable = new Set<string>()
  const host = {
    openChannel: async (peer: string) => {
      if (unreachable.has(peer)) throw new PeerUnreachableError(peer)
      const state = { frames: [] as string[], closed: false }
      opened.push(state)
      return {
        send: async (frame: Uint8Array) => {
          if (state.closed) throw new ChannelClosedError('closed')
          state.frames.push(new TextDecoder().decode(frame))
        },
        abort: () => { state.closed = true }
      } as unknown as Channel
    }
  } as unknown as ChannelHost
  return { host, opened, unreachable }
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('channel pool', () => {
  it('opens one channel per peer and shares it between concurrent sends', async () => {
    const { host, opened } = fakeHost()
    const pool = new ChannelPool(host, '/p')
    await Promise.all([pool.send('a', utf8('1')), pool.send('a', utf8('2')), pool.send('b', utf8('3'))])
    expect(opened).toHaveLength(2)
    expect(opened[0].frames).toEqual(['1', '2'])
  })

  it('retries once on a fresh channel when the pooled one has closed, so nothing is lost', async () => {
    const { host, opened } = fakeHost()
    const pool = new ChannelPool(host, '/p')
    await pool.send('a', utf8('before'))
    opened[0].closed = true
    await pool.send('a', utf8('after'))
    expect(opened).toHaveLength(2)
    expect(opened[1].frames).toEqual(['after'])
  })

  it('reports an unreachable peer and tries again on the next send', async () => {
    const { host, opened, unreachable } = fakeHost()
    const pool = new ChannelPool(host, '/p')
    unreachable.add('a')
    await expect(pool.send('a', utf8('x'))).rejects.toThrow(PeerUnreachableError)
    unreachable.delete('a')
    await pool.send('a', utf8('y'))
    expect(opened[0].frames).toEqual(['y'])
  })

  it('aborts a channel whose send failed or was given up, so it leaves no orphaned stream', async () => {
    const opened: Array<{ aborted: boolean }> = []
    const host = {
      openChannel: async () => {
        const state = { aborted: false }
        opened.push(state)
        return {
          send: async (_frame: Uint8Array, options?: { signal?: AbortSignal }) => {
            await new Promise((_resolve, reject) => { options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }) })
          },
          abort: () => { state.aborted = true }
        } as unknown as Channel
      }
    } as unknown as ChannelHost
    const pool = new ChannelPool(host, '/p')
    await expect(pool.send('a', utf8('stuck'), { signal: AbortSignal.timeout(20) })).rejects.toThrow()
    expect(opened[0].aborted).toBe(true)
  })

  it('forget aborts the dropped channel, so a flapping peer leaves no orphaned stream', async () => {
    const { host, opened } = fakeHost()
    const pool = new ChannelPool(host, '/p')
    await pool.send('a', utf8('x'))
    pool.forget('a')
    await Promise.resolve()
    expect(opened[0].closed).toBe(true)
    await pool.send('a', utf8('y'))
    expect(opened).toHaveLength(2)
    expect(opened[1]).toEqual({ frames: ['y'], closed: false })
    await pool.closeAll('stopping')
    expect(opened.map(o => o.closed)).toEqual([true, true])
  })

  it('forget during the opening aborts the channel once it opens', async () => {
    const { host, opened } = fakeHost()
    let open: () => void = () => {}
    const gate = new Promise<void>(resolve => { open = resolve })
    const gated = { ...host, openChannel: async (peer: string) => { await gate; return await host.openChannel(peer) } } as unknown as typeof host
    const pool = new ChannelPool(gated, '/p')
    const sending = pool.send('a', utf8('x'))
    pool.forget('a')
    pool.forget('a')
    open()
    await sending.catch(() => {})
    await new Promise(resolve => setImmediate(resolve))
    expect(opened).toHaveLength(1)
    expect(opened[0].closed).toBe(true)
  })

  it('closeAll aborts every pooled channel', async () => {
    const { host, opened } = fakeHost()
    const pool = new ChannelPool(host, '/p')
    await pool.send('a', utf8('x'))
    await pool.send('b', utf8('y'))
    await pool.closeAll('stopping')
    expect(opened.map(o => o.closed)).toEqual([true, true])
  })
})
