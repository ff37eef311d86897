import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { type DiscoveredPeer, silentLogger, systemClock } from '@meshwork/core-mesh'
import { discoveryComplianceRules, discoveryPluginCompliance } from '@meshwork/core-mesh/compliance'
import { VirtualClock } from '@meshwork/core-mesh/testkit'
import { fileDiscovery } from '../src/index.js'

const newPeerId = async (): Promise<string> => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const dir = await mkdtemp(join(tmpdir(), 'meshwork-file-discovery-'))
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

const seedPeerId = await newPeerId()
const peersTxt = join(dir, 'peers.txt')
await writeFile(peersTxt, [
  '# peers for the compliance suite',
  `/ip4/127.0.0.1/tcp/4001/p2p/${seedPeerId}`,
  '',
  `/ip4/127.0.0.1/tcp/4002/p2p/${await newPeerId()}`
].join('\n'))

describe('fileDiscovery keeps the DiscoveryPlugin contract', () => {
  const cases = discoveryPluginCompliance({
    create: async () => fileDiscovery({ path: peersTxt, intervalMs: 50 })({ clock: systemClock, logger: silentLogger }),
    seedPeerId
  })

  it('is checked against every rule', () => {
    expect(cases.map(c => c.name)).toEqual(Object.values(discoveryComplianceRules))
  })

  for (const c of cases) it(c.name, c.run)
})

describe('fileDiscovery re-reads the file', () => {
  it('every interval, and reports only the entries that are new', async () => {
    const [a, b, self] = await Promise.all([newPeerId(), newPeerId(), newPeerId()])
    const path = join(dir, 'peers.json')
    const clock = new VirtualClock()
    const found: DiscoveredPeer[] = []
    const plugin = fileDiscovery({ path, intervalMs: 1000 })({ clock, logger: silentLogger })
    await writeFile(path, JSON.stringify([`/ip4/10.0.0.1/tcp/4001/p2p/${a}`, `/ip4/10.0.0.9/tcp/4001/p2p/${self}`]))
    await plugin.start({ self, peerFound: peer => { found.push(peer) } })
    try {
      // A read is done when its successor is scheduled.
      await eventually(() => clock.pendingTimers === 1)
      expect(found).toEqual([{ id: a, addresses: [`/ip4/10.0.0.1/tcp/4001/p2p/${a}`] }])

      await writeFile(path, JSON.stringify([
        `/ip4/10.0.0.1/tcp/4001/p2p/${a}`,
        `/ip4/10.0.0.9/tcp/4001/p2p/${self}`,
        `/ip4/10.0.0.2/tcp/4001/p2p/${b}`,
        `/ip4/10.0.0.2/udp/4001/quic-v1/p2p/${b}`
      ]))
      // Nothing happens until the interval has passed on the plugin's clock.
      clock.advance(999)
      expect(clock.pendingTimers).toBe(1)
      expect(found).toHaveLength(1)
      clock.advance(1)
      await eventually(() => clock.pendingTimers === 1)
      expect(found).toHaveLength(2)
      expect(found[1]).toEqual({ id: b, addresses: [`/ip4/10.0.0.2/tcp/4001/p2p/${b}`, `/ip4/10.0.0.2/udp/4001/quic-v1/p2p/${b}`] })

      // A re-read of an unchanged file reports nothing again.
      clock.advance(1000)
      await eventually(() => clock.pendingTimers === 1)
      expect(found).toHaveLength(2)
    } finally {
      await plugin.stop()
    }
  })
})

async function eventually (predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the plugin')
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}
