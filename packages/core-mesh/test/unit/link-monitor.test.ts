import { describe, expect, it } from '@jest/globals'
import { LinkMonitor, type LinkMonitorHost } from '../../src/link-monitor.js'
import { VirtualClock } from '../../src/testkit/index.js'

/** A host whose pings to `peer` never answer; `frames` is what the registry would count. */
function silentPeer (): { host: LinkMonitorHost, unreachable: string[], traffic: { frames: number } } {
  const unreachable: string[] = []
  const traffic = { frames: 0 }
  const host: LinkMonitorHost = {
    connectedPeers: () => ['peer'],
    ping: async (_peer, signal) => await new Promise<number>((_resolve, reject) => {
      signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
    }),
    framesExchanged: () => traffic.frames,
    rtt: () => {},
    unreachable: (peer) => { unreachable.push(peer) }
  }
  return { host, unreachable, traffic }
}

describe('link monitor', () => {
  const config = { intervalMs: 100, timeoutMs: 20, missesBeforeUnreachable: 2 }

  it('declares a silent peer unreachable after the configured misses', async () => {
    const { host, unreachable } = silentPeer()
    const monitor = new LinkMonitor(host, config, new VirtualClock())
    await monitor.beat()
    expect(unreachable).toEqual([])
    await monitor.beat()
    expect(unreachable).toEqual(['peer'])
  })

  it('does not count a late heartbeat as a miss while frames keep flowing with the peer', async () => {
    const { host, unreachable, traffic } = silentPeer()
    const monitor = new LinkMonitor(host, config, new VirtualClock())
    const busy = setInterval(() => { traffic.frames++ }, 2)
    try {
      for (let i = 0; i < 4; i++) await monitor.beat()
    } finally {
      clearInterval(busy)
    }
    expect(unreachable).toEqual([])
    // Once the traffic stops, the silence counts again.
    await monitor.beat()
    await monitor.beat()
    expect(unreachable).toEqual(['peer'])
  })
})
