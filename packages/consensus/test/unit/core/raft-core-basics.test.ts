import { describe, expect, it } from '@jest/globals'
import { RaftCore } from '../../../src/raft/core/raft-core.js'
import { MemoryLogStorage } from '../../../src/storage/memory-log-storage.js'
import { RaftNetwork } from './support/raft-network.js'

describe('RaftCore elections and replication', () => {
  it('elects a leader by campaign and replicates a proposal to all', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    expect(net.core('a').status().role).toBe('leader')
    expect(net.core('b').status().leader).toBe('a')
    net.propose('a', 'x')
    for (const id of ['a', 'b', 'c']) expect(net.member(id).applied).toEqual(['x'])
    expect(net.errors()).toEqual([])
  })

  it('elects a leader by ticking alone', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], seed: 7 })
    net.tick(40)
    expect(net.leaders()).toHaveLength(1)
    const leader = net.leaders()[0]
    net.propose(leader, 'y')
    for (const id of ['a', 'b', 'c']) expect(net.member(id).applied).toEqual(['y'])
  })

  it('forwards a proposal from a follower', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    net.propose('b', 'from-b')
    for (const id of ['a', 'b', 'c']) expect(net.member(id).applied).toEqual(['from-b'])
  })
})

describe('RaftCore Ready batches', () => {
  it('reports soft and hard state only when they change, and asks for fsync on term, vote or entries', () => {
    const storage = new MemoryLogStorage({ confState: { voters: ['a'], learners: [], outgoing: [], learnersNext: [], autoLeave: false } })
    const core = new RaftCore({ id: 'a', storage, random: { next: () => 0.5 } })
    expect(core.hasReady()).toBe(false)
    core.campaign()
    const first = core.ready()
    expect(first.softState).toEqual({ leader: 'a', role: 'leader' })
    // the leader's own entry counts only once it is durable: nothing commits before advance
    expect(first.hardState).toEqual({ term: 1, vote: 'a', commit: 0 })
    expect(first.entries.map(e => [e.index, e.term, e.data.length])).toEqual([[1, 1, 0]])
    expect(first.committedEntries).toEqual([])
    expect(first.mustSync).toBe(true)
    storage.append(first.entries)
    if (first.hardState !== undefined) storage.setHardState(first.hardState)
    core.advance(first)
    const committed = core.ready()
    expect(committed.hardState).toEqual({ term: 1, vote: 'a', commit: 1 })
    expect(committed.committedEntries.map(e => e.index)).toEqual([1])
    expect(committed.mustSync).toBe(false)
    core.advance(committed)
    expect(core.hasReady()).toBe(false)
    expect(core.status()).toMatchObject({ applied: 1, commit: 1, role: 'leader', quorumActive: true })

    core.propose(new Uint8Array([7]))
    const second = core.ready()
    expect(second.softState).toBeUndefined()
    expect(second.entries.map(e => e.index)).toEqual([2])
    expect(second.committedEntries).toEqual([])
    expect(second.mustSync).toBe(true)
    // nothing is handed out twice, even before advance
    expect(core.hasReady()).toBe(false)
    storage.append(second.entries)
    core.advance(second)
    const third = core.ready()
    expect(third.hardState).toEqual({ term: 1, vote: 'a', commit: 2 })
    expect(third.committedEntries.map(e => e.index)).toEqual([2])
    core.advance(third)

    core.tick()
    expect(core.hasReady()).toBe(false)
  })

  it('validates its options', () => {
    const make = (options: Record<string, unknown>): unknown => new RaftCore({ id: 'a', storage: new MemoryLogStorage(), random: { next: () => 0 }, ...options })
    expect(() => make({ electionTicks: 0 })).toThrow(RangeError)
    expect(() => make({ maxInflightMessages: 1.5 })).toThrow(RangeError)
    expect(() => make({ id: '' })).toThrow(RangeError)
    expect(() => make({ readOnly: 'eventually' })).toThrow(RangeError)
    expect(make({})).toBeDefined()
  })
})
