import { describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { IdentitySigner } from '@meshwork/core-mesh'
import { VirtualClock } from '@meshwork/core-mesh/testkit'
import { PeerReputation } from '../../src/validation/peer-reputation.js'
import { ValidationPipeline, type ValidationOptions } from '../../src/validation/validation-pipeline.js'
import { decodeEnvelope, encodeEnvelope } from '../../src/validation/signed-envelope.js'

const EPOCH = 1_800_000_000_000

async function party (options: ValidationOptions & { known?: (origin: string) => boolean } = {}) {
  const clock = new VirtualClock()
  const wall = (): number => EPOCH + clock.now()
  const signer = new IdentitySigner(await generateKeyPair('Ed25519'))
  const reputation = new PeerReputation({ clock })
  const pipeline = new ValidationPipeline({ ...options, signer, clock, wallClock: wall, reputation, isKnownSender: options.known })
  return { clock, signer, reputation, pipeline }
}

describe('ValidationPipeline', () => {
  it('accepts a sealed message from its author and from an honest relay, and rewards both', async () => {
    const alice = await party()
    const bob = await party()
    const { bytes, id } = alice.pipeline.seal('chat', new TextEncoder().encode('hi'))
    const checked = bob.pipeline.check(bytes, alice.signer.peerId)
    expect(checked.id).toBe(id)
    expect(checked.duplicate).toBe(false)
    expect(new TextDecoder().decode(checked.envelope.payload)).toBe('hi')
    expect(bob.reputation.score(alice.signer.peerId)).toBeGreaterThan(0)
    const relay = 'relay-peer'
    const second = alice.pipeline.seal('chat', new Uint8Array([1]))
    expect(bob.pipeline.check(second.bytes, relay).envelope.origin).toBe(alice.signer.peerId)
    expect(bob.reputation.score(relay)).toBeGreaterThan(0)
  })

  it('refuses a tampered payload or a forged origin with InvalidSignatureError and charges the sender', async () => {
    const alice = await party()
    const bob = await party()
    const mallory = 'mallory'
    const envelope = decodeEnvelope(alice.pipeline.seal('chat', new Uint8Array([1, 2, 3])).bytes)
    const tampered = encodeEnvelope({ ...envelope, payload: new Uint8Array([1, 2, 4]) })
    expect(() => bob.pipeline.check(tampered, mallory)).toThrow(expect.objectContaining({ name: 'InvalidSignatureError', penalise: true }))
    const forged = encodeEnvelope({ ...envelope, origin: bob.signer.peerId })
    expect(() => bob.pipeline.check(forged, mallory)).toThrow(expect.objectContaining({ name: 'InvalidSignatureError' }))
    expect(bob.reputation.score(mallory)).toBeLessThan(0)
    expect(bob.reputation.score(alice.signer.peerId)).toBe(0)
  })

  it('refuses replays outside the window and messages from the future, without charging the relay', async () => {
    const alice = await party({ replayWindowMs: 60_000, maxClockSkewMs: 5_000 })
    const bob = await party({ replayWindowMs: 60_000, maxClockSkewMs: 5_000 })
    const old = alice.pipeline.seal('t', new Uint8Array([1])).bytes
    bob.clock.advance(60_001)
    expect(() => bob.pipeline.check(old, 'relay')).toThrow(expect.objectContaining({ name: 'StaleMessageError', penalise: false }))
    alice.clock.advance(60_001 + 5_001 + 1)
    const early = alice.pipeline.seal('t', new Uint8Array([1])).bytes
    expect(() => bob.pipeline.check(early, 'relay')).toThrow(expect.objectContaining({ name: 'FutureMessageError', penalise: false }))
    expect(bob.reputation.score('relay')).toBe(0)
  })

  it('refuses oversized messages before decoding them, and refuses to seal one', async () => {
    const bob = await party({ maxMessageBytes: 1024 })
    expect(() => bob.pipeline.check(new Uint8Array(1025), 'big')).toThrow(expect.objectContaining({ name: 'MessageTooLargeError', penalise: true }))
    expect(() => bob.pipeline.seal('t', new Uint8Array(1100))).toThrow(expect.objectContaining({ name: 'MessageTooLargeError' }))
  })

  it('refuses unknown senders when a membership says who is known', async () => {
    const alice = await party()
    const bob = await party({ known: origin => origin !== alice.signer.peerId })
    expect(() => bob.pipeline.check(alice.pipeline.seal('t', new Uint8Array()).bytes, 'relay'))
      .toThrow(expect.objectContaining({ name: 'UnknownSenderError', penalise: false }))
  })

  it('limits each origin and charges it only when it sent the copy itself', async () => {
    const alice = await party()
    const bob = await party({ originRatePerSecond: 10, originBurst: 5 })
    for (let i = 0; i < 5; i++) bob.pipeline.check(alice.pipeline.seal('t', new Uint8Array([i])).bytes, 'relay')
    expect(() => bob.pipeline.check(alice.pipeline.seal('t', new Uint8Array()).bytes, 'relay'))
      .toThrow(expect.objectContaining({ name: 'OriginRateLimitedError', penalise: false }))
    expect(() => bob.pipeline.check(alice.pipeline.seal('t', new Uint8Array()).bytes, alice.signer.peerId))
      .toThrow(expect.objectContaining({ name: 'OriginRateLimitedError', penalise: true }))
    bob.clock.advance(2_000)
    expect(bob.pipeline.check(alice.pipeline.seal('t', new Uint8Array()).bytes, 'relay').duplicate).toBe(false)
  })

  it('a refused message takes no token: an origin over its rate is let back in once it earns one', async () => {
    const alice = await party({ originRatePerSecond: 1_000, originBurst: 1_000 })
    const bob = await party({ originRatePerSecond: 10, originBurst: 5 })
    for (let i = 0; i < 5; i++) bob.pipeline.check(alice.pipeline.seal('t', new Uint8Array([i])).bytes, 'relay')
    for (let i = 0; i < 50; i++) {
      expect(() => bob.pipeline.check(alice.pipeline.seal('t', new Uint8Array()).bytes, 'relay'))
        .toThrow(expect.objectContaining({ name: 'OriginRateLimitedError' }))
    }
    // One token accrues in 100 ms at 10/s; the 50 refusals above must not have put alice in debt.
    bob.clock.advance(100)
    expect(bob.pipeline.check(alice.pipeline.seal('t', new Uint8Array()).bytes, 'relay').duplicate).toBe(false)
  })

  it('seal applies our own origin rate, so an honest fast publisher is refused locally and never charged remotely', async () => {
    const limits = { originRatePerSecond: 10, originBurst: 3 }
    const alice = await party(limits)
    const bob = await party(limits)
    const sealed = Array.from({ length: 3 }, (_, i) => alice.pipeline.seal('t', new Uint8Array([i])))
    let refused: unknown
    try {
      alice.pipeline.seal('t', new Uint8Array([3]))
    } catch (err) {
      refused = err
    }
    expect(refused).toMatchObject({ name: 'OriginRateLimitedError', origin: alice.signer.peerId, penalise: false })
    // Everything alice did seal fits bob's budget for her, even sent by alice herself.
    for (const { bytes } of sealed) bob.pipeline.check(bytes, alice.signer.peerId)
    expect(bob.reputation.score(alice.signer.peerId)).toBeGreaterThan(0)
    alice.clock.advance(100)
    expect(alice.pipeline.seal('t', new Uint8Array([4])).id).toMatch(new RegExp(`^${alice.signer.peerId}/`))
    // An oversized payload is refused before it costs a token.
    const small = await party({ ...limits, maxMessageBytes: 256 })
    for (let i = 0; i < 10; i++) expect(() => small.pipeline.seal('t', new Uint8Array(257))).toThrow(expect.objectContaining({ name: 'MessageTooLargeError' }))
    for (let i = 0; i < 3; i++) small.pipeline.seal('t', new Uint8Array(1))
  })

  it('a repaired copy of an accepted message is a duplicate: it never meets the rate check again', async () => {
    const alice = await party()
    const bob = await party({ originRatePerSecond: 1, originBurst: 1 })
    const { bytes, id } = alice.pipeline.seal('t', new Uint8Array([1]))
    const held = new Set<string>()
    expect(bob.pipeline.check(bytes, alice.signer.peerId, { isDuplicate: seen => held.has(seen) }).duplicate).toBe(false)
    held.add(id)
    for (const from of [alice.signer.peerId, 'relay', 'grafted-peer']) {
      expect(bob.pipeline.check(bytes, from, { isDuplicate: seen => held.has(seen) }).duplicate).toBe(true)
    }
    expect(bob.reputation.score(alice.signer.peerId)).toBeGreaterThanOrEqual(0)
  })

  it('skips the expensive checks for a message the caller already holds', async () => {
    const alice = await party()
    const bob = await party()
    const { bytes, id } = alice.pipeline.seal('t', new Uint8Array([9]))
    const checked = bob.pipeline.check(bytes, 'relay', { isDuplicate: seen => seen === id })
    expect(checked.duplicate).toBe(true)
  })

  it('graylists a peer that keeps sending bad messages, and forgives it with time', async () => {
    const bob = await party()
    const graylisted: string[] = []
    const reputation = new PeerReputation({ clock: bob.clock, penalty: 10, graylistThreshold: -30, decayHalfLifeMs: 60_000, onGraylisted: peer => graylisted.push(peer) })
    const pipeline = new ValidationPipeline({ signer: bob.signer, clock: bob.clock, reputation })
    for (let i = 0; i < 3; i++) expect(() => pipeline.check(new Uint8Array([0xff, 0xff, 0xff]), 'mallory')).toThrow(expect.objectContaining({ name: 'MalformedGossipError' }))
    expect(graylisted).toEqual(['mallory'])
    expect(() => pipeline.check(new Uint8Array([1]), 'mallory')).toThrow(expect.objectContaining({ name: 'GraylistedPeerError', penalise: false }))
    bob.clock.advance(120_000)
    expect(reputation.isGraylisted('mallory')).toBe(false)
  })
})
