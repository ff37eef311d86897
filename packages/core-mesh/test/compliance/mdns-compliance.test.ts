import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { discoveryComplianceRules as rules, discoveryPluginCompliance, type ComplianceCase } from '../../src/compliance/index.js'
import { mdnsDiscovery, type MdnsDiscovery, type MdnsDiscoveryInit } from '../../src/discovery/mdns.js'
import { ComplianceError } from '../../src/errors.js'
import type { AbortOptions } from '../../src/interfaces/abort.js'
import type { DiscoveryContext, DiscoveryPlugin } from '../../src/interfaces/discovery.js'
import { silentLogger } from '../../src/observability.js'

// Real multicast DNS between two instances in this process: a non-standard port and a
// service tag of this run's own keep the test apart from a LAN's mDNS and from parallel runs.
const init: MdnsDiscoveryInit = {
  port: 55353 + Math.floor(Math.random() * 1000),
  serviceTag: `meshwork-compliance-${randomBytes(6).toString('hex')}.local`,
  intervalMs: 200
}
const newPeerId = async (): Promise<string> => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const responderId = await newPeerId()
const pluginId = await newPeerId()
const instance = (id: string, tcpPort: number): MdnsDiscovery =>
  mdnsDiscovery(init)({ addresses: () => [`/ip4/127.0.0.1/tcp/${tcpPort}/p2p/${id}`], logger: silentLogger })

describe('the discovery compliance suite against MdnsDiscovery over real multicast', () => {
  // The peer every plugin under test should find: a second instance answering queries.
  const responder = instance(responderId, 1234)
  beforeAll(async () => { await responder.start({ self: responderId, peerFound: () => {} }) })
  afterAll(async () => { await responder.stop() })

  const cases = discoveryPluginCompliance({
    create: async () => instance(pluginId, 1235),
    seedPeerId: responderId,
    self: pluginId
  })

  it('has a case for every rule', () => {
    expect(cases.map(c => c.name)).toEqual(Object.values(rules))
  })

  for (const c of cases) it(c.name, c.run)

  // The watch windows are long enough to catch a real network plugin breaking a rule.
  const caseFor = (plugin: () => DiscoveryPlugin, rule: string): ComplianceCase => {
    const found = discoveryPluginCompliance({ create: async () => plugin(), seedPeerId: responderId, self: pluginId }).find(c => c.name === rule)
    if (found === undefined) throw new Error(`no case named "${rule}"`)
    return found
  }

  it('fails an mDNS plugin that does not filter context.self', async () => {
    const run = caseFor(() => new UnfilteredMdns(instance(pluginId, 1235)), rules.neverSelf).run()
    await expect(run).rejects.toThrow(ComplianceError)
    await expect(run).rejects.toThrow(`reported context.self (${responderId})`)
  })

  it('fails an mDNS plugin whose stop leaves multicast running', async () => {
    const inner = instance(pluginId, 1235)
    try {
      const run = caseFor(() => new LeakyMdns(inner), rules.quietAfterStop).run()
      await expect(run).rejects.toThrow(ComplianceError)
      await expect(run).rejects.toThrow('peerFound was called after stop() resolved')
    } finally {
      await inner.stop()
    }
  })
})

/** MdnsDiscovery told a self that is not its own: it reports whatever it finds. */
class UnfilteredMdns implements DiscoveryPlugin {
  readonly name = 'mdns-unfiltered'
  constructor (private readonly inner: MdnsDiscovery) {}
  async start (context: DiscoveryContext, options?: AbortOptions): Promise<void> {
    await this.inner.start({ self: 'nobody', peerFound: context.peerFound }, options)
  }

  async stop (): Promise<void> { await this.inner.stop() }
}

/** MdnsDiscovery whose stop does nothing. */
class LeakyMdns implements DiscoveryPlugin {
  readonly name = 'mdns-leaky'
  constructor (private readonly inner: MdnsDiscovery) {}
  async start (context: DiscoveryContext, options?: AbortOptions): Promise<void> {
    await this.inner.start(context, options)
  }

  async stop (): Promise<void> {}
}
