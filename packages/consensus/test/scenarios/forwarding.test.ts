import { describe, expect, it } from '@jest/globals'
import { encodeConfChange } from '../../src/raft/core/conf-change-codec.js'
import { NotLeaderError, ProposalDroppedError } from '../../src/errors.js'
import type { ProposeMessage } from '../../src/raft/core/types.js'
import { bytes, RaftNetwork } from '../unit/core/support/raft-network.js'

describe('proposal forwarding', () => {
  it('a follower forwards data proposals to the leader, but not membership changes', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], bootstrapSnapshot: true })
    net.campaign('a')
    net.propose('c', 'from-c')
    const forwarded = net.delivered.filter((m): m is ProposeMessage => m.type === 'propose')
    expect(forwarded.map(m => [m.from, m.to, m.term])).toEqual([['c', 'a', 0]])
    net.addMember('d')
    const change = { changes: [{ type: 'addLearner', node: 'd' }], transition: 'auto' } as const
    expect(() => { net.core('b').proposeConfChange(change) }).toThrow(expect.objectContaining({ name: 'NotLeaderError', leader: 'a' }))
    // a config entry forwarded by hand (as a hostile member would) is dropped by the leader
    net.core('a').step({ type: 'propose', from: 'b', to: 'a', term: 0, entries: [{ term: 0, index: 0, type: 'config', data: encodeConfChange(change) }] })
    net.stabilize()
    expect(net.core('a').status().confState.learners).toEqual([])
    net.core('a').proposeConfChange(change)
    net.stabilize()
    expect(net.core('a').status().confState.learners).toEqual(['d'])
    for (const id of ['a', 'b', 'c', 'd']) expect(net.member(id).applied).toEqual(['from-c'])
  })

  it('a learner forwards too', () => {
    const net = new RaftNetwork({ voters: ['a', 'b'], learners: ['l'] })
    net.campaign('a')
    net.propose('l', 'from-learner')
    expect(net.member('b').applied).toEqual(['from-learner'])
  })

  it('drops proposals with no known leader, and refuses with the leader\'s id when forwarding is off', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    expect(() => net.core('b').propose(bytes('x'))).toThrow(ProposalDroppedError)
    net.campaign('a')
    net.isolate('a')
    net.tick(1, ['b'])
    const off = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { forwardProposals: false } })
    off.campaign('a')
    let error: unknown
    try { off.core('c').propose(bytes('x')) } catch (err) { error = err }
    expect(error).toBeInstanceOf(NotLeaderError)
    expect((error as NotLeaderError).leader).toBe('a')
    expect(() => off.core('c').proposeConfChange({ changes: [], transition: 'auto' })).toThrow(NotLeaderError)
  })

  it('a candidate drops proposals', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { preVote: false } })
    net.isolate('b')
    net.campaign('b')
    expect(net.core('b').status().role).toBe('candidate')
    expect(() => net.core('b').propose(bytes('x'))).toThrow(ProposalDroppedError)
  })

  it('a forwarded proposal the leader cannot take is dropped quietly, not thrown at the sender', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    net.core('a').transferLeadership('c')
    net.send({ type: 'propose', from: 'b', to: 'a', term: 0, entries: [{ term: 0, index: 0, type: 'normal', data: bytes('late') }] })
    net.send({ type: 'propose', from: 'b', to: 'c', term: 0, entries: [{ term: 0, index: 0, type: 'normal', data: bytes('to-follower') }] })
    net.stabilize()
    expect(net.errors()).toEqual([])
    for (const id of ['a', 'b', 'c']) expect(net.member(id).applied).toEqual([])
  })
})
