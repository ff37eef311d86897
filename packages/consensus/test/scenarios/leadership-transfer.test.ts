import { describe, expect, it } from '@jest/globals'
import { NotLeaderError, ProposalDroppedError } from '../../src/errors.js'
import { bytes, RaftNetwork } from '../unit/core/support/raft-network.js'

describe('leadership transfer', () => {
  it('hands leadership to an up-to-date follower at once', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    net.propose('a', 'x')
    net.core('a').transferLeadership('b')
    net.stabilize()
    expect(net.core('b').status()).toMatchObject({ role: 'leader', term: 2 })
    expect(net.core('a').status()).toMatchObject({ role: 'follower', leader: 'b' })
    net.propose('b', 'y')
    expect(net.member('c').applied).toEqual(['x', 'y'])
  })

  it('catches a lagging target up first, and refuses proposals meanwhile', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    net.isolate('c')
    for (let i = 0; i < 5; i++) net.propose('a', `v${i}`)
    net.recover()
    const hold = net.drop(message => message.to === 'c')
    net.core('a').transferLeadership('c')
    expect(net.core('a').status().transferee).toBe('c')
    expect(() => net.core('a').propose(bytes('during'))).toThrow(ProposalDroppedError)
    expect(() => net.core('a').proposeConfChange({ changes: [{ type: 'removeNode', node: 'b' }], transition: 'auto' })).toThrow(ProposalDroppedError)
    hold()
    net.tick(1)
    expect(net.core('c').status().role).toBe('leader')
    expect(net.member('c').applied).toEqual(['v0', 'v1', 'v2', 'v3', 'v4'])
  })

  it('aborts after an election timeout when the target does not respond, and proposals are taken again', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { electionTicks: 10 } })
    net.campaign('a')
    net.isolate('c')
    net.propose('a', 'x')
    net.core('a').transferLeadership('c')
    net.stabilize()
    net.tick(9, ['a', 'b'])
    expect(net.core('a').status().transferee).toBe('c')
    net.tick(1, ['a', 'b'])
    expect(net.core('a').status().transferee).toBeUndefined()
    expect(net.core('a').status().role).toBe('leader')
    net.propose('a', 'after')
    expect(net.member('b').applied).toEqual(['x', 'after'])
  })

  it('refuses a transfer from a non-leader, to a learner, or to a non-member', () => {
    const net = new RaftNetwork({ voters: ['a', 'b'], learners: ['l'] })
    net.campaign('a')
    expect(() => net.core('b').transferLeadership('a')).toThrow(NotLeaderError)
    expect(() => net.core('a').transferLeadership('l')).toThrow(ProposalDroppedError)
    expect(() => net.core('a').transferLeadership('zz')).toThrow(ProposalDroppedError)
    // a learner that receives timeoutNow anyway does not campaign
    net.send({ type: 'timeoutNow', from: 'a', to: 'l', term: 1 })
    net.stabilize()
    expect(net.core('l').status().role).toBe('follower')
    expect(net.core('a').status().role).toBe('leader')
  })
})
