import { describe, expect, it } from '@jest/globals'
import { MemoryLogStorage } from '../../src/storage/memory-log-storage.js'
import type { ConfState } from '../../src/raft/core/types.js'
import { RaftNetwork } from '../unit/core/support/raft-network.js'

/**
 * Pre-vote (Raft thesis §9.6) and check-quorum keep a member that cannot hear the leader from
 * disrupting the group, and make a leader cut off from a majority step down.
 */
describe('pre-vote and check-quorum', () => {
  it('a partitioned member that rejoins does not disrupt the leader (and without pre-vote it would)', () => {
    for (const preVote of [true, false]) {
      const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { preVote, checkQuorum: preVote } })
      net.campaign('a')
      net.isolate('c')
      net.tick(100)
      const cTerm = net.core('c').status().term
      net.recover()
      net.tick(30)
      if (preVote) {
        // c never raised its term and the leader is undisturbed
        expect(cTerm).toBe(1)
        expect(net.core('a').status()).toMatchObject({ role: 'leader', term: 1 })
        expect(net.core('c').status().leader).toBe('a')
      } else {
        // the contrast: c's term ran ahead and its return deposed the leader
        expect(cTerm).toBeGreaterThan(1)
        expect(net.core('a').status().term).toBeGreaterThan(1)
      }
    }
  })

  it('a leader in a minority steps down within an election timeout, and the majority elects another', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c', 'd', 'e'], options: { electionTicks: 10 } })
    net.campaign('a')
    for (const id of ['c', 'd', 'e']) net.cut('a', id)
    for (const id of ['c', 'd', 'e']) net.cut('b', id)
    expect(net.core('a').status().quorumActive).toBe(true)
    net.tick(9)
    expect(net.core('a').status()).toMatchObject({ role: 'leader', quorumActive: true })
    net.tick(1)
    // a has heard from b only for an election timeout
    expect(net.core('a').status()).toMatchObject({ role: 'leader', quorumActive: false })
    // check-quorum runs once per election timeout: a steps down within two
    net.tick(10)
    expect(net.core('a').status().role).toBe('follower')
    expect(() => net.core('a').propose(new Uint8Array([1]))).toThrow()
    net.tick(40)
    const leaders = net.leaders()
    expect(leaders).toHaveLength(1)
    expect(['c', 'd', 'e']).toContain(leaders[0])
    expect(net.core(leaders[0]).status().quorumActive).toBe(true)
  })

  it('without check-quorum a leader in a minority stays leader (the contrast)', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { checkQuorum: false } })
    net.campaign('a')
    net.isolate('a')
    net.tick(50, ['a'])
    expect(net.core('a').status().role).toBe('leader')
  })

  it('a member behind a one-way partition (it can send, not receive) cannot force elections', () => {
    for (const options of [{ preVote: true, checkQuorum: true }, { preVote: false, checkQuorum: true }]) {
      const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options })
      net.campaign('a')
      net.cutOneWay('a', 'c')
      net.cutOneWay('b', 'c')
      net.tick(200)
      expect(net.core('a').status()).toMatchObject({ role: 'leader', term: 1 })
      expect(net.core('b').status()).toMatchObject({ role: 'follower', term: 1, leader: 'a' })
      // c campaigned (pre-vote: without a term change), and nobody listened
      expect(net.member('c').core.status().role).not.toBe('leader')
    }
  })

  it('followers in a leader lease ignore vote requests, unless they come from a leadership transfer', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { preVote: false } })
    net.campaign('a')
    const stopHeartbeats = net.drop(message => message.from === 'a')
    net.campaign('c')
    // a and b heard from the leader recently: c's vote requests are ignored
    expect(net.core('c').status()).toMatchObject({ role: 'candidate', term: 2 })
    expect(net.core('a').status()).toMatchObject({ role: 'leader', term: 1 })
    expect(net.core('b').status()).toMatchObject({ leader: 'a', vote: 'a', term: 1 })
    stopHeartbeats()

    const transfer = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { preVote: false } })
    transfer.campaign('a')
    transfer.core('a').transferLeadership('c')
    transfer.stabilize()
    // the transfer's vote requests carry `transfer`, and b votes despite its lease
    expect(transfer.core('c').status()).toMatchObject({ role: 'leader', term: 2 })
  })

  it('a leader cut off from all but a stuck pre-candidate does not livelock the rest (pre-vote with check-quorum)', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { electionTicks: 10 } })
    net.campaign('a')
    net.isolate('a')
    // b and c are in a's lease at first; they must still elect one of them within a few timeouts
    net.tick(60, ['b', 'c'])
    const leaders = net.leaders().filter(id => id !== 'a')
    expect(leaders).toHaveLength(1)
  })

  it('a member at a higher term with a shorter log does not livelock elections (etcd-io/etcd#8501)', () => {
    const conf: ConfState = { voters: ['a', 'b', 'c'], learners: [], outgoing: [], learnersNext: [], autoLeave: false }
    const net = new RaftNetwork({ voters: ['a', 'b'], seed: 3 })
    // c comes back from an old version: it campaigned without pre-vote up to term 5, and has no entries
    const c = net.addMember('c', new MemoryLogStorage({ confState: conf, hardState: { term: 5, vote: 'c', commit: 0 } }))
    for (const id of ['a', 'b']) {
      const member = net.member(id)
      member.storage.setConfState(conf)
      net.restart(id)
    }
    net.isolate('c')
    net.campaign('a')
    net.propose('a', 'x')
    net.propose('a', 'y')
    expect(net.core('a').status()).toMatchObject({ role: 'leader', term: 1, commit: 3 })
    // the leader fails as c returns: b has the longer log, c the higher term
    net.recover()
    net.isolate('a')
    net.tick(100, ['b', 'c'])
    expect(c.core.status().term).toBeGreaterThan(5)
    expect(net.core('b').status().role).toBe('leader')
    expect(c.applied).toEqual(['x', 'y'])
  })
})
