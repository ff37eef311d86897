import { describe, expect, it } from '@jest/globals'
import { ProposalDroppedError } from '../../src/errors.js'
import type { AppendMessage } from '../../src/raft/core/types.js'
import { bytes, RaftNetwork } from '../unit/core/support/raft-network.js'

describe('replication flow control', () => {
  it('batches entries by maxMessageBytes (at least one entry per append)', () => {
    const net = new RaftNetwork({ voters: ['a', 'b'], options: { maxMessageBytes: 100 } })
    net.campaign('a')
    net.isolate('b')
    for (let i = 0; i < 10; i++) net.core('a').propose(new Uint8Array(30))
    net.core('a').propose(new Uint8Array(500))
    net.stabilize()
    net.recover()
    net.tick(1)
    const appends = net.delivered.filter((m): m is AppendMessage => m.type === 'append' && m.to === 'b' && m.entries.length > 0)
    const sizes = appends.map(m => m.entries.reduce((sum, e) => sum + e.data.byteLength + 16, 0))
    expect(appends.every((m, i) => m.entries.length === 1 || sizes[i] <= 100)).toBe(true)
    expect(appends.some(m => m.entries.length > 1)).toBe(true)
    expect(net.core('b').status().lastIndex).toBe(12)
  })

  it('keeps at most maxInflightMessages appends in flight to a follower', () => {
    const net = new RaftNetwork({ voters: ['a', 'b'], options: { maxInflightMessages: 3, maxMessageBytes: 1 } })
    net.campaign('a')
    const held = net.drop(message => message.type === 'appendResponse')
    for (let i = 0; i < 10; i++) net.core('a').propose(bytes(`v${i}`))
    net.stabilize()
    const sent = net.delivered.filter((m): m is AppendMessage => m.type === 'append' && m.to === 'b' && m.entries.length > 0 && m.entries[0].index > 1)
    expect(sent.length).toBe(3)
    expect(net.core('a').status().progress?.b).toMatchObject({ state: 'replicate', inflight: 3 })
    held()
    net.tick(3)
    expect(net.member('b').applied.length).toBe(10)
  })

  it('drops proposals beyond maxUncommittedBytes, and accepts them again once committed', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { maxUncommittedBytes: 100 } })
    net.campaign('a')
    net.isolate('b')
    net.isolate('c')
    net.core('a').propose(new Uint8Array(60))
    // a single proposal larger than the limit is taken when nothing is uncommitted
    expect(() => net.core('a').propose(new Uint8Array(60))).toThrow(ProposalDroppedError)
    net.core('a').propose(new Uint8Array(40))
    expect(() => net.core('a').propose(new Uint8Array(1))).toThrow(ProposalDroppedError)
    net.core('a').propose(new Uint8Array(0))
    net.recover()
    net.tick(2)
    net.core('a').propose(new Uint8Array(90))
    net.stabilize()
    expect(net.core('a').status().commit).toBe(net.core('a').status().lastIndex)
  })

  it('a follower reported unreachable goes back to probing', () => {
    const net = new RaftNetwork({ voters: ['a', 'b'] })
    net.campaign('a')
    expect(net.core('a').status().progress?.b.state).toBe('replicate')
    net.core('a').reportUnreachable('b')
    expect(net.core('a').status().progress?.b.state).toBe('probe')
    net.propose('a', 'x')
    expect(net.core('a').status().progress?.b.state).toBe('replicate')
  })
})
