import { describe, expect, it } from '@jest/globals'
import { NotLeaderError, ProposalDroppedError } from '../../src/errors.js'
import { bytes, RaftNetwork, text } from '../unit/core/support/raft-network.js'

function reads (net: RaftNetwork, id: string): Array<[number, string]> {
  return net.member(id).readStates.map(read => [read.index, text(read.context)])
}

describe('ReadIndex (safe)', () => {
  it('answers after a heartbeat round, at the commit index as of the request', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    net.propose('a', 'x')
    const commit = net.core('a').status().commit
    net.core('a').readIndex(bytes('r1'))
    // nothing before the heartbeat round completes
    net.collect()
    expect(reads(net, 'a')).toEqual([])
    expect(net.takeQueued().filter(m => m.type === 'heartbeat' && text(m.context) === 'r1')).toHaveLength(2)
    // r1's heartbeats were lost; the round for r2 confirms both, in order
    net.core('a').readIndex(bytes('r2'))
    net.stabilize()
    expect(reads(net, 'a')).toEqual([[commit, 'r1'], [commit, 'r2']])
    net.propose('a', 'y')
    net.core('a').readIndex(bytes('r3'))
    net.stabilize()
    expect(reads(net, 'a')).toEqual([[commit, 'r1'], [commit, 'r2'], [commit + 1, 'r3']])
  })

  it('a deposed leader in a minority does not answer, while the majority moves on', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { electionTicks: 10 } })
    net.campaign('a')
    net.propose('a', 'x')
    net.isolate('a')
    net.tick(30, ['b', 'c'])
    const leader = net.leaders().find(id => id !== 'a')
    expect(leader).toBeDefined()
    net.propose(leader ?? '', 'y')
    // a still believes it leads (it has not hit its check-quorum round yet)
    expect(net.core('a').status().role).toBe('leader')
    net.core('a').readIndex(bytes('stale'))
    net.tick(5, ['a'])
    expect(reads(net, 'a')).toEqual([])
    net.tick(20, ['a'])
    expect(net.core('a').status().role).toBe('follower')
    expect(reads(net, 'a')).toEqual([])
  })

  it('a new leader holds reads until it has committed an entry of its term', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    net.propose('a', 'x')
    net.isolate('a')
    // the next leader's appends (its no-op) are lost for now
    const stopAppends = net.drop(message => message.from !== 'a' && message.type === 'append')
    net.tick(30, ['b', 'c'])
    const leader = net.leaders().find(id => id !== 'a') ?? ''
    expect(['b', 'c']).toContain(leader)
    expect(net.core(leader).status().commit).toBe(2)
    net.core(leader).readIndex(bytes('early'))
    net.stabilize()
    expect(reads(net, leader)).toEqual([])
    stopAppends()
    net.tick(2, ['b', 'c'])
    const status = net.core(leader).status()
    expect(status.commit).toBe(3)
    // the answer covers the new leader's no-op, hence everything committed before it
    expect(reads(net, leader)).toEqual([[3, 'early']])
  })

  it('a single voter answers at once', () => {
    const net = new RaftNetwork({ voters: ['a'] })
    net.campaign('a')
    net.core('a').readIndex(bytes('solo'))
    net.collect()
    expect(reads(net, 'a')).toEqual([[1, 'solo']])
  })

  it('a follower forwards the request and gets the leader\'s answer', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    net.campaign('a')
    net.propose('a', 'x')
    net.core('b').readIndex(bytes('via-b'))
    net.stabilize()
    expect(reads(net, 'b')).toEqual([[2, 'via-b']])
    expect(net.delivered.some(m => m.type === 'readIndex' && m.from === 'b' && m.to === 'a')).toBe(true)
    expect(net.delivered.some(m => m.type === 'readIndexResponse' && m.to === 'b')).toBe(true)
  })

  it('refuses without a leader, or forwards nothing when forwarding is off', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
    expect(() => net.core('b').readIndex(bytes('r'))).toThrow(ProposalDroppedError)
    const off = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { forwardProposals: false } })
    off.campaign('a')
    let error: unknown
    try { off.core('b').readIndex(bytes('r')) } catch (err) { error = err }
    expect(error).toBeInstanceOf(NotLeaderError)
    expect((error as NotLeaderError).leader).toBe('a')
    expect(() => net.core('a').readIndex(new Uint8Array())).toThrow(RangeError)
  })
})

describe('lease reads', () => {
  it('the leader answers at once, without a heartbeat round', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { readOnly: 'lease' } })
    net.campaign('a')
    net.propose('a', 'x')
    const commit = net.core('a').status().commit
    net.core('a').readIndex(bytes('lease'))
    net.collect()
    expect(reads(net, 'a')).toEqual([[commit, 'lease']])
    expect(net.takeQueued().filter(m => m.type === 'heartbeat')).toEqual([])
  })

  it('needs check-quorum', () => {
    expect(() => new RaftNetwork({ voters: ['a'], options: { readOnly: 'lease', checkQuorum: false } })).toThrow(RangeError)
  })
})
