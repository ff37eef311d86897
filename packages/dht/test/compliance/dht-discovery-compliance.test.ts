import { afterAll, describe, expect, it } from '@jest/globals'
import { systemClock, systemRandom } from '@meshwork/core-mesh'
import { discoveryComplianceRules, discoveryPluginCompliance } from '@meshwork/core-mesh/compliance'
import { DhtDiscovery } from '../../src/index.js'
import { DhtFixture, eventually, type DhtNode } from '../fixtures.js'

/**
 * The random-walk discovery plugin, run against the core-mesh DiscoveryPlugin compliance suite
 * on a real three-node DHT: the plugin walks from `a`, which knows only `b`; the seed peer the
 * suite waits for is `c`, which only `b` knows at first.
 */
const fixture = new DhtFixture()
const quiet = { randomWalkIntervalMs: 600_000 }
const b = await fixture.node({}, quiet)
const a: DhtNode = await fixture.node({ bootstrap: [b.address] }, quiet)
const c: DhtNode = await fixture.node({ bootstrap: [b.address] }, quiet)
await eventually(() => b.dht.routingTablePeers().includes(c.id) && a.dht.status().routingTableSize > 0, 'b knows c', 10_000)
afterAll(async () => { await fixture.stopAll() })

describe('DhtDiscovery keeps the DiscoveryPlugin contract', () => {
  const cases = discoveryPluginCompliance({
    create: async () => new DhtDiscovery(() => a.dht.kad, { intervalMs: 200, bootstrap: [], walkTimeoutMs: 2_000 }, systemClock, systemRandom),
    seedPeerId: c.id,
    self: a.id
  })

  it('is checked against every rule', () => {
    expect(cases.map(x => x.name)).toEqual(Object.values(discoveryComplianceRules))
  })

  for (const x of cases) it(x.name, x.run, 20_000)
})
