import { describe, expect, it } from '@jest/globals'
import { StorageCorruptionError } from '../../src/errors.js'
import { RaftCore } from '../../src/raft/core/raft-core.js'
import { MemoryLogStorage } from '../../src/storage/memory-log-storage.js'
import { RaftNetwork } from '../unit/core/support/raft-network.js'

describe('restarting from durable state', () => {
  it('a member that voted and restarts does not vote for another candidate in the same term', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { preVote: false, checkQuorum: false } })
    net.isolate('c')
    net.campaign('a')
    expect(net.core('b').status()).toMatchObject({ term: 1, vote: 'a' })
    expect(net.member('b').storage.initialState().hardState).toMatchObject({ term: 1, vote: 'a' })
    net.restart('b')
    expect(net.core('b').status()).toMatchObject({ term: 1, vote: 'a', role: 'follower' })
    net.recover()
    net.isolate('a')
    // c campaigns at term 1 (it never saw term 1): b must refuse, having voted for a in term 1
    net.send({ type: 'vote', from: 'c', to: 'b', term: 1, lastIndex: 1, lastTerm: 1, transfer: false })
    net.stabilize()
    const answer = net.delivered.find(m => m.type === 'voteResponse' && m.from === 'b' && m.to === 'c')
    expect(answer).toMatchObject({ reject: true })
  })

  it('a restarted leader comes back as a follower with its log, and does not reapply entries', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    net.propose('a', 'x')
    net.propose('a', 'y')
    const appliedBefore = net.member('a').applied.length
    net.restart('a')
    expect(net.core('a').status()).toMatchObject({ role: 'follower', lastIndex: 3, commit: 3, applied: 3 })
    net.tick(30)
    expect(net.leaders()).toHaveLength(1)
    expect(net.member('a').applied.length).toBe(appliedBefore)
  })

  it('refuses durable state whose commit index is outside the log', () => {
    const storage = new MemoryLogStorage({ hardState: { term: 1, vote: '', commit: 5 } })
    expect(() => new RaftCore({ id: 'a', storage, random: { next: () => 0 } })).toThrow(StorageCorruptionError)
    expect(() => new RaftCore({ id: 'a', storage: new MemoryLogStorage(), random: { next: () => 0 }, applied: 3 })).toThrow(RangeError)
    expect(() => new RaftCore({ id: 'a', storage: new MemoryLogStorage(), random: { next: () => 0 }, heartbeatTicks: 10 })).toThrow(RangeError)
  })
})
