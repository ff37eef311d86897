import { describe, expect, it } from '@jest/globals'
import { InvalidConfigError, NotStartedError } from '@meshwork/core-mesh'
import { SeededRandom, VirtualClock } from '@meshwork/core-mesh/testkit'
import { Awareness } from '../../src/membership/core/awareness.js'
import {
  DEFAULT_MEMBERSHIP_CONFIG, detectionBoundMs, expectedConfirmations, pushPullIntervalFor, resolveMembershipConfig, retransmitLimit, suspicionTimeoutsMs
} from '../../src/membership/core/config.js'
import { judgeDead, judgeSuspect, aliveWins, type MemberRecord } from '../../src/membership/core/member-table.js'
import { MembershipCore } from '../../src/membership/core/membership-core.js'
import type { AliveUpdate, DeadUpdate, MembershipUpdate, SuspectUpdate, SwimMessage } from '../../src/membership/core/messages.js'
import { ProbeOrder } from '../../src/membership/core/probe-order.js'
import { QuorumMonitor } from '../../src/membership/core/quorum.js'
import { Suspicion, suspicionTimeoutMs } from '../../src/membership/core/suspicion.js'
import { TransmitQueue } from '../../src/membership/core/transmit-queue.js'
import { testSigner } from './membership-harness.js'

const sig = new Uint8Array(0)
const alive = (member: string, incarnation: number, region?: string): AliveUpdate =>
  ({ type: 'alive', member, incarnation, addresses: [], metadata: { ...(region === undefined ? {} : { region }), roles: [], tags: {} }, signature: sig })
const suspect = (member: string, incarnation: number, from: string): SuspectUpdate => ({ type: 'suspect', member, incarnation, from, signature: sig })
const dead = (member: string, incarnation: number, from: string): DeadUpdate => ({ type: 'dead', member, incarnation, from, signature: sig })
const record = (state: MemberRecord['state'], incarnation: number): MemberRecord =>
  ({ id: 'm', state, incarnation, alive: alive('m', incarnation), accusation: undefined, stateChangedAt: 0 })

describe('Lifeguard suspicion timer', () => {
  it('starts at the maximum and shrinks toward the minimum with each independent confirmation', () => {
    const min = 1_000
    const max = 6_000
    const k = 3
    const firedAt = (confirmers: string[]): number => {
      const clock = new VirtualClock()
      let at = -1
      const suspicion = new Suspicion({ clock, from: 'a', k, minMs: min, maxMs: max, onTimeout: () => { at = clock.now() } })
      for (const from of confirmers) suspicion.confirm(from)
      clock.runUntilIdle()
      return at
    }
    expect(firedAt([])).toBe(max)
    // The accuser itself and repeated confirmers do not count.
    expect(firedAt(['a', 'b', 'b'])).toBe(suspicionTimeoutMs(1, k, min, max))
    const times = [[], ['b'], ['b', 'c'], ['b', 'c', 'd'], ['b', 'c', 'd', 'e']].map(firedAt)
    for (let i = 1; i < 4; i++) expect(times[i]).toBeLessThan(times[i - 1])
    expect(times[3]).toBe(min)
    expect(times[4]).toBe(min)
    expect(times[1]).toBe(Math.floor(max - (max - min) * Math.log(2) / Math.log(4)))
  })

  it('re-arms the timer on a confirmation, counting from the start of the suspicion', () => {
    const clock = new VirtualClock()
    let at = -1
    const suspicion = new Suspicion({ clock, from: 'a', k: 2, minMs: 1_000, maxMs: 10_000, onTimeout: () => { at = clock.now() } })
    clock.advance(4_000)
    expect(suspicion.confirm('b')).toBe(true)
    expect(suspicion.confirm('c')).toBe(true)
    expect(suspicion.confirm('d')).toBe(false) // past k: nothing changes
    // The minimum has long passed: it fires at once (from a timer), not 1 000 ms later.
    clock.runUntilIdle()
    expect(at).toBe(4_000)
  })

  it('uses the minimum when no confirmations are expected, and cancel stops it', () => {
    const clock = new VirtualClock()
    let fired = false
    const s = new Suspicion({ clock, from: 'a', k: 0, minMs: 500, maxMs: 3_000, onTimeout: () => { fired = true } })
    expect(s.deadline()).toBe(500)
    s.cancel()
    clock.runUntilIdle()
    expect(fired).toBe(false)
  })

  it('sizes the timeouts from the cluster size', () => {
    const config = resolveMembershipConfig()
    expect(suspicionTimeoutsMs(config, 3)).toEqual({ minMs: 4_000, maxMs: 24_000 }) // size factor floors at 1
    expect(suspicionTimeoutsMs(config, 100)).toEqual({ minMs: 8_000, maxMs: 48_000 })
    expect(expectedConfirmations(config, 3)).toBe(0)
    expect(expectedConfirmations(config, 10)).toBe(2)
  })
})

describe('local health (awareness)', () => {
  it('clamps the score to [0, max − 1] and scales timeouts by score + 1', () => {
    const awareness = new Awareness(8)
    expect(awareness.scale(1_000)).toBe(1_000)
    awareness.apply(3)
    expect(awareness.scale(1_000)).toBe(4_000)
    awareness.apply(100)
    expect(awareness.score).toBe(7)
    expect(awareness.scale(500)).toBe(4_000)
    awareness.apply(-100)
    expect(awareness.score).toBe(0)
  })
})

describe('transmit-limited queue', () => {
  it('sends each update at most retransmitMult × ceil(log10(n + 1)) times, a limit that grows with n', () => {
    expect(retransmitLimit(4, 9)).toBe(4)
    expect(retransmitLimit(4, 10)).toBe(8)
    expect(retransmitLimit(4, 1_000)).toBe(16)
    for (const [n, expected] of [[5, 4], [50, 8], [500, 12]]) {
      const queue = new TransmitQueue(4, () => n)
      queue.enqueue(alive('x', 1))
      let sends = 0
      while (queue.take(16).length > 0) sends++
      expect(sends).toBe(expected)
    }
  })

  it('replaces an older update about the same member and sends the least-transmitted first', () => {
    const queue = new TransmitQueue(4, () => 5)
    queue.enqueue(alive('a', 1))
    queue.enqueue(alive('b', 1))
    expect(queue.take(1)).toEqual([alive('b', 1)]) // newest first among equals
    expect(queue.take(1)).toEqual([alive('a', 1)])
    queue.enqueue(suspect('a', 1, 'z')) // replaces alive(a), at zero transmits
    expect(queue.size).toBe(2)
    expect(queue.take(2)).toEqual([suspect('a', 1, 'z'), alive('b', 1)])
    expect(queue.take(10, 'a')).toEqual([alive('b', 1)])
  })
})

describe('precedence rules', () => {
  it('alive wins only with a higher incarnation', () => {
    expect(aliveWins(undefined, alive('m', 0))).toBe(true)
    for (const state of ['alive', 'suspect', 'dead', 'left'] as const) {
      expect(aliveWins(record(state, 3), alive('m', 3))).toBe(false)
      expect(aliveWins(record(state, 3), alive('m', 4))).toBe(true)
    }
  })

  it('suspect overrides alive at an equal or higher incarnation, confirms an equal suspicion, never touches tombstones or strangers', () => {
    expect(judgeSuspect(record('alive', 3), suspect('m', 3, 'x'))).toBe('suspect')
    expect(judgeSuspect(record('alive', 3), suspect('m', 2, 'x'))).toBe('ignore')
    expect(judgeSuspect(record('suspect', 3), suspect('m', 3, 'x'))).toBe('confirm')
    expect(judgeSuspect(record('suspect', 3), suspect('m', 4, 'x'))).toBe('suspect')
    expect(judgeSuspect(record('dead', 3), suspect('m', 9, 'x'))).toBe('ignore')
    expect(judgeSuspect(undefined, suspect('m', 9, 'x'))).toBe('ignore')
  })

  it('dead overrides alive and suspect at an equal or higher incarnation; a leave turns dead into left', () => {
    expect(judgeDead(record('alive', 3), dead('m', 3, 'x'))).toBe('dead')
    expect(judgeDead(record('suspect', 3), dead('m', 2, 'x'))).toBe('ignore')
    expect(judgeDead(record('alive', 3), dead('m', 3, 'm'))).toBe('left')
    expect(judgeDead(record('dead', 3), dead('m', 3, 'm'))).toBe('left')
    expect(judgeDead(record('left', 3), dead('m', 3, 'x'))).toBe('ignore')
    expect(judgeDead(record('dead', 3), dead('m', 5, 'x'))).toBe('raise-tombstone')
    expect(judgeDead(undefined, dead('m', 3, 'x'))).toBe('ignore')
  })
})

describe('probe order, quorum and config', () => {
  it('probes every member once per round, in a new order each round, and inserts newcomers', () => {
    const order = new ProbeOrder(new SeededRandom(7))
    const ids = ['a', 'b', 'c', 'd', 'e', 'f']
    for (const id of ids) order.add(id)
    const round = (): string[] => ids.map(() => order.next(() => true) as string)
    const first = round()
    const second = round()
    expect([...first].sort()).toEqual(ids)
    expect([...second].sort()).toEqual(ids)
    expect(second).not.toEqual(first)
    order.remove('c')
    order.add('g')
    const third = round()
    expect([...third].sort()).toEqual(['a', 'b', 'd', 'e', 'f', 'g'])
    expect(order.next(id => id === 'zzz')).toBeUndefined()
  })

  it('probes an expedited member next, out of turn, without taking it out of the round', () => {
    const order = new ProbeOrder(new SeededRandom(3))
    const ids = ['a', 'b', 'c', 'd', 'e']
    for (const id of ids) order.add(id)
    const first = order.next(() => true) as string
    const late = ids.filter(id => id !== first).at(-1) as string
    order.expedite(late)
    order.expedite('unknown')
    expect(order.next(() => true)).toBe(late)
    const rest = [0, 1, 2, 3].map(() => order.next(() => true) as string)
    expect([first, ...rest].sort()).toEqual(ids)
    order.expedite('b')
    order.remove('b')
    expect(order.next(() => true)).not.toBe('b')
  })

  it('reports PARTITIONED below floor(total × fraction) + 1 reachable, only from three members up', () => {
    const quorum = new QuorumMonitor(0.5)
    expect(quorum.evaluate(quorum.counts(1, 2))).toBeUndefined()
    expect(quorum.evaluate(quorum.counts(2, 4))).toBe('PARTITIONED')
    expect(quorum.evaluate(quorum.counts(3, 4))).toBe('HEALTHY')
    expect(quorum.counts(3, 5).quorum).toBe(3)
    const strict = new QuorumMonitor(0.66)
    expect(strict.evaluate(strict.counts(5, 9))).toBe('PARTITIONED')
  })

  it('has the documented defaults, checks overrides, and bounds detection time', () => {
    expect(DEFAULT_MEMBERSHIP_CONFIG).toMatchObject({ probeIntervalMs: 1000, probeTimeoutMs: 500, indirectChecks: 3, suspicionMult: 4, suspicionMaxTimeoutMult: 6, retransmitMult: 4, gossipIntervalMs: 200, gossipNodes: 3, pushPullIntervalMs: 30_000, reconnectIntervalMs: 30_000, gossipToTheDeadMs: 30_000, awarenessMax: 8, quorumFraction: 0.5 })
    expect(() => resolveMembershipConfig({ probeTimeoutMs: 1_000 })).toThrow(InvalidConfigError)
    expect(() => resolveMembershipConfig({ quorumFraction: 1 })).toThrow(/quorumFraction/)
    const config = resolveMembershipConfig()
    // 2 rounds of 9 probes + the failing probe + 24 s max suspicion + 8 gossip ticks.
    expect(detectionBoundMs(config, 10)).toBe(18_000 + 1_000 + 24_000 + 1_600)
    expect(detectionBoundMs(config, 30)).toBeGreaterThan(detectionBoundMs(config, 10))
    expect(pushPullIntervalFor(config, 32)).toBe(30_000)
    expect(pushPullIntervalFor(config, 64)).toBe(60_000)
  })
})

describe('MembershipCore on its own', () => {
  const make = (sent: Array<[string, SwimMessage]> = []): { core: MembershipCore, clock: VirtualClock } => {
    const clock = new VirtualClock()
    const core = new MembershipCore({ self: 'me', clock, random: new SeededRandom(1), send: (to, m) => { sent.push([to, m]) }, signer: testSigner })
    return { core, clock }
  }

  it('ignores odd input without throwing', () => {
    const sent: Array<[string, SwimMessage]> = []
    const { core } = make(sent)
    core.start()
    const odd: unknown[] = [
      null, 42, 'ping', {}, { type: 'ping' }, { type: 'ping', seq: -1, target: 'me', updates: [] },
      { type: 'ping', seq: 1, target: 'me', updates: 'nope' },
      { type: 'gossip', updates: [null, { type: 'alive', member: 'x', incarnation: -1, addresses: [], metadata: { roles: [], tags: {} }, signature: sig }] },
      { type: 'gossip', updates: [{ type: 'alive', member: 'y', incarnation: 1, addresses: Array(1000).fill('a'), metadata: { roles: [], tags: {} }, signature: sig }] },
      { type: 'gossip', updates: [{ type: 'alive', member: 'z', incarnation: 1, addresses: [], metadata: { roles: 'x', tags: {} }, signature: sig }] },
      { type: 'gossip', updates: [suspect('stranger', 1, 'q'), dead('stranger2', 1, 'q')] },
      { type: 'push-pull', join: 'yes', reply: true, members: [] },
      { type: 'push-pull', join: false, reply: false, members: [dead('ghost', 5, 'q')] },
      { type: 'ack', seq: 999, updates: [] }, { type: 'nack', seq: 999, updates: [] },
      { type: 'ping-req', seq: 1, target: 'me', updates: [] }
    ]
    for (const message of odd) expect(() => { core.receive('peer', message as SwimMessage) }).not.toThrow()
    expect(core.members().map(m => m.id)).toEqual(['me'])
    expect(sent).toEqual([])
  })

  it('probes a member next when the host hints that its connection dropped', () => {
    const sent: Array<[string, SwimMessage]> = []
    const { core, clock } = make(sent)
    core.start()
    core.receive('p1', { type: 'gossip', updates: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map(id => alive(id, 0)) })
    const pinged = (): string[] => sent.filter(([, m]) => m.type === 'ping').map(([to]) => to)
    clock.advance(core.config.probeIntervalMs * 2)
    const before = pinged().length
    // The member probed last: in turn, it would not come up again before the round ends.
    const hinted = pinged().at(-1) as string
    core.expediteProbe(hinted)
    core.expediteProbe('me')
    core.expediteProbe('stranger')
    // Unanswered probes raise the health score and stretch the interval: wait for the next one.
    for (let i = 0; i < 20 && pinged().length === before; i++) clock.advance(core.config.probeIntervalMs)
    expect(pinged()[before]).toBe(hinted)
  })

  it('refuses accusations at incarnations far above the one it knows (no refutation pushed to the integer limit)', () => {
    const sent: Array<[string, SwimMessage]> = []
    const { core } = make(sent)
    core.start()
    core.receive('peer', { type: 'gossip', updates: [alive('peer', 3), alive('x', 5)] })
    const mine = core.incarnation()
    core.receive('peer', { type: 'gossip', updates: [suspect('me', Number.MAX_SAFE_INTEGER, 'peer'), dead('me', mine + 2 ** 21, 'peer')] })
    expect(core.incarnation()).toBe(mine)
    core.receive('peer', { type: 'gossip', updates: [suspect('x', Number.MAX_SAFE_INTEGER, 'peer'), dead('x', 5 + 2 ** 21, 'peer')] })
    expect(core.member('x')).toMatchObject({ state: 'alive', incarnation: 5 })
    // A plausible accusation is still refuted, one above it.
    core.receive('peer', { type: 'gossip', updates: [suspect('me', mine + 10, 'peer')] })
    expect(core.incarnation()).toBe(mine + 11)
  })

  it('answers push-pull requests from one peer at most once per probe interval', () => {
    const sent: Array<[string, SwimMessage]> = []
    const { core, clock } = make(sent)
    core.start()
    const request: SwimMessage = { type: 'push-pull', join: true, reply: true, members: [alive('peer', 1)] }
    for (let i = 0; i < 5; i++) core.receive('peer', request)
    const replies = (): number => sent.filter(([to, m]) => to === 'peer' && m.type === 'push-pull').length
    expect(replies()).toBe(1)
    clock.advance(core.config.probeIntervalMs)
    core.receive('peer', request)
    expect(replies()).toBe(2)
  })

  it('answers a ping meant for it, and not one meant for another id', () => {
    const sent: Array<[string, SwimMessage]> = []
    const { core } = make(sent)
    core.start()
    core.receive('peer', { type: 'ping', seq: 7, target: 'someone-else', updates: [] })
    expect(sent).toEqual([])
    core.receive('peer', { type: 'ping', seq: 7, target: 'me', updates: [alive('peer', 0)] })
    expect(sent.map(([to, m]) => [to, m.type, 'seq' in m ? m.seq : -1])).toEqual([['peer', 'ack', 7]])
    // The ack piggybacks the news (peer's own alive claim, just learnt).
    expect((sent[0][1] as { updates: MembershipUpdate[] }).updates.map(u => u.member)).toContain('peer')
  })

  it('refutes a suspicion of itself with a higher incarnation and raises its health score', () => {
    const { core } = make()
    core.start()
    core.receive('peer', { type: 'gossip', updates: [alive('peer', 0), suspect('me', 0, 'peer')] })
    expect(core.incarnation()).toBe(1)
    expect(core.localHealth()).toBe(1)
    core.receive('peer', { type: 'gossip', updates: [dead('me', 5, 'peer')] })
    expect(core.incarnation()).toBe(6)
    expect(core.member('me')?.state).toBe('alive')
  })

  it('puts a suspect member\'s suspicion first on every ping to it, long after the queue forgot it (buddy system)', () => {
    const sent: Array<[number, string, SwimMessage]> = []
    const clock = new VirtualClock()
    // A long suspicion, so that the member stays suspect while the queue drains.
    const core = new MembershipCore({ self: 'me', clock, random: new SeededRandom(3), send: (to, m) => { sent.push([clock.now(), to, m]) }, signer: testSigner, config: { suspicionMult: 100 } })
    core.start()
    core.receive('peer', { type: 'gossip', updates: [alive('peer', 0), alive('other', 0), suspect('peer', 0, 'other')] })
    clock.advance(20_000)
    const late = sent.filter(([at, to, m]) => at > 5_000 && to === 'peer' && m.type === 'ping').map(([, , m]) => (m as { updates: MembershipUpdate[] }).updates)
    expect(late.length).toBeGreaterThan(0) // few: unanswered probes raise the health score, which slows probing
    for (const updates of late) expect(updates[0]).toEqual(suspect('peer', 0, 'other'))
    core.stop()
  })

  it('tells a member it holds dead that it was declared dead, when that member talks to it', () => {
    const sent: Array<[string, SwimMessage]> = []
    const { core } = make(sent)
    core.start()
    core.receive('other', { type: 'gossip', updates: [alive('peer', 0), alive('other', 0), dead('peer', 0, 'other')] })
    expect(core.member('peer')?.state).toBe('dead')
    core.receive('peer', { type: 'ping', seq: 3, target: 'me', updates: [] })
    const ack = sent.find(([to, m]) => to === 'peer' && m.type === 'ack')?.[1] as { updates: MembershipUpdate[] }
    expect(ack.updates[0]).toEqual(dead('peer', 0, 'other'))
    core.stop()
  })

  it('gossips to recently dead members for gossipToTheDeadMs, then no more', () => {
    const sent: Array<[number, string, SwimMessage]> = []
    const clock = new VirtualClock()
    const core = new MembershipCore({ self: 'me', clock, random: new SeededRandom(4), send: (to, m) => { sent.push([clock.now(), to, m]) }, signer: testSigner, config: { gossipToTheDeadMs: 10_000 } })
    core.start()
    core.receive('other', { type: 'gossip', updates: [alive('peer', 0), alive('other', 0), dead('peer', 0, 'other')] })
    const gossipTo = (from: number, to: number): string[] => [...new Set(sent.filter(([at, , m]) => at >= from && at < to && m.type === 'gossip').map(([, id]) => id))].sort()
    clock.advance(1_000)
    expect(gossipTo(0, 1_000)).toEqual(['other', 'peer'])
    clock.advance(10_000)
    core.setMetadata({ roles: ['new'], tags: {} }) // fresh news to gossip
    clock.advance(1_000)
    expect(gossipTo(11_000, 12_000)).toEqual(['other'])
    core.stop()
  })

  it('answers the sender of a stale accusation (of itself, or of a member that left) with the claim that supersedes it', () => {
    const sent: Array<[string, SwimMessage]> = []
    const { core } = make(sent)
    core.start()
    core.receive('peer', { type: 'gossip', updates: [alive('peer', 0), alive('gone', 0), dead('gone', 0, 'gone'), suspect('me', 0, 'peer')] })
    expect(core.incarnation()).toBe(1)
    sent.length = 0
    // An ack (no reply expected) still suspecting us at 0, and a ping still suspecting `gone`.
    core.receive('slow', { type: 'ack', seq: 1, updates: [suspect('me', 0, 'slow'), suspect('gone', 0, 'slow')] })
    const answer = sent.find(([to, m]) => to === 'slow' && m.type === 'gossip')?.[1] as { updates: MembershipUpdate[] }
    expect(answer.updates.map(u => `${u.type}:${u.member}@${u.incarnation}`).sort()).toEqual(['alive:me@1', 'dead:gone@0'])
    // A death it holds is not pushed on others: that is only a guess (see mergeState).
    sent.length = 0
    core.receive('peer', { type: 'gossip', updates: [alive('x', 0), dead('x', 0, 'peer')] })
    core.receive('slow', { type: 'gossip', updates: [suspect('x', 0, 'slow')] })
    expect(sent.filter(([to]) => to === 'slow')).toEqual([])
    core.stop()
  })

  it('stop() cancels every timer', () => {
    const { core, clock } = make()
    core.start()
    core.receive('peer', { type: 'gossip', updates: [alive('peer', 0), alive('p2', 0), suspect('peer', 0, 'p2'), alive('p3', 0), dead('p3', 0, 'p2')] })
    expect(clock.pendingTimers).toBeGreaterThan(0)
    core.stop()
    expect(clock.pendingTimers).toBe(0)
  })

  it('started again after stop(), it re-arms its suspicions and carries on', () => {
    const { core, clock } = make()
    core.start()
    core.receive('peer', { type: 'gossip', updates: [alive('peer', 0), alive('p2', 0), suspect('peer', 0, 'p2')] })
    core.stop()
    clock.advance(600_000)
    expect(core.member('peer')?.state).toBe('suspect') // nothing runs while stopped
    core.start()
    clock.advance(60_000)
    expect(core.member('peer')?.state).toBe('dead')
    core.stop()
    expect(clock.pendingTimers).toBe(0)
  })

  it('join needs a started core', () => {
    const { core } = make()
    expect(() => core.join(['x'])).toThrow(NotStartedError)
  })

  it('snapshot lists the latest alive claims of members that have not left, and restores above its incarnation', () => {
    const { core } = make()
    core.start()
    core.receive('peer', { type: 'gossip', updates: [alive('a', 2, 'eu'), alive('b', 0), alive('c', 0), dead('c', 0, 'c'), alive('d', 0), dead('d', 0, 'a')] })
    const snapshot = core.snapshot()
    expect(snapshot.incarnation).toBe(0)
    expect(snapshot.members.map(m => m.member).sort()).toEqual(['a', 'b', 'd'])
    const restored = new MembershipCore({ self: 'me', clock: new VirtualClock(), random: new SeededRandom(2), send: () => {}, signer: testSigner, initial: { incarnation: 4, members: snapshot.members } })
    expect(restored.incarnation()).toBe(5)
    restored.start()
    expect(restored.member('a')?.metadata.region).toBe('eu')
    restored.stop()
  })
})
