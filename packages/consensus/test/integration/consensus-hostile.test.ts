import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createMeshNode, type MeshEvents, type MeshNode } from '@meshwork/core-mesh'
import { RAFT_PROTOCOL } from '../../src/constants.js'
import { CONTROL_GROUP } from '../../src/service/consensus-api.js'
import type { Message } from '../../src/raft/core/types.js'
import { encodeRaftBatch } from '../../src/wire/raft-batch-codec.js'
import { ConsensusFixture, eventually, text, utf8, type ConsensusMember } from './consensus-fixtures.js'

/**
 * A non-member speaking the Raft protocol to a 3-voter group: every kind of bad message is
 * refused with a typed error, only the attacker is reported, and the group neither changes
 * term nor stops serving.
 */
describe('hostile Raft peers', () => {
  const fixture = new ConsensusFixture()
  const violations: Array<MeshEvents['violation']> = []
  let members: ConsensusMember[]
  const attackers: MeshNode[] = []
  let target: ConsensusMember

  beforeAll(async () => {
    members = await fixture.cluster(3)
    await eventually(() => members.every(m => m.consensus.status().groups[0].voters.length === 3), '3 voters', 20_000)
    for (const member of members) member.node.addEventListener('violation', event => { violations.push(event.detail) })
    target = members.find(m => m.consensus.status().groups[0].role !== 'leader') ?? members[0]
  }, 60_000)

  afterAll(async () => {
    await Promise.all(attackers.map(async node => { await node.stop() }))
    await fixture.stopAll()
  })

  /** A fresh non-member (a new identity each time: the node disconnects a peer whose reputation hits the floor). */
  async function attacker (): Promise<MeshNode> {
    const node = await createMeshNode({ transport: 'tcp', listen: ['/ip4/127.0.0.1/tcp/0'], heartbeat: { intervalMs: 5_000, timeoutMs: 5_000 } })
    await node.start()
    await node.join([target.address])
    attackers.push(node)
    return node
  }

  /** Sends one frame on a fresh Raft channel and waits until the member closes it. */
  async function sendAndExpectClosed (mallory: MeshNode, frame: Uint8Array): Promise<void> {
    const channel = await mallory.openChannel(target.id, { protocol: RAFT_PROTOCOL })
    await channel.send(frame)
    const ended = (async () => { try { for await (const _ of channel) { /* nothing is ever answered */ } } catch {} })()
    await expect(Promise.race([ended.then(() => 'closed'), new Promise(resolve => setTimeout(resolve, 10_000, 'still open'))])).resolves.toBe('closed')
  }

  const base = (mallory: MeshNode, overrides: Partial<Message>): Message => ({
    type: 'append', from: mallory.peerId, to: target.id, term: 1, prevIndex: 0, prevTerm: 0, entries: [], commit: 0, ...overrides
  } as Message)

  it('refuses each bad message with a typed error, reports only the attacker, and keeps the group serving', async () => {
    const term = target.consensus.status().groups[0].term
    const leader = target.consensus.status().groups[0].leader as string
    const cases: Array<[string, (mallory: MeshNode) => Uint8Array]> = [
      ['undecodable bytes', () => new Uint8Array([0xde, 0xad, 0xbe, 0xef])],
      ['a sender id that is not the channel\'s peer', m => encodeRaftBatch([{ group: CONTROL_GROUP, message: base(m, { from: leader, term: term + 1 }) }])],
      ['an append from a non-member at the current term', m => encodeRaftBatch([{ group: CONTROL_GROUP, message: base(m, { term }) }])],
      ['a vote request from a non-member at a huge term', m => encodeRaftBatch([{ group: CONTROL_GROUP, message: { type: 'vote', from: m.peerId, to: target.id, term: 2 ** 52, lastIndex: 1e9, lastTerm: 2 ** 52, transfer: false } }])],
      ['an append from a non-member claiming a newer term', m => encodeRaftBatch([{ group: CONTROL_GROUP, message: base(m, { term: term + 5, commit: 1_000 }) }])],
      ['an append with entries that do not follow prevIndex', m => encodeRaftBatch([{ group: CONTROL_GROUP, message: base(m, { term, prevIndex: 3, prevTerm: 1, entries: [{ index: 9, term: 1, type: 'normal', data: utf8('x') }] }) }])]
    ]
    for (const [what, frame] of cases) {
      const mallory = await attacker()
      const before = violations.length
      await sendAndExpectClosed(mallory, frame(mallory))
      await eventually(() => violations.length > before, `a violation for ${what}`, 10_000)
    }
    const attackerIds = new Set(attackers.map(node => node.peerId))
    expect(violations.every(v => attackerIds.has(v.peer) && v.protocol === RAFT_PROTOCOL)).toBe(true)
    expect(violations.map(v => v.error.name)).toEqual(expect.arrayContaining(['MalformedRaftMessageError', 'InvalidRaftMessageError']))
    // While the group's leader is alive, leader messages from outside the group are refused as
    // coming from a non-member, whatever term they claim.
    expect(violations.map(v => v.error.name)).toEqual([
      'MalformedRaftMessageError', 'InvalidRaftMessageError', 'NonMemberMessageError', 'ImplausibleTermError', 'NonMemberMessageError', 'NonMemberMessageError'
    ])

    // Nothing was applied and nobody was disrupted: same term, same leader, writes go on.
    const after = target.consensus.status().groups[0]
    expect(after.term).toBe(term)
    expect(after.leader).toBe(leader)
    await target.consensus.kv.put('still', utf8('serving'))
    expect(text((await members[2].consensus.kv.get('still'))?.value)).toBe('serving')
  }, 90_000)
})
