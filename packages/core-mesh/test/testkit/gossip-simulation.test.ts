import { describe, expect, it } from '@jest/globals'
import { runSeeded, SeededRandom, seedsFromEnv, SimulatedNetwork, VirtualClock } from '../../src/testkit/index.js'
import type { Clock } from '../../src/interfaces/clock.js'

/**
 * A toy push-gossip core, written the way Meshwork's protocol cores are: no I/O, an injected
 * clock and random source, and a `send` callback for the host to carry messages.
 * A node that learns the value pushes it to FANOUT random peers every ROUND_MS, ROUNDS times.
 */
const FANOUT = 3
const ROUNDS = 10
const ROUND_MS = 10

interface Rumor { value: string }

class RumorCore {
  value: string | undefined
  private roundsLeft = ROUNDS

  constructor (
    private readonly peers: readonly string[],
    private readonly clock: Clock,
    private readonly random: SeededRandom,
    private readonly send: (to: string, rumor: Rumor) => void
  ) {}

  learn (value: string): void {
    if (this.value !== undefined) return
    this.value = value
    this.clock.setTimeout(() => { this.pushRound(value) }, ROUND_MS)
  }

  receive (_from: string, rumor: Rumor): void {
    this.learn(rumor.value)
  }

  private pushRound (value: string): void {
    for (const peer of this.random.sample(this.peers, FANOUT)) this.send(peer, { value })
    if (--this.roundsLeft > 0) this.clock.setTimeout(() => { this.pushRound(value) }, ROUND_MS)
  }
}

/**
 * Spread a value from node-0 over 20 nodes on a lossy, jittery network, after `faults` (if any)
 * has broken it further; return the trace and how many nodes learnt the value.
 */
function spreadRumor (seed: number, faults?: (net: SimulatedNetwork<Rumor>) => void): { trace: string[], informed: number, clock: VirtualClock } {
  const clock = new VirtualClock()
  const random = new SeededRandom(seed)
  const trace: string[] = []
  const net = new SimulatedNetwork<Rumor>({
    clock,
    random: random.fork('network'),
    delay: { minMs: 1, maxMs: 25 },
    loss: 0.1,
    trace: e => trace.push(`${e.at} ${e.type} #${e.id} ${e.from}->${e.to}${e.type === 'drop' ? ` (${e.reason})` : ''}`)
  })
  const ids = Array.from({ length: 20 }, (_, i) => `node-${i}`)
  const cores = new Map<string, RumorCore>()
  for (const id of ids) {
    const peers = ids.filter(peer => peer !== id)
    const core = new RumorCore(peers, clock, random.fork(id), (to, rumor) => { net.send(id, to, rumor) })
    cores.set(id, core)
    net.addNode(id, (from, rumor) => { core.receive(from, rumor) })
  }
  faults?.(net)
  cores.get('node-0')?.learn('v1')
  clock.runUntilIdle({ maxSteps: 100_000 })
  const informed = [...cores.values()].filter(core => core.value === 'v1').length
  return { trace, informed, clock }
}

describe('a seeded gossip simulation (end to end)', () => {
  it('spreads a value to all 20 nodes despite 10% loss, for every seed', async () => {
    await runSeeded(seedsFromEnv(10), seed => {
      const { informed, trace, clock } = spreadRumor(seed)
      expect(informed).toBe(20)
      expect(trace.some(line => line.endsWith('(loss)'))).toBe(true)
      expect(clock.pendingTimers).toBe(0)
    })
  })

  it('gives an identical trace for the same seed', () => {
    const first = spreadRumor(1234).trace
    expect(first.length).toBeGreaterThan(100)
    expect(spreadRumor(1234).trace).toEqual(first)
  })

  it('gives a different trace for a different seed', () => {
    expect(spreadRumor(1234).trace).not.toEqual(spreadRumor(1235).trace)
  })

  it('names the seed when a scenario fails, so that it can be replayed', async () => {
    const isolated = runSeeded({ from: 3, count: 5 }, seed => {
      const { informed } = spreadRumor(seed, net => net.partition(['node-19'], net.nodeIds.slice(0, 19)))
      expect(informed).toBe(20)
    })
    await expect(isolated).rejects.toThrow(/^seed 3: /)
  })

  it('runs the example in the package doc comment', async () => {
    await runSeeded(seedsFromEnv(20), seed => {
      const clock = new VirtualClock()
      const random = new SeededRandom(seed)
      const net = new SimulatedNetwork<string>({ clock, random: random.fork('net'), delay: { minMs: 1, maxMs: 20 }, loss: 0.1 })
      const heard: string[] = []
      for (const id of ['a', 'b', 'c']) net.addNode(id, (from, text) => heard.push(`${from}>${id} ${text}`))
      net.partition(['a'], ['c'])
      for (const to of ['b', 'c']) net.send('a', to, 'hello')
      clock.runUntilIdle()
      if (heard.includes('a>c hello')) throw new Error('a message crossed the partition')
    })
  })
})
