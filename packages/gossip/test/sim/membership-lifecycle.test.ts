import { describe, expect, it } from '@jest/globals'
import { runSeeded, seedsFromEnv } from '@meshwork/core-mesh/testkit'
import { detectionBoundMs, resolveMembershipConfig } from '../../src/membership/core/config.js'
import type { AliveUpdate } from '../../src/membership/core/messages.js'
import { MembershipCluster } from './membership-harness.js'

/** Two probe rounds and a little: by then the node has probed, and so corrected, every member. */
function repairWithinMs (size: number): number {
  return 2 * (size - 1) * resolveMembershipConfig().probeIntervalMs + 2_000
}

describe('SWIM member lifecycle (simulated)', () => {
  it('join: every node appears in every list through its alive claim', async () => {
    await runSeeded(seedsFromEnv(5), seed => {
      const cluster = new MembershipCluster({ seed, size: 12 })
      cluster.bootstrap(20_000)
      for (const id of cluster.ids) {
        expect(cluster.core(id).liveMembers().sort()).toEqual(cluster.ids.filter(other => other !== id))
        expect(cluster.core(id).member(cluster.ids[5])?.addresses).toEqual([`/memory/${cluster.ids[5]}`])
      }
      // Every node announced every other one exactly once.
      for (const id of cluster.ids) expect(cluster.eventsOf('member:join', id).length).toBe(cluster.ids.length - 1)
      cluster.stopAll()
    })
  })

  it('graceful leave: left everywhere (never dead), then the tombstone is reaped after tombstoneMs', async () => {
    const tombstoneMs = 120_000
    await runSeeded(seedsFromEnv(5), seed => {
      const cluster = new MembershipCluster({ seed, size: 8, config: { tombstoneMs } })
      cluster.bootstrap()
      const leaver = cluster.ids[3]
      const others = cluster.ids.filter(id => id !== leaver)
      const oldClaim = cluster.core(others[0]).snapshot().members.find(m => m.member === leaver) as AliveUpdate
      let completedAt = -1
      cluster.core(leaver).onEvent(event => { if (event.type === 'leave:complete') completedAt = cluster.clock.now() })
      const leftAt = cluster.clock.now()
      cluster.core(leaver).leave()
      cluster.runUntil(() => others.every(id => cluster.stateOf(id, leaver) === 'left'), 5_000, `everyone holds ${leaver} left\n${cluster.describe(others)}`)
      cluster.run(5_000)
      expect(completedAt - leftAt).toBe(resolveMembershipConfig().leavePropagateMs)
      expect(cluster.eventsAbout('member:dead', leaver)).toEqual([])
      expect(cluster.eventsAbout('member:left', leaver).length).toBe(others.length)
      for (const id of others) expect(cluster.core(id).liveMembers()).not.toContain(leaver)
      // A left node does not count against the quorum: nobody is partitioned.
      for (const id of others) expect(cluster.core(id).status()).toBe('HEALTHY')
      // The stopped leaver answers nothing and is not suspected.
      cluster.run(30_000)
      expect(cluster.eventsAbout('member:suspect', leaver)).toEqual([])

      // A replayed old alive claim does not resurrect the tombstone.
      const observer = others[0]
      cluster.core(observer).receive(others[1], { type: 'gossip', updates: [oldClaim] })
      expect(cluster.stateOf(observer, leaver)).toBe('left')
      cluster.core(observer).receive(others[1], { type: 'push-pull', join: false, reply: false, members: [oldClaim] })
      expect(cluster.stateOf(observer, leaver)).toBe('left')

      const reapedBy = cluster.runUntil(() => others.every(id => cluster.core(id).member(leaver) === undefined), tombstoneMs, `everyone reaps ${leaver}`, 500)
      expect(cluster.clock.now() - leftAt).toBeGreaterThanOrEqual(tombstoneMs)
      expect(cluster.clock.now() - leftAt).toBeLessThan(tombstoneMs + 5_000)
      expect(reapedBy).toBeGreaterThan(0)
      expect(cluster.eventsOf('member:reaped').filter(e => e.event.type === 'member:reaped' && e.event.id === leaver).length).toBe(others.length)
      cluster.stopAll()
    })
  })

  it('a failed member is refused old claims while tombstoned and reaped after tombstoneMs', async () => {
    const tombstoneMs = 60_000
    await runSeeded(seedsFromEnv(3), seed => {
      const cluster = new MembershipCluster({ seed, size: 6, config: { tombstoneMs, reconnectIntervalMs: 5_000 } })
      cluster.bootstrap()
      const victim = cluster.ids[2]
      const oldClaim = cluster.core(cluster.ids[0]).snapshot().members.find(m => m.member === victim) as AliveUpdate
      cluster.crash(victim)
      const live = cluster.upNodes()
      cluster.runUntil(() => live.every(id => cluster.stateOf(id, victim) === 'dead'), detectionBoundMs(resolveMembershipConfig(), 6), 'victim dead everywhere')
      cluster.core(live[0]).receive(live[1], { type: 'gossip', updates: [oldClaim] })
      expect(cluster.stateOf(live[0], victim)).toBe('dead')
      cluster.runUntil(() => live.every(id => cluster.core(id).member(victim) === undefined), tombstoneMs + 1_000, 'victim reaped everywhere', 500)
      expect(cluster.eventsOf('member:reaped').length).toBe(live.length)
      cluster.stopAll()
    })
  })

  it('restart: a crashed node restored from its snapshot rejoins with a higher incarnation', async () => {
    await runSeeded(seedsFromEnv(5), seed => {
      const cluster = new MembershipCluster({ seed, size: 8 })
      cluster.bootstrap()
      const phoenix = cluster.ids[4]
      // Make it refute once, so its incarnation is not the starting one.
      cluster.core(cluster.ids[0]).receive(cluster.ids[1], { type: 'gossip', updates: [{ type: 'suspect', member: phoenix, incarnation: 0, from: cluster.ids[1], signature: new Uint8Array(0) }] })
      cluster.runUntil(() => cluster.core(phoenix).incarnation() === 1, 5_000, 'first refutation')
      cluster.run(3_000)
      const saved = cluster.core(phoenix).snapshot()
      expect(saved.incarnation).toBe(1)
      expect(saved.members.map(m => m.member).sort()).toEqual(cluster.ids.filter(id => id !== phoenix))

      cluster.crash(phoenix)
      const live = cluster.upNodes()
      cluster.runUntil(() => live.every(id => cluster.stateOf(id, phoenix) === 'dead'), detectionBoundMs(resolveMembershipConfig(), 8), 'phoenix dead everywhere')
      const joinsBefore = cluster.eventsAbout('member:join', phoenix).length

      const rejoins: string[] = []
      cluster.onSend = (_at, from, to, message) => { if (from === phoenix && message.type === 'push-pull' && message.join) rejoins.push(to) }
      const reborn = cluster.restart(phoenix, saved)
      cluster.onSend = undefined
      expect(reborn.incarnation()).toBe(2)
      // It rejoins at once through a few of the members it persisted.
      expect(new Set(rejoins).size).toBe(3)
      for (const id of rejoins) expect(live).toContain(id)
      // It knows its members at once, and they learn of it from its rejoin push-pulls.
      expect(reborn.liveMembers().sort()).toEqual(live)
      // Gossip reaches most members at once; one that missed every copy still holds the old
      // death, and learns at the latest when the phoenix probes it (within two probe rounds):
      // its ack carries the death, and the phoenix answers with its new claim.
      cluster.runUntil(() => live.every(id => cluster.stateOf(id, phoenix) === 'alive'), repairWithinMs(8), `everyone sees ${phoenix} alive again\n${cluster.describe()}`)
      for (const id of live) expect(cluster.core(id).member(phoenix)?.incarnation).toBeGreaterThanOrEqual(2)
      expect(cluster.eventsAbout('member:join', phoenix).length - joinsBefore).toBe(live.length)
      cluster.run(30_000)
      expect(cluster.allSee(cluster.ids, () => 'alive')).toBe(true)
      cluster.stopAll()
    })
  })

  it('a restarted node whose old life was declared dead at a higher incarnation outbids it', async () => {
    await runSeeded(seedsFromEnv(3), seed => {
      const cluster = new MembershipCluster({ seed, size: 6 })
      cluster.bootstrap()
      const phoenix = cluster.ids[1]
      const stale = cluster.core(phoenix).snapshot() // taken before a refutation: too low
      cluster.core(cluster.ids[0]).receive(cluster.ids[2], { type: 'gossip', updates: [{ type: 'suspect', member: phoenix, incarnation: 0, from: cluster.ids[2], signature: new Uint8Array(0) }] })
      cluster.runUntil(() => cluster.ids.every(id => cluster.core(id).member(phoenix)?.incarnation === 1), 5_000, 'refutation spreads')
      cluster.crash(phoenix)
      const live = cluster.upNodes()
      cluster.runUntil(() => live.every(id => cluster.stateOf(id, phoenix) === 'dead'), detectionBoundMs(resolveMembershipConfig(), 6), 'phoenix dead everywhere')
      const reborn = cluster.restart(phoenix, stale)
      expect(reborn.incarnation()).toBe(1) // equal to its death: refused until it hears and refutes
      cluster.runUntil(() => live.every(id => cluster.stateOf(id, phoenix) === 'alive'), repairWithinMs(6), `everyone sees ${phoenix} alive again\n${cluster.describe()}`)
      expect(reborn.incarnation()).toBe(2)
      cluster.stopAll()
    })
  })

  it('metadata and address changes reach every member', async () => {
    await runSeeded(seedsFromEnv(5), seed => {
      const cluster = new MembershipCluster({ seed, size: 10 })
      cluster.bootstrap()
      const changer = cluster.ids[7]
      const before = cluster.core(changer).incarnation()
      cluster.core(changer).setMetadata({ region: 'eu-west', roles: ['relay'], tags: { rack: 'r12' } })
      const others = cluster.ids.filter(id => id !== changer)
      cluster.runUntil(() => others.every(id => cluster.core(id).member(changer)?.metadata.region === 'eu-west'), 5_000, 'metadata spreads')
      for (const id of others) {
        expect(cluster.core(id).member(changer)).toMatchObject({ state: 'alive', incarnation: before + 1, metadata: { region: 'eu-west', roles: ['relay'], tags: { rack: 'r12' } } })
      }
      expect(cluster.eventsAbout('member:update', changer).map(e => e.node).sort()).toEqual(others)
      cluster.core(changer).setAddresses(['/memory/elsewhere'])
      cluster.runUntil(() => others.every(id => cluster.core(id).member(changer)?.addresses[0] === '/memory/elsewhere'), 5_000, 'addresses spread')
      cluster.stopAll()
    })
  })
})
