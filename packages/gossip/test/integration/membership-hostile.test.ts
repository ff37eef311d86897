import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createMeshNode, IdentitySigner, type MeshEvents, type MeshNode } from '@meshwork/core-mesh'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { SWIM_PROTOCOL } from '../../src/constants.js'
import type { DeadUpdate, MembershipUpdate, UnsignedUpdate } from '../../src/membership/core/messages.js'
import { encodeSwimMessage } from '../../src/membership/membership-codec.js'
import { identityUpdateSigner } from '../../src/membership/update-signatures.js'
import { allAlive, eventually, MembershipFixture, type MemberNode, stateOf } from './membership-fixtures.js'

/**
 * A peer that is not a member speaks SWIM to a member: forged claims (in other members'
 * names), then undecodable bytes. Each time only its channel closes and only it is reported;
 * the members' lists stay true and they keep serving each other.
 */
const fixture = new MembershipFixture()
let a: MemberNode, b: MemberNode, c: MemberNode
let mallory: MeshNode
let malloryKey: IdentitySigner
const violations: Array<MeshEvents['violation']> = []

beforeAll(async () => {
  a = await fixture.node()
  b = await fixture.node({}, { bootstrap: [a.address] })
  c = await fixture.node({}, { bootstrap: [a.address] })
  await eventually(() => allAlive([a, b, c]), 'three members alive', 20_000)
  for (const member of [a, b, c]) member.node.addEventListener('violation', event => { violations.push(event.detail) })
  const key = await generateKeyPair('Ed25519')
  malloryKey = new IdentitySigner(key)
  mallory = await createMeshNode({ transport: 'tcp', listen: ['/ip4/127.0.0.1/tcp/0'], heartbeat: { intervalMs: 30_000, timeoutMs: 30_000 }, bootstrap: [a.address] })
  await mallory.start()
  await eventually(() => mallory.connectedPeers().includes(a.id), 'mallory connected to a', 10_000)
}, 60_000)

afterAll(async () => {
  await mallory?.stop()
  await fixture.stopAll()
})

/** Send one raw SWIM frame to `a` on a fresh channel; resolves when `a` has closed that channel. */
async function sendToA (frame: Uint8Array): Promise<void> {
  const channel = await mallory.openChannel(a.id, { protocol: SWIM_PROTOCOL })
  await channel.send(frame)
  try {
    for await (const _ of channel) { /* a says nothing back to garbage */ }
  } catch (err) {
    if ((err as Error).name !== 'StreamResetError') throw err // a closes the channel by resetting it
  }
}

function signedBy (signer: IdentitySigner, update: UnsignedUpdate): MembershipUpdate {
  return { ...update, signature: identityUpdateSigner(signer).sign(update) } as MembershipUpdate
}

describe('SWIM under hostile input', () => {
  it('refuses claims made in another member\'s name, closing only the forger\'s channel', async () => {
    const bIncarnation = a.membership.member(b.id)?.incarnation ?? 0
    // Mallory's own alive claim, relabelled as b's with a huge incarnation: "b is alive, at my address".
    const own = signedBy(malloryKey, { type: 'alive', member: malloryKey.peerId, incarnation: 1_000_000, addresses: mallory.addresses(), metadata: { roles: [], tags: {} } })
    const forgedAlive = { ...own, member: b.id }
    await sendToA(encodeSwimMessage({ type: 'gossip', updates: [forgedAlive] }))
    // "c left", signed by Mallory but claiming to come from c.
    const leave = signedBy(malloryKey, { type: 'dead', member: malloryKey.peerId, incarnation: 5, from: malloryKey.peerId })
    await sendToA(encodeSwimMessage({ type: 'gossip', updates: [{ ...(leave as DeadUpdate), member: c.id, from: c.id }] }))

    await eventually(() => violations.filter(v => v.peer === mallory.peerId).length >= 2, 'two violations reported', 10_000)
    expect(violations.map(v => v.error.name)).toEqual(['ForgedUpdateError', 'ForgedUpdateError'])
    expect(violations.every(v => v.peer === mallory.peerId && v.protocol === SWIM_PROTOCOL)).toBe(true)
    expect(a.membership.member(b.id)?.incarnation).toBeLessThan(1_000_000)
    expect(a.membership.member(b.id)?.incarnation).toBeGreaterThanOrEqual(bIncarnation)
    expect(a.membership.member(b.id)?.addresses).not.toEqual(mallory.addresses())
    expect(stateOf(a, c.id)).toBe('alive')
  }, 30_000)

  it('lets a signed accusation be refuted: the accused member stays alive everywhere', async () => {
    const before = a.membership.member(b.id)?.incarnation ?? 0
    const accusation = signedBy(malloryKey, { type: 'dead', member: b.id, incarnation: before, from: malloryKey.peerId })
    const channel = await mallory.openChannel(a.id, { protocol: SWIM_PROTOCOL })
    await channel.send(encodeSwimMessage({ type: 'gossip', updates: [accusation] }))
    await eventually(() => [a, c].every(n => stateOf(n, b.id) === 'alive' && (n.membership.member(b.id)?.incarnation ?? 0) > before), 'b refuted the accusation', 15_000)
    await channel.close()
  }, 30_000)

  it('ignores an accusation at an incarnation near the integer limit: the accused is not pushed off the wire', async () => {
    const before = a.membership.member(c.id)?.incarnation ?? 0
    const accusation = signedBy(malloryKey, { type: 'suspect', member: c.id, incarnation: Number.MAX_SAFE_INTEGER, from: malloryKey.peerId })
    const channel = await mallory.openChannel(a.id, { protocol: SWIM_PROTOCOL })
    await channel.send(encodeSwimMessage({ type: 'gossip', updates: [accusation] }))
    await new Promise(resolve => setTimeout(resolve, 1_000))
    expect([a, b].map(n => stateOf(n, c.id))).toEqual(['alive', 'alive'])
    expect(a.membership.member(c.id)?.incarnation ?? 0).toBeLessThan(before + 1_000)
    expect(c.membership.member(c.id)?.incarnation ?? 0).toBeLessThan(before + 1_000)
    expect(violations.filter(v => v.peer !== mallory.peerId)).toEqual([])
    await channel.close()
  }, 30_000)

  it('closes the channel of undecodable frames and keeps serving the members', async () => {
    const count = violations.length
    await sendToA(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
    await eventually(() => violations.length > count, 'a violation for the garbage', 10_000)
    expect(violations.at(-1)?.error.name).toBe('MalformedGossipError')
    const d = await fixture.node({}, { bootstrap: [b.address] })
    await eventually(() => allAlive([a, b, c, d]), 'a new member joins through the same node', 20_000)
    expect(violations.every(v => v.peer === mallory.peerId)).toBe(true)
  }, 40_000)
})
