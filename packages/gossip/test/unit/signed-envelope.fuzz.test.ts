import { describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { IdentitySigner } from '@meshwork/core-mesh'
import { runSeeded, SeededRandom, seedsFromEnv, VirtualClock } from '@meshwork/core-mesh/testkit'
import { MessageValidationError } from '../../src/errors.js'
import { PeerReputation } from '../../src/validation/peer-reputation.js'
import { ValidationPipeline } from '../../src/validation/validation-pipeline.js'

describe('signed envelope decoding and checking, fuzzed', () => {
  it('lets only MessageValidationErrors escape, and never accepts a changed message', async () => {
    const clock = new VirtualClock()
    const author = new IdentitySigner(await generateKeyPair('Ed25519'))
    const reader = new IdentitySigner(await generateKeyPair('Ed25519'))
    const sealer = new ValidationPipeline({ signer: author, clock, reputation: new PeerReputation({ clock }), originRatePerSecond: 1e9, originBurst: 1e9 })
    const pipeline = new ValidationPipeline({ signer: reader, clock, reputation: new PeerReputation({ clock, penalty: 0 }), originRatePerSecond: 1e9, originBurst: 1e9 })
    const outcomes = { refused: 0, accepted: 0 }
    await runSeeded(seedsFromEnv(300), seed => {
      const random = new SeededRandom(seed)
      const payload = new Uint8Array(random.int(200)).map(() => random.int(256))
      const original = sealer.seal(`topic-${random.int(5)}`, payload).bytes
      const candidates: Uint8Array[] = [
        new Uint8Array(random.int(300)).map(() => random.int(256)),
        original.subarray(0, random.int(original.byteLength))
      ]
      const flipped = Uint8Array.from(original)
      flipped[random.int(flipped.byteLength)] ^= 1 + random.int(255)
      candidates.push(flipped)
      for (const bytes of candidates) {
        try {
          pipeline.check(bytes, 'fuzzer')
          outcomes.accepted++
          throw new Error(`seed ${seed}: a changed or random message was accepted`)
        } catch (err) {
          if (!(err instanceof MessageValidationError)) throw err
          outcomes.refused++
        }
      }
      expect(pipeline.check(original, 'fuzzer').duplicate).toBe(false)
    })
    expect(outcomes.accepted).toBe(0)
    expect(outcomes.refused).toBeGreaterThan(0)
  })
})
