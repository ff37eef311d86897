import { describe, expect, it } from '@jest/globals'
import type { ConfChange } from '../../src/raft/core/types.js'
import { RaftNetwork } from '../unit/core/support/raft-network.js'

const change = (type: 'addVoter' | 'addLearner' | 'removeNode', node: string): ConfChange => ({ changes: [{ type, node }], transition: 'auto' })

describe('learners', () => {
  it('a learner receives the log, never campaigns, and does not count towards commitment', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], learners: ['l'] })
    net.campaign('a')
    net.propose('a', 'x')
    expect(net.member('l').applied).toEqual(['x'])
    // commitment needs two of a, b, c: the learner does not help
    net.isolate('b')
    net.isolate('c')
    net.core('a').propose(new TextEncoder().encode('y'))
    net.stabilize()
    expect(net.core('l').status().lastIndex).toBe(net.core('a').status().lastIndex)
    expect(net.core('a').status().commit).toBe(2)
    net.recover()
    net.isolate('a')
    net.tick(100, ['l'])
    expect(net.core('l').status()).toMatchObject({ role: 'follower', term: 1 })
    net.core('l').campaign()
    expect(net.core('l').status().role).toBe('follower')
  })

  it('a learner added later catches up and is promoted to voter', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], bootstrapSnapshot: true })
    net.campaign('a')
    net.propose('a', 'x')
    net.addMember('l')
    net.core('a').proposeConfChange(change('addLearner', 'l'))
    net.stabilize()
    expect(net.core('l').status().confState.learners).toEqual(['l'])
    expect(net.member('l').applied).toEqual(['x'])
    net.core('a').proposeConfChange(change('addVoter', 'l'))
    net.stabilize()
    expect([...net.core('l').status().confState.voters].sort()).toEqual(['a', 'b', 'c', 'l'])
    expect(net.core('a').status().progress?.l.learner).toBe(false)
    // l now counts: with b and c gone, a and l are only 2 of 4; with c back, 3 of 4 commit
    net.isolate('b')
    net.isolate('c')
    net.core('a').propose(new TextEncoder().encode('y'))
    net.stabilize()
    const commit = net.core('a').status().commit
    net.recover()
    net.isolate('b')
    net.tick(2)
    expect(net.core('a').status().commit).toBeGreaterThan(commit)
  })

  it('a voter is demoted to learner through a joint configuration (learnersNext)', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c', 'd'] })
    net.campaign('a')
    net.core('a').proposeConfChange({ changes: [{ type: 'addLearner', node: 'd' }], transition: 'joint-explicit' })
    net.stabilize()
    expect(net.core('a').status().confState).toMatchObject({ learnersNext: ['d'], outgoing: ['a', 'b', 'c', 'd'] })
    // d still votes in the outgoing half
    expect(net.core('d').status().confState.learners).toEqual([])
    net.core('a').proposeConfChange({ changes: [], transition: 'auto' })
    net.stabilize()
    expect(net.core('a').status().confState).toMatchObject({ voters: ['a', 'b', 'c'], learners: ['d'], outgoing: [], learnersNext: [] })
    expect(net.core('d').status().confState.learners).toEqual(['d'])
    net.core('d').campaign()
    expect(net.core('d').status().role).toBe('follower')
  })
})
