import { describe, expect, it } from '@jest/globals'
import { SeededRandom } from '../../src/testkit/seeded-random.js'
import { SimulatedNetwork } from '../../src/testkit/simulated-network.js'
import type { NetworkEvent, NetworkStats, SimulatedNetworkInit } from '../../src/testkit/simulated-network.js'
import { VirtualClock } from '../../src/testkit/virtual-clock.js'

interface Received {
  at: number
  from: string
  to: string
  message: number
}

/** A network of nodes that record what they receive, and a trace of every event. */
function setup (ids: string[], options: Partial<SimulatedNetworkInit<number>> = {}, seed = 1): {
  clock: VirtualClock
  net: SimulatedNetwork<number>
  received: Received[]
  events: Array<NetworkEvent<number>>
} {
  const clock = new VirtualClock()
  const received: Received[] = []
  const events: Array<NetworkEvent<number>> = []
  const net = new SimulatedNetwork<number>({ clock, random: new SeededRandom(seed), trace: event => events.push(event), ...options })
  for (const id of ids) net.addNode(id, (from, message) => received.push({ at: clock.now(), from, to: id, message }))
  return { clock, net, received, events }
}

const totalDropped = (stats: NetworkStats): number => stats.dropped.loss + stats.dropped.partition + stats.dropped.crash

/** sent + duplicated copies are each delivered, dropped, in flight or queued. */
function expectStatsBalance (stats: NetworkStats): void {
  expect(stats.delivered + totalDropped(stats) + stats.inFlight + stats.queued).toBe(stats.sent + stats.duplicated)
}

/** How many pairs of messages arrived in the opposite order to the one they were sent in. */
function inversions (messages: number[]): number {
  let count = 0
  for (let i = 0; i < messages.length; i++) {
    for (let j = i + 1; j < messages.length; j++) if (messages[i] > messages[j]) count++
  }
  return count
}

describe('SimulatedNetwork', () => {
  describe('delivery', () => {
    it('delivers to the handler after the configured delay, with the sender id', () => {
      const { clock, net, received } = setup(['a', 'b'], { delay: { minMs: 5, maxMs: 5 } })
      net.send('a', 'b', 42)
      clock.advance(4)
      expect(received).toEqual([])
      clock.advance(1)
      expect(received).toEqual([{ at: 5, from: 'a', to: 'b', message: 42 }])
    })

    it('defaults to a 1 ms delay and no faults', () => {
      const { clock, net, received } = setup(['a', 'b'])
      for (let i = 0; i < 100; i++) net.send('a', 'b', i)
      clock.advance(1)
      expect(received.map(r => r.message)).toEqual(Array.from({ length: 100 }, (_, i) => i))
      expect(net.conditionsFor('a', 'b')).toEqual({ delay: { minMs: 1, maxMs: 1 }, loss: 0, duplicate: 0, reorder: 0 })
    })

    it('draws delays uniformly within [minMs, maxMs], reaching both ends', () => {
      const { clock, net, events } = setup(['a', 'b'], { delay: { minMs: 5, maxMs: 15 } })
      for (let i = 0; i < 2000; i++) net.send('a', 'b', i)
      clock.runUntilIdle()
      const delays = events.map(e => e.at - e.sentAt)
      expect(delays).toHaveLength(2000)
      expect(Math.min(...delays)).toBe(5)
      expect(Math.max(...delays)).toBe(15)
      const counts = new Map<number, number>()
      for (const d of delays) counts.set(d, (counts.get(d) ?? 0) + 1)
      expect(counts.size).toBe(11)
      for (const count of counts.values()) expect(Math.abs(count - 2000 / 11)).toBeLessThan(60)
    })

    it('delivers a message by reference unless given a clone function', () => {
      const clock = new VirtualClock()
      const message = { n: 1 }
      const got: Array<{ n: number }> = []
      const byReference = new SimulatedNetwork<{ n: number }>({ clock, random: new SeededRandom(1) })
      const cloning = new SimulatedNetwork<{ n: number }>({ clock, random: new SeededRandom(1), clone: structuredClone })
      for (const net of [byReference, cloning]) {
        net.addNode('a', () => {})
        net.addNode('b', (_, m) => got.push(m))
        net.send('a', 'b', message)
      }
      message.n = 2 // the sender changes its object after sending
      clock.runUntilIdle()
      expect(got[0]).toBe(message)
      expect(got[1]).not.toBe(message)
      expect(got[1]).toEqual({ n: 1 })
    })

    it('lets a handler send, and delivers that too', () => {
      const clock = new VirtualClock()
      const net = new SimulatedNetwork<number>({ clock, random: new SeededRandom(1), delay: { minMs: 2, maxMs: 2 } })
      const log: string[] = []
      net.addNode('a', (from, n) => { log.push(`a got ${n} at ${clock.now()}`) })
      net.addNode('b', (from, n) => { net.send('b', from, n + 1) })
      net.send('a', 'b', 1)
      clock.runUntilIdle()
      expect(log).toEqual(['a got 2 at 4'])
    })

    it('refuses unknown nodes, duplicate ids and invalid conditions', () => {
      const { net } = setup(['a'])
      expect(() => net.send('a', 'nobody', 1)).toThrow(/unknown node "nobody"/)
      expect(() => net.addNode('a', () => {})).toThrow(/already added/)
      expect(() => net.setConditions({ loss: 1.5 })).toThrow(RangeError)
      expect(() => net.setConditions({ delay: { minMs: 5, maxMs: 2 } })).toThrow(RangeError)
      expect(() => net.setConditions({ delay: { minMs: 0.5, maxMs: 2 } })).toThrow(RangeError)
      expect(() => new SimulatedNetwork({ clock: new VirtualClock(), random: new SeededRandom(1), duplicate: -0.1 })).toThrow(RangeError)
    })
  })

  describe('loss and duplication', () => {
    it('loses about the configured share of messages', () => {
      const { clock, net, received } = setup(['a', 'b'], { loss: 0.2 })
      for (let i = 0; i < 10_000; i++) net.send('a', 'b', i)
      clock.runUntilIdle()
      const { dropped, delivered } = net.stats
      // The standard deviation of the lost share is √(0.2 × 0.8 / 10 000) = 0.004.
      expect(Math.abs(dropped.loss / 10_000 - 0.2)).toBeLessThan(0.015)
      expect(delivered).toBe(10_000 - dropped.loss)
      expect(received).toHaveLength(delivered)
    })

    it('duplicates about the configured share, each copy with its own delay and the same id', () => {
      const { clock, net, received, events } = setup(['a', 'b'], { duplicate: 0.3, delay: { minMs: 1, maxMs: 50 } })
      for (let i = 0; i < 2000; i++) net.send('a', 'b', i)
      clock.runUntilIdle()
      const { duplicated, delivered } = net.stats
      expect(Math.abs(duplicated / 2000 - 0.3)).toBeLessThan(0.04)
      expect(delivered).toBe(2000 + duplicated)
      expect(received).toHaveLength(2000 + duplicated)
      const copies = new Map<number, number[]>()
      for (const e of events) copies.set(e.id, [...(copies.get(e.id) ?? []), e.at])
      const twice = [...copies.values()].filter(times => times.length === 2)
      expect(twice).toHaveLength(duplicated)
      expect(twice.some(([first, second]) => first !== second)).toBe(true)
    })

    it('applies per-link overrides to one direction only, and removes them', () => {
      const { clock, net } = setup(['a', 'b'])
      net.setLinkConditions('a', 'b', { loss: 1 })
      for (let i = 0; i < 10; i++) {
        net.send('a', 'b', i)
        net.send('b', 'a', i)
      }
      clock.runUntilIdle()
      expect(net.stats.dropped.loss).toBe(10)
      expect(net.stats.delivered).toBe(10)
      net.setLinkConditions('a', 'b', undefined)
      net.send('a', 'b', 99)
      clock.runUntilIdle()
      expect(net.stats.delivered).toBe(11)
    })

    it('lets a per-link override keep its own values while the defaults change', () => {
      const { net } = setup(['a', 'b'])
      net.setLinkConditions('a', 'b', { delay: { minMs: 30, maxMs: 40 } })
      net.setConditions({ loss: 0.5, delay: { minMs: 2, maxMs: 3 } })
      expect(net.conditionsFor('a', 'b')).toEqual({ delay: { minMs: 30, maxMs: 40 }, loss: 0.5, duplicate: 0, reorder: 0 })
      expect(net.conditionsFor('b', 'a').delay).toEqual({ minMs: 2, maxMs: 3 })
    })
  })

  describe('ordering', () => {
    const sendInSequence = (jitter: boolean, reorder: number, seed = 1): number[] => {
      const { clock, net, received } = setup(['a', 'b'], { delay: { minMs: 5, maxMs: jitter ? 15 : 5 }, reorder }, seed)
      for (let i = 0; i < 200; i++) {
        net.send('a', 'b', i)
        clock.advance(1)
      }
      clock.runUntilIdle()
      expect(received).toHaveLength(200)
      return received.map(r => r.message)
    }

    it('keeps send order on a link without jitter or reordering, even for messages sent at once', () => {
      for (const seed of [1, 2, 3]) expect(inversions(sendInSequence(false, 0, seed))).toBe(0)
      const { clock, net, received } = setup(['a', 'b'], { delay: { minMs: 7, maxMs: 7 } })
      for (let i = 0; i < 50; i++) net.send('a', 'b', i)
      clock.runUntilIdle()
      expect(inversions(received.map(r => r.message))).toBe(0)
    })

    it('reorders messages when delays jitter', () => {
      expect(inversions(sendInSequence(true, 0))).toBeGreaterThan(0)
    })

    it('reorders messages on a link without jitter when asked to, by holding some back', () => {
      const order = sendInSequence(false, 0.2)
      expect(inversions(order)).toBeGreaterThan(0)
      const { clock, net, events } = setup(['a', 'b'], { delay: { minMs: 5, maxMs: 5 }, reorder: 0.2 })
      for (let i = 0; i < 1000; i++) net.send('a', 'b', i)
      clock.runUntilIdle()
      const held = events.filter(e => e.at - e.sentAt > 5)
      expect(Math.abs(held.length / 1000 - 0.2)).toBeLessThan(0.04)
      expect(Math.max(...held.map(e => e.at - e.sentAt))).toBeLessThanOrEqual(10)
    })
  })

  describe('partitions', () => {
    it('cuts both directions between the groups and leaves links inside a group alone', () => {
      const { clock, net, received } = setup(['a', 'b', 'c', 'd'])
      net.partition(['a', 'b'], ['c', 'd'])
      for (const from of ['a', 'b', 'c', 'd']) for (const to of ['a', 'b', 'c', 'd']) if (from !== to) net.send(from, to, 0)
      clock.runUntilIdle()
      expect(received.map(r => `${r.from}${r.to}`).sort()).toEqual(['ab', 'ba', 'cd', 'dc'])
      expect(net.stats.dropped.partition).toBe(8)
    })

    it('can cut one direction only', () => {
      const { clock, net, received } = setup(['a', 'b'])
      net.partitionOneWay(['a'], ['b'])
      net.send('a', 'b', 1)
      net.send('b', 'a', 2)
      clock.runUntilIdle()
      expect(received).toEqual([{ at: 1, from: 'b', to: 'a', message: 2 }])
      expect(net.stats.dropped.partition).toBe(1)
    })

    it('drops messages already in flight when the link is cut before they arrive', () => {
      const { clock, net, received, events } = setup(['a', 'b'], { delay: { minMs: 10, maxMs: 10 } })
      net.send('a', 'b', 1)
      clock.advance(5)
      net.partition(['a'], ['b'])
      clock.advance(10)
      expect(received).toEqual([])
      expect(events).toEqual([{ type: 'drop', reason: 'partition', at: 10, sentAt: 0, id: 1, from: 'a', to: 'b', message: 1 }])
    })

    it('heals every partition; what was dropped stays dropped', () => {
      const { clock, net, received } = setup(['a', 'b', 'c'])
      net.partition(['a'], ['b'])
      net.partitionOneWay(['c'], ['a'])
      net.send('a', 'b', 1)
      net.send('c', 'a', 2)
      net.heal()
      net.send('a', 'b', 3)
      net.send('c', 'a', 4)
      clock.runUntilIdle()
      expect(received.map(r => r.message)).toEqual([3, 4])
    })

    it('refuses to partition unknown nodes', () => {
      const { net } = setup(['a'])
      expect(() => net.partition(['a'], ['typo'])).toThrow(/unknown node "typo"/)
    })
  })

  describe('crash and restart', () => {
    it('drops messages in flight to and from a crashed node, and cancels their timers', () => {
      const { clock, net, received } = setup(['a', 'b', 'c'], { delay: { minMs: 10, maxMs: 10 } })
      net.send('a', 'b', 1)
      net.send('b', 'c', 2)
      net.send('a', 'c', 3)
      clock.advance(5)
      net.crash('b')
      expect(net.stats.dropped.crash).toBe(2)
      expect(clock.pendingTimers).toBe(1)
      clock.runUntilIdle()
      expect(received.map(r => r.message)).toEqual([3])
      expect(net.status('b')).toBe('crashed')
    })

    it('drops what a crashed node sends and what is sent to it', () => {
      const { clock, net, received } = setup(['a', 'b'])
      net.crash('b')
      net.send('a', 'b', 1)
      net.send('b', 'a', 2)
      clock.runUntilIdle()
      expect(received).toEqual([])
      expect(net.stats.dropped.crash).toBe(2)
    })

    it('restarts a node with a new handler, which alone receives what comes next', () => {
      const { clock, net, received } = setup(['a', 'b'], { delay: { minMs: 10, maxMs: 10 } })
      net.send('a', 'b', 1)
      clock.advance(5)
      net.crash('b')
      const fresh: number[] = []
      net.restart('b', (_, n) => fresh.push(n))
      expect(net.status('b')).toBe('up')
      net.send('a', 'b', 2)
      clock.runUntilIdle()
      expect(fresh).toEqual([2])
      expect(received).toEqual([])
    })

    it('restarts with the old handler when none is given', () => {
      const { clock, net, received } = setup(['a', 'b'])
      net.crash('b')
      net.restart('b')
      net.send('a', 'b', 1)
      clock.runUntilIdle()
      expect(received.map(r => r.message)).toEqual([1])
    })

    it('refuses to crash a crashed node or restart one that is up', () => {
      const { net } = setup(['a'])
      expect(() => net.restart('a')).toThrow(/not crashed/)
      net.crash('a')
      expect(() => net.crash('a')).toThrow(/already crashed/)
      expect(() => net.pause('a')).toThrow(/cannot pause/)
    })
  })

  describe('pause and resume', () => {
    it('holds messages for a paused node and delivers them all at once on resume', () => {
      const { clock, net, received } = setup(['a', 'b'], { delay: { minMs: 1, maxMs: 20 } })
      net.pause('b')
      for (let i = 0; i < 20; i++) net.send('a', 'b', i)
      clock.advance(100)
      expect(received).toEqual([])
      expect(net.stats.queued).toBe(20)
      expect(net.status('b')).toBe('paused')
      clock.advance(5)
      net.resume('b')
      expect(received).toHaveLength(20)
      expect(received.every(r => r.at === 105)).toBe(true)
      expect(net.stats.queued).toBe(0)
      expect(net.stats.delivered).toBe(20)
    })

    it('keeps the arrival order of queued messages, not their send order', () => {
      // Pausing draws nothing, so the same seed without a pause shows the arrival order.
      const run = (paused: boolean): number[] => {
        const { clock, net, received } = setup(['a', 'b'], { delay: { minMs: 1, maxMs: 30 } }, 3)
        if (paused) net.pause('b')
        for (let i = 0; i < 30; i++) net.send('a', 'b', i)
        clock.advance(40)
        if (paused) {
          expect(received).toEqual([])
          net.resume('b')
        }
        return received.map(r => r.message)
      }
      const arrivalOrder = run(false)
      expect(inversions(arrivalOrder)).toBeGreaterThan(0)
      expect(run(true)).toEqual(arrivalOrder)
    })

    it('lets a paused node send, and delivers to it normally after resume', () => {
      const { clock, net, received } = setup(['a', 'b'])
      net.pause('b')
      net.send('b', 'a', 1)
      clock.runUntilIdle()
      net.resume('b')
      net.send('a', 'b', 2)
      clock.runUntilIdle()
      expect(received.map(r => `${r.to}:${r.message}`)).toEqual(['a:1', 'b:2'])
    })

    it('drops the queue when the paused node crashes, and queued messages from a sender that crashes', () => {
      const { clock, net, received } = setup(['a', 'b', 'c'])
      net.pause('b')
      net.pause('c')
      net.send('a', 'b', 1)
      net.send('a', 'c', 2)
      net.send('b', 'c', 3)
      clock.runUntilIdle()
      net.crash('b')
      net.resume('c')
      expect(received.map(r => r.message)).toEqual([2])
      expect(net.stats.dropped.crash).toBe(2)
      expect(net.stats.queued).toBe(0)
    })

    it('stops delivering the queue when a handler pauses its node again', () => {
      const clock = new VirtualClock()
      const net = new SimulatedNetwork<number>({ clock, random: new SeededRandom(1) })
      const got: number[] = []
      net.addNode('a', () => {})
      net.addNode('b', (_, n) => {
        got.push(n)
        if (n === 2) net.pause('b')
      })
      net.pause('b')
      for (let i = 1; i <= 4; i++) net.send('a', 'b', i)
      clock.runUntilIdle()
      net.resume('b')
      expect(got).toEqual([1, 2])
      expect(net.stats.queued).toBe(2)
      net.resume('b')
      expect(got).toEqual([1, 2, 3, 4])
    })

    it('refuses to resume a node that is not paused', () => {
      const { net } = setup(['a'])
      expect(() => net.resume('a')).toThrow(/not paused/)
    })
  })

  describe('stats and trace', () => {
    it('stats add up at every step of a run with every kind of fault', () => {
      const ids = ['a', 'b', 'c', 'd', 'e']
      const { clock, net, events } = setup(ids, { delay: { minMs: 1, maxMs: 30 }, loss: 0.1, duplicate: 0.1, reorder: 0.1 }, 77)
      const chaos = new SeededRandom(78)
      for (let step = 0; step < 400; step++) {
        const from = chaos.pick(ids)
        const to = chaos.pick(ids)
        if (net.status(from) !== 'crashed' || chaos.chance(0.1)) net.send(from, to, step)
        const target = chaos.pick(ids)
        const roll = chaos.next()
        if (roll < 0.02 && net.status(target) !== 'crashed') net.crash(target)
        else if (roll < 0.05 && net.status(target) === 'crashed') net.restart(target)
        else if (roll < 0.07 && net.status(target) === 'up') net.pause(target)
        else if (roll < 0.12 && net.status(target) === 'paused') net.resume(target)
        else if (roll < 0.13) net.partition(chaos.sample(ids, 2), chaos.sample(ids, 2))
        else if (roll < 0.16) net.heal()
        clock.advance(chaos.int(5))
        expectStatsBalance(net.stats)
      }
      const stats = net.stats
      expect(stats.dropped.loss).toBeGreaterThan(0)
      expect(stats.dropped.partition).toBeGreaterThan(0)
      expect(stats.dropped.crash).toBeGreaterThan(0)
      expect(stats.duplicated).toBeGreaterThan(0)
      // The trace saw every delivery and every drop.
      expect(events.filter(e => e.type === 'deliver')).toHaveLength(stats.delivered)
      expect(events.filter(e => e.type === 'drop')).toHaveLength(totalDropped(stats))
    })

    it('traces a drop with its reason and a delivery before the handler runs', () => {
      const log: string[] = []
      const clock = new VirtualClock()
      const net = new SimulatedNetwork<string>({
        clock,
        random: new SeededRandom(1),
        trace: e => log.push(e.type === 'drop' ? `drop ${e.id} ${e.reason}` : `deliver ${e.id}`)
      })
      net.addNode('a', () => {})
      net.addNode('b', (_, m) => log.push(`handler ${m}`))
      net.send('a', 'b', 'first')
      net.crash('b')
      net.restart('b')
      net.send('a', 'b', 'second')
      clock.runUntilIdle()
      expect(log).toEqual(['drop 1 crash', 'deliver 2', 'handler second'])
    })

    it('replays the same run for the same seed, and another for another seed', () => {
      const run = (seed: number): string[] => {
        const { clock, net, events } = setup(['a', 'b', 'c'], { delay: { minMs: 1, maxMs: 10 }, loss: 0.2, duplicate: 0.1 }, seed)
        for (let i = 0; i < 100; i++) net.send(['a', 'b', 'c'][i % 3], ['b', 'c', 'a'][i % 3], i)
        clock.runUntilIdle()
        return events.map(e => `${e.at} ${e.type} ${e.id}`)
      }
      expect(run(5)).toEqual(run(5))
      expect(run(5)).not.toEqual(run(6))
    })
  })
})
