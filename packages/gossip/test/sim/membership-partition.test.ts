import { describe, expect, it } from '@jest/globals'
import { runSeeded, seedsFromEnv } from '@meshwork/core-mesh/testkit'
import { detectionBoundMs, resolveMembershipConfig } from '../../src/membership/core/config.js'
import { MembershipCluster } from './membership-harness.js'

describe('SWIM partitions (simulated)', () => {
  it('each side declares the other dead, the minority reports PARTITIONED, and after healing all converge and recover', async () => {
    const size = 10
    const overrides = { reconnectIntervalMs: 2_000, pushPullIntervalMs: 10_000 }
    const bound = detectionBoundMs(resolveMembershipConfig(overrides), size)
    await runSeeded(seedsFromEnv(4), seed => {
      const cluster = new MembershipCluster({ seed, size, config: overrides })
      cluster.bootstrap()
      cluster.run(3_000)
      const majority = cluster.ids.slice(0, 6)
      const minority = cluster.ids.slice(6)
      const incarnationsBefore = new Map(cluster.ids.map(id => [id, cluster.core(id).incarnation()]))
      cluster.net.partition(majority, minority)

      const sideView = (member: string, observerSide: readonly string[]): 'alive' | 'dead' => observerSide.includes(member) ? 'alive' : 'dead'
      cluster.runUntil(() => cluster.allSee(majority, m => sideView(m, majority)) && cluster.allSee(minority, m => sideView(m, minority)),
        bound, `each side holds the other dead\n${cluster.describe()}`)
      for (const id of minority) {
        expect(cluster.core(id).status()).toBe('PARTITIONED')
        const partitioned = cluster.eventsOf('partitioned', id).map(e => e.event)
        // It fired once, at the first death that left this side below a quorum of 6 out of 10.
        expect(partitioned).toEqual([{ type: 'partitioned', counts: { reachable: 5, total: 10, quorum: 6 } }])
      }
      for (const id of majority) {
        expect(cluster.core(id).status()).toBe('HEALTHY')
        expect(cluster.eventsOf('partitioned', id)).toEqual([])
      }

      // Stay apart past the gossip-to-the-dead window: only the reconnect loop can merge the sides.
      cluster.run(resolveMembershipConfig().gossipToTheDeadMs + 5_000)
      expect(cluster.allSee(minority, m => sideView(m, minority))).toBe(true)

      cluster.net.heal()
      cluster.runUntil(() => converged(cluster), 30_000, `everyone sees everyone alive at the same incarnations\n${cluster.describe()}`)
      for (const id of cluster.ids) expect(cluster.core(id).status()).toBe('HEALTHY')
      // No flapping on the way: the minority recovered once, the majority never doubted.
      for (const id of minority) expect(cluster.eventsOf('recovered', id).length).toBe(1)
      for (const id of majority) expect(cluster.eventsOf('partitioned', id)).toEqual([])
      // Members came back by outbidding the deaths, not by forgetting them.
      expect(cluster.ids.some(id => cluster.core(id).incarnation() > (incarnationsBefore.get(id) ?? 0))).toBe(true)
      // And the view stays converged.
      cluster.run(20_000)
      expect(converged(cluster)).toBe(true)
      cluster.stopAll()
    })
  })

  it('a lone node cut off in a three-node cluster reports PARTITIONED; two-node clusters never do', async () => {
    await runSeeded(seedsFromEnv(3), seed => {
      for (const size of [2, 3]) {
        const cluster = new MembershipCluster({ seed, size, config: { reconnectIntervalMs: 2_000 } })
        cluster.bootstrap()
        const [lone, ...rest] = cluster.ids
        cluster.net.partition([lone], rest)
        cluster.runUntil(() => rest.every(id => cluster.stateOf(lone, id) === 'dead'), detectionBoundMs(resolveMembershipConfig(), size), `${lone} holds the others dead`)
        expect(cluster.core(lone).status()).toBe(size >= 3 ? 'PARTITIONED' : 'HEALTHY')
        for (const id of rest) expect(cluster.core(id).status()).toBe('HEALTHY')
        cluster.stopAll()
      }
    })
  })
})

/** Every node holds every node alive, and all agree on each member's incarnation. */
function converged (cluster: MembershipCluster): boolean {
  const reference = new Map(cluster.core(cluster.ids[0]).members().map(m => [m.id, m.incarnation]))
  return cluster.ids.every(observer => {
    const members = cluster.core(observer).members()
    return members.length === cluster.ids.length &&
      members.every(m => m.state === 'alive' && reference.get(m.id) === m.incarnation)
  })
}
