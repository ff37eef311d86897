import { beforeEach, describe, expect, it } from '@jest/globals'
import { SeededRandom, VirtualClock } from '@meshwork/core-mesh/testkit'
import type { PlumtreeConfig } from '../../src/plumtree/config.js'
import type { GossipMessage, PlumtreeDelivery, PlumtreeMessage } from '../../src/plumtree/messages.js'
import { PlumtreeCore } from '../../src/plumtree/plumtree-core.js'

/** One core driven by hand: what it sends and delivers is recorded as readable lines. */
class Bench {
  readonly clock = new VirtualClock()
  readonly sent: string[] = []
  readonly delivered: PlumtreeDelivery[] = []
  readonly relays: string[] = []
  readonly core: PlumtreeCore

  constructor (config: Partial<PlumtreeConfig> = {}) {
    this.core = new PlumtreeCore({
      self: 'me',
      clock: this.clock,
      random: new SeededRandom(7),
      config: { eagerFanout: 2, lazyFanout: 10, ...config },
      send: (to, message, relayedFrom) => {
        this.sent.push(`${to} ${show(message)}`)
        if (message.type === 'gossip' && relayedFrom !== undefined) this.relays.push(`${message.id} ${relayedFrom}->${to}`)
      },
      deliver: (message) => { this.delivered.push(message) }
    })
  }

  /** The lines sent since the last call, sorted (the order among peers is random). */
  take (): string[] {
    return this.sent.splice(0).sort()
  }

  /** Like `take`, keeping only the lines of one message type. */
  takeOnly (type: 'GOSSIP' | 'IHAVE' | 'GRAFT' | 'PRUNE'): string[] {
    return this.take().filter(line => line.split(' ')[1] === type)
  }
}

function show (message: PlumtreeMessage): string {
  switch (message.type) {
    case 'gossip': return `GOSSIP ${message.id} round=${message.round}${message.grafted ? ' grafted' : ''}`
    case 'ihave': return `IHAVE ${message.announcements.map(a => `${a.id}@${a.round}`).join(',')}`
    case 'graft': return `GRAFT [${message.ids.join(',')}]`
    case 'prune': return 'PRUNE'
  }
}

function gossip (id: string, origin: string, round: number, grafted = false): GossipMessage {
  return { type: 'gossip', id, origin, round, payload: new TextEncoder().encode(id), grafted }
}

describe('PlumtreeCore', () => {
  let bench: Bench
  beforeEach(() => { bench = new Bench() })

  it('opens eagerFanout links of its own, announced by empty GRAFTs; later joiners are lazy', () => {
    bench.core.membersChanged({ joined: ['a', 'b', 'c', 'd'] })
    expect(bench.core.eagerPeers()).toHaveLength(2)
    expect(bench.core.lazyPeers()).toHaveLength(2)
    expect(bench.take()).toEqual(bench.core.eagerPeers().map(peer => `${peer} GRAFT []`).sort())
    bench.core.membersChanged({ joined: ['e'] })
    expect(bench.core.lazyPeers()).toContain('e')
    expect(bench.take()).toEqual([])
  })

  it('delivers the first copy once and pushes it to eager peers but the sender and the origin', () => {
    bench.core.membersChanged({ joined: ['a', 'b'] })
    bench.core.membersChanged({ joined: ['c', 'o'] })
    bench.core.receive('c', { type: 'graft', ids: [] })
    bench.core.receive('o', { type: 'graft', ids: [] })
    bench.take()
    bench.core.receive('a', gossip('m1', 'o', 2))
    expect(bench.delivered.map(d => `${d.id} from ${d.from} hops ${d.hops}`)).toEqual(['m1 from a hops 3'])
    expect(bench.take()).toEqual(['b GOSSIP m1 round=3', 'c GOSSIP m1 round=3'])
    expect(bench.relays.sort()).toEqual(['m1 a->b', 'm1 a->c'])
  })

  it('a duplicate prunes its sender, unless it came from our parent or was pulled by a GRAFT', () => {
    bench.core.membersChanged({ joined: ['a', 'b'] })
    bench.core.membersChanged({ joined: ['c'] })
    bench.core.receive('c', { type: 'graft', ids: [] })
    bench.take()
    bench.core.receive('a', gossip('m1', 'o', 0))
    bench.take()
    bench.core.receive('a', gossip('m1', 'o', 0))
    expect(bench.take()).toEqual([])
    bench.core.receive('b', gossip('m1', 'o', 1, true))
    expect(bench.take()).toEqual([])
    bench.core.receive('c', gossip('m1', 'o', 1))
    expect(bench.take()).toEqual(['c PRUNE'])
    expect(bench.core.lazyPeers()).toContain('c')
    expect(bench.delivered).toHaveLength(1)
  })

  it('PRUNE moves the sender to lazy; GRAFT moves it to eager and answers with the payloads it asks for', () => {
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    bench.take()
    const lazy = bench.core.lazyPeers()[0]
    bench.core.receive('a', gossip('m1', 'o', 0))
    bench.take()
    bench.core.receive(lazy, { type: 'graft', ids: ['m1', 'unknown'] })
    expect(bench.core.eagerPeers()).toContain(lazy)
    expect(bench.take()).toEqual([`${lazy} GOSSIP m1 round=1 grafted`])
    bench.core.receive(lazy, { type: 'prune' })
    expect(bench.core.lazyPeers()).toContain(lazy)
    // Payloads are kept for payloadTtlMs only; the id is remembered longer.
    bench.clock.advance(bench.core.config.payloadTtlMs)
    bench.core.receive(lazy, { type: 'graft', ids: ['m1'] })
    expect(bench.takeOnly('GOSSIP')).toEqual([])
    expect(bench.core.has('m1')).toBe(true)
  })

  it('announces ids to lazy peers in batches, in announceRounds rounds, then goes idle', () => {
    bench = new Bench({ eagerFanout: 1, lazyFanout: 2, lazyIntervalMs: 100, announceRounds: 2 })
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    const [parent] = bench.core.eagerPeers()
    bench.take()
    bench.core.receive(parent, gossip('m1', 'o', 0))
    bench.core.receive(parent, gossip('m2', 'o', 4))
    bench.take()
    bench.clock.advance(100)
    const round1 = bench.take()
    // Both lazy peers, one batch each; nothing back to the parent.
    expect(round1).toEqual(bench.core.lazyPeers().map(peer => `${peer} IHAVE m1@1,m2@5`).sort())
    bench.clock.advance(100)
    expect(bench.take()).toHaveLength(2)
    bench.clock.advance(1_000)
    expect(bench.take()).toEqual([])
    expect(bench.clock.pendingTimers).toBe(0)
  })

  it('grafts the first announcer of a missing message after ihaveTimeoutMs, then the next one every graftTimeoutMs', () => {
    bench = new Bench({ ihaveTimeoutMs: 1_000, graftTimeoutMs: 300, maxGraftAttempts: 3 })
    bench.core.membersChanged({ joined: ['a', 'b', 'c', 'd'] })
    bench.take()
    bench.core.receive('c', { type: 'ihave', announcements: [{ id: 'm1', round: 2 }, { id: 'm2', round: 2 }] })
    bench.core.receive('d', { type: 'ihave', announcements: [{ id: 'm1', round: 1 }] })
    // The first wait is 1 to 1.5 × ihaveTimeoutMs (spread so a cut-off subtree does not graft all at once).
    bench.clock.advance(999)
    expect(bench.take()).toEqual([])
    // One GRAFT asks c for everything it announced that we lack.
    bench.clock.advance(501)
    expect(bench.take()).toEqual(['c GRAFT [m1,m2]'])
    expect(bench.core.eagerPeers()).toContain('c')
    bench.core.receive('c', gossip('m2', 'o', 2, true))
    bench.clock.advance(300)
    expect(bench.takeOnly('GRAFT')).toEqual(['d GRAFT [m1]'])
    bench.clock.advance(300)
    expect(bench.takeOnly('GRAFT')).toEqual(['c GRAFT [m1]'])
    // maxGraftAttempts reached: give up.
    bench.clock.advance(300)
    expect(bench.takeOnly('GRAFT')).toEqual([])
    expect(bench.core.missingCount).toBe(0)
    expect(bench.core.stats.repairGrafts).toBe(3)
  })

  it('a GRAFT carries at most maxIdsPerFrame ids; the rest are asked for at the next timeout', () => {
    bench = new Bench({ maxIdsPerFrame: 2, ihaveTimeoutMs: 1_000, graftTimeoutMs: 10_000 })
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    bench.take()
    bench.core.receive('c', { type: 'ihave', announcements: [{ id: 'm1', round: 0 }, { id: 'm2', round: 0 }, { id: 'm3', round: 0 }] })
    bench.clock.advance(1_500)
    const batches = bench.sent.splice(0).filter(line => line.includes('GRAFT [m')).map(line => (/\[(.*)\]/.exec(line) as RegExpExecArray)[1].split(','))
    expect(batches.map(ids => ids.length)).toEqual([2, 1])
    expect(batches.flat().sort()).toEqual(['m1', 'm2', 'm3'])
  })

  it('a message that arrives in time cancels the repair', () => {
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    bench.take()
    bench.core.receive('c', { type: 'ihave', announcements: [{ id: 'm1', round: 0 }] })
    bench.core.receive('a', gossip('m1', 'o', 3))
    bench.clock.advance(10_000)
    expect(bench.takeOnly('GRAFT')).toEqual([])
  })

  it('replaces a departed eager peer by a lazy one, and does not re-adopt it from a late message', () => {
    bench.core.membersChanged({ joined: ['a', 'b', 'c', 'd'] })
    const [gone] = bench.core.eagerPeers()
    bench.take()
    bench.core.membersChanged({ left: [gone] })
    expect(bench.core.eagerPeers()).toHaveLength(2)
    expect(bench.core.eagerPeers()).not.toContain(gone)
    const [replacement] = bench.take()
    expect(replacement).toMatch(/ GRAFT \[\]$/)
    bench.core.receive(gone, gossip('m1', 'o', 0))
    expect(bench.delivered.map(d => d.id)).toEqual(['m1'])
    expect([...bench.core.eagerPeers(), ...bench.core.lazyPeers()]).not.toContain(gone)
    bench.core.membersChanged({ joined: [gone] })
    expect(bench.core.lazyPeers()).toContain(gone)
  })

  it('optimisation: a lazy peer much closer to the origin becomes the parent', () => {
    bench = new Bench({ optimizationThreshold: 3 })
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    bench.take()
    bench.core.receive('a', gossip('m1', 'o', 6))
    bench.take()
    const lazy = bench.core.lazyPeers().find(peer => peer !== 'a') as string
    bench.core.receive(lazy, { type: 'ihave', announcements: [{ id: 'm1', round: 4 }] })
    expect(bench.take()).toEqual([])
    bench.core.receive(lazy, { type: 'ihave', announcements: [{ id: 'm1', round: 2 }] })
    expect(bench.take()).toEqual(['a PRUNE', `${lazy} GRAFT []`].sort())
    expect(bench.core.eagerPeers()).toContain(lazy)
    expect(bench.core.lazyPeers()).toContain('a')
    expect(bench.core.stats.optimizations).toBe(1)
  })

  it('the origin does not deliver its own message; a reused id is refused', () => {
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    bench.take()
    bench.core.broadcast('m1', new Uint8Array([1]))
    expect(bench.take()).toEqual(bench.core.eagerPeers().map(peer => `${peer} GOSSIP m1 round=0`).sort())
    expect(bench.delivered).toEqual([])
    expect(() => { bench.core.broadcast('m1', new Uint8Array([1])) }).toThrow(RangeError)
  })

  it('answers a GRAFT with at most maxServedPerGraft payloads, each sent to a peer once per graftServeWindowMs', () => {
    bench = new Bench({ maxServedPerGraft: 3, graftServeWindowMs: 250 })
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    for (const id of ['m1', 'm2', 'm3', 'm4', 'm5']) bench.core.receive('a', gossip(id, 'o', 0))
    bench.take()
    const all = ['m1', 'm1', 'm2', 'unknown', 'm3', 'm4', 'm5']
    bench.core.receive('c', { type: 'graft', ids: all })
    expect(bench.takeOnly('GOSSIP')).toEqual(['c GOSSIP m1 round=1 grafted', 'c GOSSIP m2 round=1 grafted', 'c GOSSIP m3 round=1 grafted'])
    // The same GRAFT again, at once: only what c was not sent yet.
    bench.core.receive('c', { type: 'graft', ids: all })
    expect(bench.takeOnly('GOSSIP')).toEqual(['c GOSSIP m4 round=1 grafted', 'c GOSSIP m5 round=1 grafted'])
    bench.core.receive('c', { type: 'graft', ids: all })
    expect(bench.takeOnly('GOSSIP')).toEqual([])
    // Another peer is served on its own account.
    bench.core.receive('b', { type: 'graft', ids: ['m1'] })
    expect(bench.takeOnly('GOSSIP')).toEqual(['b GOSSIP m1 round=1 grafted'])
    // After the window, a retry (the first answer was lost, say) is served again.
    bench.clock.advance(250)
    bench.core.receive('c', { type: 'graft', ids: ['m1'] })
    expect(bench.takeOnly('GOSSIP')).toEqual(['c GOSSIP m1 round=1 grafted'])
    expect(bench.core.stats.graftPayloadsServed).toBe(7)
  })

  it('with the defaults, a GRAFT listing 1024 cached ids is answered with 32 payloads', () => {
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    const ids = Array.from({ length: 1024 }, (_, i) => `m${i}`)
    for (const id of ids) bench.core.receive('a', gossip(id, 'o', 0))
    bench.take()
    bench.core.receive('c', { type: 'graft', ids })
    expect(bench.takeOnly('GOSSIP')).toHaveLength(32)
  })

  it('asks for at most maxServedPerGraft ids per GRAFT, as peers serve no more', () => {
    bench = new Bench({ maxServedPerGraft: 2, ihaveTimeoutMs: 1_000, graftTimeoutMs: 10_000 })
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    bench.take()
    bench.core.receive('c', { type: 'ihave', announcements: [{ id: 'm1', round: 0 }, { id: 'm2', round: 0 }, { id: 'm3', round: 0 }] })
    bench.clock.advance(1_500)
    const batches = bench.takeOnly('GRAFT').map(line => (/\[(.*)\]/.exec(line) as RegExpExecArray)[1].split(','))
    expect(batches.map(ids => ids.length).sort()).toEqual([1, 2])
  })

  it('ignores GRAFT, PRUNE and IHAVE from peers outside the view, and delivers their GOSSIP without adopting them', () => {
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    bench.take()
    const neighbours = (): string[] => [...bench.core.eagerPeers(), ...bench.core.lazyPeers()].sort()
    bench.core.receive('x', { type: 'graft', ids: [] })
    bench.core.receive('x', { type: 'ihave', announcements: [{ id: 'fake', round: 0 }] })
    bench.core.receive('x', { type: 'prune' })
    expect(neighbours()).toEqual(['a', 'b', 'c'])
    expect(bench.core.missingCount).toBe(0)
    expect(bench.core.stats.ignoredFromNonMembers).toBe(3)
    // An outsider's broadcast is delivered and pushed on (the host validated it) ...
    bench.core.receive('x', gossip('m1', 'x', 0))
    expect(bench.delivered.map(d => `${d.id} from ${d.from}`)).toEqual(['m1 from x'])
    expect(bench.takeOnly('GOSSIP')).toEqual(bench.core.eagerPeers().map(peer => `${peer} GOSSIP m1 round=1`).sort())
    // ... but x is no neighbour: a duplicate from it prunes nothing, and it hears nothing of ours.
    bench.core.receive('x', gossip('m1', 'x', 0))
    bench.core.broadcast('m2', new Uint8Array([2]))
    bench.clock.advance(10_000)
    expect(bench.take().filter(line => line.startsWith('x '))).toEqual([])
    expect(neighbours()).toEqual(['a', 'b', 'c'])
    // Once in the view it is a neighbour like any other; once out again, its GRAFTs are ignored.
    bench.core.membersChanged({ joined: ['x'] })
    bench.core.receive('x', { type: 'graft', ids: [] })
    expect(bench.core.eagerPeers()).toContain('x')
    bench.core.membersChanged({ left: ['x'] })
    bench.core.receive('x', { type: 'graft', ids: [] })
    expect(neighbours()).not.toContain('x')
  })

  it('tracks at most maxMissingPerAnnouncer missing messages per announcer, so IHAVE spam cannot crowd out repairs', () => {
    bench = new Bench({ maxMissingMessages: 8, maxMissingPerAnnouncer: 3, ihaveTimeoutMs: 1_000 })
    bench.core.membersChanged({ joined: ['a', 'b', 'c', 'd'] })
    bench.take()
    const fakes = Array.from({ length: 20 }, (_, i) => ({ id: `fake${i}`, round: 0 }))
    bench.core.receive('c', { type: 'ihave', announcements: fakes })
    expect(bench.core.missingCount).toBe(3)
    bench.core.receive('d', { type: 'ihave', announcements: [{ id: 'm1', round: 0 }, { id: 'fake0', round: 0 }] })
    expect(bench.core.missingCount).toBe(4)
    bench.clock.advance(1_500)
    expect(bench.takeOnly('GRAFT')).toContain('d GRAFT [m1]')
    // The announcer's budget frees up as its entries resolve.
    bench.core.receive('a', gossip('fake1', 'o', 0))
    bench.core.receive('c', { type: 'ihave', announcements: [{ id: 'new', round: 0 }] })
    expect(bench.core.missingCount).toBe(4)
  })

  it('stop cancels every timer and ignores everything afterwards', () => {
    bench.core.membersChanged({ joined: ['a', 'b', 'c'] })
    bench.core.receive('c', { type: 'ihave', announcements: [{ id: 'm1', round: 0 }] })
    bench.core.receive('a', gossip('m2', 'o', 0))
    bench.core.stop()
    expect(bench.clock.pendingTimers).toBe(0)
    bench.take()
    bench.core.receive('a', gossip('m3', 'o', 0))
    expect(bench.take()).toEqual([])
    expect(bench.delivered.map(d => d.id)).toEqual(['m2'])
  })
})
