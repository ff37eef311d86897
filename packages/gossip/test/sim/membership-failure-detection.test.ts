import { describe, expect, it } from '@jest/globals'
import { runSeeded, seedsFromEnv } from '@meshwork/core-mesh/testkit'
import { DEFAULT_MEMBERSHIP_CONFIG, detectionBoundMs, resolveMembershipConfig, suspicionTimeoutsMs } from '../../src/membership/core/config.js'
import { MembershipCluster } from './membership-harness.js'

describe('SWIM failure detection (simulated)', () => {
  for (const size of [10, 30]) {
    it(`declares a crashed node dead at every live node within detectionBoundMs (n=${size})`, async () => {
      const config = resolveMembershipConfig()
      const bound = detectionBoundMs(config, size)
      await runSeeded(seedsFromEnv(size === 10 ? 5 : 3), seed => {
        const cluster = new MembershipCluster({ seed, size })
        cluster.bootstrap()
        cluster.run(5_000)
        const victim = cluster.ids[seed % size]
        cluster.crash(victim)
        const live = cluster.upNodes()
        let worstHealth = 0
        const took = cluster.runUntil(() => {
          // Helpers nack when they cannot reach the victim either: its probers stay healthy.
          for (const id of live) worstHealth = Math.max(worstHealth, cluster.core(id).localHealth())
          return live.every(id => cluster.stateOf(id, victim) === 'dead')
        }, bound, `every live node holds ${victim} dead\n${cluster.describe()}`)
        expect(worstHealth).toBe(0)
        expect(took).toBeLessThanOrEqual(bound)
        // Lifeguard: the other probers' confirmations cut the suspicion well below its maximum.
        expect(took).toBeLessThan(suspicionTimeoutsMs(config, size).maxMs)
        // Nobody else was harmed on the way.
        for (const id of live) expect(cluster.core(id).liveMembers().sort()).toEqual(live.filter(other => other !== id))
        cluster.stopAll()
      })
    })
  }

  it('never declares dead a node paused for less than the minimum suspicion timeout, without loss and with 10% loss', async () => {
    const size = 10
    const { minMs } = suspicionTimeoutsMs(resolveMembershipConfig(), size)
    await runSeeded(seedsFromEnv(4), seed => {
      for (const loss of [0, 0.1]) {
        const cluster = new MembershipCluster({ seed, size, link: { loss } })
        cluster.bootstrap(loss > 0 ? 60_000 : 30_000)
        const sleeper = cluster.ids[1 + seed % (size - 1)]
        for (let round = 0; round < 4; round++) {
          cluster.run(7_000)
          cluster.pause(sleeper)
          cluster.run(Math.floor(minMs * 0.8))
          cluster.resume(sleeper)
        }
        cluster.run(30_000)
        const deaths = cluster.eventsOf('member:dead').map(e => `${e.node} declared ${e.event.type === 'member:dead' ? e.event.member.id : ''} at ${e.at}`)
        expect({ loss, deaths }).toEqual({ loss, deaths: [] })
        // The sleeper was suspected and refuted: the protocol did work, not nothing.
        expect(cluster.eventsAbout('member:suspect', sleeper).length).toBeGreaterThan(0)
        expect(cluster.core(sleeper).incarnation()).toBeGreaterThan(0)
        for (const id of cluster.ids) expect(cluster.core(id).liveMembers().length).toBe(size - 1)
        cluster.stopAll()
      }
    })
  })

  it('a falsely suspected node refutes with a higher incarnation and is never declared dead', async () => {
    const config = resolveMembershipConfig()
    await runSeeded(seedsFromEnv(5), seed => {
      const cluster = new MembershipCluster({ seed, size: 8 })
      cluster.bootstrap()
      const [accuser, victim, bystander] = cluster.ids
      const before = cluster.core(victim).incarnation()
      const falseClaim = { type: 'suspect' as const, member: victim, incarnation: before, from: accuser, signature: new Uint8Array(0) }
      // As if the accuser's (authenticated) gossip reached one bystander.
      cluster.core(bystander).receive(accuser, { type: 'gossip', updates: [falseClaim] })
      expect(cluster.stateOf(bystander, victim)).toBe('suspect')
      cluster.runUntil(() => cluster.core(victim).incarnation() > before, 5_000, `${victim} refutes`, 1)
      expect(cluster.core(victim).incarnation()).toBe(before + 1)
      cluster.runUntil(() => cluster.ids.every(id => cluster.stateOf(id, victim) === 'alive' && cluster.core(id).member(victim)?.incarnation === before + 1),
        // Within two probe rounds of the victim (which answer any member still suspecting it).
        2 * 7 * config.probeIntervalMs + 2_000, `everyone holds ${victim} alive at incarnation ${before + 1}\n${cluster.describe()}`)
      expect(cluster.eventsOf('member:alive', bystander).some(e => e.event.type === 'member:alive' && e.event.member.id === victim)).toBe(true)
      cluster.run(60_000)
      expect(cluster.eventsAbout('member:dead', victim)).toEqual([])
      cluster.stopAll()
    })
  })

  it('indirect probes keep a member alive when only the direct link to it is broken', async () => {
    await runSeeded(seedsFromEnv(3), seed => {
      const cluster = new MembershipCluster({ seed, size: 6 })
      cluster.bootstrap()
      const [prober, target] = cluster.ids
      let pingReqs = 0
      cluster.onSend = (_at, from, _to, message) => { if (from === prober && message.type === 'ping-req' && message.target === target) pingReqs++ }
      cluster.net.partition([prober], [target])
      cluster.run(60_000)
      expect(pingReqs).toBeGreaterThan(0)
      expect(cluster.eventsAbout('member:suspect', target)).toEqual([])
      expect(cluster.stateOf(prober, target)).toBe('alive')
      cluster.stopAll()
    })
  })

  it('scales the probe interval and probe timeout with the local health score (awareness)', async () => {
    await runSeeded(seedsFromEnv(3), seed => {
      // A huge suspicion multiplier: nobody is declared dead, so the cut-off node keeps probing.
      const cluster = new MembershipCluster({ seed, size: 4, config: { suspicionMult: 1000 } })
      cluster.bootstrap()
      const [lonely, ...others] = cluster.ids
      const core = cluster.core(lonely)
      // Each probe's ping, with the score it was scaled by, and the probe's ping-reqs.
      const pings: Array<{ at: number, score: number }> = []
      const pingReqs: number[] = []
      cluster.onSend = (at, from, _to, message) => {
        if (from === lonely && message.type === 'ping') pings.push({ at, score: core.localHealth() })
        if (from === lonely && message.type === 'ping-req' && pingReqs.at(-1) !== at) pingReqs.push(at)
      }
      expect(core.localHealth()).toBe(0)
      cluster.net.partition([lonely], others)
      cluster.run(60_000)
      cluster.onSend = undefined
      // Missed nacks (helpers cut off too) and failed probes drove the score to its maximum.
      expect(core.localHealth()).toBe(DEFAULT_MEMBERSHIP_CONFIG.awarenessMax - 1)
      const { probeIntervalMs, probeTimeoutMs } = DEFAULT_MEMBERSHIP_CONFIG
      for (let i = 1; i < pings.length; i++) {
        expect(pings[i].at - pings[i - 1].at).toBe(probeIntervalMs * (pings[i - 1].score + 1))
      }
      expect(pings.filter(p => p.score === DEFAULT_MEMBERSHIP_CONFIG.awarenessMax - 1).length).toBeGreaterThan(2)
      // The direct-ack window stretches by the same factor: ping-reqs go out a scaled probe
      // timeout after their probe's ping.
      const scaledWindows = pingReqs.map(at => {
        const ping = pings.filter(p => p.at <= at).pop()
        return ping === undefined ? undefined : { direct: at - ping.at, expected: probeTimeoutMs * (ping.score + 1) }
      }).filter(w => w !== undefined)
      expect(scaledWindows.some(w => w.expected > probeTimeoutMs)).toBe(true)
      for (const w of scaledWindows) expect(w.direct).toBe(w.expected)
      // Healed, successful probes bring the score back down, and the interval with it.
      cluster.net.heal()
      cluster.run(120_000)
      expect(cluster.core(lonely).localHealth()).toBe(0)
      cluster.stopAll()
    })
  })
})
