import { describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { IdentitySigner } from '@meshwork/core-mesh'
import type { AliveUpdate, DeadUpdate, SuspectUpdate, UnsignedUpdate } from '../../src/membership/core/messages.js'
import { decodeSwimMessage, encodeSwimMessage } from '../../src/membership/membership-codec.js'
import { identityUpdateSigner, UpdateVerifier } from '../../src/membership/update-signatures.js'

const alice = new IdentitySigner(await generateKeyPair('Ed25519'))
const bob = new IdentitySigner(await generateKeyPair('Ed25519'))
const mallory = new IdentitySigner(await generateKeyPair('Ed25519'))

function signed<T extends UnsignedUpdate> (signer: IdentitySigner, update: T): T & { signature: Uint8Array } {
  return { ...update, signature: identityUpdateSigner(signer).sign(update) }
}

/** Mallory signs with her own key but names someone else: the forgery the verifier must catch. */
function forged<T extends UnsignedUpdate> (update: T): T & { signature: Uint8Array } {
  return { ...update, signature: mallory.sign(new TextEncoder().encode(JSON.stringify(update))) }
}

const aliceAlive: Omit<AliveUpdate, 'signature'> = {
  type: 'alive', member: alice.peerId, incarnation: 3, addresses: ['/ip4/10.0.0.1/tcp/4001'], metadata: { region: 'eu', roles: ['db'], tags: { zone: 'a', rack: '7' } }
}

describe('membership claims are signed by their author', () => {
  it('accepts an alive claim signed by the member, after a trip over the wire', () => {
    const verifier = new UpdateVerifier(bob)
    const claim = signed(alice, aliceAlive)
    const [received] = (decodeSwimMessage(encodeSwimMessage({ type: 'gossip', updates: [claim] })) as { updates: AliveUpdate[] }).updates
    expect(() => { verifier.verify(received) }).not.toThrow()
    expect(received.metadata).toEqual(aliceAlive.metadata)
  })

  it('signs tags in a canonical order, so insertion order does not matter', () => {
    const verifier = new UpdateVerifier(bob)
    const claim = signed(alice, aliceAlive)
    expect(() => { verifier.verify({ ...claim, metadata: { ...claim.metadata, tags: { rack: '7', zone: 'a' } } }) }).not.toThrow()
  })

  it('refuses to sign a claim in someone else\'s name', () => {
    expect(() => identityUpdateSigner(mallory).sign(aliceAlive)).toThrow(RangeError)
  })

  it('refuses forged claims: someone else marked alive, suspect or dead', () => {
    const verifier = new UpdateVerifier(bob)
    const forgedAlive = { ...signed(mallory, { ...aliceAlive, member: mallory.peerId }), member: alice.peerId, incarnation: 99 }
    expect(() => { verifier.verify(forgedAlive) }).toThrow(expect.objectContaining({ name: 'ForgedUpdateError', penalise: true }))
    const forgedSuspect: SuspectUpdate = forged({ type: 'suspect', member: alice.peerId, incarnation: 3, from: bob.peerId })
    expect(() => { verifier.verify(forgedSuspect) }).toThrow(expect.objectContaining({ name: 'ForgedUpdateError' }))
    const forgedLeave: DeadUpdate = forged({ type: 'dead', member: alice.peerId, incarnation: 3, from: alice.peerId })
    expect(() => { verifier.verify(forgedLeave) }).toThrow(expect.objectContaining({ name: 'ForgedUpdateError' }))
  })

  it('refuses a genuine claim whose fields were changed afterwards', () => {
    const verifier = new UpdateVerifier(bob)
    const claim = signed(alice, aliceAlive)
    for (const changed of [
      { ...claim, incarnation: 4 },
      { ...claim, addresses: ['/ip4/6.6.6.6/tcp/1'] },
      { ...claim, metadata: { ...claim.metadata, region: 'us' } }
    ]) expect(() => { verifier.verify(changed) }).toThrow(expect.objectContaining({ name: 'ForgedUpdateError' }))
    const accusation = signed(bob, { type: 'dead', member: alice.peerId, incarnation: 3, from: bob.peerId } as const)
    expect(() => { verifier.verify(accusation) }).not.toThrow()
    expect(() => { verifier.verify({ ...accusation, incarnation: 5 }) }).toThrow(expect.objectContaining({ name: 'ForgedUpdateError' }))
  })
})
