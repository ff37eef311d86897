import { afterAll, describe, expect, it } from '@jest/globals'
import { discoveryComplianceRules, discoveryPluginCompliance } from '@meshwork/core-mesh/compliance'
import { MembershipDiscovery } from '../../src/membership/membership-discovery.js'
import { allAlive, eventually, MembershipFixture } from '../integration/membership-fixtures.js'

/**
 * The membership discovery plugin against core-mesh's DiscoveryPlugin compliance suite, on a
 * real three-member SWIM cluster: the plugin reads `a`'s member list, where `c` (the seed peer
 * the suite waits for) is a live member.
 */
const fixture = new MembershipFixture()
const a = await fixture.node()
const b = await fixture.node({}, { bootstrap: [a.address] })
const c = await fixture.node({}, { bootstrap: [b.address] })
await eventually(() => allAlive([a, b, c]), 'three members alive', 20_000)
afterAll(async () => { await fixture.stopAll() })

describe('MembershipDiscovery keeps the DiscoveryPlugin contract', () => {
  const cases = discoveryPluginCompliance({
    create: async () => new MembershipDiscovery(() => a.membership),
    seedPeerId: c.id,
    self: a.id
  })

  it('is checked against every rule', () => {
    expect(cases.map(x => x.name)).toEqual(Object.values(discoveryComplianceRules))
  })

  for (const x of cases) it(x.name, x.run, 20_000)
})
