import { describe, expect, it } from '@jest/globals'
import { runSeeded, seedsFromEnv } from '@meshwork/core-mesh/testkit'
import { PlumtreeSim } from './plumtree-harness.js'

const RUN = { maxSteps: 20_000_000 }
/** A node counts as connected once every view has had time to learn of it. */
const SETTLE_MS = 1_000
/** An origin must stay up this long after a broadcast for the message to be owed to everyone. */
const ORIGIN_GRACE_MS = 3_000

function nodeIds (count: number, prefix = 'n'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`)
}

/** Broadcast `count` messages, one every `everyMs` from `startAt`, each from a random node that is up. */
function scheduleBroadcasts (sim: PlumtreeSim, count: number, startAt: number, everyMs: number): void {
  const pick = sim.random.fork('origins')
  for (let i = 0; i < count; i++) {
    sim.at(startAt + i * everyMs, () => { sim.broadcast(pick.pick(sim.upNodes())) })
  }
}

function meanEagerDegree (sim: PlumtreeSim): number {
  const up = sim.upNodes()
  return up.reduce((sum, id) => sum + sim.core(id).eagerPeers().length, 0) / up.length
}

describe('Plumtree on a simulated network', () => {
  it('100 nodes: every node delivers every message once; the tree converges to one copy per node', async () => {
    await runSeeded(seedsFromEnv(3), seed => {
      const sim = new PlumtreeSim({ seed })
      for (const id of nodeIds(100)) sim.start(id)
      scheduleBroadcasts(sim, 40, 2_000, 100)
      sim.clock.runUntilIdle(RUN)

      expect(sim.violations({ settleMs: SETTLE_MS, originGraceMs: ORIGIN_GRACE_MS })).toEqual([])
      expect(sim.sent).toHaveLength(40)
      // The first message or two prune the random overlay (each node starts with ~8 eager
      // links) down to a tree; after that each node gets about one payload per message, where
      // flooding that overlay would deliver ~8.
      const warm = sim.meanCopies(sim.sent.slice(5))
      expect(warm).toBeLessThanOrEqual(1.5)
      expect(sim.meanCopies(sim.sent.slice(0, 1))).toBeGreaterThan(warm)
      // A spanning tree on n nodes has n − 1 edges: mean eager degree 2(n − 1)/n < 2.
      expect(meanEagerDegree(sim)).toBeLessThan(2.5)
    })
  })

  it('10% message loss and 5% duplication: GRAFT repair fills every gap, each message delivered once', async () => {
    await runSeeded(seedsFromEnv(3), seed => {
      const sim = new PlumtreeSim({ seed, link: { loss: 0.1, duplicate: 0.05 } })
      for (const id of nodeIds(60)) sim.start(id)
      scheduleBroadcasts(sim, 30, 2_000, 100)
      sim.clock.runUntilIdle(RUN)

      expect(sim.violations({ settleMs: SETTLE_MS, originGraceMs: ORIGIN_GRACE_MS })).toEqual([])
      const repairs = sim.upNodes().reduce((sum, id) => sum + sim.core(id).stats.repairGrafts, 0)
      expect(repairs).toBeGreaterThan(0)
      // Every repair adds a link that the next message finds redundant: more copies than on a
      // clean network (~1.4 here), still far below flooding.
      expect(sim.meanCopies(sim.sent.slice(5))).toBeLessThanOrEqual(2)
    })
  })

  it('20% churn while broadcasting: every node that is live and connected gets every message', async () => {
    await runSeeded(seedsFromEnv(3), seed => {
      const sim = new PlumtreeSim({ seed, link: { loss: 0.01 } })
      const initial = nodeIds(80)
      for (const id of initial) sim.start(id)
      const chaos = sim.random.fork('chaos')
      // From t=2 s to t=10 s: 16 of the 80 (20%) crash, half of them restart 1–3 s later, and
      // 8 new nodes join — while a message goes out every 100 ms from t=2 s to t=17 s.
      const victims = chaos.sample(initial, 16)
      victims.forEach((id, i) => {
        const crashAt = Math.round(chaos.range(2_000, 10_000))
        sim.at(crashAt, () => { sim.crash(id) })
        if (i % 2 === 0) sim.at(crashAt + Math.round(chaos.range(1_000, 3_000)), () => { sim.start(id) })
      })
      for (const id of nodeIds(8, 'new')) sim.at(Math.round(chaos.range(2_000, 10_000)), () => { sim.start(id) })
      scheduleBroadcasts(sim, 150, 2_000, 100)
      sim.clock.runUntilIdle(RUN)

      expect(sim.violations({ settleMs: SETTLE_MS, originGraceMs: ORIGIN_GRACE_MS })).toEqual([])
      expect(sim.upNodes()).toHaveLength(80 - 16 + 8 + 8)
      // While nodes come and go, repairs add links and duplicates prune them again...
      const during = sim.sent.filter(m => m.sentAt >= 2_000 && m.sentAt < 13_000)
      expect(sim.meanCopies(during)).toBeLessThanOrEqual(1.6)
      // ...and once the views have settled the overlay is a tree again (but for the links that
      // repairs of the 1% lost pushes keep adding).
      const after = sim.sent.filter(m => m.sentAt >= 15_000)
      expect(sim.meanCopies(after)).toBeLessThanOrEqual(1.25)
    })
  })

  it('tree optimisation (opt-in): with one origin, lazy peers closer to it shorten the tree', async () => {
    await runSeeded(seedsFromEnv(3), seed => {
      const sim = new PlumtreeSim({ seed, config: { optimizationThreshold: 2 } })
      for (const id of nodeIds(100)) sim.start(id)
      for (let i = 0; i < 40; i++) sim.at(2_000 + i * 100, () => { sim.broadcast('n0') })
      sim.clock.runUntilIdle(RUN)

      expect(sim.violations({ settleMs: SETTLE_MS, originGraceMs: ORIGIN_GRACE_MS })).toEqual([])
      const maxHops = (ids: typeof sim.sent): number => Math.max(...ids.flatMap(m => sim.hops.get(m.id) ?? []))
      expect(maxHops(sim.sent.slice(-10))).toBeLessThan(maxHops(sim.sent.slice(0, 1)))
      expect(sim.upNodes().reduce((sum, id) => sum + sim.core(id).stats.optimizations, 0)).toBeGreaterThan(0)
      expect(sim.meanCopies(sim.sent.slice(5))).toBeLessThanOrEqual(1.5)
    })
  })
})
