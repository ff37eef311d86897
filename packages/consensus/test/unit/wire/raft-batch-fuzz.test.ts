import { describe, expect, it } from '@jest/globals'
import { SeededRandom } from '@meshwork/core-mesh/testkit'
import { decodeRaftBatch, encodeRaftBatch } from '../../../src/wire/raft-batch-codec.js'
import { randomBatch, randomBytes } from './raft-wire-fixtures.js'

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed)

/**
 * Decodes `bytes`; anything but a `MalformedRaftMessageError` is a failure that names the seed and
 * the input. What does decode must re-encode to a batch that decodes to the same value.
 */
function decodeOnlyMalformed (bytes: Uint8Array, what: string): 'ok' | 'malformed' {
  let items
  try {
    items = decodeRaftBatch(bytes)
  } catch (err) {
    if ((err as Error).name === 'MalformedRaftMessageError') return 'malformed'
    throw new Error(`${what} (seed ${SEED}, FUZZ_SEED=${SEED} to repeat) threw ${(err as Error).name}: ${(err as Error).message}; input ${Buffer.from(bytes).toString('hex')}`)
  }
  if (!sameBytes(encodeRaftBatch(decodeRaftBatch(encodeRaftBatch(items))), encodeRaftBatch(items))) {
    throw new Error(`${what} (seed ${SEED}) decoded to a batch that does not re-encode stably; input ${Buffer.from(bytes).toString('hex')}`)
  }
  return 'ok'
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0
}

describe('Raft wire fuzzing', () => {
  it('round-trips thousands of random valid batches', () => {
    const random = new SeededRandom(SEED)
    for (let i = 0; i < 5000; i++) {
      const items = randomBatch(random)
      const bytes = encodeRaftBatch(items)
      const decoded = decodeRaftBatch(bytes)
      // deep equality (slow in jest) on a tenth of them, the re-encoded bytes on all
      if (i % 10 === 0) expect(decoded).toEqual(items)
      else if (!sameBytes(encodeRaftBatch(decoded), bytes)) expect(decoded).toEqual(items)
    }
  })

  it('throws only MalformedRaftMessageError for random bytes', () => {
    const random = new SeededRandom(SEED).fork('random-bytes')
    for (let i = 0; i < 5000; i++) {
      const bytes = randomBytes(random, 64)
      if (random.chance(0.5) && bytes.length > 0) bytes[0] = 1 // get past the version byte
      decodeOnlyMalformed(bytes, 'random bytes')
    }
  })

  it('throws only MalformedRaftMessageError for every truncation of valid batches', () => {
    const random = new SeededRandom(SEED).fork('truncations')
    let truncations = 0
    for (let i = 0; i < 150; i++) {
      const bytes = encodeRaftBatch(randomBatch(random, 3))
      for (let length = 0; length < bytes.length; length++) {
        // a proper prefix of a batch never decodes: the message count promises more
        if (decodeOnlyMalformed(bytes.subarray(0, length), 'a truncation') !== 'malformed') {
          throw new Error(`a truncation to ${length} bytes decoded (seed ${SEED}): ${Buffer.from(bytes).toString('hex')}`)
        }
        truncations++
      }
    }
    expect(truncations).toBeGreaterThan(5000)
  })

  it('throws only MalformedRaftMessageError for single-bit flips, mutated, inserted and removed bytes', () => {
    const random = new SeededRandom(SEED).fork('mutations')
    const outcomes = { ok: 0, malformed: 0 }
    for (let i = 0; i < 400; i++) {
      const original = encodeRaftBatch(randomBatch(random, 4))
      for (let m = 0; m < 25; m++) {
        let bytes = Uint8Array.from(original)
        const at = random.int(bytes.length)
        const kind = random.int(6)
        if (kind === 0) bytes[at] ^= 1 << random.int(8) // one bit
        else if (kind === 1) bytes[at] = random.int(256) // one byte
        else if (kind === 2) bytes[at] = [0x00, 0x01, 0x7f, 0x80, 0xff][random.int(5)] // varint and boolean edges
        else if (kind === 3) bytes.fill(0xff, at, Math.min(bytes.length, at + 1 + random.int(9))) // a run: huge varints
        else if (kind === 4) bytes = Uint8Array.of(...bytes.subarray(0, at), ...randomBytes(random, 9), ...bytes.subarray(at)) // a field inserted
        else bytes = Uint8Array.of(...bytes.subarray(0, at), ...bytes.subarray(at + 1 + random.int(4))) // a field removed
        outcomes[decodeOnlyMalformed(bytes, 'a mutation')]++
      }
    }
    // both outcomes occur: a flip inside entry data still decodes, a flip in structure does not
    expect(outcomes.ok).toBeGreaterThan(500)
    expect(outcomes.malformed).toBeGreaterThan(500)
  })
})
