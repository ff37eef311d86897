import { describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { IdentitySigner } from '../../src/identity-signer.js'

describe('IdentitySigner', () => {
  it('signs with the node key and verifies against the author id alone', async () => {
    const alice = new IdentitySigner(await generateKeyPair('Ed25519'))
    const bob = new IdentitySigner(await generateKeyPair('Ed25519'))
    const data = new TextEncoder().encode('meshwork/test\0hello')
    const signature = alice.sign(data)
    expect(bob.verify(alice.peerId, data, signature)).toBe(true)
    expect(bob.verify(bob.peerId, data, signature)).toBe(false)
    const tampered = Uint8Array.from(data); tampered[0] ^= 1
    expect(bob.verify(alice.peerId, tampered, signature)).toBe(false)
  })

  it('returns false, never throws, for malformed signatures and ids', async () => {
    const signer = new IdentitySigner(await generateKeyPair('Ed25519'))
    const data = new Uint8Array([1, 2, 3])
    expect(signer.verify(signer.peerId, data, new Uint8Array(3))).toBe(false)
    expect(signer.verify(signer.peerId, data, new Uint8Array(0))).toBe(false)
    expect(signer.verify('not-a-peer-id', data, signer.sign(data))).toBe(false)
    expect(signer.verify('', data, signer.sign(data))).toBe(false)
  })
})
