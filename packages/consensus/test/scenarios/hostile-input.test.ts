import { describe, expect, it } from '@jest/globals'
import {
  CorruptSnapshotError,
  ImplausibleTermError,
  InconsistentAppendError,
  InvalidRaftMessageError,
  NonMemberMessageError
} from '../../src/errors.js'
import { RaftCore } from '../../src/raft/core/raft-core.js'
import type { AppendMessage, Entry, Message, SnapshotChunkMessage } from '../../src/raft/core/types.js'
import { MemoryLogStorage } from '../../src/storage/memory-log-storage.js'
import { crc32c } from '../../src/util/crc32c.js'
import { bytes, RaftNetwork } from '../unit/core/support/raft-network.js'

/** A three-member group led by a at term 1 with two entries; b is the member under attack. */
function group (): RaftNetwork {
  const net = new RaftNetwork({ voters: ['a', 'b', 'c'] })
  net.campaign('a')
  net.propose('a', 'x')
  return net
}

/** Step `message` into `core`, expect `error`, and check that the core did not change. */
function expectRefused (core: RaftCore, message: Message, error: new (...args: never[]) => Error): void {
  expect(core.hasReady()).toBe(false)
  const before = core.status()
  expect(() => core.step(message)).toThrow(error)
  expect(core.status()).toEqual(before)
  expect(core.hasReady()).toBe(false)
}

function entry (index: number, term: number): Entry {
  return { index, term, type: 'normal', data: bytes(`e${index}`) }
}

function append (fields: Partial<AppendMessage>): AppendMessage {
  return { type: 'append', from: 'a', to: 'b', term: 1, prevIndex: 2, prevTerm: 1, entries: [], commit: 2, ...fields }
}

describe('hostile input to step', () => {
  it('refuses vote requests with a lagging log, stale appends and proposals from non-members (NonMemberMessageError)', () => {
    const net = group()
    const b = net.core('b')
    expectRefused(b, { type: 'preVote', from: 'mallory', to: 'b', term: 2, lastIndex: 1, lastTerm: 1, transfer: false }, NonMemberMessageError)
    expectRefused(b, { type: 'vote', from: 'mallory', to: 'b', term: 2, lastIndex: 1, lastTerm: 1, transfer: true }, NonMemberMessageError)
    expectRefused(b, { type: 'propose', from: 'mallory', to: 'b', term: 0, entries: [entry(0, 0)] }, NonMemberMessageError)
    expectRefused(b, append({ from: 'mallory', term: 0 }), NonMemberMessageError)
    // answers from a member removed since are dropped quietly
    b.step({ type: 'heartbeatResponse', from: 'gone', to: 'b', term: 1, context: new Uint8Array() })
    expect(b.hasReady()).toBe(false)
  })

  it('refuses a leader it does not know while its own leader is alive, accepts it once that leader is silent (a stale configuration), and a joining member accepts any leader', () => {
    const net = group()
    const b = net.core('b')
    const newcomer = append({ from: 'newcomer', term: 2, prevIndex: 2, prevTerm: 1, entries: [entry(3, 2)], commit: 2 })
    expectRefused(b, newcomer, NonMemberMessageError)
    for (let i = 0; i < 10; i++) b.tick() // an election timeout without hearing from a
    b.step(newcomer)
    expect(b.status()).toMatchObject({ term: 2, leader: 'newcomer', lastIndex: 3 })
    // a candidate it does not know, whose log is at least as up to date, may be a voter it has not heard of yet
    b.ready()
    b.step({ type: 'vote', from: 'newcomer-2', to: 'b', term: 3, lastIndex: 3, lastTerm: 2, transfer: true })
    expect(b.ready().messages).toEqual([expect.objectContaining({ type: 'voteResponse', to: 'newcomer-2', reject: false })])
    const joining = new RaftCore({ id: 'j', storage: new MemoryLogStorage(), random: net.random.fork('j') })
    joining.step({ type: 'heartbeat', from: 'anyone', to: 'j', term: 4, commit: 0, context: new Uint8Array() })
    expect(joining.status()).toMatchObject({ term: 4, leader: 'anyone' })
  })

  it('refuses terms implausibly far ahead (ImplausibleTermError)', () => {
    const net = new RaftNetwork({ voters: ['a', 'b', 'c'], options: { maxTermLead: 100 } })
    net.campaign('a')
    const b = net.core('b')
    expectRefused(b, { type: 'heartbeat', from: 'a', to: 'b', term: 102, commit: 1, context: new Uint8Array() }, ImplausibleTermError)
    expectRefused(b, { type: 'preVote', from: 'c', to: 'b', term: 1e12, lastIndex: 1, lastTerm: 1, transfer: false }, ImplausibleTermError)
  })

  it('refuses appends whose entries do not follow prevIndex/prevTerm (InconsistentAppendError)', () => {
    const net = group()
    const b = net.core('b')
    expectRefused(b, append({ entries: [entry(4, 1)] }), InconsistentAppendError)
    expectRefused(b, append({ entries: [entry(3, 1), entry(5, 1)] }), InconsistentAppendError)
    expectRefused(b, append({ term: 3, entries: [entry(3, 3), entry(4, 2)] }), InconsistentAppendError)
    expectRefused(b, append({ entries: [entry(3, 2)] }), InconsistentAppendError)
    expectRefused(b, append({ term: 3, prevTerm: 2, entries: [entry(3, 1)] }), InconsistentAppendError)
    expectRefused(b, append({ prevTerm: 5 }), InconsistentAppendError)
  })

  it('answers a mismatched prevIndex/prevTerm with a normal rejection, and clamps a heartbeat commit', () => {
    const net = group()
    const b = net.core('b')
    b.step(append({ prevIndex: 7, prevTerm: 1, entries: [entry(8, 1)] }))
    const rejection = b.ready().messages[0]
    expect(rejection).toMatchObject({ type: 'appendResponse', reject: true, index: 7, hintIndex: 2, hintTerm: 1 })
    b.step({ type: 'heartbeat', from: 'a', to: 'b', term: 1, commit: 1000, context: new Uint8Array() })
    expect(b.status().commit).toBe(2)
  })

  it('refuses leader-only messages from a member that is not the leader of that term (InvalidRaftMessageError)', () => {
    const net = group()
    expectRefused(net.core('b'), append({ from: 'c' }), InvalidRaftMessageError)
    expectRefused(net.core('b'), { type: 'timeoutNow', from: 'c', to: 'b', term: 1 }, InvalidRaftMessageError)
    expectRefused(net.core('b'), { type: 'readIndexResponse', from: 'c', to: 'b', term: 1, index: 9, context: bytes('r') }, InvalidRaftMessageError)
    // a leader told by another member that it leads the same term
    expectRefused(net.core('a'), { type: 'heartbeat', from: 'c', to: 'a', term: 1, commit: 2, context: new Uint8Array() }, InvalidRaftMessageError)
    // misrouted or self-addressed messages
    expectRefused(net.core('b'), append({ to: 'c' }), InvalidRaftMessageError)
    expectRefused(net.core('b'), append({ from: 'b' }), InvalidRaftMessageError)
    expectRefused(net.core('b'), append({ prevIndex: -1 }), InvalidRaftMessageError)
  })

  it('refuses corrupt snapshot chunks (CorruptSnapshotError), discards the partial snapshot and asks the leader to start over', () => {
    const net = group()
    const b = net.core('b')
    const data = bytes('0123456789abcdefghij')
    const metadata = { index: 10, term: 1, confState: b.status().confState }
    const chunk = (offset: number, size: number, fields: Partial<SnapshotChunkMessage> = {}): SnapshotChunkMessage => ({
      type: 'snapshot', from: 'a', to: 'b', term: 1, metadata, offset, data: data.subarray(offset, offset + size),
      done: offset + size >= data.length, totalSize: data.length, checksum: crc32c(data), ...fields
    })
    const before = b.status()
    const refuse = (message: SnapshotChunkMessage): void => {
      expect(() => b.step(message)).toThrow(CorruptSnapshotError)
      expect(b.status()).toEqual(before)
      expect(b.ready().messages).toEqual([expect.objectContaining({ type: 'snapshotResponse', reject: true, to: 'a' })])
    }
    // a later chunk of a transfer b is not assembling (b may have restarted): a request to start over, not an error
    b.step(chunk(8, 8))
    expect(b.ready().messages).toEqual([expect.objectContaining({ type: 'snapshotResponse', reject: true, to: 'a' })])
    b.step(chunk(0, 8))
    b.ready()
    refuse(chunk(16, 4))
    b.step(chunk(0, 8))
    b.ready()
    refuse(chunk(8, 8, { totalSize: 12 }))
    b.step(chunk(0, 8))
    b.step(chunk(8, 8))
    b.ready()
    refuse(chunk(16, 4, { checksum: crc32c(data) ^ 1, done: true }))
    // a malformed configuration in the metadata is refused before anything else
    const badConf = { ...metadata, confState: { ...metadata.confState, learners: [b.status().confState.voters[0]] } }
    expectRefused(b, chunk(0, 8, { metadata: badConf }), InvalidRaftMessageError)
    expectRefused(b, chunk(0, 8, { metadata: { ...metadata, confState: { voters: 'a' } as never } }), InvalidRaftMessageError)
    // a whole, correct transfer still installs
    b.step(chunk(0, 8))
    b.step(chunk(8, 8))
    b.step(chunk(16, 4))
    expect(b.status()).toMatchObject({ commit: 10, lastIndex: 10 })
    const ready = b.ready()
    expect(ready.snapshot?.data).toEqual(data)
  })
})
